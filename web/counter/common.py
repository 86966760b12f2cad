"""What the counter screens share: the visit of this clerk, the resident, PDFs."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, abort
from sqlmodel import Session

from adapters.mock.personas import PERSONA_KEYS
from adapters.mock.world import world_from_config
from adapters.service import resident_registry
from engine.definitions.models import Procedure
from engine.drafts import Draft, get_draft
from engine.errors import EngineError
from engine.visits import (
    CounterVisit,
    get_visit,
)
from web.staff.common import actor, db_session, rt

NUMBER = re.compile(r"^\d{10}$")


SIGNATURE = re.compile(r"^data:image/png;base64,([A-Za-z0-9+/=]+)$")


MAX_SIGNATURE = 400_000


def world() -> Any:
    """The demo world of the mock card reader (the counter's card reader is the mock)."""
    return world_from_config(rt().adapter_config)


def demo_cards() -> list[dict[str, str]]:
    """The demo cards the mock card reader offers: each persona's main person."""
    population = world().population
    out = []
    for key in PERSONA_KEYS:
        persona = population.persona(key)
        household = population.resident(persona.resident_number)
        out.append(
            {
                "number": persona.resident_number,
                "name": household.name.full,
                "story": persona.title_ja,
            }
        )
    return out


PRE_ENTRY_KEY = "_pre_entry"


QR_PREFIX = "madoguchi:pre-entry:"
"""What the QR code of a pre-entry holds before the draft id (a scanner types it)."""


def pre_entry_draft(code: str) -> Draft | None:
    """The open, unexpired draft a pre-entry QR code names, or None."""
    # Read aloud, the code comes in groups of four: any spaces or hyphens are dropped.
    draft_id = re.sub(r"[\s\-]", "", code.strip().removeprefix(QR_PREFIX)).lower()
    if not re.fullmatch(r"[0-9a-f]{32}", draft_id):
        return None
    with db_session() as session:
        row = session.get(Draft, draft_id)
        if row is None or row.status != "open" or row.purpose != "new":
            return None
        try:
            return get_draft(rt(), session, draft_id, row.resident_id)
        except EngineError:
            return None


def load_visit(session: Session, visit_id: str, *, open_only: bool = True) -> CounterVisit:
    """This clerk's visit (404 for anyone else's); 409 when it is filed and ``open_only``."""
    try:
        visit = get_visit(session, visit_id, actor())
    except EngineError:
        abort(404)
    if open_only and visit.status != "open":
        abort(409)
    return visit


def resident_of(visit: CounterVisit) -> Any:
    """The visit's resident as the registry has them now."""
    return resident_registry(rt().adapter_config).by_resident_number(visit.resident_id)


def procs_of(visit: CounterVisit) -> list[Procedure]:
    """The procedures chosen for the visit."""
    return [rt().catalog.get(p) for p in visit.procedures]


def pdf_response(pdf: bytes, name: str) -> Response:
    """A PDF shown in the browser, not cached."""
    resp = Response(pdf, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f"inline; filename={name}"
    resp.headers["Cache-Control"] = "no-store"
    return resp
