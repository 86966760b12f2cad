"""Normalising Japanese text: widths, spaces, kana."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.japanese import (
    KANA_ALLOWED,
    ascii_digits,
    normalise_bank_kana,
    normalise_kana,
    normalise_name,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("やまだ たろう", "ヤマダ　タロウ"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ"),
        ("ｻﾄｰ", "サトー"),
        ("さと-", "サトー"),
        ("  ヤマダ　　 タロウ ", "ヤマダ　タロウ"),
        ("ゔぁいおりん", "ヴァイオリン"),
        ("ジョン・スミス", "ジョン・スミス"),
    ],
)
def test_normalise_kana(text: str, expected: str) -> None:
    assert normalise_kana(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ"),
        ("きゃりー", "キヤリー"),
        ("ｼﾞｮｳｼﾞ", "ジヨウジ"),
        ("(ｶ)ﾏﾄﾞｸﾞﾁ", "（カ）マドグチ"),
        ("smith john", "ＳＭＩＴＨ　ＪＯＨＮ"),
    ],
)
def test_normalise_bank_kana(text: str, expected: str) -> None:
    assert normalise_bank_kana(text) == expected


def test_normalise_name_puts_one_full_width_space_between_parts() -> None:
    assert normalise_name(" 山田  太郎 ") == "山田　太郎"
    assert normalise_name("山田\u3000\u3000太郎") == "山田　太郎"
    assert normalise_name("ﾔﾏﾀﾞ") == "ヤマダ"


def test_ascii_digits() -> None:
    assert ascii_digits("０３－１２３４") == "03-1234"


KANA_LIKE = st.text(
    alphabet=st.sampled_from(
        "あいうえおかがきゃっゔをんアイウエオカガキャッヴヲンｱｲｳｶﾞﾊﾟｯｬｰ-－ー・ 　\t"
        "ABCabc123１２３()（）.,/｢｣漢字"
    ),
    max_size=30,
)


@given(KANA_LIKE)
def test_kana_normalisation_is_idempotent(text: str) -> None:
    once = normalise_kana(text)
    assert normalise_kana(once) == once


@given(st.text(max_size=30))
def test_kana_normalisation_is_idempotent_on_any_text(text: str) -> None:
    once = normalise_kana(text)
    assert normalise_kana(once) == once


@given(KANA_LIKE)
def test_bank_kana_normalisation_is_idempotent(text: str) -> None:
    once = normalise_bank_kana(text)
    assert normalise_bank_kana(once) == once


@given(st.text(alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x3093), min_size=1))
def test_any_hiragana_becomes_valid_katakana(text: str) -> None:
    assert KANA_ALLOWED.match(normalise_kana(text))
