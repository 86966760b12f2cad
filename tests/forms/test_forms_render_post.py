"""A rendered step posted by a browser comes back as the payload; row buttons work without JS."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup, Tag
from werkzeug.datastructures import FileStorage, MultiDict

from forms import validate_payload, validate_step
from forms.render import apply_row_action, parse_form_post, render_step, visible_steps
from forms.spec import FormSpec
from procedures.samples import sample

TODAY = datetime.date(2025, 6, 1)
DEFINITIONS = Path(__file__).resolve().parents[2] / "procedures" / "kosodate"


def load_form(procedure_id: str) -> FormSpec:
    raw = yaml.safe_load((DEFINITIONS / f"{procedure_id}.yaml").read_text(encoding="utf-8"))
    return FormSpec.model_validate(raw["form"])


CLAIM = load_form("jidou-teate-nintei")
PREGNANCY = load_form("ninshin-todoke")


def browser_post(html: str, *extra: tuple[str, str]) -> MultiDict[str, str]:
    """What a browser submits for the form controls in ``html`` (no button pressed).

    Text inputs and hidden inputs send their value, checked radios and checkboxes theirs,
    a select its selected option (the first when none is), a textarea its text. File
    inputs send files, not form fields; controls without a name send nothing.
    """
    soup = BeautifulSoup(html, "html.parser")
    pairs: list[tuple[str, str]] = []
    for control in soup.find_all(["input", "select", "textarea"]):
        name = control.get("name")
        if not isinstance(name, str) or control.has_attr("disabled"):
            continue
        if control.name == "textarea":
            pairs.append((name, control.get_text()))
        elif control.name == "select":
            options = control.find_all("option")
            chosen = [o for o in options if o.has_attr("selected")] or options[:1]
            pairs += [(name, str(o.get("value", o.get_text()))) for o in chosen]
        else:
            kind = control.get("type", "text")
            if kind in ("submit", "button", "reset", "image", "file"):
                continue
            if kind in ("checkbox", "radio") and not control.has_attr("checked"):
                continue
            pairs.append((name, str(control.get("value", "on"))))
    return MultiDict([*pairs, *extra])


def step_fields(form: FormSpec, step_id: str) -> set[str]:
    return {f.id for s in form.steps if s.id == step_id for f in s.fields}


def round_trip(
    form: FormSpec, raw: dict[str, Any], lang: str = "ja"
) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """For each visible step: (step, what came back validated, the sample's normalised part)."""
    normalised = validate_payload(form, raw, today=TODAY)
    assert normalised.ok, normalised.errors
    out = []
    for step in visible_steps(form, raw, today=TODAY):
        html = str(render_step(form, step.id, raw, lang=lang, today=TODAY))
        posted = parse_form_post(form, step.id, browser_post(html), previous=normalised.data)
        mine = step_fields(form, step.id)
        others = {k: v for k, v in normalised.data.items() if k not in mine}
        result = validate_step(form, step.id, others | posted, today=TODAY)
        assert result.ok, (step.id, result.errors)
        assert validate_payload(form, others | posted, today=TODAY).ok
        expected = {k: v for k, v in normalised.data.items() if k in mine}
        out.append((step.id, result.data, expected))
    return out


def test_child_allowance_claim_round_trip() -> None:
    results = round_trip(CLAIM, sample("jidou-teate-nintei", TODAY))
    assert [step for step, _, _ in results] == [
        "claimant",
        "spouse",
        "children",
        "payment",
        "consent",
        "attachments",
    ]
    for _step, got, expected in results:
        assert got == expected


def test_round_trip_in_english_with_a_child_elsewhere_and_no_spouse() -> None:
    raw = sample("jidou-teate-nintei", TODAY)
    raw["has_spouse"] = False
    del raw["spouse"]
    raw["children"][1] |= {
        "lives_with_claimant": False,
        "address": {"prefecture": "大阪府", "city": "大阪市北区", "town": "梅田", "block": "1-1"},
    }
    raw["separate_custody_statement"] = [
        {"sha256": "ab" * 32, "name": "申立書.pdf", "content_type": "application/pdf", "size": 10}
    ]
    for _step, got, expected in round_trip(CLAIM, raw, lang="en"):
        assert got == expected


def test_round_trip_keeps_the_registered_account_that_cannot_be_edited() -> None:
    raw = sample("jidou-teate-nintei", TODAY)
    del raw["bank_account"], raw["bank_book_copy"]
    raw |= {
        "use_public_funds_account": True,
        "registered_account": {
            "bank_code": "0009",
            "bank_name": "三井住友銀行",
            "branch_code": "001",
            "branch_name": "本店",
            "account_type": "futsuu",
            "account_number": "7654321",
            "holder_kana": "ヤマダ タロウ",
        },
    }
    results = {step: (got, expected) for step, got, expected in round_trip(CLAIM, raw)}
    got, expected = results["payment"]
    assert got == expected
    assert got["registered_account"]["account_number"] == "7654321"
    assert "attachments" not in results


def test_pregnancy_notification_round_trip() -> None:
    raw = sample("ninshin-todoke", TODAY) | {"interview_wishes": "平日の午前\r\n通訳が必要"}
    for step, got, expected in round_trip(PREGNANCY, raw):
        assert got == expected, step


def post_claimant(**answers: str) -> dict[str, Any]:
    return parse_form_post(CLAIM, "claimant", MultiDict(list(answers.items())))


@pytest.mark.parametrize(
    "typed",
    ["1990-04-12", "1990/4/12", "19900412", "１９９０年４月１２日", "平成2年4月12日", "H2.4.12"],
)
def test_a_date_is_one_text_input_read_in_every_form_the_type_reads(typed: str) -> None:
    posted = post_claimant(**{"claimant-birth_date": typed})
    assert posted == {"claimant": {"birth_date": typed}}
    result = validate_step(CLAIM, "claimant", posted, today=TODAY)
    assert result.data["claimant"]["birth_date"] == "1990-04-12"


def test_empty_answers_are_left_out_and_the_address_is_read_in_parts() -> None:
    posted = post_claimant(
        **{
            "claimant-name": "  ",
            "claimant-address-prefecture": "東京都",
            "claimant-address-city": "国立市",
            "claimant-address-building": "",
        }
    )
    assert posted == {"claimant": {"address": {"prefecture": "東京都", "city": "国立市"}}}


def test_yes_no_becomes_a_boolean_and_a_tampered_answer_stays_for_the_validator() -> None:
    assert parse_form_post(CLAIM, "spouse", {"has_spouse": "no"}) == {"has_spouse": False}
    posted = parse_form_post(CLAIM, "spouse", {"has_spouse": "maybe"})
    assert posted == {"has_spouse": "maybe"}
    errors = validate_step(CLAIM, "spouse", posted).errors
    assert [(e.path, e.code) for e in errors] == [("has_spouse", "invalid")]


def test_answers_of_a_hidden_group_are_dropped_by_the_validator() -> None:
    post = {"has_spouse": "no", "spouse-name": "山田 花子"}
    posted = parse_form_post(CLAIM, "spouse", post)
    assert validate_step(CLAIM, "spouse", posted).data == {"has_spouse": False}


def test_an_unticked_consent_is_a_refusal_which_a_required_consent_rejects() -> None:
    posted = parse_form_post(CLAIM, "consent", MultiDict())
    assert posted == {"consent_records": False}
    errors = validate_step(CLAIM, "consent", posted).errors
    assert [e.message.ja for e in errors] == [
        "「所得と年金の情報の確認への同意」の内容をご確認のうえ、同意してください。"
    ]


def multi_choice_form() -> FormSpec:
    return FormSpec.model_validate(
        {
            "steps": [
                {
                    "id": "s",
                    "title": {"ja": "理由"},
                    "fields": [
                        {
                            "id": "reasons",
                            "type": "multi_choice",
                            "label": {"ja": "理由"},
                            "options": [
                                {"code": c, "label": {"ja": c}} for c in ("work", "illness", "care")
                            ],
                        }
                    ],
                }
            ]
        }
    )


def test_checkboxes_give_the_list_of_codes_in_the_order_of_the_form() -> None:
    form = multi_choice_form()
    html = str(render_step(form, "s", {"reasons": ["care", "work"]}))
    posted = parse_form_post(form, "s", browser_post(html))
    assert posted == {"reasons": ["work", "care"]}
    assert parse_form_post(form, "s", MultiDict()) == {}


def test_attachment_references_come_back_from_their_hidden_inputs() -> None:
    reference = sample("jidou-teate-nintei")["bank_book_copy"][0]
    upload = FileStorage(filename="new.pdf")
    post = MultiDict(
        [
            ("bank_book_copy", json.dumps(reference, ensure_ascii=False)),
            ("bank_book_copy", upload),
            ("bank_book_copy", ""),
        ]
    )
    assert parse_form_post(CLAIM, "attachments", post) == {"bank_book_copy": [reference]}


def test_a_reference_that_is_not_json_is_reported_not_dropped() -> None:
    posted = parse_form_post(CLAIM, "attachments", {"bank_book_copy": "通帳.pdf"})
    assert posted == {"bank_book_copy": ["通帳.pdf"]}
    data = sample("jidou-teate-nintei", TODAY) | posted
    errors = validate_step(CLAIM, "attachments", data, today=TODAY).errors
    assert [(e.path, e.code) for e in errors] == [("bank_book_copy[0]", "invalid")]


def test_a_field_that_cannot_be_edited_is_never_read_from_the_post() -> None:
    previous = {"registered_account": {"account_number": "7654321"}}
    post = {"use_public_funds_account": "yes", "registered_account-account_number": "0000001"}
    posted = parse_form_post(CLAIM, "payment", post, previous=previous)
    assert posted == {
        "use_public_funds_account": True,
        "registered_account": {"account_number": "7654321"},
    }


def test_rows_come_from_the_row_count_even_when_empty() -> None:
    post = {"_rows-children": "2", "children-0-name": "山田 一郎", "children-1-name": ""}
    posted = parse_form_post(CLAIM, "children", post)
    assert posted == {"children": [{"name": "山田 一郎"}, {}]}
    errors = validate_step(CLAIM, "children", posted, today=TODAY).errors
    assert "children[1].name" in {e.path for e in errors}


def test_a_tampered_row_count_is_held_to_the_maximum() -> None:
    posted = parse_form_post(CLAIM, "children", {"_rows-children": "100000"})
    assert len(posted["children"]) == 10


def test_an_unknown_step_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="no step"):
        parse_form_post(CLAIM, "nope", {})


