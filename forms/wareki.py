"""Japanese era dates (和暦): reading what residents type, and showing dates back.

Residents think in eras (令和6年5月1日, R6.5.1); the project stores ISO dates. The eras
start on their official first days, except Meiji, which for our purposes starts on
1868-01-25 (the first day of the Gregorian year Meiji 1 that the registry can hold).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Era:
    """One Japanese era: its name, its one-letter abbreviation and its first day."""

    name: str
    letter: str
    romaji: str
    start: datetime.date


ERAS: tuple[Era, ...] = (
    Era("明治", "M", "Meiji", datetime.date(1868, 1, 25)),
    Era("大正", "T", "Taisho", datetime.date(1912, 7, 30)),
    Era("昭和", "S", "Showa", datetime.date(1926, 12, 25)),
    Era("平成", "H", "Heisei", datetime.date(1989, 1, 8)),
    Era("令和", "R", "Reiwa", datetime.date(2019, 5, 1)),
)
_BY_KEY: dict[str, Era] = {e.name: e for e in ERAS} | {e.letter: e for e in ERAS}


class DateInputError(ValueError):
    """A date a resident typed that cannot be accepted, with the reason for the message.

    ``reason`` is ``unreadable`` (not a date at all), ``no_such_day`` (2月30日),
    ``before_era`` (an era date before Meiji began) or ``wrong_era`` (a day outside the
    era named; ``suggestion`` then holds the same day written in the right era).
    """

    def __init__(self, reason: str, suggestion: str | None = None, typed: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.suggestion = suggestion
        # The era date as typed, written out (``平成31年5月1日``), for the message.
        self.typed = typed


# Separators residents use between year, month and day; 年/月 (and a final 日) too.
_SEP = r"\s*(?:[./\-]|年|月)\s*"
_ERA_DATE = re.compile(
    r"^(?P<era>明治|大正|昭和|平成|令和|[MTSHR])\s*(?P<year>元|\d{1,2})"
    + _SEP
    + r"(?P<month>\d{1,2})"
    + _SEP
    + r"(?P<day>\d{1,2})\s*日?$",
    re.IGNORECASE,
)
_WESTERN_DATE = re.compile(
    r"^(?P<year>\d{4})" + _SEP + r"(?P<month>\d{1,2})" + _SEP + r"(?P<day>\d{1,2})\s*日?$"
)
_COMPACT_DATE = re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})$")
# Dashes residents type with a Japanese keyboard, read as the ASCII hyphen.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−－ー", "-"))


def era_of(day: datetime.date) -> Era | None:
    """The era ``day`` falls in, or None before Meiji."""
    found = None
    for era in ERAS:
        if day >= era.start:
            found = era
    return found


def parse_date(text: str) -> datetime.date:
    """Read a date typed in any usual Japanese way.

    Accepts ``2024-05-01``, ``2024/5/1``, ``2024年5月1日``, ``20240501``, ``令和6年5月1日``,
    ``令和元年5月1日``, ``R6.5.1``, ``R06/05/01``, with full-width digits and spaces. A
    date outside its era is refused (``平成31年5月1日`` is ``令和元年5月1日``). Raises
    :class:`DateInputError`.
    """
    normal = unicodedata.normalize("NFKC", text).strip().translate(_DASHES)
    match = _ERA_DATE.match(normal)
    if match:
        era = _BY_KEY[match["era"].upper() if len(match["era"]) == 1 else match["era"]]
        era_year = 1 if match["year"] == "元" else int(match["year"])
        if era_year < 1:
            raise DateInputError("unreadable")
        day = _make_date(era.start.year + era_year - 1, int(match["month"]), int(match["day"]))
        actual = era_of(day)
        if actual is None:
            raise DateInputError("before_era")
        if actual != era:
            year_text = "元" if era_year == 1 else str(era_year)
            typed = f"{era.name}{year_text}年{day.month}月{day.day}日"
            raise DateInputError("wrong_era", suggestion=format_date(day.isoformat()), typed=typed)
        return day
    match = _WESTERN_DATE.match(normal) or _COMPACT_DATE.match(normal)
    if match:
        return _make_date(int(match["year"]), int(match["month"]), int(match["day"]))
    raise DateInputError("unreadable")


def _make_date(year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise DateInputError("no_such_day") from None


_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def format_date(iso: str, style: str = "wareki", lang: str = "ja") -> str:
    """Show an ISO date to a resident.

    ``style`` is ``wareki`` (``令和6年5月1日``, ``令和元年5月1日``; English
    ``May 1, Reiwa 6 (2024)``) or ``seireki`` (``2024年5月1日``; English ``May 1, 2024``).
    A date before Meiji is shown in the Western calendar whatever the style.
    """
    if style not in ("wareki", "seireki"):
        raise ValueError(f"unknown date style {style!r}; use 'wareki' or 'seireki'")
    day = datetime.date.fromisoformat(iso)
    era = era_of(day) if style == "wareki" else None
    if lang == "en":
        western = f"{_MONTHS_EN[day.month - 1]} {day.day}"
        if era is None:
            return f"{western}, {day.year}"
        return f"{western}, {era.romaji} {day.year - era.start.year + 1} ({day.year})"
    if era is None:
        return f"{day.year}年{day.month}月{day.day}日"
    era_year = day.year - era.start.year + 1
    year_text = "元" if era_year == 1 else str(era_year)
    return f"{era.name}{year_text}年{day.month}月{day.day}日"
