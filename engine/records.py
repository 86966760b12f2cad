"""The hot path's data access: case snapshots and pre-built Core statements.

Filing and firing run thousands of times a minute in a surge (a disaster certificate
window opening), so they use SQLAlchemy Core statements built once, with bound
parameters, instead of building ORM objects per call. What they return is a
:class:`CaseRecord`: an immutable snapshot of one case row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select
from sqlmodel import Session

from engine.models import Case, CaseEvent, OutboxMessage

CASES: Table = Case.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models
EVENTS: Table = CaseEvent.__table__  # type: ignore[attr-defined]
OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class CaseRecord:
    """One case as read from (or just written to) the database."""

    id: str
    organisation_id: int
    procedure_id: str
    definition_version: str
    department: str
    state: str
    reference: str
    channel: str
    applicant_id: str
    filed_by: str
    idempotency_key: str
    request_hash: str
    data: dict[str, Any]
    outcome: dict[str, Any]
    version: int
    due_date: dt.date | None
    paused_since: dt.date | None
    assignee: str | None
    last_event_hash: str
    created_at: dt.datetime
    updated_at: dt.datetime


COLUMNS = tuple(f.name for f in fields(CaseRecord))
SELECT_BY_ID = select(*(CASES.c[n] for n in COLUMNS)).where(CASES.c.id == bindparam("id"))
SELECT_BY_KEY = select(*(CASES.c[n] for n in COLUMNS)).where(
    CASES.c.organisation_id == bindparam("org"), CASES.c.idempotency_key == bindparam("key")
)
SELECT_VERSION = select(CASES.c.version).where(CASES.c.id == bindparam("id"))
INSERT_CASE = CASES.insert()
INSERT_EVENT = EVENTS.insert()
INSERT_OUTBOX = OUTBOX.insert()
_CHANGED = (
    "state",
    "version",
    "outcome",
    "due_date",
    "paused_since",
    "last_event_hash",
    "updated_at",
)
_CAS = CASES.update().where(
    CASES.c.id == bindparam("b_id"), CASES.c.version == bindparam("b_version")
)
# Compare-and-swap on the version. The application data is written only when a transition
# edits it (a correction), so an ordinary transition does not re-serialise the whole form.
UPDATE_CASE = _CAS.values({n: bindparam(n) for n in _CHANGED})
UPDATE_CASE_AND_DATA = _CAS.values({n: bindparam(n) for n in (*_CHANGED, "data")})


def _record(row: Any) -> CaseRecord | None:
    return None if row is None else CaseRecord(**row)


def get_case(session: Session | Connection, case_id: str) -> CaseRecord | None:
    """The case with this id, read in the session's (or connection's) transaction."""
    conn = session.connection() if isinstance(session, Session) else session
    return _record(conn.execute(SELECT_BY_ID, {"id": case_id}).mappings().first())


def get_case_by_key(session: Session, org_id: int, key: str) -> CaseRecord | None:
    """The case filed with this idempotency key by this organisation."""
    conn = session.connection()
    return _record(conn.execute(SELECT_BY_KEY, {"org": org_id, "key": key}).mappings().first())


def current_version(session: Session, case_id: str) -> int | None:
    """The version the case has now in the database."""
    value = session.connection().execute(SELECT_VERSION, {"id": case_id}).scalar()
    return None if value is None else int(value)