# -- no-JavaScript row buttons ------------------------------------------------------------


def rows_in(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [str(row["id"]) for row in soup.find_all("fieldset", class_="mg-repeat__row")]


def press(data: dict[str, Any], action: str) -> dict[str, Any]:
    """Render the children step, press the button ``action``, apply it: as a page would."""
    html = str(render_step(CLAIM, "children", data, today=TODAY))
    button = BeautifulSoup(html, "html.parser").find("button", attrs={"value": action})
    assert isinstance(button, Tag), f"no button {action!r} on the page"
    post = browser_post(html, (str(button["name"]), action))
    posted = parse_form_post(CLAIM, "children", post)
    return apply_row_action(CLAIM, data | posted, post["_action"])


def test_add_and_remove_a_child_without_javascript() -> None:
    data = sample("jidou-teate-nintei", TODAY)
    added = press(data, "add:children")
    assert len(added["children"]) == 3
    assert added["children"][2] == {}
    assert added["children"][0]["name"] == "山田 一郎"
    html = str(render_step(CLAIM, "children", added, today=TODAY))
    assert rows_in(html) == ["f-children-0", "f-children-1", "f-children-2"]

    removed = press(added, "remove:children:0")
    assert [c.get("name") for c in removed["children"]] == ["山田 次郎", None]


def test_rows_stay_within_repeat_min_and_max() -> None:
    one = {"children": [{"name": "山田 一郎"}]}
    assert apply_row_action(CLAIM, one, "remove:children:0") == one
    ten = {"children": [{"name": f"子{i}"} for i in range(10)]}
    assert apply_row_action(CLAIM, ten, "add:children") == ten
    assert apply_row_action(CLAIM, {}, "add:children") == {"children": [{}, {}]}
    two = {"children": [{"name": "一郎"}, {"name": "次郎"}]}
    assert apply_row_action(CLAIM, two, "remove:children:5") == two


def test_row_actions_do_not_change_the_answers_given() -> None:
    data = {"children": [{"name": "一郎"}, {"name": "次郎"}]}
    before = copy.deepcopy(data)
    apply_row_action(CLAIM, data, "remove:children:1")
    apply_row_action(CLAIM, data, "add:children")
    assert data == before


def test_remove_an_attached_file() -> None:
    data = sample("jidou-teate-nintei", TODAY)
    assert apply_row_action(CLAIM, data, "remove_file:bank_book_copy:0")["bank_book_copy"] == []


@pytest.mark.parametrize(
    "action",
    [
        "explode",
        "add:",
        "add:claimant",
        "add:nope",
        "remove:children",
        "add:children-0-name",
        "remove:children-x-name:0",
        "remove_file:claimant-name:0",
        "remove_file:children:0",
        "add:children-0",
    ],
)
def test_malformed_actions_are_refused(action: str) -> None:
    with pytest.raises(ValueError, match=r"form action|not a path|not a repeating|not an attach"):
        apply_row_action(CLAIM, {}, action)
