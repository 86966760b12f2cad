"""Registry records: immutable, printed as the registry prints them, My Number kept quiet."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from adapters.partial_date import PartialDate
from adapters.records import Address, Household, PersonName, Relationship, Resident, Sex

ADDRESS = Address(
    "186-0003", "東京都", "国立市", "富士見台二丁目", "12番3号", "コーポ富士見203号室"
)


def resident(number: str, relationship: Relationship) -> Resident:
    return Resident(
        resident_number=number,
        household_number="2000000001",
        name=PersonName("佐藤", "美咲", "サトウ", "ミサキ"),
        sex=Sex.FEMALE,
        birth_date=PartialDate(1994, 4, 18),
        relationship=relationship,
        address=ADDRESS,
        my_number="202501000126",
        resident_code="81000000102",
        became_resident_on=date(2019, 5, 25),
    )


def test_names_are_printed_with_the_right_space() -> None:
    assert PersonName("佐藤", "美咲", "サトウ", "ミサキ").full == "佐藤\u3000美咲"
    assert PersonName("佐藤", "美咲", "サトウ", "ミサキ").full_kana == "サトウ\u3000ミサキ"
    assert PersonName("NGUYEN", "THI LAN", "グエン", "ティ\u3000ラン").full == "NGUYEN THI LAN"


def test_address_on_one_line() -> None:
    assert ADDRESS.one_line() == "東京都国立市富士見台二丁目12番3号\u3000コーポ富士見203号室"
    house = dataclasses.replace(ADDRESS, town="谷保", block="5118番地", building=None)
    assert house.one_line() == "東京都国立市谷保5118番地"


def test_records_cannot_be_changed() -> None:
    person = resident("1000000102", Relationship.HEAD)
    with pytest.raises(dataclasses.FrozenInstanceError):
        person.name = PersonName("x", "y", "x", "y")  # type: ignore[misc]


def test_my_number_stays_out_of_repr() -> None:
    person = resident("1000000102", Relationship.HEAD)
    assert "202501000126" not in repr(person)
    assert "1000000102" in repr(person)


def test_household_needs_exactly_one_head_first() -> None:
    head = resident("1", Relationship.HEAD)
    wife = resident("2", Relationship.WIFE)
    assert Household("h", (head, wife)).head is head
    with pytest.raises(ValueError, match="exactly one head"):
        Household("h", (wife, head))
    with pytest.raises(ValueError, match="exactly one head"):
        Household("h", (head, resident("3", Relationship.HEAD)))


def test_sex_codes() -> None:
    assert (Sex.MALE.label_ja, Sex.MALE.iso5218) == ("男", "1")
    assert (Sex.FEMALE.label_ja, Sex.FEMALE.iso5218) == ("女", "2")
