"""Record shapes of the mock core systems, and the check every registration goes through.

A core business keeps one or more kinds of record (児童手当 keeps recipients; 介護保険 keeps
insured persons, certifications and benefits). A record sent to
:meth:`adapters.base.CoreSystem.register` is a flat JSON-like mapping: ``kind`` names the
kind, the other keys are that kind's fields. Values are strings, whole numbers, booleans
or lists of resident numbers; dates are ISO strings (``2025-06-02``), months ``2025-07``.
The system assigns the record's identifier (``id_field``, e.g. ``recipient_number``, 受給者番号)
itself; a caller never sends it.

The check is strict, as a real API's schema is: unknown fields, missing required ones,
wrong types, values outside a list and references to records that do not exist are all
reported together, so a refused record can be fixed in one go.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

Resolver = Callable[[str, str], Mapping[str, object] | None]
"""Finds a stored record by (kind, identifier); None when there is none."""

_RESIDENT_NUMBER = re.compile(r"^[0-9]{10}$")
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


class FieldType(StrEnum):
    """The value types a core-system record field can take."""

    TEXT = "text"
    RESIDENT_NUMBER = "resident_number"  # 宛名番号, 10 digits
    RESIDENT_NUMBERS = "resident_numbers"  # a non-empty list of them, without repeats
    DATE = "date"
    MONTH = "month"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    REFERENCE = "reference"  # the identifier of another record of the same business


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record kind; ``refers_to`` names the kind a reference points to."""

    name: str
    type: FieldType
    label_ja: str
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    refers_to: str | None = None


@dataclass(frozen=True)
class KindSpec:
    """A kind of record and the identifier the system gives each one.

    ``id_format`` is a ``str.format`` pattern over the sequence number ``n``, which starts at
    ``id_start``. ``ordered`` lists pairs of date fields where the first may not come
    after the second.
    """

    name: str
    title_ja: str
    id_field: str
    id_label_ja: str
    id_format: str
    fields: tuple[FieldSpec, ...]
    id_start: int = 1
    ordered: tuple[tuple[str, str], ...] = ()

    def new_id(self, n: int) -> str:
        """The identifier of the ``n``-th record of this kind (``n`` from 0)."""
        return self.id_format.format(n=self.id_start + n)

    def field(self, name: str) -> FieldSpec | None:
        """The field called ``name``, or None."""
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class BusinessSpec:
    """A core business: its id (as in procedure definitions), name and record kinds.

    A ``read_only`` business answers lookups and queries but accepts no registrations.
    """

    business: str
    title_ja: str
    kinds: tuple[KindSpec, ...]
    read_only: bool = False

    def kind(self, name: str) -> KindSpec | None:
        """The record kind called ``name``, or None."""
        return next((k for k in self.kinds if k.name == name), None)

    def queryable(self) -> frozenset[str]:
        """Keys a query may use: ``kind``, every field and every identifier of any kind."""
        names = {"kind"}
        for kind in self.kinds:
            names.add(kind.id_field)
            names.update(f.name for f in kind.fields)
        return frozenset(names)


def text(name: str, label_ja: str, *, required: bool = True) -> FieldSpec:
    """A free-text field (not blank)."""
    return FieldSpec(name, FieldType.TEXT, label_ja, required)


def resident(name: str, label_ja: str, *, required: bool = True) -> FieldSpec:
    """A resident number (宛名番号) field."""
    return FieldSpec(name, FieldType.RESIDENT_NUMBER, label_ja, required)


def residents(name: str, label_ja: str) -> FieldSpec:
    """A required non-empty list of resident numbers."""
    return FieldSpec(name, FieldType.RESIDENT_NUMBERS, label_ja)


def day(name: str, label_ja: str, *, required: bool = True) -> FieldSpec:
    """An ISO date field."""
    return FieldSpec(name, FieldType.DATE, label_ja, required)


def month(name: str, label_ja: str, *, required: bool = True) -> FieldSpec:
    """A ``YYYY-MM`` month field."""
    return FieldSpec(name, FieldType.MONTH, label_ja, required)


def integer(
    name: str,
    label_ja: str,
    *,
    required: bool = True,
    minimum: int | None = 0,
    maximum: int | None = None,
) -> FieldSpec:
    """A whole-number field, by default not negative."""
    return FieldSpec(name, FieldType.INTEGER, label_ja, required, minimum=minimum, maximum=maximum)


def flag(name: str, label_ja: str, *, required: bool = True) -> FieldSpec:
    """A true/false field."""
    return FieldSpec(name, FieldType.BOOLEAN, label_ja, required)


