"""Finding a procedure by words: kanji, hiragana, katakana, romaji-free English.

Both the query and the indexed texts are normalised the same way (NFKC, katakana to
hiragana with jaconv, lower case, spaces removed), so ``じどうてあて``, ``ジドウテアテ`` and
``ｼﾞﾄﾞｳﾃｱﾃ`` are one query. A procedure is indexed by its names, its summary and the
search words of ``life-events.yaml`` (readings such as ``じどうてあて`` for 児童手当, since a
reading cannot be derived from kanji without a dictionary). Every word of the query
must match; results are ranked by where they matched (name first).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import jaconv

from engine.definitions.models import Procedure

MAX_QUERY = 100


def normalise(text: str) -> str:
    """The form texts are compared in (see the module text)."""
    folded = unicodedata.normalize("NFKC", text)
    folded = jaconv.kata2hira(folded).lower()
    return "".join(folded.split())


def query_words(query: str) -> list[str]:
    """The words of a query (split on spaces, full-width ones too), normalised."""
    text = unicodedata.normalize("NFKC", query[:MAX_QUERY])
    return [w for w in (normalise(part) for part in text.split()) if w]


@dataclass(frozen=True)
class Hit:
    """A procedure that matched, and how well (lower is better)."""

    procedure: Procedure
    rank: int


def search(
    procedures: Iterable[Procedure], query: str, keywords: Mapping[str, tuple[str, ...]]
) -> list[Hit]:
    """The procedures matching every word of ``query``, best first."""
    words = query_words(query)
    if not words:
        return []
    hits: list[Hit] = []
    for proc in procedures:
        fields = [
            (0, normalise(proc.name.ja) + normalise(proc.name.get("en"))),
            (1, "|".join(normalise(k) for k in keywords.get(proc.id, ()))),
            (2, normalise(proc.summary.ja) + normalise(proc.summary.get("en"))),
        ]
        rank = 0
        for word in words:
            found = [r for r, text in fields if word in text]
            if not found:
                break
            rank += min(found)
        else:
            hits.append(Hit(proc, rank))
    return sorted(hits, key=lambda h: (h.rank, h.procedure.id))
