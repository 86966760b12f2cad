"""Prefill (ワンスオンリー, never ask twice) through the adapter interfaces.

Resolves the ``prefill`` sources a form declares (see :mod:`forms.prefill`) against the
resident registry (住民記録), the public-funds account registry (公金受取口座) and the
resident's previous case, and says which fields were prefilled so screens can mark them.
Nothing is invented: a partly unknown birth date (不詳) or an item the registry does not
hold (a phone number) leaves the field empty for the resident or clerk to fill.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.base import PublicFundsAccounts, ResidentRegistry
from adapters.records import AccountType, PublicFundsAccount, Relationship, Resident
from forms.prefill import prefill_payload
from forms.spec import FormSpec

_ACCOUNT_TYPES = {AccountType.ORDINARY: "futsuu", AccountType.CURRENT: "touza"}
_SPOUSE = {Relationship.WIFE, Relationship.HUSBAND}


@dataclass(frozen=True)
class Prefill:
    """A prefilled payload and the dotted paths of the fields that got a value."""

    data: dict[str, Any]
    prefilled: frozenset[str]


def _address(r: Resident) -> dict[str, Any]:
    a = r.address
    out = {"prefecture": a.prefecture, "city": a.municipality, "town": a.town, "block": a.block}
    if a.building:
        out["building"] = a.building
    return out


def _iso(r: Resident) -> str | None:
    """The birth date, or None when it is partly unknown (不詳): never invented."""
    day = r.birth_date.as_date()
    return day.isoformat() if day else None


def _person(r: Resident, item: str) -> Any:
    values: dict[str, Any] = {
        "name": r.name.full,
        "kana": r.name.full_kana,
        "birth_date": _iso(r),
        "sex": r.sex.value,
        "address": _address(r),
        "postal_code": r.address.postal_code,
        "my_number": r.my_number,
        "resident_number": r.resident_number,
    }
    return values.get(item)


def _in_allowance_age(r: Resident, today: dt.date) -> bool:
    """Whether a child is of child allowance age (児童手当法 3条: until the end of the school
    year in which they turn 18); the registry gives birth dates."""
    birth = r.birth_date.as_date()
    if birth is None:
        return False
    # Paid until the 31 March that ends the school year in which the child turns 18. By
    # law a person ages the day before the birthday, so 1 April births belong with the
    # January-March ones (早生まれ).
    later_half = (birth.month, birth.day) > (4, 1)
    last = dt.date(birth.year + 18 + (1 if later_half else 0), 3, 31)
    return birth <= today <= last


def _spouse(person: Resident, members: tuple[Resident, ...]) -> Resident | None:
    if person.relationship == Relationship.HEAD:
        return next((m for m in members if m.relationship in _SPOUSE), None)
    if person.relationship in _SPOUSE:
        return next((m for m in members if m.relationship == Relationship.HEAD), None)
    return None


def _children(person: Resident, members: tuple[Resident, ...], today: dt.date) -> list[Any]:
    if person.relationship not in (Relationship.HEAD, *_SPOUSE):
        return []
    rows = []
    for m in members:
        if m.relationship == Relationship.CHILD and _in_allowance_age(m, today):
            rows.append(
                {
                    "name": m.name.full,
                    "kana": m.name.full_kana,
                    "birth_date": _iso(m),
                    "lives_with_claimant": True,
                }
            )
    return rows


def _account(acc: PublicFundsAccount, item: str) -> Any:
    values = {
        "bank_code": acc.bank_code,
        "bank_name": acc.bank_name,
        "branch_code": acc.branch_code,
        "branch_name": acc.branch_name,
        "account_type": _ACCOUNT_TYPES.get(acc.account_type),
        "account_number": acc.account_number,
        "holder_kana": acc.holder_kana,
    }
    return values.get(item)


def _dig(data: Any, path: list[str]) -> Any:
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def prefill(
    form: FormSpec,
    resident_number: str,
    *,
    registry: ResidentRegistry,
    accounts: PublicFundsAccounts | None = None,
    previous: Mapping[str, Any] | None = None,
    today: dt.date | None = None,
) -> Prefill:
    """The payload of ``form`` prefilled for ``resident_number``.

    ``previous`` is the data of the resident's latest case of the same procedure (plain,
    decrypted), for ``previous_case.*`` sources.
    """
    today = today or dt.date.today()
    person = registry.by_resident_number(resident_number)
    household = registry.household(person.household_number) if person else None
    members = household.members if household else ()
    account = accounts.lookup(person.my_number) if (accounts and person) else None
    used: set[str] = set()

    def lookup(source: str) -> Any:
        head, _, rest = source.partition(".")
        items = rest.split(".")
        value: Any = None
        if source.startswith("registry.resident.") and person:
            value = _person(person, items[-1])
        elif source.startswith("registry.household.") and person:
            kind = items[1]
            if kind == "spouse" and len(items) == 3:
                spouse = _spouse(person, members)
                value = _person(spouse, items[2]) if spouse else None
            elif kind == "children":
                value = _children(person, members, today) or None
        elif head == "public_funds_account" and account:
            value = _account(account, items[0])
        elif head == "previous_case" and previous:
            value = _dig(previous, items)
        if value is not None:
            used.add(source)
        return value

    data = prefill_payload(form, lookup)
    paths = frozenset(p for p, f in form.iter_fields() if f.prefill in used)
    return Prefill(data, paths)
