"""The address field type: a Japanese address in its registry parts.

The value is a mapping with ``prefecture`` (one of the 47 official names), ``city``
(市区町村), ``town`` (町字), ``block`` (番地号) and the optional ``building`` (方書:
building and room), matching how the resident registry records it.
"""

from __future__ import annotations

from typing import Any

from forms.errors import FieldError
from forms.japanese import ascii_digits, normalise_name
from forms.prefectures import PREFECTURES, normalise_prefecture
from forms.spec import FieldSpec, LocalizedText
from forms.types.base import FieldContext, FieldType
from forms.types.registry import register_field_type

ADDRESS_PARTS: dict[str, LocalizedText] = {
    "prefecture": LocalizedText(ja="都道府県", en="prefecture"),
    "city": LocalizedText(ja="市区町村", en="city, ward, town or village"),
    "town": LocalizedText(ja="町名・字", en="district (machi or aza)"),
    "block": LocalizedText(ja="番地・号", en="block and lot number"),
    "building": LocalizedText(ja="建物名・部屋番号", en="building and room"),
}
REQUIRED_PARTS: tuple[str, ...] = ("prefecture", "city", "town", "block")


def format_address(address: dict[str, str], *, separator: str = "") -> str:
    """An address as one line: ``東京都千代田区永田町1-10-1`` (building after a space)."""
    main = separator.join(address.get(p, "") for p in REQUIRED_PARTS)
    building = address.get("building")
    return f"{main}\u3000{building}" if building else main


@register_field_type("address")
class AddressType(FieldType):
    """A structured Japanese address; prefecture, city, town and block must be given."""

    value_keys = frozenset(ADDRESS_PARTS)

    def is_empty(self, value: Any) -> bool:
        if isinstance(value, dict):
            return all(super(AddressType, self).is_empty(v) for v in value.values())
        return super().is_empty(value)

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        if not isinstance(value, dict):
            return value, [
                ctx.error(
                    "invalid",
                    f"「{ctx.ja}」は都道府県、市区町村、町名・字、番地・号に分けて入力してください。",
                    f"Enter {ctx.en} in parts: prefecture, city, district and block number.",
                )
            ]
        errors: list[FieldError] = []
        address: dict[str, str] = {}
        for key in value:
            if key not in ADDRESS_PARTS:
                errors.append(
                    ctx.error(
                        "unknown_field",
                        f"「{ctx.ja}」に「{key}」という項目はありません。",
                        f"{ctx.en} has no part called '{key}'.",
                        at=f".{key}",
                    )
                )
        for key, part in ADDRESS_PARTS.items():
            raw = value.get(key)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if key in REQUIRED_PARTS:
                    errors.append(
                        ctx.error(
                            "required",
                            f"「{ctx.ja}」の{part.ja}を入力してください。",
                            f"Enter the {part.en} of {ctx.en}.",
                            at=f".{key}",
                        )
                    )
                continue
            if not isinstance(raw, str):
                errors.append(
                    ctx.error(
                        "invalid",
                        f"「{ctx.ja}」の{part.ja}は文字で入力してください。",
                        f"The {part.en} of {ctx.en} must be text.",
                        at=f".{key}",
                    )
                )
                continue
            text = normalise_name(raw)
            if key == "block":
                # Block numbers are matched against the registry: one width for digits.
                text = ascii_digits(text)
            if key == "prefecture":
                official = normalise_prefecture(text)
                if official is None:
                    errors.append(
                        ctx.error(
                            "not_an_option",
                            f"「{ctx.ja}」の都道府県は正式な名前（例：東京都、大阪府、北海道）で"
                            "入力してください。",
                            f"The prefecture of {ctx.en} must be one of the 47 prefectures, "
                            "like 東京都, 大阪府 or 北海道.",
                            at=f".{key}",
                        )
                    )
                    continue
                text = official
            address[key] = text
        return (value, errors) if errors else (address, [])

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        properties: dict[str, Any] = {
            key: {"type": "string", "minLength": 1, "title": part.ja}
            for key, part in ADDRESS_PARTS.items()
        }
        properties["prefecture"]["enum"] = list(PREFECTURES)
        return {
            "type": "object",
            "properties": properties,
            "required": list(REQUIRED_PARTS),
            "additionalProperties": False,
        }
