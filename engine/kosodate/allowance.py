"""The child allowance amount (児童手当の額) under the rules in force since October 2024.

児童手当法 6条 as amended by 令和6年法律第47号 (in force 2024-10-01):

- a child (児童) is paid until the first 31 March after reaching 18 (3条1項);
- the monthly amount is 15,000 yen under 3 years (3歳に満たない児童), 10,000 yen from
  then on, and 30,000 yen for the third and later child at any paid age; no income limit;
- the birth order counts, from the oldest, the children the claimant supports up to the
  first 31 March after reaching 22 (監護相当・生計費の負担): they count but are not paid.

A person reaches an age on the day before the birthday (年齢計算ニ関スル法律), so a child
born on 1 April belongs to the school year of the January-March births (早生まれ), and the
3-year-old amount of 15,000 yen runs to the end of the month of that day.

Payment starts the month after the claim (8条2項); a claim within 15 days counted from the
day after the birth or the planned move-out date counts as made in the month of the event
(8条3項). A later claim gets no back pay. Nothing here touches the database: the functions
are pure so the rules can be tested on generated families.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

UNDER_THREE = 15_000
THREE_AND_OVER = 10_000
THIRD_AND_LATER = 30_000
CLAIM_GRACE_DAYS = 15


@dataclass(frozen=True)
class Child:
    """A child as the claim gives it: who, born when, and whether the claimant supports them.

    ``supported`` means in custody (監護) and sharing a livelihood (生計同一), or for a child
    past high-school age, custody-equivalent care and most living costs (the 確認書).
    """

    name: str
    birth_date: dt.date
    supported: bool = True


@dataclass(frozen=True)
class ChildAmount:
    """One child's place in the birth order and monthly amount (0 when counted, not paid)."""

    name: str
    birth_date: dt.date
    order: int | None
    amount: int
    paid: bool


def _reaches(birth: dt.date, years: int) -> dt.date:
    """The day a person born on ``birth`` reaches ``years`` (the day before the birthday)."""
    try:
        birthday = birth.replace(year=birth.year + years)
    except ValueError:  # born 29 February: the birthday falls on 1 March
        birthday = dt.date(birth.year + years, 3, 1)
    return birthday - dt.timedelta(days=1)


def fiscal_year_end_after(birth: dt.date, years: int) -> dt.date:
    """The first 31 March on or after the day ``birth`` reaches ``years``."""
    day = _reaches(birth, years)
    end = dt.date(day.year, 3, 31)
    return end if day <= end else dt.date(day.year + 1, 3, 31)


def _month_end(day: dt.date) -> dt.date:
    nxt = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def is_paid_age(birth: dt.date, month: dt.date) -> bool:
    """A child of allowance age (児童) in ``month``: born, and before the end of the fiscal
    year in which they reach 18."""
    first = month.replace(day=1)
    return birth <= _month_end(first) and first <= fiscal_year_end_after(birth, 18)


def is_counted_age(birth: dt.date, month: dt.date) -> bool:
    """Counted in the birth order in ``month``: up to the fiscal year end after reaching 22."""
    first = month.replace(day=1)
    return birth <= _month_end(first) and first <= fiscal_year_end_after(birth, 22)


def is_under_three(birth: dt.date, month: dt.date) -> bool:
    """15,000 yen applies up to the month in which the child reaches 3."""
    return month.replace(day=1) <= _reaches(birth, 3).replace(day=1)


def monthly_amounts(children: Sequence[Child], month: dt.date) -> list[ChildAmount]:
    """Each child's birth order and amount for ``month``, in the order given.

    Children the claimant does not support, and those past the counting age, have no
    order and get nothing. Twins keep the order in which they are listed.
    """
    counted = sorted(
        (i for i, c in enumerate(children) if c.supported and is_counted_age(c.birth_date, month)),
        key=lambda i: children[i].birth_date,
    )
    order = {i: n + 1 for n, i in enumerate(counted)}
    out = []
    for i, c in enumerate(children):
        rank = order.get(i)
        paid = rank is not None and is_paid_age(c.birth_date, month)
        if not paid:
            amount = 0
        elif rank is not None and rank >= 3:
            amount = THIRD_AND_LATER
        elif is_under_three(c.birth_date, month):
            amount = UNDER_THREE
        else:
            amount = THREE_AND_OVER
        out.append(ChildAmount(c.name, c.birth_date, rank, amount, paid))
    return out


def monthly_total(children: Sequence[Child], month: dt.date) -> int:
    """The claimant's monthly amount for ``month``: the sum over the children."""
    return sum(a.amount for a in monthly_amounts(children, month))


@dataclass(frozen=True)
class PaymentStart:
    """The first month paid, and whether the 15-day grace applied or the claim was late."""

    month: dt.date
    within_grace: bool
    late: bool


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after ``day``."""
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def payment_start(filed_on: dt.date, event_date: dt.date | None) -> PaymentStart:
    """The first month paid for a claim filed on ``filed_on`` for an event on ``event_date``.

    ``event_date`` is the birth or the planned move-out date from the previous address;
    None when there is no such event (the month after the claim, no grace to lose).
    Within 15 days counted from the day after the event, the claim counts as made in the
    event's month; otherwise in its own month (no back pay: ``late`` is then True when the
    event was in an earlier month).
    """
    if event_date is None or event_date > filed_on:
        return PaymentStart(next_month(filed_on), False, False)
    if (filed_on - event_date).days <= CLAIM_GRACE_DAYS:
        return PaymentStart(next_month(event_date), True, False)
    late = (event_date.year, event_date.month) != (filed_on.year, filed_on.month)
    return PaymentStart(next_month(filed_on), False, late)


def children_from_form(rows: Sequence[dict[str, object]]) -> list[Child]:
    """Children as a claim form stores them (``children`` rows with ISO birth dates)."""
    out = []
    for row in rows:
        birth = row.get("birth_date")
        if not isinstance(birth, str):
            continue
        supported = row.get("in_custody") is not False and row.get("shared_livelihood") is not False
        out.append(Child(str(row.get("name", "")), dt.date.fromisoformat(birth), supported))
    return out
