"""Life events (ライフイベント): which procedures to offer when something happens in a life.

The bundles are data, in ``<procedures dir>/life-events.yaml`` (its header documents the
format). :func:`load_life_events` reads them and keeps only the procedures the catalog
defines, so a bundle may already name procedures that are still being written. The same
file gives the extra search words of each procedure (:attr:`LifeEvents.keywords`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.definitions.loader import Catalog

FILE_NAME = "life-events.yaml"


@dataclass(frozen=True)
class Text:
    """A text in Japanese and English (English falls back to Japanese)."""

    ja: str
    en: str = ""

    def get(self, lang: str) -> str:
        """The text in ``lang``."""
        return (self.en or self.ja) if lang == "en" else self.ja


@dataclass(frozen=True)
class LifeEvent:
    """One life event and the defined procedures it leads to, in order."""

    id: str
    title: Text
    description: Text
    procedures: tuple[str, ...]
    elsewhere: tuple[Text, ...] = ()


@dataclass(frozen=True)
class LifeEvents:
    """The life events in display order, and the search words per procedure."""

    events: tuple[LifeEvent, ...] = ()
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, event_id: str) -> LifeEvent | None:
        """The life event ``event_id``, or None."""
        return next((e for e in self.events if e.id == event_id), None)

    def for_procedure(self, procedure_id: str) -> list[LifeEvent]:
        """The life events that lead to ``procedure_id``."""
        return [e for e in self.events if procedure_id in e.procedures]


class LifeEventsError(ValueError):
    """The life-events file is malformed; the message names the place."""


def _text(raw: Any, where: str) -> Text:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("ja"), str):
        raise LifeEventsError(f"{FILE_NAME}: {where} needs a mapping with 'ja' (and 'en')")
    en = raw.get("en", "")
    return Text(raw["ja"], en if isinstance(en, str) else "")


def parse_life_events(raw: Any, catalog: Catalog) -> LifeEvents:
    """Life events from the parsed YAML, keeping only procedures ``catalog`` defines."""
    if raw is None:
        return LifeEvents()
    if not isinstance(raw, Mapping):
        raise LifeEventsError(f"{FILE_NAME}: the file must be a mapping")
    unknown = sorted(set(raw) - {"life_events", "keywords"})
    if unknown:
        raise LifeEventsError(f"{FILE_NAME}: unknown keys {unknown}")
    events: list[LifeEvent] = []
    seen: set[str] = set()
    for i, item in enumerate(raw.get("life_events") or []):
        where = f"life_events[{i}]"
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            raise LifeEventsError(f"{FILE_NAME}: {where} needs an id")
        if item["id"] in seen:
            raise LifeEventsError(f"{FILE_NAME}: {where}: id {item['id']!r} is used twice")
        seen.add(item["id"])
        ids = item.get("procedures") or []
        if not isinstance(ids, list) or not all(isinstance(p, str) for p in ids):
            raise LifeEventsError(f"{FILE_NAME}: {where}.procedures must be a list of ids")
        events.append(
            LifeEvent(
                id=item["id"],
                title=_text(item.get("title"), f"{where}.title"),
                description=_text(item.get("description"), f"{where}.description"),
                procedures=tuple(p for p in ids if p in catalog.procedures),
                elsewhere=tuple(
                    _text(t, f"{where}.elsewhere[{j}]")
                    for j, t in enumerate(item.get("elsewhere") or [])
                ),
            )
        )
    keywords_raw = raw.get("keywords") or {}
    if not isinstance(keywords_raw, Mapping):
        raise LifeEventsError(f"{FILE_NAME}: keywords must map procedure ids to lists of words")
    keywords = {
        str(pid): tuple(str(w) for w in words or [])
        for pid, words in keywords_raw.items()
        if pid in catalog.procedures
    }
    return LifeEvents(tuple(events), keywords)


def load_life_events(procedures_dir: Path, catalog: Catalog) -> LifeEvents:
    """The life events of ``procedures_dir`` (none when the file is absent)."""
    path = procedures_dir / FILE_NAME
    if not path.exists():
        return LifeEvents()
    with path.open(encoding="utf-8") as fh:
        return parse_life_events(yaml.safe_load(fh), catalog)
