"""Digit codes: phone, postal code, My Number, insured number, public and bank codes."""

from __future__ import annotations

from typing import Any

import pytest

from forms import ValidationResult, format_postal_code, mask_my_number, validate_payload
from forms.spec import FormSpec


def check(field_type: str, value: Any, label: str = "番号", en: str = "Number") -> ValidationResult:
    form = FormSpec.model_validate(
        {
            "steps": [
                {
                    "id": "s",
                    "title": {"ja": "入力"},
                    "fields": [{"id": "f", "type": field_type, "label": {"ja": label, "en": en}}],
                }
            ]
        }
    )
    return validate_payload(form, {"f": value})


def stored(field_type: str, value: Any) -> Any:
    result = check(field_type, value)
    assert result.ok, result.errors
    return result.data["f"]


def messages(result: ValidationResult) -> list[tuple[str, str, str, str]]:
    return [(e.path, e.code, e.message.ja, e.message.en) for e in result.errors]


@pytest.mark.parametrize(
    ("value", "digits"),
    [
        ("03-1234-5678", "0312345678"),
        ("090-1234-5678", "09012345678"),
        ("０９０ー１２３４ー５６７８", "09012345678"),
        ("(03) 1234 5678", "0312345678"),
        ("+81 90-1234-5678", "09012345678"),
        ("+81-3-1234-5678", "0312345678"),
        ("+81 (0)90-1234-5678", "09012345678"),
    ],
)
def test_phone_is_stored_as_digits(value: str, digits: str) -> None:
    assert stored("phone", value) == digits


@pytest.mark.parametrize("value", ["1234567890", "03-1234-567", "090-1234-56789", "03-1234-567a"])
def test_phone_refused(value: str) -> None:
    assert messages(check("phone", value, "電話番号", "Phone number")) == [
        (
            "f",
            "invalid",
            "「電話番号」は0から始まる10桁か11桁の番号で入力してください"
            "（例：03-1234-5678、090-1234-5678）。",
            "Phone number must be a Japanese phone number of 10 or 11 digits starting with 0, "
            "like 03-1234-5678 or 090-1234-5678.",
        )
    ]


@pytest.mark.parametrize("value", ["123-4567", "１２３－４５６７", "〒123-4567", "1234567"])
def test_postal_code(value: str) -> None:
    assert stored("postal_code", value) == "1234567"
    assert format_postal_code("1234567") == "123-4567"


def test_postal_code_refused() -> None:
    assert messages(check("postal_code", "123-456", "郵便番号", "Postal code")) == [
        (
            "f",
            "invalid",
            "「郵便番号」は7桁の数字で入力してください。例：123-4567",
            "Postal code must be 7 digits. For example 123-4567.",
        )
    ]


def test_my_number_accepts_spaces_and_full_width_digits() -> None:
    assert stored("my_number", "1234 5678 9018") == "123456789018"
    assert stored("my_number", "１２３４５６７８９０１８") == "123456789018"


def test_my_number_check_digit_message() -> None:
    assert messages(check("my_number", "123456789012", "個人番号", "My Number")) == [
        (
            "f",
            "check_digit",
            "個人番号の確認用の数字が正しくありません。12桁の番号をもう一度ご確認ください。",
            "The check digit of My Number is not correct. Please check the 12-digit number again.",
        )
    ]


def test_my_number_wrong_length_and_the_value_is_never_in_the_message() -> None:
    result = check("my_number", "12345678901", "個人番号", "My Number")
    assert messages(result) == [
        (
            "f",
            "invalid",
            "「個人番号」は12桁の数字で入力してください。",
            "My Number must be 12 digits.",
        )
    ]
    assert "12345678901" not in result.errors[0].message.ja


def test_mask_my_number() -> None:
    assert mask_my_number("123456789018") == "********9018"


def test_insured_number() -> None:
    assert stored("insured_number", "０１２３４５６７８９") == "0123456789"
    assert messages(check("insured_number", "12345", "被保険者番号", "Insured number"))[0][2] == (
        "「被保険者番号」は10桁の数字で入力してください。介護保険被保険者証に書かれている番号です。"
    )


def test_lg_code() -> None:
    assert stored("lg_code", "131016") == "131016"
    # The 5-digit form without check digit is completed.
    assert stored("lg_code", "13101") == "131016"
    assert messages(check("lg_code", "131017", "団体コード", "Local government code")) == [
        (
            "f",
            "check_digit",
            "「団体コード」の6桁目（確認用の数字）が正しくありません。"
            "団体コードをもう一度ご確認ください。",
            "The check digit (6th digit) of Local government code is not correct. "
            "Please check the local government code again.",
        )
    ]


def test_bank_and_branch_codes() -> None:
    assert stored("bank_code", "０００１") == "0001"
    assert stored("branch_code", "001") == "001"
    assert messages(check("bank_code", "1", "金融機関コード", "Bank code"))[0][1:3] == (
        "invalid",
        "「金融機関コード」は4桁の数字で入力してください。"
        "金融機関コードは通帳やキャッシュカードで確認できます。",
    )
    assert messages(check("branch_code", "1234", "支店コード", "Branch code"))[0][1] == "invalid"


def test_account_number_is_zero_padded() -> None:
    assert stored("account_number", "123") == "0000123"
    assert stored("account_number", "1234567") == "1234567"
    assert messages(check("account_number", "12345678", "口座番号", "Account number")) == [
        (
            "f",
            "invalid",
            "「口座番号」は7桁以内の数字で入力してください。",
            "Account number must be up to 7 digits.",
        )
    ]


def test_codes_must_be_text_to_keep_leading_zeros() -> None:
    assert messages(check("bank_code", 1, "金融機関コード", "Bank code"))[0][1:3] == (
        "invalid",
        "「金融機関コード」は文字で入力してください。",
    )
