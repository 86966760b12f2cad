"""Who opened what: every opening of a case, download and My Number unmasking, logged.

Rows are written in the caller's transaction (the request commits once). A refused
attempt is logged too (``action="denied"``), so an administrator sees probing. The log
never holds a My Number: only what was looked at (a case id, a file's name, a field path)
and the reason the staff member gave where one is required.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Index
from sqlmodel import Field, Session, SQLModel, col, select

from engine.actors import Actor
from engine.models import utcnow

ACTIONS = {
    "open_case": ("案件を開いた", "Opened the case"),
    "view_attachment": ("添付ファイルを表示", "Viewed an attachment"),
    "download_document": ("文書をダウンロード", "Downloaded a document"),
    "unmask_my_number": ("個人番号の表示", "Showed a My Number"),
    "denied": ("アクセス拒否", "Access refused"),
    "export": ("データの書き出し", "Exported data"),
}
"""The actions logged, with their labels (ja, en)."""


class AccessLogEntry(SQLModel, table=True):
    """One access by a staff member (who, what, when, why)."""

    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_at", "at", "id"),
        Index("ix_access_log_case", "case_id", "at"),
        Index("ix_access_log_staff", "staff_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow)
    staff_id: str = Field(max_length=80)
    staff_name: str = Field(max_length=100, default="")
    action: str = Field(max_length=30)
    case_id: str | None = Field(default=None, max_length=32)
    target: str = Field(max_length=300, default="")
    reason: str | None = Field(default=None, max_length=500)


def record_access(
    session: Session,
    actor: Actor,
    action: str,
    *,
    case_id: str | None = None,
    target: str = "",
    reason: str | None = None,
    now: dt.datetime | None = None,
) -> AccessLogEntry:
    """Add an entry in the caller's transaction (flushed, not committed)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown access action {action!r}")
    entry = AccessLogEntry(
        at=now or utcnow(),
        staff_id=actor.id,
        staff_name=actor.name[:100],
        action=action,
        case_id=case_id,
        target=target[:300],
        reason=(reason or None) and reason[:500],
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class AccessQuery:
    """Filters for the administrators' view of the log."""

    staff_id: str | None = None
    case_id: str | None = None
    action: str | None = None


def list_access(
    session: Session, query: AccessQuery, *, before_id: int | None = None, limit: int = 100
) -> Sequence[AccessLogEntry]:
    """Entries newest first, a page of ``limit`` older than ``before_id`` (keyset)."""
    stmt = select(AccessLogEntry)
    if query.staff_id:
        stmt = stmt.where(AccessLogEntry.staff_id == query.staff_id)
    if query.case_id:
        stmt = stmt.where(AccessLogEntry.case_id == query.case_id)
    if query.action:
        stmt = stmt.where(AccessLogEntry.action == query.action)
    if before_id is not None:
        stmt = stmt.where(col(AccessLogEntry.id) < before_id)
    return session.exec(stmt.order_by(col(AccessLogEntry.id).desc()).limit(limit)).all()
