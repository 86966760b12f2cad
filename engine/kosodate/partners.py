"""The partner systems the childcare guards and effects read: registry and core systems.

Guards and effects pass the deployment's adapter configuration from their
:class:`engine.hooks.TransitionContext` (``ctx.adapter_config``), so they reach the same
partners as the rest of the runtime.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from adapters.base import CoreSystem, ResidentRegistry
from adapters.records import Resident


def resident_registry(config: Mapping[str, str]) -> ResidentRegistry:
    """The resident registry (住民記録) of the deployment's configuration."""
    from adapters import service

    return service.resident_registry(config)


def core_system(business: str, config: Mapping[str, str]) -> CoreSystem:
    """The core system of ``business`` (``jidou-teate``, ``kodomo-kosodate``, ...)."""
    from adapters import service

    return service.core_system(business, config)


def compact(name: str) -> str:
    """A name without spaces of either width, for matching a form's name to the registry."""
    return "".join(name.split()).replace("\u3000", "")


def household_of(registry: ResidentRegistry, resident_number: str) -> tuple[Resident, ...]:
    """The members of the household of ``resident_number`` (empty when unknown)."""
    person = registry.by_resident_number(resident_number)
    if person is None:
        return ()
    household = registry.household(person.household_number)
    return household.members if household else (person,)


def find_member(
    members: tuple[Resident, ...], name: str, birth_date: str | None
) -> Resident | None:
    """The member with this name (spaces ignored, kanji or kana) and birth date."""
    wanted = compact(name)
    for m in members:
        born = m.birth_date.as_date()
        if birth_date and (born is None or born.isoformat() != birth_date):
            continue
        if wanted in (compact(m.name.full), compact(m.name.full_kana)):
            return m
    return None


def find_resident(
    registry: ResidentRegistry, members: tuple[Resident, ...], name: str, birth_date: str | None
) -> Resident | None:
    """A child in the household, else anywhere in the registry (a child living apart)."""
    found = find_member(members, name, birth_date)
    if found is not None or not birth_date:
        return found
    matches = registry.search(name=compact(name), birth_date=dt.date.fromisoformat(birth_date))
    return matches[0] if len(matches) == 1 else None
