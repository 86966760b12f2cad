"""JSON Schema (draft 2020-12) of a form's payload, for integrators posting JSON.

The schema describes the *normalised* payload, the form an integrator should send and
the form stored: ISO dates, digits-only numbers, option codes. The validator accepts more
(``令和6年5月1日``, ``090-1234-5678``) from people typing. Conditional logic, prefill and
computed values cannot be said in plain JSON Schema, so they travel as ``x-`` keywords:
``x-visible-if``, ``x-required-if``, ``x-compute``, ``x-prefill``, ``x-editable``,
``x-options`` (labels of codes), ``x-title-en``, ``x-steps`` and ``x-rules``. A field is in
``required`` only when it is required whatever the other answers are.
"""

from __future__ import annotations

from typing import Any

from forms.spec import FieldSpec, FormSpec, StepSpec
from forms.types import FieldTypeRegistry, default_registry

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(
    form: FormSpec,
    *,
    title: str | None = None,
    registry: FieldTypeRegistry | None = None,
) -> dict[str, Any]:
    """The JSON Schema of ``form``'s payload (the form must pass check_form_spec)."""
    types = registry or default_registry
    properties: dict[str, Any] = {}
    required: list[str] = []
    for step in form.steps:
        props, req = _fields(step.fields, types, conditional=step.visible_if is not None)
        properties |= props
        required += req
    schema: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        "x-steps": [_step(step) for step in form.steps],
    }
    if title is not None:
        schema["title"] = title
    if form.rules:
        schema["x-rules"] = [rule.model_dump(mode="json", exclude_none=True) for rule in form.rules]
    return schema


def _step(step: StepSpec) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": step.id,
        "title": step.title.ja,
        "fields": [f.id for f in step.fields],
    }
    if step.title.en:
        out["x-title-en"] = step.title.en
    if step.visible_if is not None:
        out["x-visible-if"] = step.visible_if
    return out


def _fields(
    fields: tuple[FieldSpec, ...], types: FieldTypeRegistry, *, conditional: bool
) -> tuple[dict[str, Any], list[str]]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for spec in fields:
        field_type = types.get(spec.type)
        schema = field_type.json_schema(spec)
        if field_type.container and spec.fields:
            props, req = _fields(spec.fields, types, conditional=False)
            row = schema["items"] if spec.repeat is not None else schema
            row["properties"] = props
            if req:
                row["required"] = req
        schema |= _annotations(spec)
        properties[spec.id] = schema
        must = spec.required or (spec.repeat is not None and spec.repeat.min > 0)
        if must and not conditional and spec.visible_if is None and not field_type.server_computed:
            required.append(spec.id)
    return properties, required


def _annotations(spec: FieldSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"title": spec.label.ja}
    if spec.label.en:
        out["x-title-en"] = spec.label.en
    if spec.hint is not None:
        out["description"] = spec.hint.ja
        if spec.hint.en:
            out["x-description-en"] = spec.hint.en
    for name in ("visible_if", "required_if", "compute", "prefill"):
        value = getattr(spec, name)
        if value is not None:
            out["x-" + name.replace("_", "-")] = value
    if not spec.editable:
        out["x-editable"] = False
    return out
