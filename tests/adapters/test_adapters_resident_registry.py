"""The mock resident registry: lookups, households, counter search, immutable answers."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from adapters.mock.resident_registry import MockResidentRegistry, normalise_kana
from adapters.mock.world import DemoWorld
from adapters.records import Relationship
from adapters.signatures import CertificateKind


@pytest.fixture
def registry(world: DemoWorld) -> MockResidentRegistry:
    return world.resident_registry


def test_lookup_by_resident_number_and_my_number(registry: MockResidentRegistry) -> None:
    wife = registry.by_resident_number("1000000102")
    assert wife is not None
    assert wife.name.full == "佐藤\u3000美咲"
    assert registry.by_my_number("202501000126") == wife
    assert registry.by_resident_number("0000000000") is None
    assert registry.by_my_number("123456789018") is None


def test_household_lists_members_head_first_with_relationships(
    registry: MockResidentRegistry,
) -> None:
    home = registry.household("2000000008")
    assert home is not None
    assert [(m.relationship, m.name.given) for m in home.members] == [
        (Relationship.HEAD, "浩二"),
        (Relationship.WIFE, "恵"),
        (Relationship.CHILD, "大和"),
        (Relationship.CHILD, "凛"),
        (Relationship.CHILD, "湊"),
    ]
    assert registry.household("9999999999") is None


def test_lookup_by_certificate_serial_follows_the_serial_link(
    world: DemoWorld, registry: MockResidentRegistry
) -> None:
    card = world.population.card("1000000701")
    assert card is not None
    for certificate in card.certificates:
        found = registry.by_certificate_serial(certificate.serial)
        assert found is not None
        assert found.resident_number == "1000000701"
    assert registry.by_certificate_serial(1) is None


def test_superseded_certificates_still_point_to_their_holder(
    world: DemoWorld, registry: MockResidentRegistry
) -> None:
    superseded = [
        (card.resident_number, certificate.serial)
        for card in world.population.cards
        for certificate in card.certificates
        if certificate.revoked_on is not None
        and certificate is not card.current(CertificateKind.SIGNING)
    ]
    assert superseded
    for resident_number, serial in superseded:
        found = registry.by_certificate_serial(serial)
        assert found is not None
        assert found.resident_number == resident_number


@pytest.mark.parametrize("typed", ["ワタナベカズ", "わたなべ　かず", "ﾜﾀﾅﾍﾞ ｶｽﾞ", "ワタナベ カズコ"])
def test_kana_search_accepts_what_staff_type(registry: MockResidentRegistry, typed: str) -> None:
    found = registry.search(kana=typed)
    assert "1000000301" in {r.resident_number for r in found}
    assert all(normalise_kana(r.name.full_kana).startswith(normalise_kana(typed)) for r in found)


def test_name_search_ignores_spaces_and_matches_aliases(world: DemoWorld) -> None:
    registry = world.resident_registry
    assert [r.resident_number for r in registry.search(name="佐藤 美咲")] == ["1000000102"]
    with_alias = next(r for r in world.population.residents if r.alias)
    assert with_alias.alias is not None
    found = registry.search(name=with_alias.alias.replace("\u3000", ""))
    assert with_alias in found


def test_search_combines_criteria(registry: MockResidentRegistry) -> None:
    kazuko = registry.by_resident_number("1000000301")
    assert kazuko is not None
    birth = kazuko.birth_date.as_date()
    assert birth is not None
    found = registry.search(kana="ワタナベ", birth_date=birth)
    assert kazuko in found
    assert all(r.birth_date.could_be(birth) for r in found)
    assert registry.search(kana="ワタナベ", birth_date=date(1900, 1, 1)) == ()


def test_birth_date_search_finds_partly_unknown_dates(world: DemoWorld) -> None:
    partial = next(
        r
        for r in world.population.residents
        if r.birth_date.month is not None and r.birth_date.day is None
    )
    first = partial.birth_date.earliest()
    assert first is not None
    assert partial in world.resident_registry.search(birth_date=first, limit=1000)


def test_search_needs_a_criterion_and_respects_the_limit(registry: MockResidentRegistry) -> None:
    with pytest.raises(ValueError, match="at least one"):
        registry.search()
    found = registry.search(kana="サ", limit=5)
    assert len(found) == 5
    readings = [normalise_kana(r.name.full_kana) for r in found]
    assert readings == sorted(readings)


def test_answers_cannot_change_the_registry(registry: MockResidentRegistry) -> None:
    home = registry.household("2000000001")
    assert home is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        home.members[0].address = home.members[1].address  # type: ignore[misc]
    moved = dataclasses.replace(home.members[0], household_number="x")
    assert moved.household_number == "x"
    again = registry.household("2000000001")
    assert again == home
    assert again is not None
    assert again.members[0].household_number == "2000000001"
