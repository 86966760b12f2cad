"""Calendar helpers for the demo data: whole-year steps and birthdays."""

from __future__ import annotations

import random
from datetime import date, timedelta


def add_years(day: date, years: int) -> date:
    """``day`` moved by whole years; 29 February becomes 28 February in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def birth_date_for_age(rng: random.Random, today: date, age: int) -> date:
    """A random birth date of someone exactly ``age`` years old on ``today``."""
    youngest = add_years(today, -age)
    oldest = add_years(today, -(age + 1)) + timedelta(days=1)
    return oldest + timedelta(days=rng.randint(0, (youngest - oldest).days))


def birth_date_from(today: date, age: int, days_since_birthday: int) -> date:
    """The birth date of someone ``age`` years old whose birthday was that many days ago.

    ``days_since_birthday`` must stay below 365 for the age to hold.
    """
    if not 0 <= days_since_birthday < 365:
        raise ValueError("days_since_birthday must be in 0..364")
    return add_years(today - timedelta(days=days_since_birthday), -age)


def nth_birthday_after(birth: date, issued_on: date, n: int) -> date:
    """The ``n``-th birthday strictly after ``issued_on`` (JPKI certificate expiry rule)."""
    first = add_years(birth, issued_on.year - birth.year)
    if first <= issued_on:
        first = add_years(birth, issued_on.year - birth.year + 1)
    return add_years(birth, first.year - birth.year + n - 1)


def random_day_between(rng: random.Random, first: date, last: date) -> date:
    """A random day in ``[first, last]``."""
    if last < first:
        raise ValueError(f"empty range {first}..{last}")
    return first + timedelta(days=rng.randint(0, (last - first).days))
