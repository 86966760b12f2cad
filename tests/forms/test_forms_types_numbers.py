"""Whole numbers: integer and money (yen)."""

from __future__ import annotations

from typing import Any

import pytest

from forms import ValidationResult, validate_payload
from forms.spec import FormSpec


def check(field: dict[str, Any], value: Any) -> ValidationResult:
    form = FormSpec.model_validate(
        {"steps": [{"id": "s", "title": {"ja": "入力"}, "fields": [{"id": "f", **field}]}]}
    )
    return validate_payload(form, {"f": value})


MONEY = {"type": "money", "label": {"ja": "購入金額", "en": "Purchase price"}, "max": 100_000}
COUNT = {
    "type": "integer",
    "label": {"ja": "世帯の人数", "en": "Household size"},
    "min": 1,
    "max": 20,
}


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        ("1,000", 1000),
        ("1,000円", 1000),
        ("１，０００円", 1000),
        ("￥1,000", 1000),
        ("¥ 1000", 1000),
        (" 0 ", 0),
        (5000, 5000),
        (5000.0, 5000),
    ],
)
def test_money_accepts_what_residents_write(value: Any, amount: int) -> None:
    assert check(MONEY, value).data == {"f": amount}


def test_money_errors() -> None:
    def first(value: Any) -> tuple[str, str, str]:
        error = check(MONEY, value).errors[0]
        return error.code, error.message.ja, error.message.en

    assert first("1000.5") == (
        "invalid",
        "「購入金額」は1円単位の金額（小数点なし）で入力してください。",
        "Purchase price must be a whole number of yen, without decimals.",
    )
    assert first("千円") == (
        "invalid",
        "「購入金額」は金額を数字で入力してください（例：10,000）。",
        "Purchase price must be an amount in yen written in digits, like 10,000.",
    )
    assert first("-1") == (
        "too_small",
        "「購入金額」は0円以上で入力してください。",
        "Purchase price must be at least ¥0.",
    )
    assert first("100,001") == (
        "too_large",
        "「購入金額」は100,000円以下で入力してください。",
        "Purchase price must be at most ¥100,000.",
    )
    assert first(True)[0] == "invalid"


def test_integer() -> None:
    assert check(COUNT, "３").data == {"f": 3}
    assert check(COUNT, 4).data == {"f": 4}
    error = check(COUNT, 0).errors[0]
    assert (error.code, error.message.ja, error.message.en) == (
        "too_small",
        "「世帯の人数」は1以上で入力してください。",
        "Household size must be at least 1.",
    )
    assert check(COUNT, 21).errors[0].message.ja == "「世帯の人数」は20以下で入力してください。"
    assert (
        check(COUNT, "2.5").errors[0].message.ja
        == "「世帯の人数」は整数（例：3）で入力してください。"
    )
