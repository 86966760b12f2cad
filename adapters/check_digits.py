"""Check digits of public codes that the formats and the mocks both validate.

Copied from the shared domain notes rather than imported from ``forms``: adapters depend
on nothing else in the project (ARCHITECTURE.md).
"""

from __future__ import annotations


def lg_code_check_digit(first5: str) -> int:
    """The check digit of a local government code (全国地方公共団体コード, JIS X 0402).

    For digits a b c d e: r = (6a + 5b + 4c + 3d + 2e) mod 11; the check digit is the last
    digit of 11 - r.
    """
    if len(first5) != 5 or not first5.isascii() or not first5.isdigit():
        raise ValueError("first5 must be 5 ASCII digits")
    r = sum(int(d) * w for d, w in zip(first5, (6, 5, 4, 3, 2), strict=True)) % 11
    return (11 - r) % 10


def with_lg_check_digit(first5: str) -> str:
    """The 6-digit local government code for the 5-digit code ``first5``."""
    return first5 + str(lg_code_check_digit(first5))


def is_valid_lg_code(value: str) -> bool:
    """True when ``value`` is 6 ASCII digits ending in the right check digit."""
    if len(value) != 6 or not value.isascii() or not value.isdigit():
        return False
    return lg_code_check_digit(value[:5]) == int(value[5])
