"""Japanese era dates: reading them and writing them."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.wareki import DateInputError, era_of, format_date, parse_date


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("令和6年5月1日", "2024-05-01"),
        ("R6.5.1", "2024-05-01"),
        ("R06/05/01", "2024-05-01"),
        ("r6-5-1", "2024-05-01"),
        ("2024-05-01", "2024-05-01"),
        ("2024/5/1", "2024-05-01"),
        ("2024年5月1日", "2024-05-01"),
        ("20240501", "2024-05-01"),
        ("２０２４年５月１日", "2024-05-01"),
        ("令和　６年　５月　１日", "2024-05-01"),
        ("令和元年5月1日", "2019-05-01"),
        ("平成元年1月8日", "1989-01-08"),
        ("H1.1.8", "1989-01-08"),
        ("昭和64年1月7日", "1989-01-07"),
        ("大正元年7月30日", "1912-07-30"),
        ("明治45年7月29日", "1912-07-29"),
        ("明治元年1月25日", "1868-01-25"),
    ],
)
def test_parse_date_accepts_the_usual_ways_of_writing(text: str, iso: str) -> None:
    assert parse_date(text).isoformat() == iso


def test_a_date_after_its_era_ended_is_refused_with_the_right_era() -> None:
    with pytest.raises(DateInputError) as caught:
        parse_date("平成31年5月1日")
    assert caught.value.reason == "wrong_era"
    assert caught.value.typed == "平成31年5月1日"
    assert caught.value.suggestion == "令和元年5月1日"


def test_a_date_before_its_era_began_is_refused() -> None:
    with pytest.raises(DateInputError) as caught:
        parse_date("令和元年4月30日")
    assert caught.value.suggestion == "平成31年4月30日"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("明治元年1月1日", "before_era"),
        ("2024-02-30", "no_such_day"),
        ("令和6年13月1日", "no_such_day"),
        ("きのう", "unreadable"),
        ("R0.1.1", "unreadable"),
        ("X6.5.1", "unreadable"),
    ],
)
def test_unreadable_or_impossible_dates(text: str, reason: str) -> None:
    with pytest.raises(DateInputError) as caught:
        parse_date(text)
    assert caught.value.reason == reason


def test_format_date() -> None:
    assert format_date("2024-05-01") == "令和6年5月1日"
    assert format_date("2019-05-01") == "令和元年5月1日"
    assert format_date("2019-04-30") == "平成31年4月30日"
    assert format_date("2024-05-01", "seireki") == "2024年5月1日"
    assert format_date("2024-05-01", lang="en") == "May 1, Reiwa 6 (2024)"
    assert format_date("2024-05-01", "seireki", "en") == "May 1, 2024"
    assert format_date("1868-01-01") == "1868年1月1日"
    with pytest.raises(ValueError, match="unknown date style"):
        format_date("2024-05-01", "koki")


def test_era_boundaries() -> None:
    showa, heisei = era_of(datetime.date(1989, 1, 7)), era_of(datetime.date(1989, 1, 8))
    assert showa is not None
    assert showa.name == "昭和"
    assert heisei is not None
    assert heisei.name == "平成"
    assert era_of(datetime.date(1868, 1, 24)) is None


DAYS = st.dates(min_value=datetime.date(1868, 1, 25), max_value=datetime.date(2100, 12, 31))


@given(DAYS)
def test_wareki_round_trip(day: datetime.date) -> None:
    assert parse_date(format_date(day.isoformat())) == day


@given(DAYS)
def test_seireki_round_trip(day: datetime.date) -> None:
    assert parse_date(format_date(day.isoformat(), "seireki")) == day
