"""Answers picked from a list: yes_no, choice, account_type, multi_choice, consent."""

from __future__ import annotations

from typing import Any

import pytest

from forms import ValidationResult, validate_payload
from forms.spec import FormSpec

PENSION = {
    "type": "choice",
    "label": {"ja": "年金の種類", "en": "Pension scheme"},
    "options": [
        {"code": "kousei", "label": {"ja": "厚生年金", "en": "Employees' pension"}},
        {"code": "kokumin", "label": {"ja": "国民年金", "en": "National pension"}},
    ],
}
REASONS = {
    "type": "multi_choice",
    "label": {"ja": "保育が必要な理由", "en": "Reasons care is needed"},
    "options": [
        {"code": "work", "label": {"ja": "就労", "en": "Work"}},
        {"code": "illness", "label": {"ja": "疾病", "en": "Illness"}},
        {"code": "care", "label": {"ja": "介護", "en": "Caring"}},
    ],
    "min": 1,
    "max": 2,
}
CONSENT = {
    "type": "consent",
    "label": {"ja": "情報の確認への同意", "en": "Consent to checks"},
    "wording": {"ja": "所得の情報を市が確認することに同意します。", "en": "I agree."},
}


def check(field: dict[str, Any], value: Any) -> ValidationResult:
    form = FormSpec.model_validate(
        {"steps": [{"id": "s", "title": {"ja": "入力"}, "fields": [{"id": "f", **field}]}]}
    )
    return validate_payload(form, {"f": value})


@pytest.mark.parametrize(
    ("value", "answer"),
    [(True, True), ("yes", True), ("はい", True), ("on", True), (False, False), ("いいえ", False)],
)
def test_yes_no(value: Any, answer: bool) -> None:
    field = {"type": "yes_no", "label": {"ja": "別居", "en": "Lives apart"}}
    assert check(field, value).data == {"f": answer}


def test_yes_no_refused_and_required() -> None:
    field = {"type": "yes_no", "label": {"ja": "別居", "en": "Lives apart"}, "required": True}
    error = check(field, "maybe").errors[0]
    assert (error.code, error.message.ja) == (
        "invalid",
        "「別居」は「はい」か「いいえ」で答えてください。",
    )
    error = check(field, None).errors[0]
    assert (error.code, error.message.ja, error.message.en) == (
        "required",
        "「別居」を選んでください。",
        "Choose an answer for Lives apart.",
    )
    # "No" is an answer.
    assert check(field, "no").ok


def test_choice() -> None:
    assert check(PENSION, " kokumin ").data == {"f": "kokumin"}
    error = check(PENSION, "kyousai").errors[0]
    assert (error.path, error.code, error.message.ja, error.message.en) == (
        "f",
        "not_an_option",
        "「年金の種類」は選択肢（厚生年金、国民年金）から選んでください。",
        "Choose Pension scheme from the options: Employees' pension, National pension.",
    )


def test_account_type_has_fixed_codes() -> None:
    field = {"type": "account_type", "label": {"ja": "預金種目", "en": "Account type"}}
    assert check(field, "futsuu").data == {"f": "futsuu"}
    assert check(field, "当座").data == {"f": "touza"}
    assert check(field, "chochiku").data == {"f": "chochiku"}
    assert check(field, "savings").errors[0].message.ja == (
        "「預金種目」は選択肢（普通、当座、貯蓄）から選んでください。"
    )


def test_multi_choice_is_stored_in_declaration_order() -> None:
    assert check(REASONS, ["illness", "work"]).data == {"f": ["work", "illness"]}


def test_multi_choice_errors() -> None:
    errors = check(REASONS, ["work", "school", "work"]).errors
    assert [(e.path, e.code) for e in errors] == [("f[1]", "not_an_option"), ("f[2]", "duplicate")]
    assert errors[1].message.ja == "「保育が必要な理由」で同じ選択肢が2回選ばれています。"
    error = check(REASONS, ["work", "illness", "care"]).errors[0]
    assert (error.code, error.message.ja) == ("too_many", "「保育が必要な理由」は2つまで選べます。")
    error = check(REASONS | {"min": 2}, ["work"]).errors[0]
    assert (error.code, error.message.ja) == (
        "too_few",
        "「保育が必要な理由」は2つ以上選んでください。",
    )


def test_consent_keeps_the_wording() -> None:
    assert check(CONSENT, True).data == {
        "f": {"agreed": True, "wording": "所得の情報を市が確認することに同意します。"}
    }
    # A stored answer sent back keeps the declared wording, not the client's.
    assert check(CONSENT, {"agreed": True, "wording": "別の文"}).data["f"]["wording"] == (
        "所得の情報を市が確認することに同意します。"
    )


def test_required_consent_must_be_given() -> None:
    field = CONSENT | {"required": True}
    for refusal in (False, "no", None, {"agreed": False}):
        error = check(field, refusal).errors[0]
        assert (error.code, error.message.ja, error.message.en) == (
            "required",
            "「情報の確認への同意」の内容をご確認のうえ、同意してください。",
            "Please read Consent to checks and agree to it.",
        )


def test_an_optional_refusal_is_stored() -> None:
    assert check(CONSENT, False).data == {
        "f": {"agreed": False, "wording": "所得の情報を市が確認することに同意します。"}
    }
