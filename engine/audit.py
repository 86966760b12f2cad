"""The per-case hash chain over events, and its verification (``madoguchi audit verify``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from engine.models import Case, CaseEvent

GENESIS = "0" * 64


HASHED = (
    "case_id",
    "seq",
    "actor_kind",
    "actor_id",
    "actor_role",
    "channel",
    "trigger",
    "from_state",
    "to_state",
    "changes",
    "comment",
)


def event_hash(ev: Mapping[str, Any]) -> str:
    """sha256 over the previous hash and the canonical JSON of the event's content."""
    body = {k: ev[k] for k in HASHED}
    at: dt.datetime = ev["at"]
    body["at"] = at.astimezone(dt.UTC).isoformat()
    blob = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((ev["prev_hash"] + blob).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """The first link of a case's chain that does not hold."""

    case_id: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"case {self.case_id}: event {self.seq}: {self.reason}"


def verify_case(session: Session, case: Case) -> ChainBreak | None:
    """Recompute one case's chain; the first broken link, or None when it holds."""
    events = session.exec(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(col(CaseEvent.seq))
    ).all()
    prev = GENESIS
    for expected_seq, ev in enumerate(events, start=1):
        if ev.seq != expected_seq:
            return ChainBreak(case.id, expected_seq, f"event {expected_seq} is missing")
        if ev.prev_hash != prev:
            return ChainBreak(case.id, ev.seq, "prev_hash does not match the previous event")
        if event_hash(ev.model_dump()) != ev.hash:
            return ChainBreak(case.id, ev.seq, "content does not match its hash (altered)")
        prev = ev.hash
    if prev != case.last_event_hash:
        return ChainBreak(
            case.id,
            len(events),
            "the last event is not the case's latest (events removed or the case altered)",
        )
    if events and events[-1].to_state != case.state:
        return ChainBreak(case.id, len(events), "the case's state differs from its history")
    return None


def verify(engine: Engine, case_id: str | None = None) -> tuple[int, list[ChainBreak]]:
    """Verify every case (or one); returns how many were checked and the breaks found."""
    breaks: list[ChainBreak] = []
    checked = 0
    with Session(engine) as session:
        query = select(Case).order_by(col(Case.created_at))
        if case_id is not None:
            query = query.where(Case.id == case_id)
        for case in session.exec(query):
            checked += 1
            found = verify_case(session, case)
            if found:
                breaks.append(found)
    return checked, breaks
