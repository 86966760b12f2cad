"""Dates that may be partly unknown (不詳), as the resident registry records them.

Some residents' birth dates are recorded only in part: the year and month, the year alone,
or nothing at all (生年月日不詳). Such a date is kept as it is recorded and shown with the
unknown part spelled out as 不詳; a missing part is never filled in.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

# Start of each era (元号) still relevant for living residents, newest first.
_ERAS: tuple[tuple[str, date], ...] = (
    ("令和", date(2019, 5, 1)),
    ("平成", date(1989, 1, 8)),
    ("昭和", date(1926, 12, 25)),
    ("大正", date(1912, 7, 30)),
    ("明治", date(1868, 10, 23)),
)

UNKNOWN_JA = "不詳"


def era_of(day: date) -> tuple[str, int]:
    """The era name and era year (1 for the first year) of ``day``.

    Raises ``ValueError`` for days before the Meiji era.
    """
    for name, start in _ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    raise ValueError(f"{day.isoformat()} is before the Meiji era")


def _era_year_ja(name: str, year: int) -> str:
    return f"{name}{'元' if year == 1 else year}年"


@dataclass(frozen=True)
class PartialDate:
    """A calendar date whose day, month and year may each be unknown (不詳).

    Only a known prefix is meaningful: a month needs a year and a day needs a month, so
    the possible shapes are year-month-day, year-month, year, and wholly unknown.
    """

    year: int | None = None
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.year is None and (self.month is not None or self.day is not None):
            raise ValueError("a month or day needs a known year")
        if self.month is None and self.day is not None:
            raise ValueError("a day needs a known month")
        if self.year is not None and not 1 <= self.year <= 9999:
            raise ValueError(f"year out of range: {self.year}")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")
        if self.day is not None and self.year is not None and self.month is not None:
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise ValueError(f"day out of range: {self.year}-{self.month}-{self.day}")

    @classmethod
    def of(cls, day: date) -> PartialDate:
        """A complete partial date for ``day``."""
        return cls(day.year, day.month, day.day)

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse the ISO-like form made by :meth:`iso` (``""``, ``1945``, ``1945-01``, ...)."""
        if text == "":
            return cls()
        parts = text.split("-")
        if len(parts) > 3 or not all(p.isascii() and p.isdigit() for p in parts):
            raise ValueError(f"not a partial date: {text!r}")
        numbers = [int(p) for p in parts] + [None, None]
        return cls(numbers[0], numbers[1], numbers[2])

    @property
    def is_complete(self) -> bool:
        """True when year, month and day are all known."""
        return self.day is not None

    def as_date(self) -> date | None:
        """The date when complete, else None."""
        if self.year is None or self.month is None or self.day is None:
            return None
        return date(self.year, self.month, self.day)

    def earliest(self) -> date | None:
        """The first day this date could be, or None when the year is unknown."""
        if self.year is None:
            return None
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date | None:
        """The last day this date could be, or None when the year is unknown."""
        if self.year is None:
            return None
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def could_be(self, day: date) -> bool:
        """True when ``day`` agrees with every known part."""
        return (
            (self.year is None or self.year == day.year)
            and (self.month is None or self.month == day.month)
            and (self.day is None or self.day == day.day)
        )

    def age_on(self, day: date) -> int | None:
        """Age in completed years on ``day``, or None when the unknown part leaves it open."""
        first, last = self.earliest(), self.latest()
        if first is None or last is None:
            return None
        oldest, youngest = _age(first, day), _age(last, day)
        return oldest if oldest == youngest else None

    def iso(self) -> str:
        """``1945-01-02``, ``1945-01``, ``1945`` or ``""`` (wholly unknown)."""
        if self.year is None:
            return ""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def display_ja(self, *, era: bool = True) -> str:
        """Japanese rendering, the unknown remainder written as 不詳.

        ``昭和20年1月2日``, ``昭和20年1月不詳``, ``昭和20年不詳``, ``不詳``. With ``era=False``
        the Western year is used (``1945年1月不詳``). When the known part straddles a change
        of era (for example only the year 1989 is known, which began in 昭和 and ended in
        平成) the Western year is shown, because naming either era would invent a fact.
        """
        if self.year is None:
            return UNKNOWN_JA
        year_text = f"{self.year}年"
        first, last = self.earliest(), self.latest()
        if era and first is not None and last is not None and first >= _ERAS[-1][1]:
            first_era, last_era = era_of(first), era_of(last)
            if first_era[0] == last_era[0]:
                year_text = _era_year_ja(*first_era)
        if self.month is None:
            return f"{year_text}{UNKNOWN_JA}"
        if self.day is None:
            return f"{year_text}{self.month}月{UNKNOWN_JA}"
        return f"{year_text}{self.month}月{self.day}日"

    def display_en(self) -> str:
        """English rendering: ``2 January 1945``, ``January 1945 (day unknown)``, ..."""
        if self.year is None:
            return "unknown"
        if self.month is None:
            return f"{self.year} (month and day unknown)"
        month_name = calendar.month_name[self.month]
        if self.day is None:
            return f"{month_name} {self.year} (day unknown)"
        return f"{self.day} {month_name} {self.year}"

    def __str__(self) -> str:
        return self.display_ja()


def _age(birth: date, day: date) -> int:
    """Completed years from ``birth`` to ``day``."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years
