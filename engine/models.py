"""Database tables: organisations, definition versions, cases, events, files, outbox.

Schema changes go through Alembic (``engine/migrations``); ``madoguchi db upgrade`` applies
them on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC (SQLModel stores and returns UTC)."""
    return dt.datetime.now(dt.UTC)


class Organisation(SQLModel, table=True):
    """A municipality, prefecture or police, by its local government code."""

    __tablename__ = "organisations"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=6, unique=True, description="団体コード with check digit")
    name: str = Field(max_length=100)
    kind: str = Field(max_length=20, default="municipality")


class DefinitionVersion(SQLModel, table=True):
    """A procedure definition as it was when cases were filed under it."""

    __tablename__ = "definition_versions"

    version: str = Field(primary_key=True, max_length=64)
    procedure_id: str = Field(max_length=80, index=True)
    content: dict[str, Any] = Field(sa_type=JSON)
    created_at: dt.datetime = Field(default_factory=utcnow)


class Case(SQLModel, table=True):
    """One filed application (案件)."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("organisation_id", "idempotency_key", name="uq_cases_idempotency"),
        Index("ix_cases_queue", "organisation_id", "department", "state", "due_date", "id"),
        Index("ix_cases_applicant", "applicant_id", "created_at"),
        # The cases a filer (an API integrator) filed, newest first (migration 0002).
        Index("ix_cases_filed_by", "organisation_id", "filed_by", "created_at"),
    )

    id: str = Field(primary_key=True, max_length=32, description="random, not guessable")
    organisation_id: int = Field(foreign_key="organisations.id")
    procedure_id: str = Field(max_length=80)
    definition_version: str = Field(foreign_key="definition_versions.version", max_length=64)
    department: str = Field(max_length=100)
    state: str = Field(max_length=60)
    reference: str = Field(max_length=20, unique=True, description="受付番号, readable aloud")
    channel: str = Field(max_length=20)
    applicant_id: str = Field(max_length=80, description="the resident the case is about")
    filed_by: str = Field(max_length=80)
    idempotency_key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    data: dict[str, Any] = Field(sa_type=JSON, description="the application, PII encrypted")
    outcome: dict[str, Any] = Field(sa_type=JSON, default_factory=dict)
    version: int = Field(default=1, description="optimistic lock; +1 on every change")
    due_date: dt.date | None = None
    paused_since: dt.date | None = None
    assignee: str | None = Field(default=None, max_length=80)
    last_event_hash: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class CaseEvent(SQLModel, table=True):
    """An append-only, hash-chained record of one change of a case."""

    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_id", "seq", name="uq_case_events_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="cases.id", max_length=32)
    seq: int
    at: dt.datetime
    actor_kind: str = Field(max_length=20)
    actor_id: str = Field(max_length=80)
    actor_role: str = Field(max_length=20)
    channel: str = Field(max_length=20)
    trigger: str = Field(max_length=60)
    from_state: str | None = Field(default=None, max_length=60)
    to_state: str = Field(max_length=60)
    changes: dict[str, Any] = Field(sa_type=JSON, default_factory=dict)
    comment: str | None = None
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class Attachment(SQLModel, table=True):
    """A file uploaded with an application, stored content-addressed by sha256."""

    __tablename__ = "attachments"

    id: int | None = Field(default=None, primary_key=True)
    case_id: str | None = Field(default=None, foreign_key="cases.id", max_length=32, index=True)
    sha256: str = Field(max_length=64, index=True)
    name: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int
    field_path: str = Field(max_length=200, default="")
    scanned_at: dt.datetime | None = None
    scan_result: str | None = Field(default=None, max_length=40)
    created_at: dt.datetime = Field(default_factory=utcnow)


class Document(SQLModel, table=True):
    """A document generated for a case (receipt, decision notice...), content-addressed."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("case_id", "document_id", "event_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="cases.id", max_length=32, index=True)
    document_id: str = Field(max_length=60)
    kind: str = Field(max_length=20)
    event_seq: int
    sha256: str = Field(max_length=64)
    content_type: str = Field(max_length=100, default="application/pdf")
    created_at: dt.datetime = Field(default_factory=utcnow)


class OutboxMessage(SQLModel, table=True):
    """A side effect written with the state change, delivered later by a worker."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: str | None = Field(default=None, foreign_key="cases.id", max_length=32, index=True)
    event_seq: int | None = None
    kind: str = Field(max_length=60)
    payload: dict[str, Any] = Field(sa_type=JSON)
    idempotency_key: str = Field(max_length=200, unique=True)
    status: str = Field(
        max_length=12, default="pending", description="pending/delivering/done/failed"
    )
    attempts: int = 0
    next_attempt_at: dt.datetime = Field(default_factory=utcnow)
    locked_by: str | None = Field(default=None, max_length=80)
    locked_until: dt.datetime | None = None
    last_error: str | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)
    delivered_at: dt.datetime | None = None


class Notice(SQLModel, table=True):
    """A notice (お知らせ) for a resident about a case, shown in "my applications"."""

    __tablename__ = "notices"

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="cases.id", max_length=32, index=True)
    recipient_id: str = Field(max_length=80, index=True)
    title_ja: str
    title_en: str
    body_ja: str
    body_en: str
    outbox_key: str = Field(max_length=200, unique=True, description="delivers at most once")
    created_at: dt.datetime = Field(default_factory=utcnow)
    read_at: dt.datetime | None = None


from engine import access_log, notes, visits, worklist_indexes  # noqa: E402,F401 - staff tables
from engine import api_clients as _api_clients  # noqa: E402,F401  # API tables (issue 7)
from engine import api_tokens as _api_tokens  # noqa: E402,F401
from engine import api_uploads as _api_uploads  # noqa: E402,F401
from engine import childcare_models as _childcare  # noqa: E402,F401  # childcare tables (issue 8)
from engine import drafts as _drafts  # noqa: E402,F401  # registers the drafts table (issue 5)