def choice(name: str, label_ja: str, *choices: str, required: bool = True) -> FieldSpec:
    """A field taking one of ``choices``."""
    return FieldSpec(name, FieldType.CHOICE, label_ja, required, choices=choices)


def reference(name: str, label_ja: str, refers_to: str) -> FieldSpec:
    """A required reference to a record of kind ``refers_to`` of the same business."""
    return FieldSpec(name, FieldType.REFERENCE, label_ja, refers_to=refers_to)


def normalised(record: Mapping[str, object]) -> dict[str, object]:
    """``record`` as stored: absent optional values (None) dropped, sequences as lists."""
    return {
        key: list(value) if isinstance(value, list | tuple) else value
        for key, value in record.items()
        if value is not None
    }


def canonical(record: Mapping[str, object]) -> str:
    """A stable text of a normalised record: equal records give equal texts."""
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _is_date(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _value_problem(spec: FieldSpec, value: object) -> str | None:
    """What is wrong with ``value`` for ``spec`` (references aside), or None."""
    match spec.type:
        case FieldType.TEXT:
            ok = isinstance(value, str) and bool(value.strip())
            return None if ok else "must be non-blank text"
        case FieldType.RESIDENT_NUMBER:
            ok = isinstance(value, str) and bool(_RESIDENT_NUMBER.match(value))
            return None if ok else "must be a resident number of 10 digits"
        case FieldType.RESIDENT_NUMBERS:
            ok = (
                isinstance(value, list)
                and bool(value)
                and all(isinstance(v, str) and _RESIDENT_NUMBER.match(v) for v in value)
                and len(set(value)) == len(value)
            )
            return None if ok else "must be a non-empty list of distinct 10-digit resident numbers"
        case FieldType.DATE:
            return None if _is_date(value) else "must be an ISO date (YYYY-MM-DD)"
        case FieldType.MONTH:
            ok = isinstance(value, str) and bool(_MONTH.match(value))
            return None if ok else "must be a month (YYYY-MM)"
        case FieldType.INTEGER:
            if not isinstance(value, int) or isinstance(value, bool):
                return "must be a whole number"
            if spec.minimum is not None and value < spec.minimum:
                return f"must be at least {spec.minimum}"
            if spec.maximum is not None and value > spec.maximum:
                return f"must be at most {spec.maximum}"
            return None
        case FieldType.BOOLEAN:
            return None if isinstance(value, bool) else "must be true or false"
        case FieldType.CHOICE:
            ok = isinstance(value, str) and value in spec.choices
            return None if ok else f"must be one of {', '.join(spec.choices)}"
        case FieldType.REFERENCE:
            return None if isinstance(value, str) and value else "must be an identifier"


def _reference_problem(
    refers_to: str, kind: KindSpec, value: str, record: Mapping[str, object], resolve: Resolver
) -> str | None:
    """A reference must name an existing record, of the same resident when both have one."""
    target = resolve(refers_to, value)
    if target is None:
        return f"refers to no {refers_to} record {value!r}"
    mine, theirs = record.get("resident_number"), target.get("resident_number")
    if mine is not None and theirs is not None and mine != theirs:
        return f"{value!r} belongs to another resident than {kind.name}.resident_number"
    return None


def record_problems(
    spec: BusinessSpec, record: Mapping[str, object], resolve: Resolver
) -> list[str]:
    """Every reason ``record`` (normalised) cannot be registered in ``spec``; empty when fine."""
    kind_name = record.get("kind")
    kind = spec.kind(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        known = ", ".join(k.name for k in spec.kinds)
        return [f"kind: must be one of {known}, not {kind_name!r}"]
    known_fields = {f.name for f in kind.fields}
    problems = [
        f"{key}: is assigned by the core system, not sent"
        if key == kind.id_field
        else f"{key}: is not a field of {kind.name}"
        for key in sorted(set(record) - known_fields - {"kind"})
    ]
    for field_spec in kind.fields:
        label = f"{field_spec.name} ({field_spec.label_ja})"
        if field_spec.name not in record:
            if field_spec.required:
                problems.append(f"{label}: is required")
            continue
        value = record[field_spec.name]
        problem = _value_problem(field_spec, value)
        if problem is None and field_spec.refers_to is not None and isinstance(value, str):
            problem = _reference_problem(field_spec.refers_to, kind, value, record, resolve)
        if problem is not None:
            problems.append(f"{label}: {problem}")
    for first, second in kind.ordered:
        a, b = record.get(first), record.get(second)
        if _is_date(a) and _is_date(b) and str(a) > str(b):
            problems.append(f"{second}: cannot come before {first}")
    return problems
