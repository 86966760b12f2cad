"""Answers as residents read them: 和暦 dates, 123-4567, masked My Numbers, option labels.

Used by the "check your answers" page and by read-only fields. The value is normally the
normalised one; anything that is not in the expected shape is shown as it is, never
dropped, so what the resident sent is still visible.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from forms.render.texts import ui_text
from forms.spec import FieldSpec, Option
from forms.types import FieldType
from forms.types.address import AddressType, format_address
from forms.types.attachment import AttachmentType
from forms.types.choices import (
    ACCOUNT_TYPES,
    AccountTypeType,
    ChoiceType,
    ConsentType,
    MultiChoiceType,
    YesNoType,
    parse_yes_no,
)
from forms.types.dates import DateType
from forms.types.identifiers import (
    MyNumberType,
    PhoneType,
    PostalCodeType,
    format_postal_code,
    mask_my_number,
)
from forms.types.numbers import MoneyType
from forms.types.text import TextareaType
from forms.wareki import format_date

DATE_STYLES = ("wareki", "seireki")


def options_of(spec: FieldSpec, field_type: FieldType) -> tuple[Option, ...]:
    """The options a choosing field offers (account types are built in)."""
    if isinstance(field_type, AccountTypeType):
        return ACCOUNT_TYPES
    return spec.options or ()


def format_phone(digits: str) -> str:
    """Mobile and IP phone numbers (11 digits) grouped 3-4-4; others as stored.

    Landline area codes are 1 to 5 digits long, so a 10-digit number cannot be grouped
    without the numbering plan; it is shown as the digits.
    """
    if len(digits) == 11 and digits.isascii() and digits.isdigit():
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    return digits


def format_money(amount: int, lang: str) -> str:
    """An amount of yen: ``25,000円``; in English ``¥25,000``."""
    return f"¥{amount:,}" if lang == "en" else f"{amount:,}円"


def _date(value: Any, style: str, lang: str) -> str:
    if isinstance(value, datetime.date):
        value = value.isoformat()
    text = str(value)
    try:
        return format_date(text, style, lang)
    except ValueError:
        return text


def _label(code: Any, options: tuple[Option, ...], lang: str) -> str:
    for option in options:
        if option.code == code:
            return option.label.get(lang)
    return str(code)


def _is_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def display_lines(
    spec: FieldSpec,
    field_type: FieldType,
    value: Any,
    *,
    lang: str = "ja",
    date_style: str = "wareki",
) -> tuple[str, ...]:
    """The answer ``value`` of ``spec`` as lines of text; empty when there is no answer."""
    ui = ui_text(lang)
    if value is None or value == "" or value == [] or value == {}:
        return ()
    if isinstance(field_type, YesNoType):
        answer = parse_yes_no(value)
        return (str(value),) if answer is None else (ui.yes if answer else ui.no,)
    if isinstance(field_type, ConsentType):
        agreed = parse_yes_no(value.get("agreed") if isinstance(value, Mapping) else value)
        if agreed is None:
            return (str(value),)
        return (ui.agreed if agreed else ui.not_agreed,)
    if isinstance(field_type, ChoiceType | AccountTypeType):
        return (_label(value, options_of(spec, field_type), lang),)
    if isinstance(field_type, MultiChoiceType):
        items = value if isinstance(value, list) else [value]
        return (ui.list_separator.join(_label(v, spec.options or (), lang) for v in items),)
    if isinstance(field_type, AttachmentType):
        items = value if isinstance(value, list) else [value]
        return tuple(
            str(item.get("name", "")) if isinstance(item, Mapping) else str(item) for item in items
        )
    if isinstance(field_type, AddressType):
        if isinstance(value, Mapping) and all(isinstance(v, str) for v in value.values()):
            return (format_address(dict(value)),)
        return (str(value),)
    if isinstance(field_type, MoneyType) and _is_number(value):
        return (format_money(value, lang),)
    if isinstance(field_type, TextareaType) and isinstance(value, str):
        return tuple(value.splitlines())
    if isinstance(field_type, DateType):
        return (_date(value, date_style, lang),)
    if isinstance(value, bool):
        return (ui.yes if value else ui.no,)
    if not isinstance(value, str):
        return (str(value),)
    if isinstance(field_type, PostalCodeType):
        return (format_postal_code(value),)
    if isinstance(field_type, MyNumberType):
        # Even a mistyped number is a My Number: never shown whole on a screen.
        return (mask_my_number(value),)
    if isinstance(field_type, PhoneType):
        return (format_phone(value),)
    return (value,)
