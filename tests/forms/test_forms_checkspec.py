"""check_form_spec: every mistake of a declaration, each with its path."""

from __future__ import annotations

from typing import Any

from forms import check_form_spec
from forms.spec import FormSpec

L = {"ja": "項目", "en": "Item"}


def form(*steps: dict[str, Any], rules: list[dict[str, Any]] | None = None) -> FormSpec:
    return FormSpec.model_validate({"steps": list(steps), "rules": rules or []})


def step(step_id: str, *fields: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": step_id, "title": L, "fields": list(fields), **extra}


def field(field_id: str, field_type: str, **extra: Any) -> dict[str, Any]:
    return {"id": field_id, "type": field_type, "label": L, **extra}


def test_a_correct_form_has_no_mistakes() -> None:
    spec = form(
        step(
            "a",
            field("has_child", "yes_no"),
            field(
                "children",
                "group",
                repeat={"min": 0, "max": 5},
                visible_if={"var": "has_child"},
                fields=[
                    field("birth_date", "date", rules=["not_future", "age_between:0:18"]),
                    field(
                        "school",
                        "text",
                        visible_if={">=": [{"age": [{"var": "children.birth_date"}]}, 6]},
                    ),
                ],
            ),
            field("address", "address", prefill="registry.resident.address"),
            field(
                "prefecture_is_tokyo",
                "computed",
                compute={"==": [{"var": "address.prefecture"}, "東京都"]},
            ),
        ),
        rules=[
            {
                "id": "r",
                "path": "children[].birth_date",
                "check": {"present": {"var": "children.birth_date"}},
                "message": L,
            }
        ],
    )
    assert check_form_spec(spec) == []


def test_several_mistakes_are_reported_at_once() -> None:
    spec = form(
        step(
            "one",
            field("my_number", "mynumber"),
            field("born", "date", options=[{"code": "a", "label": L}], min=1),
            field("pension", "choice"),
            field("name", "text", repeat={"min": 0, "max": 2}),
            field(
                "kind",
                "choice",
                options=[
                    {"code": "a", "label": L},
                    {"code": "b", "label": L},
                    {"code": "a", "label": L},
                ],
            ),
        ),
        step(
            "two",
            field("name", "name"),
            field(
                "note",
                "text",
                visible_if={"==": [{"var": "nmae"}, 1]},
                required_if={"equals": [1, 1]},
            ),
            field("phone", "phone", prefill="registry.residnt.phone"),
            field("locked", "text", editable=False),
            field("count", "computed"),
            field("due", "date", rules=["not_futur", "age_between:64:40"]),
            field(
                "kids",
                "group",
                repeat={"min": 0, "max": 2},
                fields=[field("a", "text"), field("a", "text", prefill="jpki.name")],
            ),
            visible_if={"var": "has_spouse"},
        ),
        rules=[
            {"id": "r", "path": "children.birth_date", "check": {"var": "born"}, "message": L},
            {"id": "r", "path": "born", "check": {"<": [{"var": "born"}]}, "message": L},
        ],
    )
    assert check_form_spec(spec) == [
        ("steps[0].fields[0].type", "unknown field type 'mynumber' (did you mean 'my_number'?)"),
        ("steps[0].fields[1].options", "'options' does not apply to type 'date'"),
        ("steps[0].fields[1].min", "'min' does not apply to type 'date'"),
        ("steps[0].fields[2].options", "type 'choice' needs 'options'"),
        ("steps[0].fields[3].repeat", "'repeat' does not apply to type 'text'"),
        ("steps[0].fields[4].options[2].code", "duplicate option code 'a'"),
        ("steps[1].visible_if", "'var' refers to 'has_spouse', which is not a declared field"),
        ("steps[1].fields[0].id", "duplicate field id 'name' (already at steps[0].fields[3])"),
        (
            "steps[1].fields[1].visible_if",
            "'var' refers to 'nmae', which is not a declared field (did you mean 'name'?)",
        ),
        ("steps[1].fields[1].required_if", "unknown operator 'equals'"),
        (
            "steps[1].fields[2].prefill",
            "unknown prefill source 'registry.residnt.phone' (did you mean "
            "'registry.resident.{item}'?); use one of 'registry.resident.<item>', "
            "'registry.household.<item>', 'public_funds_account.<item>', 'jpki.<item>', "
            "'previous_case.<item>'",
        ),
        ("steps[1].fields[3].editable", "a field that is not editable needs a prefill source"),
        ("steps[1].fields[4].compute", "type 'computed' needs 'compute'"),
        (
            "steps[1].fields[5].rules[0]",
            "unknown date rule 'not_futur' (did you mean 'not_future'?)",
        ),
        ("steps[1].fields[5].rules[1]", "age_between: the minimum (64) is larger than the maximum"),
        (
            "steps[1].fields[6].fields[1].id",
            "duplicate field id 'a' (already at steps[1].fields[6].fields[0])",
        ),
        (
            "steps[1].fields[6].fields[1].prefill",
            "a field inside a repeating group cannot be prefilled on its own; prefill the group",
        ),
        (
            "rules[0].path",
            "'children.birth_date' is not a declared field; write rows of a repeating group as "
            "'group[].field'",
        ),
        ("rules[1].id", "duplicate rule id 'r'"),
        ("rules[1].check", "'<' takes 2 to 3 argument(s), got 1"),
    ]


def test_parameter_bounds() -> None:
    spec = form(
        step(
            "a",
            field("t", "text", min_length=5, max_length=2),
            field("m", "money", min=-1),
            field("i", "integer", min=5, max=1),
            field(
                "c",
                "multi_choice",
                options=[{"code": "a", "label": L}],
                max=3,
            ),
            field("f", "attachment", accept=["pdf"]),
            field("consent", "consent"),
            field("g", "group", fields=[]),
        )
    )
    assert check_form_spec(spec) == [
        ("steps[0].fields[0].min_length", "min_length (5) is larger than max_length (2)"),
        ("steps[0].fields[1].min", "min (-1) of a money field cannot be negative"),
        ("steps[0].fields[2].min", "min (5) is larger than max (1)"),
        ("steps[0].fields[3].max", "max (3) must be between 0 and 1"),
        ("steps[0].fields[4].accept[0]", "'pdf' is not a MIME type like 'application/pdf'"),
        ("steps[0].fields[5].wording", "type 'consent' needs 'wording'"),
        ("steps[0].fields[6].fields", "a group needs at least one field"),
    ]


def test_prefill_sources() -> None:
    spec = form(
        step(
            "a",
            field("a", "text", prefill="jpki.name"),
            field("b", "text", prefill="jpki.phone"),
            field("c", "text", prefill="public_funds_account.Bank"),
            field("d", "text", prefill="previous_case.claimant.phone"),
        )
    )
    assert check_form_spec(spec) == [
        (
            "steps[0].fields[1].prefill",
            "prefill 'jpki.phone': jpki gives only address, birth_date, name, sex",
        ),
        (
            "steps[0].fields[2].prefill",
            "prefill item 'Bank' in 'public_funds_account.Bank' is not a lower-case identifier",
        ),
    ]
