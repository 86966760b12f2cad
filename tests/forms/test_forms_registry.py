"""The field-type registry: built-in types, and a vendor adding one."""

from __future__ import annotations

from typing import Any

import pytest

from forms import (
    FieldContext,
    FieldError,
    FieldType,
    FieldTypeRegistry,
    check_form_spec,
    default_registry,
    field_types,
    get_field_type,
    json_schema,
    register_field_type,
    validate_payload,
)
from forms.spec import FieldSpec, FormSpec

BUILT_IN = {
    "text", "textarea", "email", "phone", "name", "kana", "bank_holder_kana", "date",
    "postal_code", "address", "my_number", "insured_number", "lg_code", "bank_code",
    "branch_code", "account_type", "account_number", "money", "integer", "yes_no", "choice",
    "multi_choice", "consent", "attachment", "group", "computed",
}  # fmt: skip


def test_every_built_in_type_is_registered() -> None:
    assert set(field_types()) >= BUILT_IN
    assert isinstance(get_field_type("date"), FieldType)
    with pytest.raises(KeyError, match="unknown field type 'mynumber'"):
        get_field_type("mynumber")


def test_a_name_cannot_be_registered_twice() -> None:
    with pytest.raises(ValueError, match="already registered"):
        register_field_type("text")(type(get_field_type("text")))


class VehicleNumberType(FieldType):
    """A vendor's type: a vehicle registration number (here: letters and digits)."""

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        if isinstance(value, str) and value.strip().isalnum():
            return value.strip().upper(), []
        return value, [
            ctx.error("invalid", f"「{ctx.ja}」が正しくありません。", f"{ctx.en} is wrong.")
        ]

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "string"}


def test_a_vendor_type_is_used_by_every_service_function() -> None:
    registry = default_registry.copy()
    registry.register("vehicle_number")(VehicleNumberType)
    form = FormSpec.model_validate(
        {
            "steps": [
                {
                    "id": "s",
                    "title": {"ja": "車両"},
                    "fields": [
                        {
                            "id": "plate",
                            "type": "vehicle_number",
                            "label": {"ja": "車両番号"},
                            "required": True,
                        }
                    ],
                }
            ]
        }
    )
    assert check_form_spec(form, registry=registry) == []
    assert validate_payload(form, {"plate": " ab12 "}, registry=registry).data == {"plate": "AB12"}
    assert json_schema(form, registry=registry)["properties"]["plate"]["type"] == "string"
    # The default registry is untouched.
    assert "vehicle_number" not in default_registry
    ((path, message),) = check_form_spec(form)
    assert path == "steps[0].fields[0].type"
    assert message.startswith("unknown field type 'vehicle_number'")


def test_registry_names_must_be_identifiers() -> None:
    with pytest.raises(ValueError, match="must match"):
        FieldTypeRegistry().add("Vehicle-Number", VehicleNumberType())
