"""Check digits and unique numbers for the demo population."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.mock.identifiers import (
    NumberAllocator,
    SequenceAllocator,
    is_valid_my_number,
    lg_code_check_digit,
    my_number_check_digit,
    with_lg_check_digit,
)


def test_my_number_check_digit_matches_the_documented_example() -> None:
    assert my_number_check_digit("12345678901") == 8
    assert is_valid_my_number("123456789018")
    assert not is_valid_my_number("123456789017")
    assert not is_valid_my_number("12345678901")
    assert not is_valid_my_number("１２３４５６７８９０１８")


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_every_single_digit_change_of_the_check_digit_is_caught(first11: str) -> None:
    check = my_number_check_digit(first11)
    assert is_valid_my_number(first11 + str(check))
    for wrong in set(range(10)) - {check}:
        assert not is_valid_my_number(first11 + str(wrong))


@pytest.mark.parametrize("code", ["131016", "011002", "141003", "132152"])
def test_local_government_codes(code: str) -> None:
    assert with_lg_check_digit(code[:5]) == code
    assert lg_code_check_digit(code[:5]) == int(code[5])


def test_kunitachi_code_is_132152() -> None:
    # 6*1 + 5*3 + 4*2 + 3*1 + 2*5 = 42; 42 mod 11 = 9; 11 - 9 = 2
    assert with_lg_check_digit("13215") == "132152"


def test_allocator_never_repeats_or_hands_out_reserved_numbers() -> None:
    allocator = NumberAllocator(random.Random(1), 2, 0, 20, {"05", "06"})
    drawn = [allocator.draw() for _ in range(19)]
    assert len(set(drawn)) == 19
    assert not {"05", "06"} & set(drawn)


def test_my_number_allocator_gives_valid_unique_numbers() -> None:
    allocator = NumberAllocator(random.Random(1), 12, 10**10, 10**11 - 1, set())
    drawn = [allocator.draw_my_number() for _ in range(500)]
    assert len(set(drawn)) == 500
    assert all(is_valid_my_number(n) for n in drawn)


def test_sequence_allocator_increases_with_fixed_width() -> None:
    allocator = SequenceAllocator(random.Random(1), 1_000_100_000, 10)
    drawn = [allocator.draw() for _ in range(100)]
    assert drawn == sorted(drawn)
    assert len(set(drawn)) == 100
    assert all(len(n) == 10 for n in drawn)
