"""The address field type and the prefecture list."""

from __future__ import annotations

from typing import Any

import pytest

from forms import PREFECTURES, ValidationResult, format_address, validate_payload
from forms.prefectures import normalise_prefecture, prefecture_code
from forms.spec import FormSpec

ADDRESS = {"type": "address", "label": {"ja": "住所", "en": "Address"}}


def check(value: Any, **extra: Any) -> ValidationResult:
    form = FormSpec.model_validate(
        {
            "steps": [
                {"id": "s", "title": {"ja": "入力"}, "fields": [{"id": "home", **ADDRESS, **extra}]}
            ]
        }
    )
    return validate_payload(form, {"home": value})


def test_there_are_47_prefectures() -> None:
    assert len(PREFECTURES) == len(set(PREFECTURES)) == 47
    assert prefecture_code("東京都") == "13"
    assert prefecture_code("沖縄県") == "47"


@pytest.mark.parametrize(
    ("text", "official"),
    [
        ("東京都", "東京都"),
        ("東京", "東京都"),
        ("京都", "京都府"),
        ("大阪", "大阪府"),
        ("北海道", "北海道"),
    ],
)
def test_normalise_prefecture(text: str, official: str) -> None:
    assert normalise_prefecture(text) == official


def test_address_is_normalised() -> None:
    result = check(
        {
            "prefecture": "東京",
            "city": " 千代田区 ",
            "town": "永田町",
            "block": "１－１０－１",
            "building": "ﾏﾄﾞｸﾞﾁ ﾊｲﾂ  101",
        }
    )
    assert result.data == {
        "home": {
            "prefecture": "東京都",
            "city": "千代田区",
            "town": "永田町",
            "block": "1-10-1",
            "building": "マドグチ　ハイツ　101",
        }
    }
    assert (
        format_address(result.data["home"])
        == "東京都千代田区永田町1-10-1\u3000マドグチ　ハイツ　101"
    )


def test_missing_parts_are_reported_at_their_paths() -> None:
    errors = check({"prefecture": "東都", "city": "千代田区", "floor": "3"}).errors
    assert [(e.path, e.code) for e in errors] == [
        ("home.floor", "unknown_field"),
        ("home.prefecture", "not_an_option"),
        ("home.town", "required"),
        ("home.block", "required"),
    ]
    assert errors[2].message.ja == "「住所」の町名・字を入力してください。"
    assert errors[2].message.en == "Enter the district (machi or aza) of Address."
    assert errors[1].message.ja == (
        "「住所」の都道府県は正式な名前（例：東京都、大阪府、北海道）で入力してください。"
    )


def test_an_empty_address_is_no_answer() -> None:
    assert check({"prefecture": "", "city": " "}).data == {}
    (error,) = check({"prefecture": ""}, required=True).errors
    assert (error.path, error.code, error.message.ja) == (
        "home",
        "required",
        "「住所」を入力してください。",
    )


def test_an_address_must_be_a_mapping() -> None:
    (error,) = check("東京都千代田区永田町1-10-1").errors
    assert error.code == "invalid"
