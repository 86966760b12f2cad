"""The generated demo population: size, determinism, valid numbers, plausible households."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from adapters.mock.identifiers import is_valid_my_number
from adapters.mock.kunitachi import LG_CODE, TOWNS
from adapters.mock.personas import PERSONA_KEYS
from adapters.mock.population import Population, generate_population
from adapters.records import Household, Relationship, Resident

SPOUSES = {Relationship.WIFE, Relationship.HUSBAND}


def _younger(child: Resident, parent: Resident) -> bool:
    """True when ``child`` was surely born after ``parent``, whatever is unknown."""
    child_first, parent_last = child.birth_date.earliest(), parent.birth_date.latest()
    assert child_first is not None
    assert parent_last is not None
    return child_first > parent_last


def _members(household: Household, *relationships: Relationship) -> list[Resident]:
    return [m for m in household.members if m.relationship in relationships]


def test_at_least_a_thousand_residents(population: Population) -> None:
    assert len(population.residents) >= 1000
    assert len(population.households()) > 300


def test_same_seed_gives_the_same_population_byte_for_byte(population: Population) -> None:
    again = generate_population(today=population.today)
    assert again == population
    assert again.to_json_bytes() == population.to_json_bytes()


def test_another_seed_gives_other_residents(population: Population) -> None:
    other = generate_population(seed=1, today=population.today, size=200)
    generated = {r.name.full for r in population.residents[30:]}
    assert {r.name.full for r in other.residents[30:]} != generated


def test_every_my_number_is_valid_and_unique(population: Population) -> None:
    numbers = [r.my_number for r in population.residents]
    assert all(is_valid_my_number(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)


def test_resident_numbers_and_codes_are_unique_and_well_formed(population: Population) -> None:
    for attribute, width in (("resident_number", 10), ("resident_code", 11)):
        values = [getattr(r, attribute) for r in population.residents]
        assert len(set(values)) == len(values), attribute
        assert all(len(v) == width and v.isdigit() for v in values), attribute


def test_households_have_exactly_one_head_and_at_most_one_spouse(population: Population) -> None:
    for household in population.households():
        relationships = Counter(m.relationship for m in household.members)
        assert relationships[Relationship.HEAD] == 1
        assert household.members[0].relationship is Relationship.HEAD
        assert sum(relationships[r] for r in SPOUSES) <= 1
        assert len({m.address for m in household.members}) == 1


def test_children_are_younger_than_their_parents(population: Population) -> None:
    checked = 0
    for household in population.households():
        parents = _members(household, Relationship.HEAD, *SPOUSES)
        for child in _members(household, Relationship.CHILD):
            assert all(_younger(child, parent) for parent in parents), child
            checked += 1
        middle = _members(household, Relationship.CHILD, Relationship.CHILDS_WIFE)
        for grandchild in _members(household, Relationship.GRANDCHILD):
            assert all(_younger(grandchild, parent) for parent in middle + parents)
        for elder in _members(household, Relationship.FATHER, Relationship.MOTHER):
            assert _younger(household.head, elder)
    assert checked > 300


def test_every_age_from_0_to_100_is_present(population: Population) -> None:
    ages = {r.age_on(population.today) for r in population.residents}
    assert set(range(101)) <= ages


def test_birth_dates_are_in_the_past_and_residence_began_after_birth(
    population: Population,
) -> None:
    for resident in population.residents:
        earliest = resident.birth_date.earliest()
        assert earliest is not None
        assert earliest <= population.today
        assert earliest <= resident.became_resident_on <= population.today


def test_partly_unknown_birth_dates_are_kept_and_shown_as_unknown(population: Population) -> None:
    partial = [r for r in population.residents if not r.birth_date.is_complete]
    month_known = [r for r in partial if r.birth_date.month is not None]
    year_only = [r for r in partial if r.birth_date.month is None]
    assert month_known
    assert year_only
    assert len(partial) < len(population.residents) // 20
    for resident in partial:
        assert resident.birth_date.day is None
        assert resident.birth_date.display_ja().endswith("不詳")
    assert any(r.is_foreign for r in partial)
    assert any(
        r.age_on(population.today) is None and (r.birth_date.year or 0) < 1930 for r in partial
    )


def test_foreign_residents_have_a_status_and_a_future_expiry(population: Population) -> None:
    foreign = [r for r in population.residents if r.foreign is not None]
    assert 10 <= len(foreign) <= len(population.residents) // 10
    statuses = Counter(r.foreign.residence_status for r in foreign if r.foreign)
    assert {"永住者", "技術・人文知識・国際業務", "留学"} <= set(statuses)
    for resident in foreign:
        status = resident.foreign
        assert status is not None
        if status.residence_status in ("永住者", "特別永住者"):
            assert status.expires_on is None
            assert status.period_of_stay is None
        else:
            assert status.expires_on is not None
            assert status.expires_on > population.today
            assert status.period_of_stay
    special = [r for r in foreign if r.foreign and r.foreign.residence_status == "特別永住者"]
    assert special
    assert all(r.alias for r in special)


def test_addresses_are_in_kunitachi_with_matching_postal_codes(population: Population) -> None:
    postal = {t.postal_code: t.name for t in TOWNS}
    for resident in population.residents:
        address = resident.address
        assert (address.prefecture, address.municipality, address.lg_code) == (
            "東京都",
            "国立市",
            LG_CODE,
        )
        assert address.town.startswith(postal[address.postal_code])


def test_no_two_households_share_a_dwelling(population: Population) -> None:
    dwellings = [h.address for h in population.households()]
    assert len(set(dwellings)) == len(dwellings)
    flats = [a for a in dwellings if a.building]
    assert len(flats) > 50
    assert all(a.building and a.building.endswith("号室") for a in flats)


def test_some_residents_moved_in_from_elsewhere(population: Population) -> None:
    moved = [r for r in population.residents if r.previous_address is not None]
    assert len(moved) > 200
    assert all(r.previous_address and r.previous_address.municipality != "国立市" for r in moved)
    born_here = [r for r in population.residents if r.became_resident_on == r.birth_date.as_date()]
    assert born_here
    assert all(r.previous_address is None for r in born_here)


def test_relationships_vary(population: Population) -> None:
    seen = {r.relationship for r in population.residents}
    assert {
        Relationship.HEAD,
        Relationship.WIFE,
        Relationship.HUSBAND,
        Relationship.CHILD,
        Relationship.GRANDCHILD,
        Relationship.CHILDS_WIFE,
    } <= seen
    assert seen & {Relationship.FATHER, Relationship.MOTHER}


def test_elderly_people_living_alone_exist(population: Population) -> None:
    alone = [
        h.head
        for h in population.households()
        if len(h.members) == 1 and (h.head.age_on(population.today) or 100) >= 75
    ]
    assert len(alone) > 20


def test_cards_link_to_residents_and_their_serials_are_unique(population: Population) -> None:
    serials = [c.serial for card in population.cards for c in card.certificates]
    assert len(set(serials)) == len(serials)
    holders = {r.resident_number for r in population.residents}
    assert {card.resident_number for card in population.cards} <= holders
    assert 0.6 < len(population.cards) / len(population.residents) < 0.95


def test_small_populations_still_hold_every_persona_and_age() -> None:
    small = generate_population(seed=3, today=date(2030, 1, 1), size=50)
    assert len(small.residents) >= 101
    assert tuple(p.key for p in small.personas) == PERSONA_KEYS
    assert set(range(101)) <= {r.age_on(date(2030, 1, 1)) for r in small.residents}


@pytest.mark.parametrize("seed", [2, 3, 4, 5])
def test_invariants_hold_for_other_seeds(seed: int) -> None:
    other = generate_population(seed=seed, today=date(2026, 2, 28), size=400)
    assert all(is_valid_my_number(r.my_number) for r in other.residents)
    assert len({r.resident_number for r in other.residents}) == len(other.residents)
    for household in other.households():
        parents = _members(household, Relationship.HEAD, *SPOUSES)
        for child in _members(household, Relationship.CHILD):
            assert all(_younger(child, parent) for parent in parents)
    assert set(range(101)) <= {r.age_on(other.today) for r in other.residents}
    assert any(not r.birth_date.is_complete for r in other.residents)
