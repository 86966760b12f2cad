"""The demo world: mocks built together from one population and shared per configuration."""

from __future__ import annotations

from datetime import date

import pytest

from adapters.mock.world import DemoWorld, shared_world, world_from_config


def test_mocks_of_one_world_agree(world: DemoWorld) -> None:
    for card in world.population.cards[:50]:
        for certificate in card.certificates:
            holder = world.resident_registry.by_certificate_serial(certificate.serial)
            assert holder is not None
            assert holder.resident_number == card.resident_number


def test_the_shared_world_is_built_once_per_configuration() -> None:
    config = {"mock_seed": "5", "mock_today": "2025-06-02", "mock_population": "30"}
    first = world_from_config(config)
    assert world_from_config(config) is first
    assert shared_world(5, date(2025, 6, 2), 30) is first
    assert world_from_config({**config, "mock_seed": "6"}) is not first
    assert first.population.seed == 5
    assert first.population.today == date(2025, 6, 2)


def test_malformed_mock_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="Invalid isoformat"):
        world_from_config({"mock_today": "昨日"})
    with pytest.raises(ValueError, match="invalid literal"):
        world_from_config({"mock_seed": "one"})


def test_a_new_world_over_the_same_population_has_its_own_keys(world: DemoWorld) -> None:
    other = DemoWorld.from_population(world.population)
    serial = world.population.cards[0].certificates[0].serial
    assert other.authority.credential(serial)[1] != world.authority.credential(serial)[1]
    assert other.resident_registry.by_resident_number("1000000102") == (
        world.resident_registry.by_resident_number("1000000102")
    )
