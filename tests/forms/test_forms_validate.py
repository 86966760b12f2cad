"""Validating whole payloads and single steps: visibility, required_if, rows, rules."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from forms import ValidationResult, validate_payload, validate_step
from forms.spec import FormSpec

TODAY = datetime.date(2024, 6, 1)


def label(ja: str, en: str) -> dict[str, str]:
    return {"ja": ja, "en": en}


FORM = FormSpec.model_validate(
    {
        "steps": [
            {
                "id": "claimant",
                "title": label("請求者", "Claimant"),
                "fields": [
                    {
                        "id": "name",
                        "type": "name",
                        "label": label("氏名", "Name"),
                        "required": True,
                    },
                    {
                        "id": "birth_date",
                        "type": "date",
                        "label": label("生年月日", "Date of birth"),
                        "required": True,
                        "rules": ["not_future"],
                    },
                    {
                        "id": "my_number",
                        "type": "my_number",
                        "label": label("個人番号", "My Number"),
                        "required": True,
                    },
                    {
                        "id": "has_spouse",
                        "type": "yes_no",
                        "label": label("配偶者", "Spouse"),
                        "required": True,
                    },
                    {
                        "id": "spouse",
                        "type": "group",
                        "label": label("配偶者", "Spouse"),
                        "visible_if": {"==": [{"var": "has_spouse"}, True]},
                        "fields": [
                            {
                                "id": "name",
                                "type": "name",
                                "label": label("配偶者の氏名", "Spouse's name"),
                                "required": True,
                            },
                            {
                                "id": "my_number",
                                "type": "my_number",
                                "label": label("配偶者の個人番号", "Spouse's My Number"),
                            },
                        ],
                    },
                ],
            },
            {
                "id": "children",
                "title": label("児童", "Children"),
                "fields": [
                    {
                        "id": "children",
                        "type": "group",
                        "label": label("児童", "Children"),
                        "repeat": {"min": 1, "max": 3},
                        "fields": [
                            {
                                "id": "name",
                                "type": "name",
                                "label": label("児童の氏名", "Child's name"),
                                "required": True,
                            },
                            {
                                "id": "birth_date",
                                "type": "date",
                                "label": label("児童の生年月日", "Child's date of birth"),
                                "required": True,
                                "rules": ["not_future"],
                            },
                            {
                                "id": "relationship",
                                "type": "choice",
                                "label": label("続柄", "Relationship"),
                                "required": True,
                                "options": [
                                    {"code": "child", "label": label("子", "Child")},
                                    {"code": "other", "label": label("その他", "Other")},
                                ],
                            },
                            {
                                "id": "relationship_other",
                                "type": "text",
                                "label": label("続柄（その他）", "Relationship (other)"),
                                "required": True,
                                "visible_if": {"==": [{"var": "children.relationship"}, "other"]},
                            },
                            {
                                "id": "lives_apart",
                                "type": "yes_no",
                                "label": label("別居", "Lives apart"),
                            },
                            {
                                "id": "apart_postal_code",
                                "type": "postal_code",
                                "label": label(
                                    "別居先の郵便番号", "Postal code where the child lives"
                                ),
                                "required_if": {"==": [{"var": "children.lives_apart"}, True]},
                            },
                        ],
                    },
                    {
                        "id": "number_of_children",
                        "type": "computed",
                        "label": label("児童の人数", "Number of children"),
                        "compute": {"count": {"var": "children"}},
                    },
                ],
            },
            {
                "id": "bank",
                "title": label("振込先", "Bank account"),
                "visible_if": {"!": {"var": "use_public_funds_account"}},
                "fields": [
                    {
                        "id": "bank_code",
                        "type": "bank_code",
                        "label": label("金融機関コード", "Bank code"),
                        "required": True,
                    },
                ],
            },
            {
                "id": "confirm",
                "title": label("確認", "Confirmation"),
                "fields": [
                    {
                        "id": "use_public_funds_account",
                        "type": "yes_no",
                        "label": label("公金受取口座を使う", "Use the public-funds account"),
                    },
                ],
            },
        ],
        "rules": [
            {
                "id": "child_younger_than_claimant",
                "path": "children[].birth_date",
                "check": {"<": [{"var": "birth_date"}, {"var": "children.birth_date"}]},
                "message": label(
                    "児童の生年月日は請求者の生年月日より後の日付にしてください。",
                    "A child's date of birth must be after the claimant's.",
                ),
            },
            {
                "id": "spouse_number_differs",
                "path": "spouse.my_number",
                "when": {"present": {"var": "spouse.my_number"}},
                "check": {"!=": [{"var": "spouse.my_number"}, {"var": "my_number"}]},
                "message": label(
                    "配偶者の個人番号に請求者ご本人の番号が入力されています。",
                    "The spouse's My Number is the claimant's own.",
                ),
            },
        ],
    }
)

CHILD = {"name": "山田 花子", "birth_date": "令和2年3月3日", "relationship": "child"}
VALID: dict[str, Any] = {
    "name": "山田 太郎",
    "birth_date": "S60.4.1",
    "my_number": "1234-5678-9018",
    "has_spouse": "いいえ",
    "children": [CHILD],
    "use_public_funds_account": True,
}


def validate(data: dict[str, Any]) -> ValidationResult:
    return validate_payload(FORM, data, today=TODAY)


def codes(result: ValidationResult) -> list[tuple[str, str]]:
    return [(e.path, e.code) for e in result.errors]


def test_a_valid_payload_is_normalised() -> None:
    result = validate(VALID)
    assert result.ok
    assert result.data == {
        "name": "山田　太郎",
        "birth_date": "1985-04-01",
        "my_number": "123456789018",
        "has_spouse": False,
        "children": [{"name": "山田　花子", "birth_date": "2020-03-03", "relationship": "child"}],
        "use_public_funds_account": True,
        "number_of_children": 1,
    }


def test_all_errors_are_reported_at_once_in_form_order() -> None:
    result = validate(
        {"birth_date": "2030-01-01", "my_number": "123456789012", "children": [{"name": "花子"}]}
    )
    assert codes(result) == [
        ("name", "required"),
        ("birth_date", "in_future"),
        ("my_number", "check_digit"),
        ("has_spouse", "required"),
        ("children[0].birth_date", "required"),
        ("children[0].relationship", "required"),
        ("bank_code", "required"),
    ]
    assert result.errors[0].message.ja == "「氏名」を入力してください。"


def test_errors_in_repeating_rows_carry_the_row_index() -> None:
    children = [
        CHILD,
        {"name": "山田 次郎", "birth_date": "2024-13-01", "relationship": "other"},
        {"name": "", "birth_date": "R1.6.1", "relationship": "child", "lives_apart": "yes"},
    ]
    result = validate(VALID | {"children": children})
    assert codes(result) == [
        ("children[1].birth_date", "invalid"),
        ("children[1].relationship_other", "required"),
        ("children[2].name", "required"),
        ("children[2].apart_postal_code", "required"),
    ]
    assert result.errors[3].message.ja == "「別居先の郵便番号」を入力してください。"


def test_row_count_limits() -> None:
    assert codes(validate(VALID | {"children": []})) == [("children", "too_few")]
    assert validate(VALID | {"children": []}).errors[0].message.ja == (
        "「児童」は1件以上入力してください。"
    )
    missing = dict(VALID)
    del missing["children"]
    assert codes(validate(missing)) == [("children", "too_few")]
    result = validate(VALID | {"children": [CHILD] * 4})
    assert codes(result) == [("children", "too_many")]
    assert result.errors[0].message.ja == "「児童」は3件まで入力できます。"
    assert codes(validate(VALID | {"children": [CHILD, "次郎"]})) == [("children[1]", "invalid")]


def test_hidden_fields_are_dropped_and_not_validated() -> None:
    result = validate(VALID | {"spouse": {"name": "", "my_number": "bad", "typo": 1}})
    assert result.ok
    assert "spouse" not in result.data


def test_visible_group_is_validated() -> None:
    result = validate(VALID | {"has_spouse": True, "spouse": {"my_number": "123456789012"}})
    assert codes(result) == [("spouse.name", "required"), ("spouse.my_number", "check_digit")]
    assert result.errors[1].message.ja == (
        "配偶者の個人番号の確認用の数字が正しくありません。12桁の番号をもう一度ご確認ください。"
    )


def test_an_absent_visible_group_still_asks_for_its_required_fields() -> None:
    assert codes(validate(VALID | {"has_spouse": True})) == [("spouse.name", "required")]


def test_visibility_inside_a_row_uses_that_row() -> None:
    children = [
        CHILD | {"relationship_other": "孫"},
        CHILD | {"relationship": "other", "relationship_other": "孫"},
    ]
    result = validate(VALID | {"children": children})
    assert result.ok
    assert "relationship_other" not in result.data["children"][0]
    assert result.data["children"][1]["relationship_other"] == "孫"


def test_required_if() -> None:
    apart = CHILD | {"lives_apart": True}
    assert codes(validate(VALID | {"children": [apart]})) == [
        ("children[0].apart_postal_code", "required")
    ]
    result = validate(VALID | {"children": [apart | {"apart_postal_code": "123-4567"}]})
    assert result.ok
    assert result.data["children"][0]["apart_postal_code"] == "1234567"


def test_a_hidden_step_is_dropped() -> None:
    assert "bank_code" not in validate(VALID | {"bank_code": "12"}).data
    shown = validate(VALID | {"use_public_funds_account": False, "bank_code": "０００１"})
    assert shown.ok
    assert shown.data["bank_code"] == "0001"


def test_computed_values_ignore_the_client() -> None:
    assert validate(VALID | {"number_of_children": 99}).data["number_of_children"] == 1


def test_unknown_keys_are_reported_with_their_paths() -> None:
    result = validate(VALID | {"nmae": "x", "children": [CHILD | {"school": "x"}]})
    assert codes(result) == [("children[0].school", "unknown_field"), ("nmae", "unknown_field")]
    assert (
        result.errors[1].message.ja
        == "「nmae」という項目はこの様式にありません。項目名をご確認ください。"
    )
    assert "nmae" not in result.data


def test_cross_field_rule_per_row() -> None:
    result = validate(VALID | {"children": [CHILD, CHILD | {"birth_date": "1980-01-01"}]})
    assert codes(result) == [("children[1].birth_date", "rule")]
    assert result.errors[0].message.en == "A child's date of birth must be after the claimant's."


def test_cross_field_rule_with_when() -> None:
    spouse = {"name": "山田 花子", "my_number": "123456789018"}
    result = validate(VALID | {"has_spouse": True, "spouse": spouse})
    assert codes(result) == [("spouse.my_number", "rule")]
    assert result.errors[0].message.ja == "配偶者の個人番号に請求者ご本人の番号が入力されています。"
    assert validate(VALID | {"has_spouse": True, "spouse": {"name": "山田 花子"}}).ok


def test_a_rule_is_skipped_while_a_field_it_reads_has_an_error() -> None:
    result = validate(VALID | {"birth_date": "2030-01-01"})
    assert codes(result) == [("birth_date", "in_future")]


def test_a_payload_that_is_not_an_object() -> None:
    result = validate_payload(FORM, ["not", "an", "object"])  # type: ignore[arg-type]
    assert codes(result) == [("", "invalid")]


def test_validate_step_reports_only_that_step() -> None:
    result = validate_step(FORM, "claimant", {"name": "山田 太郎", "typo": 1}, today=TODAY)
    assert codes(result) == [
        ("birth_date", "required"),
        ("my_number", "required"),
        ("has_spouse", "required"),
        ("typo", "unknown_field"),
    ]
    assert result.data == {"name": "山田　太郎"}


def test_validate_step_reads_earlier_answers_for_conditions_and_rules() -> None:
    data = VALID | {"children": [CHILD | {"birth_date": "1980-01-01"}]}
    result = validate_step(FORM, "children", data, today=TODAY)
    assert codes(result) == [("children[0].birth_date", "rule")]
    assert set(result.data) == {"children", "number_of_children"}


def test_validate_step_of_a_hidden_step_is_empty() -> None:
    result = validate_step(FORM, "bank", VALID | {"bank_code": "x"}, today=TODAY)
    assert result.ok
    assert result.data == {}


def test_validate_step_unknown_step() -> None:
    with pytest.raises(KeyError, match="no step 'payment'"):
        validate_step(FORM, "payment", {})
