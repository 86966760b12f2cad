"""The documented personas: present in every population, with the facts personas.md states."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

import adapters.mock
from adapters.mock.cards import is_valid_auth_pin, is_valid_signing_password
from adapters.mock.identifiers import is_valid_my_number
from adapters.mock.kunitachi import FLOODED_TOWN
from adapters.mock.personas import PERSONA_KEYS
from adapters.mock.population import Population, generate_population
from adapters.records import Household, Relationship, Resident, Sex
from adapters.signatures import CertificateKind

PERSONAS_MD = Path(adapters.mock.__file__).parent / "personas.md"


def household(population: Population, key: str) -> Household:
    number = population.persona(key).household_number
    found = [h for h in population.households() if h.household_number == number]
    assert len(found) == 1
    return found[0]


def main_person(population: Population, key: str) -> Resident:
    return population.resident(population.persona(key).resident_number)


def ages(population: Population, key: str, relationship: Relationship) -> list[int | None]:
    return [
        m.age_on(population.today)
        for m in household(population, key).members
        if m.relationship is relationship
    ]


def test_every_persona_is_present(population: Population) -> None:
    assert tuple(p.key for p in population.personas) == PERSONA_KEYS
    for persona in population.personas:
        person = main_person(population, persona.key)
        assert person.my_number == persona.my_number
        assert is_valid_my_number(persona.my_number)
        assert is_valid_auth_pin(persona.auth_pin)
        assert is_valid_signing_password(persona.signing_password)


def test_family_expecting(population: Population) -> None:
    persona = population.persona("family_expecting")
    wife = main_person(population, "family_expecting")
    assert wife.relationship is Relationship.WIFE
    assert wife.sex is Sex.FEMALE
    assert wife.former_surname == "田村"
    assert ages(population, "family_expecting", Relationship.CHILD) == [2]
    assert len(household(population, "family_expecting").members) == 3
    assert persona.due_date is not None
    assert persona.due_date > population.today


def test_newborn_family(population: Population) -> None:
    babies = [
        m
        for m in household(population, "newborn_family").members
        if m.relationship is Relationship.CHILD
    ]
    assert [b.birth_date.as_date() for b in babies] == [population.today - timedelta(days=5)]
    assert babies[0].became_resident_on == babies[0].birth_date.as_date()
    assert babies[0].previous_address is None
    assert population.card(babies[0].resident_number) is None


def test_elderly_alone(population: Population) -> None:
    home = household(population, "elderly_alone")
    assert len(home.members) == 1
    assert home.head.age_on(population.today) == 82


def test_flood_household_lives_in_the_flooded_district(population: Population) -> None:
    home = household(population, "flood_household")
    assert home.address.town == FLOODED_TOWN == "谷保"
    assert home.address.postal_code == "186-0011"


def test_single_parent(population: Population) -> None:
    home = household(population, "single_parent")
    assert home.head.sex is Sex.FEMALE
    assert ages(population, "single_parent", Relationship.CHILD) == [10, 7]
    assert not [
        m for m in home.members if m.relationship in (Relationship.WIFE, Relationship.HUSBAND)
    ]


def test_foreign_resident(population: Population) -> None:
    person = main_person(population, "foreign_resident")
    assert person.foreign is not None
    assert person.foreign.residence_status == "技術・人文知識・国際業務"
    assert person.foreign.expires_on == population.today + timedelta(days=500)
    card = population.card(person.resident_number)
    assert card is not None
    signing = card.current(CertificateKind.SIGNING)
    assert signing is not None
    assert signing.expires_on == person.foreign.expires_on


def test_recently_moved_has_a_revoked_signing_certificate(population: Population) -> None:
    person = main_person(population, "recently_moved")
    assert person.became_resident_on == population.today - timedelta(days=10)
    assert person.previous_address is not None
    card = population.card(person.resident_number)
    assert card is not None
    signing = card.current(CertificateKind.SIGNING)
    auth = card.current(CertificateKind.AUTHENTICATION)
    assert signing is not None
    assert signing.revoked_on == person.became_resident_on
    assert signing.holder_address == person.previous_address.one_line()
    assert auth is not None
    assert auth.revoked_on is None


def test_third_child_family(population: Population) -> None:
    assert ages(population, "third_child_family", Relationship.CHILD) == [20, 17, 13]


def test_care_renewal(population: Population) -> None:
    assert main_person(population, "care_renewal").age_on(population.today) == 78


@pytest.mark.parametrize("seed", [1, 99])
def test_personas_are_the_same_whatever_the_seed(population: Population, seed: int) -> None:
    other = generate_population(seed=seed, today=population.today, size=100)
    for key in PERSONA_KEYS:
        assert other.persona(key) == population.persona(key)
        assert household(other, key) == household(population, key)


def test_persona_dates_follow_today() -> None:
    later = generate_population(today=date(2031, 3, 1), size=10)
    assert later.resident("1000000301").age_on(date(2031, 3, 1)) == 82
    baby = later.resident("1000000203")
    assert baby.birth_date.as_date() == date(2031, 2, 24)


def test_personas_md_documents_every_persona(population: Population) -> None:
    text = PERSONAS_MD.read_text(encoding="utf-8")
    for persona in population.personas:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{persona.key}` |"))
        for value in (
            persona.resident_number,
            persona.my_number,
            persona.auth_pin,
            persona.signing_password,
        ):
            assert f"| {value} |" in row, (persona.key, value)
    for card in population.cards:
        if card.resident_number.startswith("100000") and card.signing_password:
            assert f"| {card.signing_password} |" in text
            assert f"| {card.auth_pin} |" in text
