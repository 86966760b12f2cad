"""The child allowance amount under the rules since October 2024 (児童手当法 6条)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from engine.kosodate.allowance import (
    THIRD_AND_LATER,
    THREE_AND_OVER,
    UNDER_THREE,
    Child,
    fiscal_year_end_after,
    is_paid_age,
    monthly_amounts,
    monthly_total,
    payment_start,
)

MONTH = dt.date(2025, 6, 1)


def _born(years: int, months: int = 0) -> dt.date:
    """A birth date ``years`` and ``months`` before MONTH, mid-month."""
    total = MONTH.year * 12 + MONTH.month - 1 - years * 12 - months
    return dt.date(total // 12, total % 12 + 1, 15)


def test_the_documented_example_20_17_13_10() -> None:
    kids = [Child(f"c{a}", _born(a)) for a in (20, 17, 13, 10)]
    assert [a.amount for a in monthly_amounts(kids, MONTH)] == [0, 10_000, 30_000, 30_000]
    assert [a.order for a in monthly_amounts(kids, MONTH)] == [1, 2, 3, 4]
    assert monthly_total(kids, MONTH) == 70_000


def test_under_three_and_third_child_at_any_age() -> None:
    kids = [Child("a", _born(5)), Child("b", _born(2)), Child("c", _born(0, 2))]
    assert [a.amount for a in monthly_amounts(kids, MONTH)] == [10_000, 15_000, 30_000]


def test_an_older_child_not_supported_is_not_counted() -> None:
    kids = [Child("a", _born(20), supported=False), Child("b", _born(10)), Child("c", _born(1))]
    # Without the 20-year-old, the 1-year-old is the second child: 15,000, not 30,000.
    assert [a.amount for a in monthly_amounts(kids, MONTH)] == [0, 10_000, 15_000]


def test_a_child_past_22_is_neither_paid_nor_counted() -> None:
    kids = [Child("a", _born(23)), Child("b", _born(15)), Child("c", _born(12))]
    assert [a.order for a in monthly_amounts(kids, MONTH)] == [None, 1, 2]
    assert monthly_total(kids, MONTH) == 20_000


def test_paid_until_the_march_after_turning_18_and_early_april_births() -> None:
    # Born 2 April 2007: reaches 18 on 1 April 2025, so paid until 31 March 2026.
    assert fiscal_year_end_after(dt.date(2007, 4, 2), 18) == dt.date(2026, 3, 31)
    # Born 1 April 2007: reaches 18 on 31 March 2025 (the day before), paid to that day.
    assert fiscal_year_end_after(dt.date(2007, 4, 1), 18) == dt.date(2025, 3, 31)
    assert is_paid_age(dt.date(2007, 4, 2), dt.date(2026, 3, 1))
    assert not is_paid_age(dt.date(2007, 4, 2), dt.date(2026, 4, 1))


def test_15000_runs_to_the_month_the_child_reaches_three() -> None:
    born = dt.date(2022, 6, 10)  # reaches 3 on 9 June 2025
    kid = [Child("a", born)]
    assert monthly_total(kid, dt.date(2025, 6, 1)) == UNDER_THREE
    assert monthly_total(kid, dt.date(2025, 7, 1)) == THREE_AND_OVER
    first = [Child("b", dt.date(2022, 6, 1))]  # reaches 3 on 31 May: May is the last month
    assert monthly_total(first, dt.date(2025, 6, 1)) == THREE_AND_OVER


def test_payment_start_within_15_days_late_and_without_event() -> None:
    birth = dt.date(2025, 5, 28)
    on_time = payment_start(dt.date(2025, 6, 12), birth)  # 15 days after
    assert (on_time.month, on_time.within_grace, on_time.late) == (dt.date(2025, 6, 1), True, False)
    late = payment_start(dt.date(2025, 6, 13), birth)  # 16 days: no back pay for June
    assert (late.month, late.within_grace, late.late) == (dt.date(2025, 7, 1), False, True)
    assert payment_start(dt.date(2025, 6, 20), None).month == dt.date(2025, 7, 1)
    dec = payment_start(dt.date(2026, 1, 5), dt.date(2025, 12, 25))
    assert dec.month == dt.date(2026, 1, 1)


ages = st.lists(
    st.tuples(st.integers(0, 25), st.integers(0, 11), st.booleans()), min_size=0, max_size=7
)


@given(ages)
def test_properties_on_generated_families(rows: list[tuple[int, int, bool]]) -> None:
    kids = [Child(f"c{i}", _born(y, m), s) for i, (y, m, s) in enumerate(rows)]
    result = monthly_amounts(kids, MONTH)
    counted = [a for a in result if a.order is not None]
    # Birth order numbers the counted children 1..n from the oldest.
    assert sorted(a.order for a in counted if a.order) == list(range(1, len(counted) + 1))
    by_order = sorted(counted, key=lambda a: a.order or 0)
    assert [a.birth_date for a in by_order] == sorted(a.birth_date for a in counted)
    for kid, amount in zip(kids, result, strict=True):
        assert amount.amount in (0, UNDER_THREE, THREE_AND_OVER, THIRD_AND_LATER)
        if not kid.supported or not is_paid_age(kid.birth_date, MONTH):
            assert amount.amount == 0  # counted (when supported and under 22) but unpaid
        elif amount.order is not None and amount.order >= 3:
            assert amount.amount == THIRD_AND_LATER
        else:
            assert amount.amount in (UNDER_THREE, THREE_AND_OVER)
    # Adding an older supported child never lowers anyone's amount.
    older = [Child("older", _born(21)), *kids]
    assert all(
        b.amount >= a.amount for a, b in zip(result, monthly_amounts(older, MONTH)[1:], strict=True)
    )
