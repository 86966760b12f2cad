"""Field types that shape the form rather than hold one answer: groups and computed values."""

from __future__ import annotations

from typing import Any

from forms.errors import FieldError
from forms.spec import FieldSpec
from forms.types.base import FieldContext, FieldType
from forms.types.registry import register_field_type


@register_field_type("group")
class GroupType(FieldType):
    """Fields that belong together (``fields``); with ``repeat``, a list of such rows.

    This type checks the shape of the value (a mapping, or a list of mappings within
    ``repeat.min``..``repeat.max``); the validator then walks into the rows, so each
    inner answer gets its own path (``children[1].birth_date``).
    """

    params = frozenset({"fields", "repeat"})
    required_params = frozenset({"fields"})
    container = True

    def check_spec(self, spec: FieldSpec) -> list[tuple[str, str]]:
        problems = super().check_spec(spec)
        if spec.fields is not None and not spec.fields:
            problems.append(("fields", "a group needs at least one field"))
        return problems

    def required_error(self, ctx: FieldContext) -> FieldError:
        return ctx.error("required", f"「{ctx.ja}」を入力してください。", f"Fill in {ctx.en}.")

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        if spec.repeat is None:
            if isinstance(value, dict):
                return value, []
            return value, [self._shape_error(ctx, "")]
        if not isinstance(value, list):
            return value, [self._shape_error(ctx, "")]
        errors = [
            self._shape_error(ctx, f"[{i}]")
            for i, row in enumerate(value)
            if not isinstance(row, dict)
        ]
        if len(value) < spec.repeat.min:
            errors.append(
                ctx.error(
                    "too_few",
                    f"「{ctx.ja}」は{spec.repeat.min}件以上入力してください。",
                    f"Enter at least {spec.repeat.min} entries for {ctx.en}.",
                )
            )
        if len(value) > spec.repeat.max:
            errors.append(
                ctx.error(
                    "too_many",
                    f"「{ctx.ja}」は{spec.repeat.max}件まで入力できます。",
                    f"{ctx.en} takes at most {spec.repeat.max} entries.",
                )
            )
        return value, errors

    @staticmethod
    def _shape_error(ctx: FieldContext, at: str) -> FieldError:
        return ctx.error(
            "invalid",
            f"「{ctx.ja}」の内容の形が正しくありません。",
            f"The content of {ctx.en} is not in the expected form.",
            at=at,
        )

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        # The properties of the rows are filled in by forms.schema, which knows the registry.
        row: dict[str, Any] = {"type": "object", "additionalProperties": False}
        if spec.repeat is None:
            return row
        return {
            "type": "array",
            "items": row,
            "minItems": spec.repeat.min,
            "maxItems": spec.repeat.max,
        }


@register_field_type("computed")
class ComputedType(FieldType):
    """A value the server computes from other answers with ``compute`` (read-only).

    Whatever the client sends is ignored; the result of the expression is stored.
    """

    params = frozenset({"compute"})
    required_params = frozenset({"compute"})
    server_computed = True

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        return ctx.evaluate(spec.compute), []

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"readOnly": True}
