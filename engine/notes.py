"""Internal notes on a case: for staff only, never shown to the resident."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Field, Session, SQLModel, col, select

from engine.actors import Actor
from engine.errors import EngineError
from engine.models import utcnow

MAX_NOTE = 4000


class NoteInvalid(EngineError):
    code = "note_invalid"


class CaseNote(SQLModel, table=True):
    """A note a staff member wrote on a case (append-only)."""

    __tablename__ = "case_notes"

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="cases.id", max_length=32, index=True)
    staff_id: str = Field(max_length=80)
    staff_name: str = Field(max_length=100, default="")
    body: str
    created_at: dt.datetime = Field(default_factory=utcnow)


def add_note(
    session: Session, case_id: str, actor: Actor, body: str, now: dt.datetime | None = None
) -> CaseNote:
    """Add a note (the caller has checked the actor may see the case)."""
    text = body.strip()
    if not text:
        raise NoteInvalid(
            "メモが空です。内容を入力してください。", "The note is empty. Write something."
        )
    if len(text) > MAX_NOTE:
        raise NoteInvalid(
            f"メモは{MAX_NOTE}文字以内で入力してください（現在{len(text)}文字）。",
            f"Keep the note within {MAX_NOTE} characters (it has {len(text)}).",
        )
    note = CaseNote(
        case_id=case_id,
        staff_id=actor.id,
        staff_name=actor.name[:100],
        body=text,
        created_at=now or utcnow(),
    )
    session.add(note)
    session.flush()
    return note


def list_notes(session: Session, case_id: str) -> Sequence[CaseNote]:
    """The notes of a case, oldest first."""
    return session.exec(
        select(CaseNote).where(CaseNote.case_id == case_id).order_by(col(CaseNote.id))
    ).all()
