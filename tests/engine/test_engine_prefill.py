"""Prefill from the registry: what the municipality knows is not asked again."""

from __future__ import annotations

import datetime as dt

import pytest

from adapters.mock.world import DemoWorld
from engine.config import load_settings
from engine.definitions.loader import Catalog
from engine.prefill import _school_starts, prefill
from engine.runtime import load_procedures
from forms import validate_payload

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def world() -> DemoWorld:
    return DemoWorld.build(today=TODAY)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_procedures(load_settings({}))


def test_newborn_family_claim_is_prefilled_from_the_household(
    world: DemoWorld, catalog: Catalog
) -> None:
    persona = world.population.persona("newborn_family")
    me = world.population.resident(persona.resident_number)
    form = catalog.get("jidou-teate-nintei").form
    result = prefill(
        form,
        persona.resident_number,
        registry=world.resident_registry,
        accounts=world.public_funds_accounts,
        today=TODAY,
    )
    claimant = result.data["claimant"]
    assert claimant["name"] == me.name.full
    assert claimant["my_number"] == persona.my_number
    assert claimant["address"]["city"] == "国立市"
    assert "phone" not in claimant  # the registry holds no phone: asked, not invented
    assert "claimant.phone" not in result.prefilled
    assert {"claimant.name", "claimant.my_number", "spouse.name", "children"} <= result.prefilled
    babies = result.data["children"]
    assert len(babies) == 1
    assert babies[0]["birth_date"] == (TODAY - dt.timedelta(days=5)).isoformat()
    # What is prefilled validates; only what the municipality cannot know is left.
    errors = {e.path for e in validate_payload(form, result.data, today=TODAY).errors}
    assert "claimant.name" not in errors
    assert "claimant.my_number" not in errors
    assert "claimant.phone" in errors


def test_children_past_allowance_age_are_not_listed(world: DemoWorld, catalog: Catalog) -> None:
    persona = world.population.persona("third_child_family")
    result = prefill(
        catalog.get("jidou-teate-nintei").form,
        persona.resident_number,
        registry=world.resident_registry,
        today=TODAY,
    )
    ages = sorted(TODAY.year - int(c["birth_date"][:4]) for c in result.data["children"])
    assert ages == [13, 17]  # the 20-year-old counts for birth order but is not claimed


def test_public_funds_account_prefills_the_registered_account(
    world: DemoWorld, catalog: Catalog
) -> None:
    persona = world.population.persona("elderly_alone")
    result = prefill(
        catalog.get("jidou-teate-nintei").form,
        persona.resident_number,
        registry=world.resident_registry,
        accounts=world.public_funds_accounts,
        today=TODAY,
    )
    account = world.public_funds_accounts.lookup(persona.my_number)
    assert account is not None
    assert result.data["registered_account"]["account_number"] == account.account_number
    assert result.data["registered_account"]["account_type"] == "futsuu"


def test_previous_case_and_unknown_resident(world: DemoWorld, catalog: Catalog) -> None:
    form = catalog.get("ninshin-todoke").form
    nobody = prefill(form, "0000000000", registry=world.resident_registry, today=TODAY)
    assert nobody.data == {}
    assert nobody.prefilled == frozenset()
    persona = world.population.persona("family_expecting")
    result = prefill(form, persona.resident_number, registry=world.resident_registry, today=TODAY)
    assert result.data["name"] == world.population.resident(persona.resident_number).name.full
    assert "birth_date" in result.prefilled


def test_partly_unknown_birth_date_is_left_empty_not_invented(
    world: DemoWorld, catalog: Catalog
) -> None:
    unknown = next(r for r in world.population.residents if not r.birth_date.is_complete)
    result = prefill(
        catalog.get("ninshin-todoke").form,
        unknown.resident_number,
        registry=world.resident_registry,
        today=TODAY,
    )
    assert "birth_date" not in result.data
    assert "birth_date" not in result.prefilled
    assert result.data["name"] == unknown.name.full


def _childcare(world: DemoWorld, catalog: Catalog, pid: str, key: str) -> dict[str, object]:
    persona = world.population.persona(key)
    return prefill(
        catalog.get(pid).form,
        persona.resident_number,
        registry=world.resident_registry,
        today=TODAY,
    ).data


