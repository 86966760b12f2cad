"""What the resident screens share: the runtime, the logged-in resident, partner adapters."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from flask import abort, current_app
from sqlmodel import Session

from adapters import service
from adapters.base import JpkiVerifier, PublicFundsAccounts, ResidentLogin, ResidentRegistry
from engine.actors import Actor
from engine.definitions.models import Procedure
from engine.life_events import LifeEvents, load_life_events
from engine.runtime import Runtime
from web.i18n import lang
from web.session import current_resident

if TYPE_CHECKING:
    from adapters.mock.card_reader import MockCardReader


def rt() -> Runtime:
    """The engine runtime of this app."""
    runtime: Runtime = current_app.extensions["madoguchi"]
    return runtime


def session() -> Session:
    """A database session for one request (the view commits once)."""
    return Session(rt().db, expire_on_commit=False)


def resident_actor() -> Actor:
    """The logged-in resident as an engine actor (views are behind resident_required)."""
    who = current_resident()
    if who is None:  # pragma: no cover - resident_required runs first
        abort(403)
    return who.actor()


def procedure(procedure_id: str) -> Procedure:
    """A current procedure, or 404."""
    proc = rt().catalog.procedures.get(procedure_id)
    if proc is None:
        abort(404)
    return proc


def today() -> dt.date:
    """The date answers are checked against."""
    return dt.date.today()


def _cached(key: str, build: Any) -> Any:
    store: dict[str, Any] = current_app.extensions.setdefault("madoguchi_citizen", {})
    if key not in store:
        store[key] = build()
    return store[key]


def life_events() -> LifeEvents:
    """The life events of the loaded procedures (read once)."""
    runtime = rt()
    events: LifeEvents = _cached(
        "life_events", lambda: load_life_events(runtime.settings.procedures_dir, runtime.catalog)
    )
    return events


def login_adapter() -> ResidentLogin:
    """The configured resident login (the Digital Authentication App's relying party)."""
    config = rt().adapter_config
    adapter: ResidentLogin = _cached("login", lambda: service.resident_login(config))
    return adapter


def registry() -> ResidentRegistry:
    """The resident registry (住民記録) for prefill."""
    config = rt().adapter_config
    found: ResidentRegistry = _cached("registry", lambda: service.resident_registry(config))
    return found


def accounts() -> PublicFundsAccounts:
    """The public-funds account registry (公金受取口座) for prefill."""
    config = rt().adapter_config
    found: PublicFundsAccounts = _cached("accounts", lambda: service.public_funds_accounts(config))
    return found


def verifier() -> JpkiVerifier:
    """The JPKI signature verifier the engine checks signatures with."""
    config = rt().adapter_config
    found: JpkiVerifier = _cached("verifier", lambda: service.jpki_verifier(config))
    return found


def card_reader() -> MockCardReader | None:
    """The card the resident signs with: the mock card of the demo world, when mocked.

    A real deployment signs in the resident's own device (the Digital Authentication
    App's signing function); there is no server-side reader then.
    """
    config = rt().adapter_config
    if config.get("jpki_verifier") != "mock":
        return None
    from adapters.mock.world import world_from_config

    reader: MockCardReader = _cached("card", lambda: world_from_config(config).card_reader)
    return reader


def texts(ja: str, en: str) -> str:
    """The text in the current language."""
    return en if lang() == "en" else ja
