"""Interview bookings for the pregnancy notification (妊娠届出の面談).

After the notification is recorded the resident picks a slot; the slots come from the
municipality's configuration (``procedures/kosodate/booking/<name>.yaml``: opening days
and hours, slot length, places and how many interviews each holds at once).

No overbooking, also when many book at once: a slot of capacity N has seats 1..N and a
booking takes the lowest free seat under a unique constraint, so of two transactions
taking the last seat one fails and tries the next seat (or learns the slot is full). The
booking row and the ``book_interview`` transition are written in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from engine import calendar
from engine.actors import Actor
from engine.cases import fire, load_case
from engine.childcare_models import InterviewBooking
from engine.errors import EngineError, NotFound
from engine.models import utcnow
from engine.records import CaseRecord
from engine.runtime import Runtime
from forms.spec import LocalizedText

PROCEDURE = "ninshin-todoke"
JST = dt.timezone(dt.timedelta(hours=9))
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class SlotFull(EngineError):
    code = "slot_full"


class BookingError(EngineError):
    code = "booking_invalid"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Hours(_Strict):
    start: dt.time
    end: dt.time


class Place(_Strict):
    code: str = Field(pattern=r"^[a-z0-9-]{1,40}$")
    name: LocalizedText
    capacity: int = Field(ge=1, le=50)


class BookingConfig(_Strict):
    """When and where interviews can be booked, and how many at once."""

    name: str
    slot_minutes: int = Field(ge=10, le=240)
    days: list[str] = Field(min_length=1)
    hours: list[Hours] = Field(min_length=1)
    lead_days: int = Field(default=1, ge=0)
    horizon_days: int = Field(default=28, ge=1, le=366)
    closed_dates: list[dt.date] = Field(default_factory=list)
    places: list[Place] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> BookingConfig:
        bad = [d for d in self.days if d not in WEEKDAYS]
        if bad:
            raise ValueError(f"days: unknown {bad} (use {', '.join(WEEKDAYS)})")
        for h in self.hours:
            if h.end <= h.start:
                raise ValueError(f"hours: {h.start}-{h.end} ends before it starts")
        return self

    def place(self, code: str) -> Place | None:
        """The place with ``code``, or None."""
        return next((p for p in self.places if p.code == code), None)

    def opens_on(self, day: dt.date) -> bool:
        """Whether interviews are held on ``day``."""
        if day in self.closed_dates or WEEKDAYS[day.weekday()] not in self.days:
            return False
        # Holidays and the year-end closure; a Saturday listed in ``days`` stays open.
        return calendar.is_business_day(day) or day.weekday() >= 5

    def starts_on(self, day: dt.date) -> list[dt.datetime]:
        """The slot start times (local, naive) of ``day``."""
        if not self.opens_on(day):
            return []
        step = dt.timedelta(minutes=self.slot_minutes)
        out = []
        for h in self.hours:
            t = dt.datetime.combine(day, h.start)
            while t + step <= dt.datetime.combine(day, h.end):
                out.append(t)
                t += step
        return out


def load_booking_config(procedures_dir: Path, name: str = "default") -> BookingConfig:
    """The booking configuration ``name``; a clear error when missing or invalid."""
    path = procedures_dir / "kosodate" / "booking" / f"{name}.yaml"
    if not path.is_file():
        raise BookingError(
            f"面談予約の設定 {path} がありません。", f"Booking configuration {path} is missing."
        )
    try:
        return BookingConfig.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        raise BookingError(
            f"面談予約の設定 {path.name} に誤りがあります: {exc}", f"{path.name} is invalid: {exc}"
        ) from exc


def slot_key(start: dt.datetime) -> str:
    return start.strftime("%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class Slot:
    """A bookable slot at a place, with the seats still free."""

    start: dt.datetime
    place: Place
    free: int

    @property
    def key(self) -> str:
        return slot_key(self.start)

    def label(self) -> tuple[str, str]:
        """How the slot is shown: ("2026年12月1日（火）10:00〜10:30 保健センター…", en)."""
        wd = "月火水木金土日"[self.start.weekday()]
        return (
            f"{self.start.year}年{self.start.month}月{self.start.day}日（{wd}）"
            f"{self.start:%H:%M} {self.place.name.ja}",
            f"{self.start:%a %d %b %Y %H:%M}, {self.place.name.get('en')}",
        )


def _taken(session: Session, org_id: int, first: str, last: str) -> dict[tuple[str, str], int]:
    rows = session.exec(
        select(InterviewBooking.slot_start, InterviewBooking.place, func.count())
        .where(
            col(InterviewBooking.organisation_id) == org_id,
            col(InterviewBooking.seat).is_not(None),
            col(InterviewBooking.slot_start) >= first,
            col(InterviewBooking.slot_start) <= last,
        )
        .group_by(col(InterviewBooking.slot_start), col(InterviewBooking.place))
    ).all()
    return {(s, p): int(n) for s, p, n in rows}


def free_slots(
    rt: Runtime, session: Session, config: BookingConfig, *, now: dt.datetime | None = None
) -> list[Slot]:
    """Slots with a free seat a resident may book now, earliest first."""
    today = (now or utcnow()).astimezone(JST).date()
    first = today + dt.timedelta(days=config.lead_days)
    days = [first + dt.timedelta(days=i) for i in range(config.horizon_days - config.lead_days + 1)]
    starts = [s for d in days for s in config.starts_on(d)]
    if not starts:
        return []
    org = rt.organisation(session).id or 0
    taken = _taken(session, org, slot_key(starts[0]), slot_key(starts[-1]))
    return [
        Slot(s, p, p.capacity - taken.get((slot_key(s), p.code), 0))
        for s in starts
        for p in config.places
        if p.capacity > taken.get((slot_key(s), p.code), 0)
    ]


def active_booking(session: Session, case_id: str) -> InterviewBooking | None:
    """The case's booking that holds a seat, if any."""
    return session.exec(
        select(InterviewBooking).where(
            col(InterviewBooking.case_id) == case_id, col(InterviewBooking.status) == "booked"
        )
    ).first()


