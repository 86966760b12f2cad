"""Check digits of Japanese public identifiers (My Number, local government code)."""

from __future__ import annotations


def my_number_check_digit(first11: str) -> int:
    """The 12th digit of a My Number (個人番号) whose first 11 digits are ``first11``.

    Digits are numbered from the right: P1 is the 11th digit. Weights are n + 1 for
    n = 1..6 and n - 5 for n = 7..11; r = sum mod 11; the check digit is 0 when r <= 1,
    else 11 - r (個人番号の指定等に関する省令 5条).
    """
    if len(first11) != 11 or not first11.isascii() or not first11.isdigit():
        raise ValueError("first11 must be 11 ASCII digits")
    total = 0
    for n in range(1, 12):
        p = int(first11[11 - n])
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    r = total % 11
    return 0 if r <= 1 else 11 - r


def is_valid_my_number(value: str) -> bool:
    """True when ``value`` is 12 ASCII digits with a correct check digit."""
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        return False
    return my_number_check_digit(value[:11]) == int(value[11])


def lg_code_check_digit(first5: str) -> int:
    """The check digit of a local government code (全国地方公共団体コード, JIS X 0402)."""
    if len(first5) != 5 or not first5.isascii() or not first5.isdigit():
        raise ValueError("first5 must be 5 ASCII digits")
    r = sum(int(d) * w for d, w in zip(first5, (6, 5, 4, 3, 2), strict=True)) % 11
    return (11 - r) % 10


def is_valid_lg_code(value: str) -> bool:
    """True when ``value`` is a 6-digit local government code with a correct check digit."""
    if len(value) != 6 or not value.isascii() or not value.isdigit():
        return False
    return lg_code_check_digit(value[:5]) == int(value[5])