def test_childcare_forms_take_the_youngest_child_and_the_parents(
    world: DemoWorld, catalog: Catalog
) -> None:
    persona = world.population.persona("newborn_family")
    household = world.resident_registry.household(
        world.population.resident(persona.resident_number).household_number
    )
    assert household is not None
    father, mother, baby = household.members
    born = (TODAY - dt.timedelta(days=5)).isoformat()
    cert = prefill(
        catalog.get("hoiku-shikyuu-nintei").form,
        persona.resident_number,
        registry=world.resident_registry,
        today=TODAY,
    )
    assert cert.data["child"] == {
        "name": baby.name.full,
        "kana": baby.name.full_kana,
        "birth_date": born,
        "sex": "male",
        "relationship": "jisshi",
    }
    assert cert.data["has_other_parent"] is True
    assert cert.data["other_parent"]["birth_date"] == mother.birth_date.as_date().isoformat()  # type: ignore[union-attr]
    assert "household" not in cert.data  # nobody besides the parents and the baby
    assert {"child.name", "has_other_parent", "other_parent.birth_date"} <= cert.prefilled
    place = _childcare(world, catalog, "hoiku-riyou-moushikomi", "newborn_family")
    assert (place["child_name"], place["child_birth_date"]) == (baby.name.full, born)
    assert place["single_parent"] is False
    assert place["young_children"] == 1
    # A row keeps only what the group asks: no kana or sex in the guardians' rows.
    assert place["guardians"] == [
        {"name": father.name.full, "relationship": "father"},
        {"name": mother.name.full, "relationship": "mother"},
    ]
    errors = {
        e.path for e in validate_payload(catalog.get("hoiku-riyou-moushikomi").form, place).errors
    }
    assert not {"child_name", "child_kana", "single_parent", "young_children"} & errors
    assert "guardians[0].name" not in errors
    assert "guardians[0].reason" in errors  # work is for the resident to say


def test_the_spouse_filing_is_the_mother_and_the_head_the_father(
    world: DemoWorld, catalog: Catalog
) -> None:
    place = _childcare(world, catalog, "hoiku-riyou-moushikomi", "family_expecting")
    assert [g["relationship"] for g in place["guardians"]] == ["mother", "father"]  # type: ignore[attr-defined]
    assert place["young_children"] == 1  # the 2-year-old; the baby is not born yet


def test_children_at_school_are_the_other_household_members(
    world: DemoWorld, catalog: Catalog
) -> None:
    cert = _childcare(world, catalog, "hoiku-shikyuu-nintei", "third_child_family")
    assert "child" not in cert  # no child under school age: the form's child is asked
    others = cert["household"]
    assert isinstance(others, list)
    assert [(o["relationship"], TODAY.year - int(o["birth_date"][:4])) for o in others] == [
        ("子", 20),
        ("子", 17),
        ("子", 13),
    ]
    assert all(set(o) == {"name", "relationship", "birth_date"} for o in others)
    assert "young_children" not in _childcare(
        world, catalog, "hoiku-riyou-moushikomi", "third_child_family"
    )  # none under school age: not answered with a 0


def test_a_single_parent_is_not_declared_by_the_registry(
    world: DemoWorld, catalog: Catalog
) -> None:
    # No spouse registered may still be a partner: the registry does not say "single".
    place = _childcare(world, catalog, "hoiku-riyou-moushikomi", "single_parent")
    assert "single_parent" not in place
    assert len(place["guardians"]) == 1  # type: ignore[arg-type]
    cert = _childcare(world, catalog, "hoiku-shikyuu-nintei", "single_parent")
    assert "has_other_parent" not in cert
    # A grown-up child filing is no parent in the registry: no child, no guardians.
    flood = _childcare(world, catalog, "hoiku-riyou-moushikomi", "flood_household")
    persona = world.population.persona("flood_household")
    son = next(
        r
        for r in world.population.residents
        if r.household_number == world.population.resident(persona.resident_number).household_number
        and r.relationship.value == "子"
    )
    own = prefill(
        catalog.get("hoiku-riyou-moushikomi").form,
        son.resident_number,
        registry=world.resident_registry,
        today=TODAY,
    )
    assert "guardians" not in own.data
    assert "child_name" not in own.data
    assert "child_name" not in flood  # the parents there have only a grown-up son
    assert [g["relationship"] for g in flood["guardians"]] == ["father", "mother"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("birth", "first_day"),
    [
        (dt.date(2020, 4, 1), dt.date(2026, 4, 1)),  # 早生まれ: with the year before
        (dt.date(2020, 4, 2), dt.date(2027, 4, 1)),
        (dt.date(2021, 3, 31), dt.date(2027, 4, 1)),
    ],
)
def test_school_starts_the_april_after_the_sixth_birthday(
    birth: dt.date, first_day: dt.date
) -> None:
    assert _school_starts(birth) == first_day