def _check_slot(
    config: BookingConfig, start: dt.datetime, place_code: str, today: dt.date
) -> Place:
    place = config.place(place_code)
    if place is None:
        raise BookingError(
            f"場所「{place_code}」は予約できる場所ではありません。",
            f"'{place_code}' is not a place interviews are held at.",
        )
    earliest = today + dt.timedelta(days=config.lead_days)
    latest = today + dt.timedelta(days=config.horizon_days)
    if start not in config.starts_on(start.date()) or not earliest <= start.date() <= latest:
        raise BookingError(
            f"{start:%Y-%m-%d %H:%M} は予約できる枠ではありません。"
            f"{earliest:%m月%d日}から{latest:%m月%d日}までの枠から選んでください。",
            f"{start:%Y-%m-%d %H:%M} is not a bookable slot; pick one between "
            f"{earliest:%d %b} and {latest:%d %b}.",
        )
    return place


def book(
    rt: Runtime,
    session: Session,
    case_id: str,
    start: dt.datetime,
    place_code: str,
    actor: Actor,
    config: BookingConfig,
    *,
    now: dt.datetime | None = None,
) -> CaseRecord:
    """Book the interview of a recorded pregnancy case (the caller commits).

    The resident books their own case; intake staff of the health department book for a
    resident (by phone, at the counter). Raises :class:`SlotFull` when the last seat was
    just taken, :class:`BookingError` for a slot outside the configuration.
    """
    now = now or utcnow()
    case, _ = load_case(rt, session, case_id, actor)
    place = _check_slot(config, start, place_code, now.astimezone(JST).date())
    org = case.organisation_id
    key = slot_key(start)
    for seat in range(1, place.capacity + 1):
        try:
            with session.begin_nested():
                session.add(
                    InterviewBooking(
                        organisation_id=org,
                        case_id=case.id,
                        slot_start=key,
                        place=place.code,
                        seat=seat,
                        booked_by=actor.id,
                        created_at=now,
                    )
                )
        except IntegrityError:
            continue  # someone holds this seat: try the next one
        label_ja, _label_en = Slot(start, place, 0).label()
        end = start + dt.timedelta(minutes=config.slot_minutes)
        return fire(
            rt,
            session,
            case.id,
            "book_interview",
            actor,
            inputs={
                "interview_at": f"{label_ja.split(' ')[0]}〜{end:%H:%M}",
                "interview_place": place.name.ja,
            },
            now=now,
        )
    raise SlotFull(
        "この枠はちょうど満員になりました。別の枠を選んでください。",
        "This slot has just been filled. Please pick another one.",
    )


def cancel(
    rt: Runtime, session: Session, case_id: str, actor: Actor, *, now: dt.datetime | None = None
) -> CaseRecord:
    """Cancel the case's booking and give its seat back (the caller commits)."""
    now = now or utcnow()
    case, _ = load_case(rt, session, case_id, actor)
    booking = active_booking(session, case.id)
    if booking is None:
        raise NotFound("予約が見つかりません。", "No booking found for this case.")
    after = fire(rt, session, case.id, "cancel_interview", actor, now=now)
    booking.status = "cancelled"
    booking.seat = None
    booking.cancelled_at = now
    session.add(booking)
    session.flush()
    return after


@dataclass(frozen=True)
class DayBooking:
    """A booking as staff see it on the day's list."""

    start: str
    place: str
    case_id: str
    reference: str
    name: str
    weeks: int | None
    state: str


def bookings_on(rt: Runtime, session: Session, day: dt.date) -> list[DayBooking]:
    """The live bookings of ``day``, by time and place."""
    from engine.models import Case

    org = rt.organisation(session).id or 0
    rows = session.exec(
        select(InterviewBooking, Case)
        .join(Case, col(Case.id) == col(InterviewBooking.case_id))
        .where(
            col(InterviewBooking.organisation_id) == org,
            col(InterviewBooking.status) == "booked",
            col(InterviewBooking.slot_start) >= f"{day.isoformat()}T00:00",
            col(InterviewBooking.slot_start) <= f"{day.isoformat()}T23:59",
        )
        .order_by(col(InterviewBooking.slot_start), col(InterviewBooking.place))
    ).all()
    return [
        DayBooking(
            b.slot_start[11:],
            b.place,
            c.id,
            c.reference,
            c.data.get("name", ""),
            c.data.get("pregnancy_weeks"),
            c.state,
        )
        for b, c in rows
    ]
