"""The partner systems the childcare guards and effects read: registry and core systems.

Guards and effects receive a :class:`engine.hooks.TransitionContext`, which carries no
adapter configuration; the configuration is read here the way the runtime builds it (the
``MADOGUCHI_ADAPTERS`` and ``MADOGUCHI_PUBLIC_URL`` settings, every capability a mock by
default). A deployment or a test may pin another one with :func:`use_adapter_config`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

from adapters.base import CoreSystem, ResidentRegistry
from adapters.records import Resident
from engine.config import load_settings

_pinned: dict[str, str] | None = None
_SETTINGS_READ = ("MADOGUCHI_ADAPTERS", "MADOGUCHI_PUBLIC_URL")


def use_adapter_config(config: Mapping[str, str] | None) -> None:
    """Pin the adapter configuration (None: read it from the environment again)."""
    global _pinned
    _pinned = None if config is None else dict(config)


def adapter_config() -> dict[str, str]:
    """The adapter configuration the runtime would build from the environment."""
    if _pinned is not None:
        return dict(_pinned)
    from engine.runtime import adapter_config as runtime_adapter_config

    env = {k: os.environ[k] for k in _SETTINGS_READ if k in os.environ}
    return runtime_adapter_config(load_settings(env))


def resident_registry() -> ResidentRegistry:
    """The resident registry (住民記録)."""
    from adapters import service

    return service.resident_registry(adapter_config())


def core_system(business: str) -> CoreSystem:
    """The core system of ``business`` (``jidou-teate``, ``kodomo-kosodate``, ...)."""
    from adapters import service

    return service.core_system(business, adapter_config())


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
