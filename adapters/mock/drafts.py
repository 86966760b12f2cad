"""Drafts of households: people before numbers and an address are assigned."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Literal

from adapters.mock.dates import birth_date_for_age
from adapters.partial_date import PartialDate
from adapters.records import ForeignResidentStatus, PersonName, Relationship, Sex

Precision = Literal["day", "month", "year"]
"""How much of a birth date is recorded: all of it, year and month, or the year alone."""

PARTIAL: tuple[Precision, ...] = ("month", "year")
"""The precisions of a birth date recorded only in part (不詳)."""


@dataclass(frozen=True)
class MemberDraft:
    """A household member before numbers and an address are assigned."""

    relationship: Relationship
    sex: Sex
    birth_date: PartialDate
    name: PersonName
    former_surname: str | None = None
    alias: str | None = None
    foreign: ForeignResidentStatus | None = None


@dataclass(frozen=True)
class HouseholdDraft:
    """A household before numbers and an address are assigned; the head comes first."""

    kind: str
    members: tuple[MemberDraft, ...]
    apartment: bool


def draw_birth(
    rng: random.Random, today: date, age: int, precision: Precision = "day"
) -> PartialDate:
    """A birth date of someone ``age`` years old on ``today``, recorded to ``precision``."""
    born = birth_date_for_age(rng, today, age)
    if precision == "year":
        return PartialDate(born.year)
    if precision == "month":
        return PartialDate(born.year, born.month)
    return PartialDate.of(born)
