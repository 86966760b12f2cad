"""The mock resident registry (住民記録): the demo population, in memory, read-only."""

from __future__ import annotations

import unicodedata
from datetime import date

from adapters.mock.faults import FaultPlan
from adapters.mock.population import Population
from adapters.records import Household, Resident

_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}


def normalise_kana(text: str) -> str:
    """Katakana without spaces: NFKC (half-width to full-width), hiragana to katakana."""
    text = unicodedata.normalize("NFKC", text).translate(_HIRAGANA_TO_KATAKANA)
    return "".join(text.split())


def _normalise_name(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


class MockResidentRegistry:
    """A :class:`adapters.base.ResidentRegistry` over a demo :class:`Population`.

    Records are immutable, so handing them out cannot change the registry; every answer
    is a fresh tuple or a record the caller cannot modify. Every call goes through
    ``self.faults`` (a :class:`FaultPlan` that injects nothing until told to), so tests can
    make the registry slow, failing or down like the real one.
    """

    def __init__(self, population: Population, faults: FaultPlan | None = None) -> None:
        self.faults = FaultPlan(seed="resident_registry") if faults is None else faults
        self._population = population
        self._by_number = {r.resident_number: r for r in population.residents}
        self._by_my_number = {r.my_number: r for r in population.residents}
        self._households: dict[str, list[Resident]] = {}
        for resident in population.residents:
            self._households.setdefault(resident.household_number, []).append(resident)
        self._serials = {
            certificate.serial: card.resident_number
            for card in population.cards
            for certificate in card.certificates
        }
        self._search_keys = [
            (
                normalise_kana(r.name.family_kana + r.name.given_kana),
                _normalise_name(r.name.family + r.name.given)
                + "|"
                + _normalise_name(r.alias or ""),
                r,
            )
            for r in population.residents
        ]

    def by_resident_number(self, resident_number: str) -> Resident | None:
        """The resident with this 宛名番号."""
        return self.faults.run("by_resident_number", lambda: self._by_number.get(resident_number))

    def by_my_number(self, my_number: str) -> Resident | None:
        """The resident with this My Number."""
        return self.faults.run("by_my_number", lambda: self._by_my_number.get(my_number))

    def by_certificate_serial(self, serial: int) -> Resident | None:
        """The resident a demo card certificate (current or superseded) was issued to."""

        def find() -> Resident | None:
            resident_number = self._serials.get(serial)
            return None if resident_number is None else self._by_number[resident_number]

        return self.faults.run("by_certificate_serial", find)

    def household(self, household_number: str) -> Household | None:
        """The household with this 世帯番号, head first."""

        def find() -> Household | None:
            members = self._households.get(household_number)
            return None if members is None else Household(household_number, tuple(members))

        return self.faults.run("household", find)

    def search(
        self,
        *,
        name: str | None = None,
        kana: str | None = None,
        birth_date: date | None = None,
        limit: int = 50,
    ) -> tuple[Resident, ...]:
        """Residents matching every given criterion (see the interface)."""
        if name is None and kana is None and birth_date is None:
            raise ValueError("give at least one of name, kana or birth_date")
        wanted_name = None if name is None else _normalise_name(name)
        wanted_kana = None if kana is None else normalise_kana(kana)
        found = [
            (reading, resident)
            for reading, names, resident in self._search_keys
            if (wanted_kana is None or reading.startswith(wanted_kana))
            and (wanted_name is None or wanted_name in names)
            and (birth_date is None or resident.birth_date.could_be(birth_date))
        ]
        found.sort(key=lambda item: (item[0], item[1].birth_date.iso(), item[1].resident_number))
        result = tuple(resident for _, resident in found[:limit])
        return self.faults.run("search", lambda: result)
