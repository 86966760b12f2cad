"""What the API views share: the runtime, database sessions and the partner adapters."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app
from sqlmodel import Session

from adapters import service
from adapters.base import JpkiVerifier, ResidentRegistry
from engine.runtime import Runtime


def rt() -> Runtime:
    """The engine runtime of this app."""
    runtime: Runtime = current_app.extensions["madoguchi"]
    return runtime


@contextmanager
def transaction() -> Iterator[Session]:
    """A session for one operation; the operation commits once, anything else rolls back."""
    with Session(rt().db, expire_on_commit=False) as session:
        yield session


def _partner(name: str, build: Any) -> Any:
    store: dict[str, Any] = current_app.extensions.setdefault("madoguchi_api_partners", {})
    if name not in store:
        store[name] = build(rt().settings.adapters)
    return store[name]


def verifier() -> JpkiVerifier:
    """The configured JPKI signature verifier (built once per app)."""
    found: JpkiVerifier = _partner("jpki_verifier", service.jpki_verifier)
    return found


def registry() -> ResidentRegistry:
    """The configured resident registry (built once per app)."""
    found: ResidentRegistry = _partner("resident_registry", service.resident_registry)
    return found
