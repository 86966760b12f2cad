"""JSON forms of the records the HTTP partners exchange (``docs/formats/partners-http.md``).

The HTTP mocks answer with these and the HTTP clients read them back into the very
records the in-process mocks return, so both sides of a contract test compare equal.
Readers raise :class:`adapters.errors.MalformedReplyError` for anything off the format: a
reply that cannot be read is a partner failure, not a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from adapters.errors import MalformedReplyError
from adapters.exchange import RegistrationResult
from adapters.partial_date import PartialDate
from adapters.records import (
    AccountType,
    Address,
    ForeignResidentStatus,
    Household,
    PersonName,
    PublicFundsAccount,
    Relationship,
    Resident,
    Sex,
)

T = TypeVar("T")


def address_json(address: Address) -> dict[str, object]:
    """An :class:`Address` as JSON."""
    return {
        "postal_code": address.postal_code,
        "prefecture": address.prefecture,
        "municipality": address.municipality,
        "town": address.town,
        "block": address.block,
        "building": address.building,
        "town_code": address.town_code,
        "lg_code": address.lg_code,
    }


def resident_json(resident: Resident) -> dict[str, object]:
    """A :class:`Resident` as JSON; dates ISO, the birth date possibly partial (``1945``)."""
    foreign = resident.foreign
    return {
        "resident_number": resident.resident_number,
        "household_number": resident.household_number,
        "name": {
            "family": resident.name.family,
            "given": resident.name.given,
            "family_kana": resident.name.family_kana,
            "given_kana": resident.name.given_kana,
        },
        "sex": resident.sex.value,
        "birth_date": resident.birth_date.iso(),
        "relationship": resident.relationship.value,
        "address": address_json(resident.address),
        "my_number": resident.my_number,
        "resident_code": resident.resident_code,
        "became_resident_on": resident.became_resident_on.isoformat(),
        "previous_address": None
        if resident.previous_address is None
        else address_json(resident.previous_address),
        "former_surname": resident.former_surname,
        "alias": resident.alias,
        "foreign": None
        if foreign is None
        else {
            "nationality": foreign.nationality,
            "residence_status": foreign.residence_status,
            "period_of_stay": foreign.period_of_stay,
            "expires_on": None if foreign.expires_on is None else foreign.expires_on.isoformat(),
            "card_number": foreign.card_number,
        },
    }


def household_json(household: Household) -> dict[str, object]:
    """A :class:`Household` as JSON, head first."""
    return {
        "household_number": household.household_number,
        "members": [resident_json(m) for m in household.members],
    }


def account_json(account: PublicFundsAccount) -> dict[str, object]:
    """A :class:`PublicFundsAccount` as JSON."""
    return {
        "bank_code": account.bank_code,
        "bank_name": account.bank_name,
        "branch_code": account.branch_code,
        "branch_name": account.branch_name,
        "account_type": account.account_type.value,
        "account_number": account.account_number,
        "holder_kana": account.holder_kana,
    }


def registration_json(result: RegistrationResult) -> dict[str, object]:
    """A :class:`RegistrationResult` as JSON."""
    return {
        "business": result.business,
        "idempotency_key": result.idempotency_key,
        "record_id": result.record_id,
        "registered_at": result.registered_at.isoformat(),
        "created": result.created,
    }


def read(what: str, reader: Callable[[Any], T], value: object) -> T:
    """``reader(value)``, any mistake in ``value`` turned into a :class:`MalformedReplyError`."""
    try:
        return reader(value)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise MalformedReplyError(f"{what}: the reply is off the format ({error!r})") from None


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise TypeError(f"{key} is not text")
    return value


def _optional_text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{key} is not text")
    return value


def address_from(data: Mapping[str, Any]) -> Address:
    """The :class:`Address` of :func:`address_json`."""
    return Address(
        postal_code=_text(data, "postal_code"),
        prefecture=_text(data, "prefecture"),
        municipality=_text(data, "municipality"),
        town=_text(data, "town"),
        block=_text(data, "block"),
        building=_optional_text(data, "building"),
        town_code=_optional_text(data, "town_code"),
        lg_code=_optional_text(data, "lg_code"),
    )


def resident_from(data: Mapping[str, Any]) -> Resident:
    """The :class:`Resident` of :func:`resident_json`."""
    name = data["name"]
    foreign = data.get("foreign")
    previous = data.get("previous_address")
    return Resident(
        resident_number=_text(data, "resident_number"),
        household_number=_text(data, "household_number"),
        name=PersonName(
            family=_text(name, "family"),
            given=_text(name, "given"),
            family_kana=_text(name, "family_kana"),
            given_kana=_text(name, "given_kana"),
        ),
        sex=Sex(data["sex"]),
        birth_date=PartialDate.parse(_text(data, "birth_date")),
        relationship=Relationship(data["relationship"]),
        address=address_from(data["address"]),
        my_number=_text(data, "my_number"),
        resident_code=_text(data, "resident_code"),
        became_resident_on=date.fromisoformat(_text(data, "became_resident_on")),
        previous_address=None if previous is None else address_from(previous),
        former_surname=_optional_text(data, "former_surname"),
        alias=_optional_text(data, "alias"),
        foreign=None
        if foreign is None
        else ForeignResidentStatus(
            nationality=_text(foreign, "nationality"),
            residence_status=_text(foreign, "residence_status"),
            period_of_stay=_optional_text(foreign, "period_of_stay"),
            expires_on=None
            if foreign.get("expires_on") is None
            else date.fromisoformat(_text(foreign, "expires_on")),
            card_number=_text(foreign, "card_number"),
        ),
    )


def household_from(data: Mapping[str, Any]) -> Household:
    """The :class:`Household` of :func:`household_json`."""
    members = data["members"]
    if not isinstance(members, list):
        raise TypeError("members is not a list")
    return Household(_text(data, "household_number"), tuple(resident_from(m) for m in members))


def account_from(data: Mapping[str, Any]) -> PublicFundsAccount:
    """The :class:`PublicFundsAccount` of :func:`account_json`."""
    return PublicFundsAccount(
        bank_code=_text(data, "bank_code"),
        bank_name=_text(data, "bank_name"),
        branch_code=_text(data, "branch_code"),
        branch_name=_text(data, "branch_name"),
        account_type=AccountType(data["account_type"]),
        account_number=_text(data, "account_number"),
        holder_kana=_text(data, "holder_kana"),
    )


def registration_from(data: Mapping[str, Any]) -> RegistrationResult:
    """The :class:`RegistrationResult` of :func:`registration_json`."""
    registered_at = datetime.fromisoformat(_text(data, "registered_at"))
    if registered_at.tzinfo is None:
        raise ValueError("registered_at has no time zone")
    created = data["created"]
    if not isinstance(created, bool):
        raise TypeError("created is not a boolean")
    return RegistrationResult(
        business=_text(data, "business"),
        idempotency_key=_text(data, "idempotency_key"),
        record_id=_text(data, "record_id"),
        registered_at=registered_at,
        created=created,
    )
