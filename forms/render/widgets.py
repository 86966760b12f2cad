"""The attributes of an answer's input: type, keyboard, pattern, autocomplete token.

Digit fields use ``type="text"`` with ``inputmode="numeric"``, never ``type="number"``
(which drops leading zeros and changes the value on a scroll). Their ``pattern`` accepts
everything the server accepts (full-width digits, the hyphens and spaces people type), so
it never blocks an answer the field type would take; the pages put ``novalidate`` on their
``<form>`` anyway, so the server's messages are the ones residents read.

Autocomplete tokens (WCAG 1.3.5, Identify Input Purpose) describe the person filing. An
answer about someone else (a child's row, a spouse prefilled from the household) gets no
personal token, so the browser does not offer the filer's own name or birthday there.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from forms.spec import FieldSpec
from forms.types import FieldType
from forms.types.dates import DateType
from forms.types.identifiers import (
    DigitsType,
    InsuredNumberType,
    MyNumberType,
    PhoneType,
    PostalCodeType,
    format_postal_code,
)
from forms.types.numbers import IntegerType, MoneyType
from forms.types.text import BankHolderKanaType, EmailType, KanaType, NameType

# Hyphens, dashes and the long vowel mark people type between digit groups; spaces.
# Written for the ``v`` flag browsers compile ``pattern`` with: ``-``, ``(`` and ``)``
# are escaped inside the class.
_SEPARATORS = r"\s\-‐‑‒–—―−－ーｰ"
DIGITS_PATTERN = rf"[0-9０-９{_SEPARATORS}]+"
POSTAL_CODE_PATTERN = rf"[〒0-9０-９{_SEPARATORS}]+"
PHONE_PATTERN = rf"[0-9０-９+＋\(\)（）{_SEPARATORS}]+"

# The parts of an address, as the HTML autocomplete tokens name them.
ADDRESS_AUTOCOMPLETE: dict[str, str] = {
    "prefecture": "address-level1",
    "city": "address-level2",
    "town": "address-line1",
    "block": "address-line2",
    "building": "address-line3",
}

# Prefill sources that describe another person than the one filing.
_SOMEONE_ELSE_SOURCES = ("registry.household.",)
_OWN_NAME_SOURCES = frozenset({"registry.resident.name", "jpki.name"})


@dataclass(frozen=True)
class InputSettings:
    """How an answer's ``<input>`` is drawn."""

    input_type: str = "text"
    inputmode: str | None = None
    pattern: str | None = None
    # A token set whoever the answer is about ("off" for kana and My Numbers).
    autocomplete: str | None = None
    spellcheck: str | None = None
    money: bool = False


_NUMERIC_CODE = InputSettings(inputmode="numeric", pattern=DIGITS_PATTERN)
# Checked in order: subclasses before their bases.
_BY_TYPE: tuple[tuple[type[FieldType], InputSettings], ...] = (
    (EmailType, InputSettings(input_type="email", spellcheck="false")),
    (PhoneType, InputSettings(input_type="tel", inputmode="tel", pattern=PHONE_PATTERN)),
    (PostalCodeType, InputSettings(inputmode="numeric", pattern=POSTAL_CODE_PATTERN)),
    # Nobody's My Number or insured number should be kept by the browser.
    (MyNumberType, InputSettings(inputmode="numeric", pattern=DIGITS_PATTERN, autocomplete="off")),
    (
        InsuredNumberType,
        InputSettings(inputmode="numeric", pattern=DIGITS_PATTERN, autocomplete="off"),
    ),
    (DigitsType, _NUMERIC_CODE),
    (MoneyType, InputSettings(inputmode="numeric", money=True)),
    # Browsers fill kana fields with the kanji name they know: keep them out.
    (KanaType, InputSettings(autocomplete="off", spellcheck="false")),
    (BankHolderKanaType, InputSettings(autocomplete="off", spellcheck="false")),
)


def input_settings(spec: FieldSpec, field_type: FieldType) -> InputSettings:
    """The input settings of a one-line answer of ``field_type``."""
    if isinstance(field_type, IntegerType):
        # The numeric keyboard of phones has no minus sign.
        negative = spec.min is None or spec.min < 0
        return InputSettings(inputmode=None if negative else "numeric")
    for kind, settings in _BY_TYPE:
        if isinstance(field_type, kind):
            return settings
    return InputSettings()


def prefilled_from_someone_else(source: str | None) -> bool:
    """Whether a prefill source describes another person than the one filing."""
    return source is not None and source.startswith(_SOMEONE_ELSE_SOURCES)


def personal_autocomplete(spec: FieldSpec, field_type: FieldType) -> str | None:
    """The autocomplete token of an answer about the person filing, if it has one.

    ``name`` only for the filer's own name (a field called ``name``, or prefilled from
    the registry's or the card's name; not "the doctor's name"), ``bday`` only for a
    date whose id speaks of a birth.
    """
    if prefilled_from_someone_else(spec.prefill):
        return None
    if isinstance(field_type, NameType):
        return "name" if spec.id == "name" or spec.prefill in _OWN_NAME_SOURCES else None
    if isinstance(field_type, DateType):
        return "bday" if "birth" in spec.id else None
    if isinstance(field_type, EmailType):
        return "email"
    if isinstance(field_type, PhoneType):
        return "tel"
    if isinstance(field_type, PostalCodeType):
        return "postal-code"
    return None


def input_value(field_type: FieldType, value: Any) -> str:
    """The text an input shows for ``value``: what was typed, or the stored answer.

    Stored answers are shown the way people write them (``123-4567``, ``25,000``); a
    value that failed validation is shown exactly as it came.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        if (
            isinstance(field_type, PostalCodeType)
            and len(value) == 7
            and value.isascii()
            and value.isdigit()
        ):
            return format_postal_code(value)
        return value
    if isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int) and isinstance(field_type, MoneyType):
        return f"{value:,}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)
