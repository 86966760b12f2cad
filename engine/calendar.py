"""Business days (開庁日) for deadlines: no weekends, national holidays or 12/29-1/3."""

from __future__ import annotations

import datetime as dt
import functools

import jpholiday


def is_business_day(day: dt.date) -> bool:
    """Whether city hall is open on ``day`` (行政機関の休日に関する法律 1条)."""
    if day.weekday() >= 5:
        return False
    if (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3):
        return False
    return not jpholiday.is_holiday(day)


def add_business_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th business day after ``start`` (``start`` itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    left = days
    while left:
        day += dt.timedelta(days=1)
        if is_business_day(day):
            left -= 1
    return day


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Business days after ``start`` up to and including ``end`` (negative when end < start)."""
    if end < start:
        return -business_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_business_day(day):
            count += 1
    return count


@functools.lru_cache(maxsize=1024)
def due_date(filed: dt.date, days: int, counting: str) -> dt.date:
    """The deadline of a filing made on ``filed``.

    Business-day periods count from the day after filing (初日不算入, 民法 140条); a
    calendar-day period that ends on a closed day moves to the next business day
    (行政機関の休日に関する法律 2条).
    """
    if counting == "business_days":
        return add_business_days(filed, days)
    end = filed + dt.timedelta(days=days)
    while not is_business_day(end):
        end += dt.timedelta(days=1)
    return end
