"""The "check your answers" page: every visible answer as residents read it, with a way back.

Values are shown normalised (validation runs first), so what the resident checks is what
will be stored: dates in 和暦 (or the Western calendar), ``123-4567``, ``********9018``,
option labels, はい/いいえ, ``25,000円``, file names, an address on one line.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from forms.render.display import DATE_STYLES, display_lines
from forms.render.model import fill, localized
from forms.render.names import field_html_id
from forms.render.texts import ui_text
from forms.render.visibility import Answers
from forms.spec import FieldSpec, FormSpec, StepSpec
from forms.types import FieldTypeRegistry, default_registry

ChangeUrl = Callable[[str, str], str]


@dataclass(frozen=True)
class SummaryRow:
    """One answer: its label, its lines, the link to change it (None when it cannot be)."""

    label: str
    lines: tuple[str, ...]
    href: str | None
    # Read after "変更" by screen readers, so each link says what it changes.
    change_context: str


@dataclass(frozen=True)
class SummaryBlock:
    """Answers under one heading (a group, a row), or the step's own answers (no heading)."""

    heading: str | None
    level: int
    rows: tuple[SummaryRow, ...] = ()
    # A repeating group without rows: "none" is said rather than nothing.
    empty: bool = False


@dataclass(frozen=True)
class SummaryStep:
    """The answers of one visible step."""

    id: str
    title: str
    level: int
    heading_id: str
    blocks: tuple[SummaryBlock, ...]


def summary_view(
    form: FormSpec,
    data: Mapping[str, Any],
    *,
    lang: str = "ja",
    change_url: ChangeUrl,
    today: datetime.date | None = None,
    date_style: str = "wareki",
    heading_level: int = 2,
    registry: FieldTypeRegistry | None = None,
) -> tuple[SummaryStep, ...]:
    """The summary of every visible step; ``change_url(step_id, html_id)`` makes the links."""
    if date_style not in DATE_STYLES:
        raise ValueError(f"unknown date style {date_style!r}; use 'wareki' or 'seireki'")
    if not 1 <= heading_level <= 5:
        raise ValueError("heading_level must be 1 to 5: the groups take the levels below it")
    builder = _Summary(
        Answers(form, data, today=today, registry=registry),
        registry or default_registry,
        lang,
        change_url,
        date_style,
    )
    return tuple(
        builder.step(step, heading_level)
        for step in form.steps
        if builder.answers.step_visible(step)
    )


@dataclass(frozen=True)
class _Place:
    step_id: str
    prefix: str
    rows: Mapping[str, int]
    group: str
    heading: str | None
    level: int
    readonly: bool


class _Summary:
    def __init__(
        self,
        answers: Answers,
        registry: FieldTypeRegistry,
        lang: str,
        change_url: ChangeUrl,
        date_style: str,
    ) -> None:
        self.answers = answers
        self.types = registry
        self.lang = lang
        self.ui = ui_text(lang)
        self.change_url = change_url
        self.date_style = date_style

    def step(self, step: StepSpec, level: int) -> SummaryStep:
        place = _Place(step.id, "", {}, "", None, min(level + 1, 6), False)
        return SummaryStep(
            id=step.id,
            title=localized(step.title, self.lang),
            level=level,
            heading_id=f"mg-summary-{step.id}",
            blocks=tuple(self.blocks(step.fields, self.answers.data, place)),
        )

    def blocks(self, specs: tuple[FieldSpec, ...], node: Any, place: _Place) -> list[SummaryBlock]:
        """The blocks of ``specs`` in declaration order: a group closes the block before it."""
        answers = node if isinstance(node, Mapping) else {}
        out: list[SummaryBlock] = []
        rows: list[SummaryRow] = []
        heading = place.heading
        for spec in specs:
            if spec.visible_if is not None and not self.answers.holds(spec.visible_if, place.rows):
                continue
            field_type = self.types.get(spec.type)
            if not (field_type.container and spec.fields):
                rows.append(self.row(spec, answers.get(spec.id), place))
                continue
            if rows or heading is not None:
                out.append(SummaryBlock(heading, place.level - 1, tuple(rows)))
            rows, heading = [], None
            out += self.group(spec, answers.get(spec.id), place)
        if rows or heading is not None:
            out.append(SummaryBlock(heading, place.level - 1, tuple(rows)))
        return [block for block in out if block.rows or block.heading is not None]

    def group(self, spec: FieldSpec, value: Any, place: _Place) -> list[SummaryBlock]:
        path = place.prefix + spec.id
        label = localized(spec.label, self.lang)
        dotted = f"{place.group}.{spec.id}" if place.group else spec.id
        readonly = place.readonly or not spec.editable
        level = min(place.level + 1, 6)
        if spec.repeat is None:
            inner = _Place(place.step_id, path + ".", place.rows, dotted, label, level, readonly)
            return self.blocks(spec.fields or (), value, inner)
        items = value if isinstance(value, list) else []
        out = [SummaryBlock(label, place.level, empty=not items)]
        for i, item in enumerate(items):
            legend = fill(self.ui.row_legend, label=label, n=i + 1)
            inner = _Place(
                place.step_id,
                f"{path}[{i}].",
                {**place.rows, dotted: i},
                dotted,
                legend,
                min(level + 1, 6),
                readonly,
            )
            out += self.blocks(spec.fields or (), item, inner)
        return out

    def row(self, spec: FieldSpec, value: Any, place: _Place) -> SummaryRow:
        path = place.prefix + spec.id
        field_type = self.types.get(spec.type)
        label = localized(spec.label, self.lang)
        lines = display_lines(spec, field_type, value, lang=self.lang, date_style=self.date_style)
        fixed = place.readonly or not spec.editable or field_type.server_computed
        href = None if fixed else self.change_url(place.step_id, field_html_id(path))
        if place.heading is None:
            context = fill(" {label}" if self.lang == "en" else "（{label}）", label=label)
        else:
            template = " {label} ({heading})" if self.lang == "en" else "（{heading}の{label}）"
            context = fill(template, label=label, heading=place.heading)
        return SummaryRow(label=label, lines=lines, href=href, change_context=context)
