"""The demo population of 国立市: personas plus generated households, deterministic per seed.

``generate_population(seed, today)`` always gives the same residents for the same
arguments, byte for byte (:meth:`Population.to_json_bytes`): every random choice comes
from one ``random.Random(seed)`` and nothing depends on hash order or the clock.

Flow: the personas are placed first (their numbers and rooms are reserved); then a few
households that guarantee coverage (very old residents with partly unknown birth dates,
foreign residents, a newborn); then random households until ``size`` residents; finally,
for every age from 0 to 100 that nobody has yet, a household with someone of that age.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import cached_property

from adapters.mock.cards import CardIssuer, DemoCard
from adapters.mock.dates import add_years, random_day_between
from adapters.mock.drafts import HouseholdDraft
from adapters.mock.households import HouseholdFactory
from adapters.mock.identifiers import NumberAllocator, SequenceAllocator
from adapters.mock.kunitachi import (
    BUILDINGS,
    PREVIOUS_TOWNS,
    TOWNS,
    TOWNS_BY_NAME,
    building_address,
    kunitachi_address,
    outside_address,
)
from adapters.mock.personas import Persona, build_personas
from adapters.records import Address, Household, Resident

DEFAULT_SEED = 132152
"""The default demo seed (Kunitachi's local government code)."""

DEFAULT_SIZE = 1000
"""The default minimum number of generated residents."""


@dataclass(frozen=True)
class Population:
    """The demo residents, their cards, and the personas among them."""

    seed: int
    today: date
    residents: tuple[Resident, ...]
    cards: tuple[DemoCard, ...]
    personas: tuple[Persona, ...]

    @cached_property
    def _residents_by_number(self) -> dict[str, Resident]:
        return {r.resident_number: r for r in self.residents}

    @cached_property
    def _cards_by_number(self) -> dict[str, DemoCard]:
        return {c.resident_number: c for c in self.cards}

    def resident(self, resident_number: str) -> Resident:
        """The resident with this number (``KeyError`` when unknown)."""
        return self._residents_by_number[resident_number]

    def card(self, resident_number: str) -> DemoCard | None:
        """The resident's demo card, or None when they have none."""
        return self._cards_by_number.get(resident_number)

    def persona(self, key: str) -> Persona:
        """The persona with this key (``KeyError`` when unknown)."""
        for persona in self.personas:
            if persona.key == key:
                return persona
        raise KeyError(key)

    def households(self) -> tuple[Household, ...]:
        """Every household, in the order they were created, head first."""
        members: dict[str, list[Resident]] = {}
        for resident in self.residents:
            members.setdefault(resident.household_number, []).append(resident)
        return tuple(Household(number, tuple(group)) for number, group in members.items())

    def to_json_bytes(self) -> bytes:
        """The whole population (PINs included) as canonical JSON, for comparing runs."""
        data = {
            "seed": self.seed,
            "today": self.today,
            "residents": [asdict(r) for r in self.residents],
            "cards": [asdict(c) for c in self.cards],
            "personas": [asdict(p) for p in self.personas],
        }
        return json.dumps(data, default=_json_default, sort_keys=True, ensure_ascii=False).encode(
            "utf-8"
        )


def _json_default(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


class _Dwellings:
    """Hands out free houses and apartment rooms, so no two households share one."""

    def __init__(self, rng: random.Random, reserved: list[Address]) -> None:
        self._rng = rng
        self._taken = {(a.town, a.block, a.building) for a in reserved}
        self._building_blocks = {
            TOWNS_BY_NAME[b.town].town_name(b.chome) + b.block for b in BUILDINGS
        }
        self._free_rooms = [
            address
            for building in BUILDINGS
            for room in building.rooms()
            if (address := building_address(building, room)).building
            and (address.town, address.block, address.building) not in self._taken
        ]

    def take(self, apartment: bool) -> Address:
        """A free apartment room (when wanted and any is left) or a free house."""
        if apartment and self._free_rooms:
            return self._claim(self._free_rooms.pop(self._rng.randrange(len(self._free_rooms))))
        while True:
            town = self._rng.choices(TOWNS, weights=[t.weight for t in TOWNS])[0]
            chome = self._rng.randint(1, town.chome) if town.chome else None
            if chome is None:
                block = f"{self._rng.randint(1, 6000)}番地"
                if self._rng.random() < 0.4:
                    block = f"{block}の{self._rng.randint(1, 12)}"
            else:
                block = f"{self._rng.randint(1, 30)}番{self._rng.randint(1, 25)}号"
            address = kunitachi_address(town, chome, block)
            if address.town + block in self._building_blocks:
                continue
            if (address.town, address.block, None) not in self._taken:
                return self._claim(address)

    def _claim(self, address: Address) -> Address:
        self._taken.add((address.town, address.block, address.building))
        return address


class _Generator:
    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        self.today = today
        self.personas = build_personas(today)
        persona_residents = [r for p in self.personas for r in p.residents]
        self.resident_numbers = SequenceAllocator(self.rng, 1_000_100_000, 10)
        self.household_numbers = SequenceAllocator(self.rng, 2_000_100_000, 10)
        self.my_numbers = NumberAllocator(
            self.rng, 12, 10**10, 10**11 - 1, {r.my_number for r in persona_residents}
        )
        self.resident_codes = NumberAllocator(self.rng, 11, 10**10, 8 * 10**10 - 1, set())
        self.dwellings = _Dwellings(self.rng, [p.residents[0].address for p in self.personas])
        self.factory = HouseholdFactory(self.rng, today)
        self.cards = CardIssuer(self.rng, today)

    def _moved_in(self, draft: HouseholdDraft) -> date:
        head_birth = draft.members[0].birth_date.latest() or add_years(self.today, -40)
        adult_from = add_years(head_birth, 18)
        if draft.members[0].foreign is not None and draft.kind != "special_permanent_resident":
            adult_from = max(adult_from, add_years(self.today, -4))
        first = max(adult_from, add_years(self.today, -60))
        last = self.today - timedelta(days=20)
        return random_day_between(self.rng, min(first, last), last)

    def _previous_address(self) -> Address | None:
        if self.rng.random() < 0.3:
            return None
        town = self.rng.choice(PREVIOUS_TOWNS)
        block = (
            f"{self.rng.randint(1, 5)}丁目{self.rng.randint(1, 30)}番{self.rng.randint(1, 20)}号"
        )
        return outside_address(town, block)

    def residents_of(self, draft: HouseholdDraft) -> list[Resident]:
        household_number = self.household_numbers.draw()
        address = self.dwellings.take(draft.apartment)
        moved_in = self._moved_in(draft)
        previous = self._previous_address()
        residents = []
        for member in draft.members:
            born = member.birth_date.earliest()
            born_here = born is not None and born >= moved_in
            residents.append(
                Resident(
                    resident_number=self.resident_numbers.draw(),
                    household_number=household_number,
                    name=member.name,
                    sex=member.sex,
                    birth_date=member.birth_date,
                    relationship=member.relationship,
                    address=address,
                    my_number=self.my_numbers.draw_my_number(),
                    resident_code=self.resident_codes.draw(),
                    became_resident_on=born if born is not None and born_here else moved_in,
                    previous_address=None if born_here else previous,
                    former_surname=member.former_surname,
                    alias=member.alias,
                    foreign=member.foreign,
                )
            )
        return residents

    def coverage_drafts(self) -> list[HouseholdDraft]:
        f = self.factory
        return [
            f.elderly_single(age=100, precision="month"),
            f.elderly_single(age=97, precision="year"),
            f.foreign.single(precision="year"),
            f.foreign.single(precision="month"),
            f.foreign.special_permanent_resident(precision="month"),
            f.foreign.family(),
            f.family(child_age=0),
        ]


def generate_population(
    seed: int = DEFAULT_SEED, today: date | None = None, size: int = DEFAULT_SIZE
) -> Population:
    """The demo population for ``seed`` as of ``today``, with at least ``size`` residents."""
    today = date.today() if today is None else today
    gen = _Generator(seed, today)
    residents: list[Resident] = [r for p in gen.personas for r in p.residents]
    cards: list[DemoCard] = []
    for household in gen.personas:
        for resident, spec in household.cards:
            issued_on = today - timedelta(days=spec.issued_days_ago)
            revoked = spec.signing_revoked_days_ago
            cards.append(
                gen.cards.issue(
                    resident,
                    issued_on,
                    spec.auth_pin,
                    spec.signing_password,
                    signing_revoked_on=None if revoked is None else today - timedelta(days=revoked),
                    signing_address=(
                        resident.previous_address.one_line()
                        if revoked is not None and resident.previous_address is not None
                        else None
                    ),
                )
            )
    generated: list[Resident] = []

    def add(draft: HouseholdDraft) -> None:
        generated.extend(gen.residents_of(draft))

    for draft in gen.coverage_drafts():
        add(draft)
    while len(generated) < size:
        add(gen.factory.random_household())
    present = {r.age_on(today) for r in residents + generated}
    for age in range(101):
        if age not in present:
            add(gen.factory.with_age(age))
    for resident in generated:
        card = gen.cards.random_card(resident)
        if card is not None:
            cards.append(card)
    return Population(
        seed=seed,
        today=today,
        residents=tuple(residents + generated),
        cards=tuple(cards),
        personas=tuple(p.persona for p in gen.personas),
    )
