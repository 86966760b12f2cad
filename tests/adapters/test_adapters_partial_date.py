"""Partly unknown dates (不詳): rendered as recorded, never completed."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.partial_date import PartialDate, era_of


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (PartialDate(1945, 1, 2), "昭和20年1月2日"),
        (PartialDate(1945, 1), "昭和20年1月不詳"),
        (PartialDate(1945), "昭和20年不詳"),
        (PartialDate(), "不詳"),
        (PartialDate(2019, 5, 1), "令和元年5月1日"),
        (PartialDate(2019, 5), "令和元年5月不詳"),
        (PartialDate(2019, 4), "平成31年4月不詳"),
        (PartialDate(1924, 6), "大正13年6月不詳"),
        (PartialDate(1989, 1, 7), "昭和64年1月7日"),
        (PartialDate(1989, 1, 8), "平成元年1月8日"),
    ],
)
def test_display_ja_spells_out_the_unknown_part(value: PartialDate, expected: str) -> None:
    assert value.display_ja() == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (PartialDate(1989), "1989年不詳"),  # 昭和64年 or 平成元年: naming one would invent
        (PartialDate(1989, 1), "1989年1月不詳"),
        (PartialDate(2019), "2019年不詳"),
        (PartialDate(1926, 12), "1926年12月不詳"),
    ],
)
def test_year_straddling_two_eras_is_shown_in_western_years(
    value: PartialDate, expected: str
) -> None:
    assert value.display_ja() == expected


def test_western_rendering_on_request() -> None:
    assert PartialDate(1945, 1).display_ja(era=False) == "1945年1月不詳"
    assert PartialDate(1945, 1, 2).display_ja(era=False) == "1945年1月2日"


def test_english_rendering_says_what_is_unknown() -> None:
    assert PartialDate(1945, 1, 2).display_en() == "2 January 1945"
    assert PartialDate(1945, 1).display_en() == "January 1945 (day unknown)"
    assert PartialDate(1945).display_en() == "1945 (month and day unknown)"
    assert PartialDate().display_en() == "unknown"


@pytest.mark.parametrize(
    ("year", "month", "day"),
    [(None, 1, None), (1945, None, 3), (None, None, 3), (1945, 13, None), (2023, 2, 29)],
)
def test_impossible_shapes_are_refused(
    year: int | None, month: int | None, day: int | None
) -> None:
    with pytest.raises(ValueError, match=r"needs|range"):
        PartialDate(year, month, day)


def test_bounds_cover_every_possible_day() -> None:
    assert PartialDate(2024, 2).earliest() == date(2024, 2, 1)
    assert PartialDate(2024, 2).latest() == date(2024, 2, 29)
    assert PartialDate(1945).latest() == date(1945, 12, 31)
    assert PartialDate().earliest() is None
    assert PartialDate(1945, 1).as_date() is None
    assert PartialDate(1945, 1, 2).as_date() == date(1945, 1, 2)


def test_age_is_given_only_when_the_unknown_part_cannot_change_it() -> None:
    assert PartialDate(1945, 1, 2).age_on(date(2025, 1, 1)) == 79
    assert PartialDate(1945, 1).age_on(date(2025, 6, 2)) == 80
    assert PartialDate(1945, 6).age_on(date(2025, 6, 2)) is None
    assert PartialDate(1945).age_on(date(2025, 6, 2)) is None
    assert PartialDate(1945).age_on(date(2025, 12, 31)) == 80
    assert PartialDate().age_on(date(2025, 6, 2)) is None


def test_could_be_checks_only_known_parts() -> None:
    assert PartialDate(1945, 1).could_be(date(1945, 1, 31))
    assert not PartialDate(1945, 1).could_be(date(1945, 2, 1))
    assert PartialDate().could_be(date(2000, 1, 1))


def test_era_of_rejects_days_before_meiji() -> None:
    assert era_of(date(1868, 10, 23)) == ("明治", 1)
    with pytest.raises(ValueError, match="before the Meiji era"):
        era_of(date(1868, 10, 22))


@given(st.dates(min_value=date(1900, 1, 1)), st.sampled_from([1, 2, 3]))
def test_iso_round_trips_and_never_adds_parts(day: date, parts: int) -> None:
    value = PartialDate(day.year, day.month if parts > 1 else None, day.day if parts > 2 else None)
    assert PartialDate.parse(value.iso()) == value
    assert value.iso().count("-") == parts - 1
    assert value.could_be(day)
    rendered = value.display_ja()
    assert rendered.endswith("不詳") == (parts < 3)
    assert rendered.count("月") == (1 if parts > 1 else 0)


def test_parse_refuses_other_text() -> None:
    assert PartialDate.parse("") == PartialDate()
    with pytest.raises(ValueError, match="not a partial date"):
        PartialDate.parse("昭和20年")
