"""Business days: weekends, national holidays and the year-end closure are skipped."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.calendar import add_business_days, business_days_between, due_date, is_business_day

D = dt.date


@pytest.mark.parametrize(
    ("day", "open_"),
    [
        (D(2026, 11, 25), True),  # Wednesday
        (D(2026, 11, 28), False),  # Saturday
        (D(2026, 11, 23), False),  # 勤労感謝の日
        (D(2026, 5, 6), False),  # 振替休日 for 憲法記念日 on a Sunday
        (D(2026, 9, 22), False),  # 国民の休日 between 敬老の日 and 秋分の日
        (D(2026, 12, 28), True),  # last business day of the year
        (D(2026, 12, 29), False),  # year-end closure (not a national holiday)
        (D(2027, 1, 4), True),  # first business day of the year
    ],
)
def test_open_days(day: dt.date, open_: bool) -> None:
    assert is_business_day(day) is open_


def test_golden_week_is_skipped() -> None:
    # Filed Thursday 2026-04-30: Fri 5/1 is day 1, then 5/2-5/6 are closed, Thu 5/7 is day 2.
    assert add_business_days(D(2026, 4, 30), 2) == D(2026, 5, 7)


def test_year_end_is_skipped() -> None:
    assert add_business_days(D(2026, 12, 28), 1) == D(2027, 1, 4)


def test_between_counts_business_days_after_start() -> None:
    assert business_days_between(D(2026, 4, 30), D(2026, 5, 7)) == 2
    assert business_days_between(D(2026, 5, 7), D(2026, 4, 30)) == -2


def test_calendar_deadline_ending_on_a_holiday_moves_to_next_business_day() -> None:
    # 30 days after 2026-10-24 is Mon 2026-11-23, 勤労感謝の日: the deadline is Tue 11-24.
    assert due_date(D(2026, 10, 24), 30, "calendar_days") == D(2026, 11, 24)


def test_business_day_deadline() -> None:
    assert due_date(D(2026, 11, 25), 3, "business_days") == D(2026, 11, 30)
