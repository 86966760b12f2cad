"""Tables of the childcare procedures: allocation rounds and results, interview bookings.

Imported at the bottom of :mod:`engine.models` so the metadata (and the migration check)
sees them; migration ``0005_childcare`` creates them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from engine.models import utcnow


class AllocationRound(SQLModel, table=True):
    """One run of the allocation (利用調整) over the applications waiting for a place.

    ``draft`` until staff confirm it; confirming fires ``offer``/``waitlist`` on the cases.
    """

    __tablename__ = "allocation_rounds"

    id: str = Field(primary_key=True, max_length=32)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    config_name: str = Field(max_length=40)
    seed: str = Field(max_length=64, description="fixes the final lottery tie-break")
    status: str = Field(max_length=12, default="draft", description="draft/confirmed/discarded")
    applicants: int = 0
    offered: int = 0
    waitlisted: int = 0
    ineligible: int = 0
    created_by: str = Field(max_length=80)
    created_at: dt.datetime = Field(default_factory=utcnow)
    confirmed_by: str | None = Field(default=None, max_length=80)
    confirmed_at: dt.datetime | None = None


class AllocationResult(SQLModel, table=True):
    """What one application gets in a round, with the explanation residents are given."""

    __tablename__ = "allocation_results"
    __table_args__ = (UniqueConstraint("round_id", "case_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: str = Field(foreign_key="allocation_rounds.id", max_length=32, index=True)
    case_id: str = Field(foreign_key="cases.id", max_length=32, index=True)
    case_version: int = Field(description="the case as the round saw it; confirm checks it")
    status: str = Field(max_length=12, description="offered/waitlisted/ineligible")
    facility_code: str | None = Field(default=None, max_length=20)
    choice: int | None = None
    position: int = 0
    points: int = 0
    rank_letter: str = Field(default="", max_length=1)
    explanation_ja: str
    explanation_en: str


class InterviewBooking(SQLModel, table=True):
    """A seat in an interview slot (妊娠届出の面談), held by one pregnancy case.

    A slot has ``capacity`` seats; each live booking holds one seat number, and the
    unique constraint makes two concurrent bookings of the last seat impossible. A
    cancelled booking gives its seat back (``seat`` NULL).
    """

    __tablename__ = "interview_bookings"
    __table_args__ = (
        UniqueConstraint("organisation_id", "slot_start", "place", "seat"),
        Index("ix_interview_bookings_day", "organisation_id", "slot_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id")
    case_id: str = Field(foreign_key="cases.id", max_length=32, index=True)
    slot_start: str = Field(max_length=16, description="local (JST) start, YYYY-MM-DDTHH:MM")
    place: str = Field(max_length=40, description="place code from the booking config")
    seat: int | None = None
    status: str = Field(max_length=12, default="booked", description="booked/cancelled")
    booked_by: str = Field(max_length=80)
    created_at: dt.datetime = Field(default_factory=utcnow)
    cancelled_at: dt.datetime | None = None
