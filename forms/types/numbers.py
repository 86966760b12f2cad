"""Whole numbers: counts and amounts of yen."""

from __future__ import annotations

import re
from typing import Any

from forms.errors import FieldError
from forms.japanese import ascii_digits
from forms.spec import FieldSpec
from forms.types.base import FieldContext, FieldType
from forms.types.registry import register_field_type

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_GROUPED = re.compile(r"^[+-]?[0-9]{1,3}(,[0-9]{3})+$")
_DECIMAL = re.compile(r"^[+-]?[0-9,]*\.[0-9]+$")


def parse_whole_number(value: Any) -> int | str | None:
    """An int from an int, an integral float or a string of digits (``1,000`` allowed).

    Returns the int, ``"decimal"`` for a number with a fraction, or None when it is no
    number at all.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else "decimal"
    if not isinstance(value, str):
        return None
    text = ascii_digits(value).strip().replace(" ", "")
    if _INTEGER.match(text) or _GROUPED.match(text):
        return int(text.replace(",", ""))
    if _DECIMAL.match(text):
        return "decimal"
    return None


def _bounds_schema(spec: FieldSpec, floor: int | None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer"}
    low = spec.min if floor is None else max(spec.min or floor, floor)
    if low is not None:
        schema["minimum"] = low
    if spec.max is not None:
        schema["maximum"] = spec.max
    return schema


@register_field_type("integer")
class IntegerType(FieldType):
    """A whole number, optionally within min/max."""

    params = frozenset({"min", "max"})

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        number = parse_whole_number(value)
        if not isinstance(number, int):
            return value, [
                ctx.error(
                    "invalid",
                    f"「{ctx.ja}」は整数（例：3）で入力してください。",
                    f"{ctx.en} must be a whole number, like 3.",
                )
            ]
        if spec.min is not None and number < spec.min:
            return value, [
                ctx.error(
                    "too_small",
                    f"「{ctx.ja}」は{spec.min}以上で入力してください。",
                    f"{ctx.en} must be at least {spec.min}.",
                )
            ]
        if spec.max is not None and number > spec.max:
            return value, [
                ctx.error(
                    "too_large",
                    f"「{ctx.ja}」は{spec.max}以下で入力してください。",
                    f"{ctx.en} must be at most {spec.max}.",
                )
            ]
        return number, []

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return _bounds_schema(spec, None)


@register_field_type("money")
class MoneyType(FieldType):
    """An amount in whole yen, 0 or more; accepts ``1,000``, ``1,000円``, ``￥1000``."""

    params = frozenset({"min", "max"})

    def check_spec(self, spec: FieldSpec) -> list[tuple[str, str]]:
        problems = super().check_spec(spec)
        if spec.min is not None and spec.min < 0:
            problems.append(("min", f"min ({spec.min}) of a money field cannot be negative"))
        return problems

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        if isinstance(value, str):
            value = ascii_digits(value).strip().lstrip("¥￥\\").strip().removesuffix("円")
        number = parse_whole_number(value)
        if number == "decimal":
            return value, [
                ctx.error(
                    "invalid",
                    f"「{ctx.ja}」は1円単位の金額（小数点なし）で入力してください。",
                    f"{ctx.en} must be a whole number of yen, without decimals.",
                )
            ]
        if not isinstance(number, int):
            return value, [
                ctx.error(
                    "invalid",
                    f"「{ctx.ja}」は金額を数字で入力してください（例：10,000）。",
                    f"{ctx.en} must be an amount in yen written in digits, like 10,000.",
                )
            ]
        low = max(spec.min or 0, 0)
        if number < low:
            return value, [
                ctx.error(
                    "too_small",
                    f"「{ctx.ja}」は{low:,}円以上で入力してください。",
                    f"{ctx.en} must be at least ¥{low:,}.",
                )
            ]
        if spec.max is not None and number > spec.max:
            return value, [
                ctx.error(
                    "too_large",
                    f"「{ctx.ja}」は{spec.max:,}円以下で入力してください。",
                    f"{ctx.en} must be at most ¥{spec.max:,}.",
                )
            ]
        return number, []

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return _bounds_schema(spec, 0) | {"x-unit": "JPY"}
