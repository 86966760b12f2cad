"""Normalising Japanese text input: widths, spaces, kana.

Residents type with many keyboards: half-width katakana from old systems, full-width
digits from a Japanese IME, hiragana where katakana is asked. These functions turn each
into the one form the project stores; they never reject anything (the field types do).
All of them are idempotent: normalising twice gives the same text as once.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv

_SPACES = re.compile(r"[\s\u3000]+")
# Dashes and hyphens residents type; after a kana they mean the long vowel mark.
_DASHES = "-‐‑‒–—―−－ｰ"
_DASH_AFTER_KANA = re.compile(r"(?<=[\u30a1-\u30fa\u30fc])[" + re.escape(_DASHES) + r"]+")
FULLWIDTH_SPACE = "\u3000"


def ascii_digits(text: str) -> str:
    """Full-width digits and ASCII symbols turned half-width (``０３−１２`` -> ``03-12``)."""
    return jaconv.z2h(text, kana=False, ascii=True, digit=True).replace("−", "-")


def clean_text(text: str) -> str:
    """NFC-normalised text without surrounding whitespace; inner text untouched."""
    return unicodedata.normalize("NFC", text).strip()


def has_control_characters(text: str, *, allow_newlines: bool = False) -> bool:
    """Whether ``text`` contains control characters (newlines only when not allowed)."""
    for ch in text:
        if ch in "\n\t" and allow_newlines:
            continue
        if unicodedata.category(ch) in ("Cc", "Cf") and ch != "\u200d":
            return True
    return False


def collapse_spaces(text: str, space: str = FULLWIDTH_SPACE) -> str:
    """Each run of spaces (half- or full-width) as one ``space``; none at the ends."""
    return _SPACES.sub(space, text).strip(" \u3000")


def normalise_name(text: str) -> str:
    """A name as stored: NFC, half-width katakana widened, one full-width space between parts.

    ``山田 太郎`` and ``山田　　太郎`` both become ``山田　太郎``.
    """
    widened = jaconv.h2z(unicodedata.normalize("NFC", text), kana=True)
    return collapse_spaces(unicodedata.normalize("NFC", widened))


def normalise_kana(text: str) -> str:
    """A reading in full-width katakana: ``やまだ ﾀﾛｳ`` becomes ``ヤマダ　タロウ``.

    Hiragana become katakana, half-width katakana become full-width, a dash after a kana
    becomes the long vowel mark ``ー``, spaces collapse to one full-width space.
    """
    widened = jaconv.h2z(unicodedata.normalize("NFC", text), kana=True)
    katakana = jaconv.hira2kata(unicodedata.normalize("NFC", widened))
    return collapse_spaces(_DASH_AFTER_KANA.sub(lambda m: "ー" * len(m[0]), katakana))


KANA_ALLOWED = re.compile(r"^[\u30a1-\u30fa\u30fb\u30fc\u30fd\u30fe\u3000]+$")
"""Katakana (ァ-ヺ, ヽヾ), the middle dot ・ of foreign names, ー and the full-width space."""


# Zengin (全銀) holder names have no small kana: the bank's record shows them large.
_SMALL_TO_LARGE = str.maketrans("ァィゥェォッャュョヮヵヶヰヱ", "アイウエオツヤユヨワカケイエ")
_BANK_SYMBOLS = str.maketrans(
    {
        "(": "（",
        ")": "）",
        ".": "．",
        "/": "／",
        ",": "，",
        "-": "－",
        "‐": "－",
        "−": "－",
        "｢": "「",
        "｣": "」",
        "ｰ": "ー",
    }
)


def normalise_bank_kana(text: str) -> str:
    """An account holder name the way banks record it (Zengin characters, full-width).

    Besides :func:`normalise_kana`: small kana become large (``キャ`` -> ``キヤ``), Latin
    letters become upper-case full-width, digits full-width, and the symbols banks accept
    full-width (``(`` -> ``（``).
    """
    # Upper-case first: upper() can lengthen text (ß -> SS), which must then be widened.
    text = unicodedata.normalize("NFC", text).upper().translate(_BANK_SYMBOLS)
    widened = jaconv.h2z(text, kana=True, ascii=True, digit=True)
    katakana = jaconv.hira2kata(unicodedata.normalize("NFC", widened))
    return collapse_spaces(katakana.translate(_SMALL_TO_LARGE))


ZENGIN_KANA = (
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
    "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴ"
)
BANK_SYMBOLS = "（）．ー／，－「」"
BANK_KANA_ALLOWED = frozenset(
    ZENGIN_KANA
    + BANK_SYMBOLS
    + FULLWIDTH_SPACE
    + "".join(chr(c) for c in range(ord("Ａ"), ord("Ｚ") + 1))
    + "".join(chr(c) for c in range(ord("０"), ord("９") + 1))
)
"""Large full-width katakana, Ａ-Ｚ, ０-９, the full-width space and （）．ー／，－「」."""
