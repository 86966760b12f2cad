"""Prefill (ワンスオンリー, never ask twice) through the adapter interfaces.

Resolves the ``prefill`` sources a form declares (see :mod:`forms.prefill`) against the
resident registry (住民記録), the public-funds account registry (公金受取口座) and the
resident's previous case, and says which fields were prefilled so screens can mark them.
Nothing is invented: a partly unknown birth date (不詳) or an item the registry does not
hold (a phone number) leaves the field empty for the resident or clerk to fill.

The household items (``registry.household.<item>``), for the head of household or the
head's spouse filing:

``spouse.<item>``          the spouse, with the items of ``registry.resident``
``children``               rows of the children of child allowance age
``young_child.<item>``     the youngest child (子) not yet at elementary school, with the
                           items of ``registry.resident`` and ``relationship`` (``jisshi``)
``parents``                rows of the person and the spouse: name, kana, birth date, sex
                           and ``relationship`` to the child (``father``/``mother``)
``others``                 rows of the members besides the person, the spouse and the young
                           child (siblings, grandparents...), with the 続柄 to the head
``preschool_children``     how many members are not yet at elementary school
``has_spouse``             ``true`` when a spouse is registered in the household
``single_parent``          ``false`` when a spouse is registered in the household

A row keeps only the items its repeating group asks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.base import PublicFundsAccounts, ResidentRegistry
from adapters.records import AccountType, PublicFundsAccount, Relationship, Resident, Sex
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


def _parent_of_children(person: Resident, members: tuple[Resident, ...]) -> bool:
    """Whether the registry shows the person as a parent in the household: the head or
    the head's spouse, with a child (子) of the head in it."""
    return person.relationship in (Relationship.HEAD, *_SPOUSE) and any(
        m.relationship == Relationship.CHILD for m in members
    )


def _young_child(
    person: Resident, members: tuple[Resident, ...], today: dt.date
) -> Resident | None:
    """The youngest child (子) of the household not yet at elementary school, when the
    person is the head or the head's spouse: the child a childcare form is about."""
    if not _parent_of_children(person, members):
        return None
    known = [
        (day, m)
        for m in members
        if m.relationship == Relationship.CHILD
        and (day := m.birth_date.as_date()) is not None
        and day <= today < _school_starts(day)
    ]
    return max(known, key=lambda pair: pair[0])[1] if known else None


def _child_item(child: Resident, item: str) -> Any:
    if item == "relationship":
        # The registry's 続柄 「子」 (of the head or the head's spouse), as the childcare
        # forms code it; an adopted child is recorded as 子 too, so this says no more.
        return "jisshi"
    return _person(child, item)


def _parents(person: Resident, members: tuple[Resident, ...]) -> list[Any]:
    """The person and their spouse as the guardians of the household's children; the
    relationship to the child (father or mother) follows the registry's sex."""
    if not _parent_of_children(person, members):
        return []
    spouse = _spouse(person, members)
    return [
        {
            "name": p.name.full,
            "kana": p.name.full_kana,
            "birth_date": _iso(p),
            "sex": p.sex.value,
            "relationship": "father" if p.sex == Sex.MALE else "mother",
        }
        for p in (person, spouse)
        if p is not None
    ]


def _others(person: Resident, members: tuple[Resident, ...], today: dt.date) -> list[Any]:
    """The household members besides the person, their spouse and the young child
    (siblings, grandparents...), with the 続柄 the registry writes (to the head)."""
    left_out = {person.resident_number}
    spouse = _spouse(person, members)
    child = _young_child(person, members, today)
    left_out |= {r.resident_number for r in (spouse, child) if r is not None}
    return [
        {
            "name": m.name.full,
            "kana": m.name.full_kana,
            "relationship": m.relationship.value,
            "birth_date": _iso(m),
            "sex": m.sex.value,
        }
        for m in members
        if m.resident_number not in left_out
    ]


def _school_starts(birth: dt.date) -> dt.date:
    """The 1 April a child starts elementary school (学校教育法 17条): the school year
    after the sixth birthday, 1 April births going with the year before (早生まれ)."""
    later_half = (birth.month, birth.day) > (4, 1)
    return dt.date(birth.year + 6 + (1 if later_half else 0), 4, 1)


def _preschool_count(members: tuple[Resident, ...], today: dt.date) -> int:
    """How many members of the household are born and not yet at elementary school."""
    count = 0
    for m in members:
        birth = m.birth_date.as_date()
        if birth is not None and birth <= today < _school_starts(birth):
            count += 1
    return count


def _household(
    person: Resident, members: tuple[Resident, ...], items: list[str], today: dt.date
) -> Any:
    """A ``registry.household.*`` item; None when the registry does not say."""
    kind, rest = items[0], items[1:]
    spouse = _spouse(person, members)
    if kind == "spouse" and len(rest) == 1:
        return _person(spouse, rest[0]) if spouse else None
    if kind == "young_child" and len(rest) == 1:
        child = _young_child(person, members, today)
        return _child_item(child, rest[0]) if child else None
    if rest:
        return None
    if kind == "children":
        return _children(person, members, today) or None
    if kind == "parents":
        return _parents(person, members) or None
    if kind == "others":
        return _others(person, members, today) or None
    if kind == "preschool_children":
        return _preschool_count(members, today) or None
    # A spouse in the household is known; none registered may still be a partner living
    # elsewhere or unregistered, so only the "yes" is said.
    if kind == "has_spouse":
        return True if spouse else None
    if kind == "single_parent":
        return False if spouse else None
    return None


def _fit_rows(form: FormSpec, data: dict[str, Any]) -> None:
    """Keep in each prefilled row only what its repeating group asks, and no empty items
    (a partly unknown birth date stays unanswered)."""
    for path, spec in form.iter_fields():
        if spec.repeat is None or spec.prefill is None or "[]" in path:
            continue
        *head, last = path.split(".")
        node = _dig(data, head)
        if isinstance(node, dict) and isinstance(node.get(last), list):
            ids = {f.id for f in spec.fields or ()}
            node[last] = [
                {k: v for k, v in row.items() if k in ids and v is not None}
                for row in node[last]
                if isinstance(row, dict)
            ]


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
            value = _household(person, members, items[1:], today)
        elif head == "public_funds_account" and account:
            value = _account(account, items[0])
        elif head == "previous_case" and previous:
            value = _dig(previous, items)
        if value is not None:
            used.add(source)
        return value

    data = prefill_payload(form, lookup)
    _fit_rows(form, data)
    paths = frozenset(p for p, f in form.iter_fields() if f.prefill in used)
    return Prefill(data, paths)
