"""Check digits and unique number allocation for the demo population.

The check-digit rules are copied from the shared domain notes rather than imported from
``forms``: adapters depend on nothing else in the project (ARCHITECTURE.md).
"""

from __future__ import annotations

import random

# Re-exported: the local government code rules live with the formats that check them.
from adapters.check_digits import lg_code_check_digit, with_lg_check_digit

__all__ = [
    "NumberAllocator",
    "SequenceAllocator",
    "is_valid_my_number",
    "lg_code_check_digit",
    "my_number_check_digit",
    "with_lg_check_digit",
]


def my_number_check_digit(first11: str) -> int:
    """The 12th digit of a My Number (個人番号) whose first 11 digits are ``first11``.

    Digits are numbered from the right (P1 is the 11th digit); weights are n + 1 for
    n = 1..6 and n - 5 for n = 7..11; r = sum mod 11; the check digit is 0 when r <= 1,
    else 11 - r.
    """
    if len(first11) != 11 or not first11.isascii() or not first11.isdigit():
        raise ValueError("first11 must be 11 ASCII digits")
    total = 0
    for n in range(1, 12):
        weight = n + 1 if n <= 6 else n - 5
        total += int(first11[11 - n]) * weight
    r = total % 11
    return 0 if r <= 1 else 11 - r


def is_valid_my_number(value: str) -> bool:
    """True when ``value`` is 12 ASCII digits whose last digit is the right check digit."""
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        return False
    return my_number_check_digit(value[:11]) == int(value[11])


class NumberAllocator:
    """Hands out unique fixed-width numbers drawn from a seeded generator.

    Numbers listed in ``reserved`` (the personas' fixed numbers) are never handed out, so
    generated residents cannot collide with documented demo values.
    """

    def __init__(
        self, rng: random.Random, width: int, low: int, high: int, reserved: set[str]
    ) -> None:
        self._rng = rng
        self._width = width
        self._low = low
        self._high = high
        self._used = set(reserved)

    def draw(self) -> str:
        """A new random number in ``[low, high]``, zero-padded to the width."""
        while True:
            candidate = f"{self._rng.randint(self._low, self._high):0{self._width}d}"
            if candidate not in self._used:
                self._used.add(candidate)
                return candidate

    def draw_my_number(self) -> str:
        """A new valid My Number: 11 random digits and their check digit."""
        while True:
            first11 = f"{self._rng.randint(self._low, self._high):011d}"
            candidate = first11 + str(my_number_check_digit(first11))
            if candidate not in self._used:
                self._used.add(candidate)
                return candidate


class SequenceAllocator:
    """Hands out increasing fixed-width numbers with small random gaps.

    Municipal systems number residents and households in order of registration; the gaps
    stand for records of people who have since moved away or died.
    """

    def __init__(self, rng: random.Random, start: int, width: int) -> None:
        self._rng = rng
        self._next = start
        self._width = width

    def draw(self) -> str:
        """The next number."""
        value = self._next
        self._next += self._rng.randint(1, 9)
        return f"{value:0{self._width}d}"
