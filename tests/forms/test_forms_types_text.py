"""Text field types: text, textarea, email, name, kana, bank_holder_kana."""

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


def one_error(result: ValidationResult) -> tuple[str, str, str, str]:
    assert len(result.errors) == 1, result.errors
    (error,) = result.errors
    return error.path, error.code, error.message.ja, error.message.en


NOTE = {"type": "text", "label": {"ja": "備考", "en": "Note"}}


def test_text_is_stripped_and_nfc_normalised() -> None:
    assert check(NOTE, "  か\u3099っこう ").data == {"f": "がっこう"}


def test_text_length_limits() -> None:
    field = NOTE | {"min_length": 2, "max_length": 5}
    assert one_error(check(field, "あ")) == (
        "f",
        "too_short",
        "「備考」は2文字以上で入力してください。",
        "Note must be at least 2 characters long.",
    )
    assert one_error(check(field, "あいうえおか")) == (
        "f",
        "too_long",
        "「備考」は5文字以内で入力してください（いまは6文字です）。",
        "Note must be at most 5 characters long (it has 6).",
    )


def test_text_refuses_line_breaks_and_non_text() -> None:
    assert one_error(check(NOTE, "一行目\n二行目"))[2] == (
        "「備考」には改行や制御文字を入力できません。"
    )
    assert one_error(check(NOTE, 12))[1:3] == ("invalid", "「備考」は文字で入力してください。")


def test_an_empty_answer_is_not_kept_and_required_says_so() -> None:
    assert check(NOTE, "   ").data == {}
    assert one_error(check(NOTE | {"required": True}, "  ")) == (
        "f",
        "required",
        "「備考」を入力してください。",
        "Note is required.",
    )


def test_textarea_keeps_line_breaks() -> None:
    field = {"type": "textarea", "label": {"ja": "被害の状況", "en": "Damage"}}
    assert check(field, "屋根が\r\n壊れた ").data == {"f": "屋根が\n壊れた"}


@pytest.mark.parametrize(
    ("value", "stored"),
    [("taro@Example.JP", "taro@example.jp"), ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp")],
)
def test_email_normalisation(value: str, stored: str) -> None:
    field = {"type": "email", "label": {"ja": "メールアドレス", "en": "E-mail"}}
    assert check(field, value).data == {"f": stored}


@pytest.mark.parametrize("value", ["taro", "taro@example", "ta ro@example.jp", "山田@example.jp"])
def test_email_refused(value: str) -> None:
    field = {"type": "email", "label": {"ja": "メールアドレス", "en": "E-mail"}}
    assert one_error(check(field, value))[1:] == (
        "invalid",
        "「メールアドレス」はメールアドレスの形（例：taro@example.jp）で入力してください。",
        "E-mail must be an e-mail address, like taro@example.jp.",
    )


NAME = {"type": "name", "label": {"ja": "氏名", "en": "Name"}}


@pytest.mark.parametrize(
    ("value", "stored"),
    [("山田 太郎", "山田　太郎"), ("  山田　　太郎 ", "山田　太郎"), ("SMITH JOHN", "SMITH　JOHN")],
)
def test_name_normalisation(value: str, stored: str) -> None:
    assert check(NAME, value).data == {"f": stored}


KANA = {"type": "kana", "label": {"ja": "フリガナ", "en": "Name in kana"}}


@pytest.mark.parametrize(
    ("value", "stored"),
    [("やまだ たろう", "ヤマダ　タロウ"), ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ"), ("さとー", "サトー")],
)
def test_kana_normalisation(value: str, stored: str) -> None:
    assert check(KANA, value).data == {"f": stored}


def test_kana_refuses_kanji_and_names_the_characters() -> None:
    assert one_error(check(KANA, "山田 タロウ")) == (
        "f",
        "invalid",
        "「フリガナ」はカタカナで入力してください。使えるのはカタカナ、長音（ー）、"
        "中点（・）とスペースです。使えない文字：「山」、「田」",
        "Name in kana must be written in katakana: only katakana, the long vowel mark (ー), "
        "the middle dot (・) and spaces are allowed. Not allowed: 「山」、「田」",
    )


HOLDER = {"type": "bank_holder_kana", "label": {"ja": "口座名義", "en": "Account holder"}}


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ"),
        ("しょうじ きょうこ", "シヨウジ　キヨウコ"),
        ("ｶ)ﾏﾄﾞｸﾞﾁ", "カ）マドグチ"),
        ("smith john", "ＳＭＩＴＨ　ＪＯＨＮ"),
    ],
)
def test_bank_holder_kana_normalisation(value: str, stored: str) -> None:
    assert check(HOLDER, value).data == {"f": stored}


def test_bank_holder_kana_explains_the_allowed_characters() -> None:
    path, code, ja, en = one_error(check(HOLDER, "ジョン・スミス"))
    assert (path, code) == ("f", "invalid")
    assert ja == (
        "「口座名義」は通帳と同じ口座名義をカタカナで入力してください。使えるのは全角カタカナ"
        "（小さい「ャ」などは大きい「ヤ」になります）、英大文字、数字、スペースと記号 "
        "（）．ー／，－「」 です。使えない文字：「・」"
    )
    assert en.endswith("Not accepted: 「・」")
