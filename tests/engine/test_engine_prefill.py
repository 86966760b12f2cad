"""Prefill from the registry: what the municipality knows is not asked again."""

from __future__ import annotations

import datetime as dt

import pytest

from adapters.mock.world import DemoWorld
from engine.config import load_settings
from engine.definitions.loader import Catalog
from engine.prefill import prefill
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
