"""What the demo core systems hold at the start, and how configuration picks them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import pytest

from adapters import service
from adapters.base import CoreSystem
from adapters.capabilities import CORE_BUSINESS_KEY, CORE_SYSTEM
from adapters.errors import (
    PartnerRefusalError,
    RecordRejectedError,
    UnknownCoreBusinessError,
    UnknownImplementationError,
)
from adapters.exchange import CoreBusiness
from adapters.mock.core_businesses import BUSINESSES
from adapters.mock.core_seeds import tax_year
from adapters.mock.core_systems import MockCoreSystem
from adapters.mock.dates import add_years
from adapters.mock.world import DemoWorld
from adapters.registry import Registry

CONFIG = {
    "core_system": "mock",
    "mock_seed": "7",
    "mock_today": "2025-06-02",
    "mock_population": "40",
}


def income_of(world: DemoWorld, persona: str) -> tuple[Mapping[str, object], ...]:
    number = world.population.persona(persona).resident_number
    return world.core_systems["zeimu"].query({"resident_number": number})


def test_tax_status_is_known_for_residents_of_the_first_of_january(world: DemoWorld) -> None:
    (status,) = income_of(world, "elderly_alone")
    assert status["fiscal_year"] == 2025
    assert status["income_year"] == 2024
    assert (status["tax_status"], status["total_income"]) == ("非課税", 0)
    (status,) = income_of(world, "family_expecting")
    assert (status["tax_status"], status["total_income"]) == ("課税", 2_600_000)
    assert status["income_levy"] == 217_000
    assert income_of(world, "recently_moved") == ()  # taxed where he lived on 1 January
    statuses = world.core_systems["zeimu"].records()
    assert {s["tax_status"] for s in statuses} == {"課税", "非課税", "未申告"}
    newcomers = {r.resident_number for r in world.population.residents} - {
        str(s["resident_number"]) for s in statuses
    }
    assert all(
        world.population.resident(n).became_resident_on > date(2025, 1, 1) for n in newcomers
    )


def test_tax_year_turns_in_june() -> None:
    assert tax_year(date(2025, 5, 31)) == 2024
    assert tax_year(date(2025, 6, 1)) == 2025


def test_the_tax_office_takes_no_registrations(world: DemoWorld) -> None:
    zeimu = world.core_systems["zeimu"]
    before = len(zeimu.records())
    with pytest.raises(RecordRejectedError, match="answers lookups only") as caught:
        zeimu.register("k", {"kind": "income_status"})
    assert isinstance(caught.value, PartnerRefusalError)
    assert len(zeimu.records()) == before


def test_residents_of_65_and_over_are_insured_with_ten_digit_numbers(world: DemoWorld) -> None:
    kaigo = world.core_systems["kaigo-hoken"]
    insured = {str(r["resident_number"]): r for r in kaigo.records("insured")}
    today = world.population.today
    for resident in world.population.residents:
        latest = resident.birth_date.latest()
        surely_65 = latest is not None and add_years(latest, 65) - timedelta(days=1) <= today
        assert (resident.resident_number in insured) == surely_65, resident.resident_number
    assert all(len(str(r["insured_number"])) == 10 for r in insured.values())


def test_care_renewal_persona_is_inside_the_renewal_window(world: DemoWorld) -> None:
    person = world.population.persona("care_renewal").resident_number
    kaigo = world.core_systems["kaigo-hoken"]
    (certification,) = kaigo.query({"kind": "certification", "resident_number": person})
    assert certification["care_level"] == "要介護2"
    expiry = date.fromisoformat(str(certification["valid_until"]))
    assert 0 < (expiry - world.population.today).days <= 60
    assert (expiry + timedelta(days=1)).day == 1  # expiry falls on a month end
    (insured,) = kaigo.query(
        {"kind": "insured", "insured_number": str(certification["insured_number"])}
    )
    assert insured["resident_number"] == person


def test_single_parent_receives_child_rearing_allowance(world: DemoWorld) -> None:
    person = world.population.persona("single_parent").resident_number
    (recipient,) = world.core_systems["jidou-fuyou-teate"].query({"resident_number": person})
    assert recipient["children"] == ["1000000502", "1000000503"]
    assert recipient["payment_category"] == "一部支給"


def test_seeding_is_reproducible(world: DemoWorld) -> None:
    again = DemoWorld.from_population(world.population)
    for business, system in world.core_systems.items():
        assert again.core_systems[business].records() == system.records(), business


@pytest.mark.parametrize("business", [b.value for b in CoreBusiness])
def test_configuration_gives_each_business_its_shared_mock(business: str) -> None:
    system = service.core_system(business, CONFIG)
    assert isinstance(system, MockCoreSystem)
    assert system.business == business
    assert service.core_system(business, CONFIG) is system


def test_a_business_can_be_served_by_another_implementation() -> None:
    registry = Registry()
    served: list[str] = []

    @registry.register(CORE_SYSTEM, "mock")
    def mock(config: Mapping[str, str]) -> CoreSystem:
        served.append(f"mock:{config[CORE_BUSINESS_KEY]}")
        return MockCoreSystem(BUSINESSES[config[CORE_BUSINESS_KEY]])

    @registry.register(CORE_SYSTEM, "vendor")
    def vendor(config: Mapping[str, str]) -> CoreSystem:
        served.append(f"vendor:{config[CORE_BUSINESS_KEY]}")
        return MockCoreSystem(BUSINESSES[config[CORE_BUSINESS_KEY]])

    config = {"core_system": "mock", "core_system.jidou-teate": "vendor"}
    service.core_system("jidou-teate", config, registry=registry)
    service.core_system("keisatsu", config, registry=registry)
    assert served == ["vendor:jidou-teate", "mock:keisatsu"]


def test_missing_configuration_and_unknown_business_are_explained() -> None:
    with pytest.raises(UnknownImplementationError, match="set 'core_system'"):
        service.core_system("jidou-teate", {})
    with pytest.raises(UnknownCoreBusinessError, match="unknown 'jidouteate'") as caught:
        service.core_system("jidouteate", CONFIG)
    assert "jidou-teate" in caught.value.known
