"""Prefill (ワンスオンリー): where a field's first value comes from, and filling a payload.

A field declares ``prefill: <source>.<item>[.<item>...]``. The sources are:

=========================  ===================================================================
``registry.resident``      the resident registry (住民記録) record of the person filing, e.g.
                           ``registry.resident.name``, ``registry.resident.address``
``registry.household``     that person's household (世帯), e.g. ``registry.household.members``
``public_funds_account``   the public-funds account (公金受取口座) registered with the Digital
                           Agency, e.g. ``public_funds_account.bank_code``
``jpki``                   the four basic items read from the card's certificate (基本4情報):
                           ``jpki.name``, ``jpki.address``, ``jpki.birth_date``, ``jpki.sex``
``previous_case``          the same resident's latest case of this procedure, by field path:
                           ``previous_case.claimant.phone``
=========================  ===================================================================

Items are lower-case identifiers (``[a-z][a-z0-9_]*``) separated by dots. Inside a
repeating group a field cannot be prefilled on its own: prefill the group, whose source
then gives the list of rows. Which items exist is for the adapters to say; this module
checks the form of the reference and builds the payload from values already looked up.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any

from forms.spec import FieldSpec, FormSpec

PREFILL_SOURCES: dict[str, str] = {
    "registry.resident": "住民記録: the person filing",
    "registry.household": "住民記録: the household of the person filing",
    "public_funds_account": "公金受取口座: the registered public-funds account",
    "jpki": "基本4情報 from the card's certificate",
    "previous_case": "the resident's latest case of this procedure",
}
_JPKI_ITEMS = frozenset({"name", "address", "birth_date", "sex"})
_ITEM = re.compile(r"^[a-z][a-z0-9_]*$")


def check_prefill_source(source: str) -> str | None:
    """What is wrong with a prefill reference (in English), or None when it is well formed."""
    for prefix in sorted(PREFILL_SOURCES, key=len, reverse=True):
        if source.startswith(prefix + "."):
            items = source[len(prefix) + 1 :].split(".")
            bad = [item for item in items if not _ITEM.match(item)]
            if bad:
                return f"prefill item '{bad[0]}' in '{source}' is not a lower-case identifier"
            if prefix == "jpki" and (len(items) != 1 or items[0] not in _JPKI_ITEMS):
                return f"prefill '{source}': jpki gives only {', '.join(sorted(_JPKI_ITEMS))}"
            return None
    head = source.split(".")[0]
    candidates = difflib.get_close_matches(source, [f"{s}.{{item}}" for s in PREFILL_SOURCES], n=1)
    if not candidates and head:
        candidates = difflib.get_close_matches(head, list(PREFILL_SOURCES), n=1)
    hint = f" (did you mean '{candidates[0]}'?)" if candidates else ""
    known = ", ".join(f"'{s}.<item>'" for s in PREFILL_SOURCES)
    return f"unknown prefill source '{source}'{hint}; use one of {known}"


def prefill_payload(form: FormSpec, lookup: Callable[[str], Any]) -> dict[str, Any]:
    """The initial payload of ``form`` from already-fetched values.

    ``lookup(source)`` returns the value for a prefill reference, or None when the
    source has nothing (the field then stays empty). Values are placed at the field's
    place in the nested payload; a prefilled group receives the value as a whole.
    """
    payload: dict[str, Any] = {}

    def walk(fields: tuple[FieldSpec, ...], node: dict[str, Any]) -> None:
        for spec in fields:
            if spec.prefill is not None:
                value = lookup(spec.prefill)
                if value is not None:
                    node[spec.id] = value
                    continue
            if spec.fields and spec.repeat is None:
                child: dict[str, Any] = {}
                walk(spec.fields, child)
                if child:
                    node[spec.id] = child

    for step in form.steps:
        walk(step.fields, payload)
    return payload
