"""Check digits of My Number and local government codes, by example and by property."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.checkdigits import (
    is_valid_lg_code,
    is_valid_my_number,
    lg_code_check_digit,
    my_number_check_digit,
)


def test_documented_examples() -> None:
    assert is_valid_my_number("123456789018")
    for code in ("131016", "011002", "141003"):
        assert is_valid_lg_code(code)


def test_wrong_inputs() -> None:
    assert not is_valid_my_number("12345678901")
    assert not is_valid_my_number("１２３４５６７８９０１８")
    with pytest.raises(ValueError, match="11 ASCII digits"):
        my_number_check_digit("123")


def _with_digit_changed(number: str, position: int, shift: int) -> str:
    digit = (int(number[position]) + shift) % 10
    return number[:position] + str(digit) + number[position + 1 :]


def _my_number_remainder(first11: str) -> int:
    weights = [n + 1 if n <= 6 else n - 5 for n in range(11, 0, -1)]
    return sum(int(d) * w for d, w in zip(first11, weights, strict=True)) % 11


def _lg_code_remainder(first5: str) -> int:
    return sum(int(d) * w for d, w in zip(first5, (6, 5, 4, 3, 2), strict=True)) % 11


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_generated_my_numbers_pass(first11: str) -> None:
    assert is_valid_my_number(first11 + str(my_number_check_digit(first11)))


@given(
    st.text(alphabet="0123456789", min_size=11, max_size=11),
    st.integers(min_value=0, max_value=11),
    st.integers(min_value=1, max_value=9),
)
def test_any_single_digit_change_breaks_a_my_number(
    first11: str, position: int, shift: int
) -> None:
    valid = first11 + str(my_number_check_digit(first11))
    changed = _with_digit_changed(valid, position, shift)
    # The law maps both remainders 0 and 1 to check digit 0, so a change that only moves
    # the remainder between 0 and 1 cannot be seen (00566770864 -> 00560770864 is one).
    collision = {_my_number_remainder(first11), _my_number_remainder(changed[:11])} == {0, 1}
    assert is_valid_my_number(changed) == collision


def test_the_my_number_remainder_collision_exists() -> None:
    assert is_valid_my_number("005667708640")
    assert is_valid_my_number("005607708640")


@given(st.text(alphabet="0123456789", min_size=5, max_size=5))
def test_generated_lg_codes_pass(first5: str) -> None:
    assert is_valid_lg_code(first5 + str(lg_code_check_digit(first5)))


@given(
    st.text(alphabet="0123456789", min_size=5, max_size=5),
    st.integers(min_value=0, max_value=5),
    st.integers(min_value=1, max_value=9),
)
def test_any_single_digit_change_breaks_an_lg_code(first5: str, position: int, shift: int) -> None:
    valid = first5 + str(lg_code_check_digit(first5))
    changed = _with_digit_changed(valid, position, shift)
    # 11 - r keeps only its last digit, so remainders 0 and 10 both give check digit 1.
    collision = {_lg_code_remainder(first5), _lg_code_remainder(changed[:5])} == {0, 10}
    assert is_valid_lg_code(changed) == collision
