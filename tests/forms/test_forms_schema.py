"""json_schema: the schema of a form's payload, checked against normalised payloads."""

from __future__ import annotations

import datetime
import re
from typing import Any

from forms import json_schema, validate_payload
from forms.spec import FormSpec


def label(ja: str, en: str = "") -> dict[str, str]:
    return {"ja": ja, "en": en}


FORM = FormSpec.model_validate(
    {
        "steps": [
            {
                "id": "applicant",
                "title": label("申請者", "Applicant"),
                "fields": [
                    {
                        "id": "name",
                        "type": "name",
                        "label": label("氏名", "Name"),
                        "required": True,
                        "prefill": "registry.resident.name",
                        "hint": label("戸籍の表記で", "As registered"),
                    },
                    {
                        "id": "kana",
                        "type": "kana",
                        "label": label("フリガナ"),
                        "required": True,
                        "max_length": 40,
                    },
                    {
                        "id": "birth_date",
                        "type": "date",
                        "label": label("生年月日"),
                        "required": True,
                        "rules": ["not_future"],
                    },
                    {"id": "phone", "type": "phone", "label": label("電話番号")},
                    {"id": "address", "type": "address", "label": label("住所"), "required": True},
                    {
                        "id": "kind",
                        "type": "choice",
                        "label": label("申請の種類"),
                        "required": True,
                        "options": [
                            {"code": "new", "label": label("新規", "New")},
                            {"code": "renewal", "label": label("更新", "Renewal")},
                        ],
                    },
                    {
                        "id": "reason",
                        "type": "textarea",
                        "label": label("更新の理由"),
                        "visible_if": {"==": [{"var": "kind"}, "renewal"]},
                        "required": True,
                    },
                ],
            },
            {
                "id": "details",
                "title": label("詳細"),
                "fields": [
                    {
                        "id": "items",
                        "type": "group",
                        "label": label("購入品"),
                        "repeat": {"min": 1, "max": 3},
                        "fields": [
                            {
                                "id": "name",
                                "type": "text",
                                "label": label("品名"),
                                "required": True,
                            },
                            {
                                "id": "price",
                                "type": "money",
                                "label": label("金額"),
                                "required": True,
                                "max": 100000,
                            },
                        ],
                    },
                    {
                        "id": "total",
                        "type": "computed",
                        "label": label("合計"),
                        "compute": {"+": [0]},
                    },
                    {
                        "id": "receipts",
                        "type": "attachment",
                        "label": label("領収書"),
                        "accept": ["application/pdf", "image/jpeg"],
                        "max_files": 3,
                        "max_size_kb": 5000,
                    },
                    {
                        "id": "agree",
                        "type": "consent",
                        "label": label("同意"),
                        "required": True,
                        "wording": label("内容に誤りはありません。"),
                    },
                ],
            },
        ],
        "rules": [
            {
                "id": "cheap",
                "path": "items[].price",
                "check": {"<=": [{"var": "items.price"}, 100000]},
                "message": label("1品10万円までです。"),
            },
        ],
    }
)


def conforms(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """A structural check of the JSON Schema keywords json_schema uses."""
    problems: list[str] = []
    kind = schema.get("type")
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
    }
    if kind is not None and not checks[kind](value):
        return [f"{path}: not {kind}"]
    if "const" in schema and value != schema["const"]:
        problems.append(f"{path}: not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path}: {value!r} not in enum")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        problems.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if "minLength" in schema and len(value) < schema["minLength"]:
        problems.append(f"{path}: too short")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        problems.append(f"{path}: too long")
    if "minimum" in schema and value < schema["minimum"]:
        problems.append(f"{path}: below minimum")
    if "maximum" in schema and value > schema["maximum"]:
        problems.append(f"{path}: above maximum")
    if kind == "array":
        if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", 10**9):
            problems.append(f"{path}: wrong number of items")
        for i, item in enumerate(value):
            problems += conforms(item, schema.get("items", {}), f"{path}[{i}]")
    if kind == "object":
        properties = schema.get("properties", {})
        problems += [f"{path}.{k}: missing" for k in schema.get("required", []) if k not in value]
        if schema.get("additionalProperties") is False:
            problems += [f"{path}.{k}: not allowed" for k in value if k not in properties]
        for key, item in value.items():
            if key in properties:
                problems += conforms(item, properties[key], f"{path}.{key}")
    return problems


