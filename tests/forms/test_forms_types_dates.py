"""The date field type: era input, ISO storage, range rules."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from forms import ValidationResult, validate_payload
from forms.spec import FormSpec

TODAY = datetime.date(2024, 6, 1)


def check(value: Any, *rules: str) -> ValidationResult:
    field = {"id": "f", "type": "date", "label": {"ja": "生年月日", "en": "Date of birth"}}
    if rules:
        field["rules"] = list(rules)
    form = FormSpec.model_validate(
        {"steps": [{"id": "s", "title": {"ja": "入力"}, "fields": [field]}]}
    )
    return validate_payload(form, {"f": value}, today=TODAY)


def error_of(result: ValidationResult) -> tuple[str, str, str]:
    assert len(result.errors) == 1, result.errors
    error = result.errors[0]
    return error.code, error.message.ja, error.message.en


@pytest.mark.parametrize(
    "value",
    ["令和6年5月1日", "R6.5.1", "R06/05/01", "2024-05-01", "2024/5/1", "２０２４年５月１日"],
)
def test_dates_are_stored_as_iso(value: str) -> None:
    assert check(value).data == {"f": "2024-05-01"}


def test_a_date_object_is_accepted() -> None:
    assert check(datetime.date(2024, 5, 1)).data == {"f": "2024-05-01"}


def test_wrong_era_says_which_era_it_is() -> None:
    assert error_of(check("平成31年5月1日")) == (
        "wrong_era",
        "「生年月日」の平成31年5月1日は令和元年5月1日のことです。令和元年5月1日と入力してください。",
        "Date of birth: 平成31年5月1日 falls outside that era; the same day is 令和元年5月1日. "
        "Please enter that instead.",
    )


def test_unreadable_and_impossible_dates() -> None:
    assert error_of(check("先週")) == (
        "invalid",
        "「生年月日」は日付として読み取れません。「2024-05-01」や「令和6年5月1日」の形で入力してください。",
        "Date of birth is not a date we can read. Enter it like 2024-05-01 or 令和6年5月1日.",
    )
    assert error_of(check("令和6年2月30日"))[1] == (
        "「生年月日」の日付は存在しません。月と日をご確認ください。"
    )
    assert error_of(check("明治元年1月1日"))[1] == (
        "「生年月日」は明治元年1月25日より前の日付です。西暦で入力してください。"
    )


def test_not_future() -> None:
    assert check("2024-06-01", "not_future").ok
    assert error_of(check("2024-06-02", "not_future")) == (
        "in_future",
        "「生年月日」は未来の日付にできません。",
        "Date of birth cannot be in the future.",
    )


def test_not_past() -> None:
    assert check("2024-06-01", "not_past").ok
    assert error_of(check("2024-05-31", "not_past"))[0] == "in_past"


def test_age_between() -> None:
    assert check("1984-06-01", "age_between:40:64").ok
    assert error_of(check("1984-06-02", "age_between:40:64")) == (
        "age_out_of_range",
        "「生年月日」から数えた年齢が対象外です。40歳から64歳までの方が対象です。",
        "Date of birth: only people aged 40 to 64 can apply.",
    )


def test_within_days_before() -> None:
    assert check("2024-05-17", "within_days_before:15").ok
    assert error_of(check("2024-05-16", "within_days_before:15")) == (
        "out_of_range",
        "「生年月日」は令和6年5月17日から今日までの日付を入力してください。",
        "Date of birth must be between May 17, 2024 and today.",
    )
    assert error_of(check("2024-06-02", "within_days_before:15"))[0] == "out_of_range"


def test_within_days_after() -> None:
    assert check("2024-06-15", "within_days_after:14").ok
    assert error_of(check("2024-06-16", "within_days_after:14"))[1] == (
        "「生年月日」は今日から令和6年6月15日までの日付を入力してください。"
    )
