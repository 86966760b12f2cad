"""What staff views share: the engine actor, a database session, errors as messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import abort, current_app
from sqlmodel import Session

from engine.actors import Actor
from engine.errors import EngineError
from engine.runtime import Runtime
from web import runtime
from web.i18n import t
from web.session import StaffLogin, current_staff

WORK_ROLES = ("intake", "review", "approval")
"""Roles that work on cases (the queue and the case page)."""

MANAGER_ROLES = ("approval", "admin")
"""Roles that see the dashboard (決裁権者 and administrators)."""

UNMASK_ROLES = frozenset({"review", "approval"})
"""Roles that may show a My Number in full (with a reason, logged)."""


def rt() -> Runtime:
    """The engine runtime of this app."""
    return runtime(current_app)


def staff() -> StaffLogin:
    """The logged-in staff member (views are guarded, so there is one)."""
    who = current_staff()
    if who is None:  # pragma: no cover - every view is behind staff_required
        abort(401)
    return who


def actor() -> Actor:
    """The engine actor of the logged-in staff member."""
    return staff().actor()


@contextmanager
def db_session() -> Iterator[Session]:
    """A session whose transaction the request commits once, at the end of the block."""
    with Session(rt().db, expire_on_commit=False) as session:
        yield session
        session.commit()


def message(exc: EngineError) -> str:
    """An engine error's message in the current language."""
    return t(exc.ja, exc.en)