PAYLOAD = {
    "name": "山田 花子",
    "kana": "やまだ はなこ",
    "birth_date": "昭和50年1月2日",
    "phone": "090-1234-5678",
    "address": {"prefecture": "大阪", "city": "大阪市北区", "town": "中之島", "block": "1-3-20"},
    "kind": "renewal",
    "reason": "引っ越しのため",
    "items": [{"name": "手すり", "price": "30,000円"}],
    "receipts": [
        {"sha256": "0" * 64, "name": "r.pdf", "content_type": "application/pdf", "size": 10}
    ],
    "agree": True,
}


def test_a_normalised_payload_conforms_to_the_schema() -> None:
    result = validate_payload(FORM, PAYLOAD, today=datetime.date(2024, 6, 1))
    assert result.ok, result.errors
    schema = json_schema(FORM)
    assert conforms(result.data, schema) == []


def test_the_raw_input_does_not_need_to_conform_but_the_stored_form_does() -> None:
    # The schema describes the stored form: an integrator posting raw resident input
    # (era dates, hyphenated phones) learns the canonical shape from it.
    assert "$.birth_date: '昭和50年1月2日' does not match ^[0-9]{4}-[0-9]{2}-[0-9]{2}$" in conforms(
        PAYLOAD, json_schema(FORM)
    )


def test_typos_and_missing_answers_fail_the_schema() -> None:
    problems = conforms({"nmae": "x", "items": []}, json_schema(FORM))
    assert "$.name: missing" in problems
    assert "$.nmae: not allowed" in problems
    assert "$.items: wrong number of items" in problems


def test_schema_structure() -> None:
    schema = json_schema(FORM, title="福祉用具購入費の支給申請")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "福祉用具購入費の支給申請"
    assert schema["additionalProperties"] is False
    # Required only when required whatever the other answers: not reason (visible_if),
    # not total (computed), items because it needs at least one row.
    assert schema["required"] == ["name", "kana", "birth_date", "address", "kind", "items", "agree"]
    props = schema["properties"]
    assert props["name"]["title"] == "氏名"
    assert props["name"]["x-title-en"] == "Name"
    assert props["name"]["description"] == "戸籍の表記で"
    assert props["name"]["x-prefill"] == "registry.resident.name"
    assert props["kana"]["maxLength"] == 40
    assert props["kind"]["enum"] == ["new", "renewal"]
    assert props["reason"]["x-visible-if"] == {"==": [{"var": "kind"}, "renewal"]}
    assert props["phone"]["pattern"] == "^0[0-9]{9,10}$"
    assert len(props["address"]["properties"]["prefecture"]["enum"]) == 47
    items = props["items"]
    assert (items["type"], items["minItems"], items["maxItems"]) == ("array", 1, 3)
    assert items["items"]["required"] == ["name", "price"]
    assert items["items"]["properties"]["price"] == {
        "type": "integer", "minimum": 0, "maximum": 100000, "x-unit": "JPY", "title": "金額"
    }  # fmt: skip
    assert props["total"]["readOnly"] is True
    assert props["receipts"]["maxItems"] == 3
    assert props["receipts"]["items"]["properties"]["content_type"]["enum"] == [
        "application/pdf",
        "image/jpeg",
    ]
    assert props["agree"]["properties"]["agreed"] == {"const": True}
    assert [s["id"] for s in schema["x-steps"]] == ["applicant", "details"]
    assert schema["x-rules"][0]["id"] == "cheap"
