"""Interview booking for the pregnancy notification: slots, capacity, concurrency, cancel."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from sqlmodel import Session, select

from engine.actors import Actor
from engine.booking import (
    JST,
    BookingConfig,
    BookingError,
    SlotFull,
    active_booking,
    book,
    bookings_on,
    cancel,
    free_slots,
    load_booking_config,
)
from engine.cases import fire, submit
from engine.childcare_models import InterviewBooking
from engine.errors import GuardFailed, InvalidTrigger, NotFound
from engine.models import OutboxMessage
from engine.records import get_case
from engine.runtime import Runtime
from procedures.samples import sample
from tests.engine.conftest import KENKOU, REPO_PROCEDURES, staff

PROC = "ninshin-todoke"
# A Wednesday, so slots two days later are on a Friday.
NOW = dt.datetime(2026, 12, 2, 1, 0, tzinfo=dt.UTC)
CONFIG = load_booking_config(REPO_PROCEDURES)


def _recorded(rt: Runtime, resident: str | None = None) -> tuple[str, Actor]:
    resident = resident or f"R{uuid.uuid4().int % 10**10:010d}"
    actor = Actor.resident(resident)
    with Session(rt.db, expire_on_commit=False) as s:
        case = submit(rt, s, PROC, sample(PROC), actor=actor, applicant_id=resident,
                      channel="online", idempotency_key=uuid.uuid4().hex).case  # fmt: skip
        fire(rt, s, case.id, "receive", staff("intake", dept=KENKOU))
        fire(rt, s, case.id, "record", staff("intake", dept=KENKOU))
        s.commit()
    return case.id, actor


def _one_seat() -> BookingConfig:
    return CONFIG.model_copy(update={"places": [CONFIG.places[1]]})  # capacity 1


SLOT = dt.datetime(2026, 12, 4, 10, 0)  # Friday 10:00 local


def test_slots_follow_the_configuration() -> None:
    assert CONFIG.starts_on(dt.date(2026, 12, 5)) == []  # Saturday
    assert CONFIG.starts_on(dt.date(2026, 12, 29)) == []  # year-end closure
    assert CONFIG.starts_on(dt.date(2027, 1, 11)) == []  # 成人の日
    starts = CONFIG.starts_on(dt.date(2026, 12, 4))
    assert starts[0].time() == dt.time(9, 0)
    assert starts[-1].time() == dt.time(16, 0)
    assert dt.datetime(2026, 12, 4, 12, 0) not in starts  # lunch break
    assert len(starts) == 6 + 7  # 09:00-12:00 and 13:00-16:30 in 30-minute slots


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_resident_books_sees_it_and_cancels(rt: Runtime) -> None:
    case_id, resident = _recorded(rt)
    with Session(rt.db) as s:
        before = {(x.key, x.place.code): x.free for x in free_slots(rt, s, CONFIG, now=NOW)}
        assert before[("2026-12-04T10:00", "hoken-center")] == 2
        after = book(rt, s, case_id, SLOT, "hoken-center", resident, CONFIG, now=NOW)
        s.commit()
        assert after.state == "interview_booked"
        assert after.outcome["interview_at"] == "2026年12月4日（金）10:00〜10:30"
        assert after.outcome["interview_place"].startswith("保健センター")
        free = {(x.key, x.place.code): x.free for x in free_slots(rt, s, CONFIG, now=NOW)}
        assert free[("2026-12-04T10:00", "hoken-center")] == 1
        day = bookings_on(rt, s, dt.date(2026, 12, 4))
        assert [(d.start, d.reference) for d in day] == [("10:00", after.reference)]
        assert day[0].name == "佐藤\u3000美咲"
        with pytest.raises(InvalidTrigger):  # one booking per case
            book(rt, s, case_id, SLOT, "shiyakusho", resident, CONFIG, now=NOW)
    with Session(rt.db) as s:
        cancelled = cancel(rt, s, case_id, resident, now=NOW)
        s.commit()
        assert cancelled.state == "recorded"
        assert active_booking(s, case_id) is None
        assert bookings_on(rt, s, dt.date(2026, 12, 4)) == []
    with Session(rt.db) as s:
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.case_id == case_id)).all()
        titles = [m.payload.get("title_ja") for m in rows if m.kind == "notice"]
    assert "面談のご予約のお知らせ" in titles
    assert "面談の予約を取り消しました" in titles


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_bad_slots_and_strangers_are_refused(rt: Runtime) -> None:
    case_id, resident = _recorded(rt)
    with Session(rt.db) as s:
        with pytest.raises(BookingError, match="not a bookable slot"):
            book(
                rt,
                s,
                case_id,
                dt.datetime(2026, 12, 4, 12, 0),
                "hoken-center",
                resident,
                CONFIG,
                now=NOW,
            )
        with pytest.raises(BookingError, match="not a bookable slot"):
            book(
                rt,
                s,
                case_id,
                dt.datetime(2027, 2, 1, 10, 0),
                "hoken-center",
                resident,
                CONFIG,
                now=NOW,
            )
        with pytest.raises(BookingError, match="not a place"):
            book(rt, s, case_id, SLOT, "gym", resident, CONFIG, now=NOW)
        with pytest.raises(NotFound):
            book(
                rt, s, case_id, SLOT, "hoken-center", Actor.resident("R9999999999"), CONFIG, now=NOW
            )
    with Session(rt.db) as s:
        # Staff of the health department book for a resident (by phone).
        booked = book(
            rt, s, case_id, SLOT, "shiyakusho", staff("intake", dept=KENKOU), _one_seat(), now=NOW
        )
        s.commit()
        assert booked.state == "interview_booked"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_full_slot_is_refused_and_a_cancelled_seat_comes_back(rt: Runtime) -> None:
    config = _one_seat()
    first, r1 = _recorded(rt)
    second, r2 = _recorded(rt)
    with Session(rt.db) as s:
        book(rt, s, first, SLOT, "shiyakusho", r1, config, now=NOW)
        s.commit()
    with Session(rt.db) as s, pytest.raises(SlotFull):
        book(rt, s, second, SLOT, "shiyakusho", r2, config, now=NOW)
    with Session(rt.db) as s:
        assert all(x.key != "2026-12-04T10:00" for x in free_slots(rt, s, config, now=NOW))
        cancel(rt, s, first, r1, now=NOW)
        book(rt, s, second, SLOT, "shiyakusho", r2, config, now=NOW)
        s.commit()
        case = get_case(s.connection(), second)
        assert case is not None
        assert case.state == "interview_booked"


def test_concurrent_bookings_never_overbook(rt: Runtime) -> None:
    """Eight residents race for a slot with two seats: exactly two win (SQLite and PostgreSQL)."""
    config = CONFIG.model_copy(update={"places": [CONFIG.places[0]]})  # capacity 2
    cases = [_recorded(rt) for _ in range(8)]
    barrier = threading.Barrier(len(cases))
    results: list[str] = []
    lock = threading.Lock()

    def attempt(case_id: str, actor: Actor) -> None:
        barrier.wait()
        for _ in range(20):  # SQLite may report a busy database: try again, as a user would
            try:
                with Session(rt.db) as s:
                    book(rt, s, case_id, SLOT, "hoken-center", actor, config, now=NOW)
                    s.commit()
                outcome = "booked"
            except SlotFull:
                outcome = "full"
            except Exception as exc:  # a lock timeout: retry
                if "locked" not in str(exc):
                    raise
                continue
            with lock:
                results.append(outcome)
            return

    threads = [threading.Thread(target=attempt, args=c) for c in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == ["booked"] * 2 + ["full"] * 6
    with Session(rt.db) as s:
        seats = s.exec(select(InterviewBooking).where(InterviewBooking.status == "booked")).all()
        assert sorted(b.seat for b in seats) == [1, 2]
        states = sorted(get_case(s.connection(), c).state for c, _ in cases)  # type: ignore[union-attr]
    assert states == ["interview_booked"] * 2 + ["recorded"] * 6


def test_free_slots_start_after_the_lead_days() -> None:
    assert NOW.astimezone(JST).date() == dt.date(2026, 12, 2)
    assert CONFIG.lead_days == 1


def test_the_booking_transition_without_a_seat_is_refused(rt: Runtime) -> None:
    # A generic action screen or an API call cannot book around the slot capacity.
    case_id, resident = _recorded(rt)
    with Session(rt.db) as s, pytest.raises(GuardFailed) as refused:
        fire(
            rt,
            s,
            case_id,
            "book_interview",
            resident,
            inputs={"interview_at": "明日の朝", "interview_place": "どこでも"},
        )
    assert "空いている日時を選んで" in str(refused.value.reasons)
    with Session(rt.db) as s:
        record = get_case(s, case_id)
        assert record is not None
        assert record.state == "recorded"
