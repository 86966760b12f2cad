"""Fixtures for the adapter tests: one demo population and world per test session.

The population is generated once (it is deterministic); the world's PKI makes
certificates lazily. Tests that change state (PIN counters, core-system records, Pittari
filings) build their own card reader, core systems or ``pittari_world``.
:class:`FakeTime` lets fault plans "sleep" without waiting.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from adapters.jpki_profile import JST
from adapters.mock.card_reader import MockCardReader
from adapters.mock.faults import FaultPlan
from adapters.mock.pittari import MockPittari
from adapters.mock.population import Population, generate_population
from adapters.mock.world import DemoWorld

TODAY = date(2025, 6, 2)
"""The demo "today" of every adapter test."""

NOON = datetime(2025, 6, 2, 12, 0, tzinfo=JST)
"""Midday of :data:`TODAY` in Japan."""


class FakeTime:
    """A clock and a sleep for fault plans: sleeping moves the clock on, nobody waits."""

    def __init__(self, start: datetime = NOON) -> None:
        self.now = start
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def clock(self) -> datetime:
        """The fake now."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Record the sleep and move the clock on by ``seconds``."""
        with self._lock:
            self.slept.append(seconds)
            self.now += timedelta(seconds=seconds)


@pytest.fixture(scope="session")
def today() -> date:
    """The demo "today" of every adapter test."""
    return TODAY


@pytest.fixture(scope="session")
def noon() -> datetime:
    """Midday of the demo "today" in Japan."""
    return NOON


@pytest.fixture(scope="session")
def population() -> Population:
    """The default-seed demo population as of :data:`TODAY`."""
    return generate_population(today=TODAY)


@pytest.fixture(scope="session")
def world(population: Population) -> DemoWorld:
    """Registry, PKI, verifier and accounts over :func:`population`."""
    return DemoWorld.from_population(population)


@pytest.fixture
def card_reader(world: DemoWorld) -> MockCardReader:
    """A card reader with fresh PIN counters."""
    return MockCardReader(world.population, world.authority)


@pytest.fixture
def fake_time() -> FakeTime:
    """A fake clock starting at :data:`NOON`, moved on only by its ``sleep``."""
    return FakeTime()


@pytest.fixture
def pittari_world(world: DemoWorld, fake_time: FakeTime) -> DemoWorld:
    """The session world with a fresh Pittari mock and card reader, on the fake clock.

    The Pittari mock's fault plan injects nothing until a test switches it on; it sleeps
    and tells downtime by ``fake_time``.
    """
    faults = FaultPlan(seed=7, timeout_seconds=30, clock=fake_time.clock, sleep=fake_time.sleep)
    pittari = MockPittari(world.resident_registry, faults=faults, clock=fake_time.clock)
    return replace(
        world, pittari=pittari, card_reader=MockCardReader(world.population, world.authority)
    )
