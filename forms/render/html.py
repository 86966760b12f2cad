"""The render functions: a step's fields, the error summary, the progress, the summary page.

Each returns ``markupsafe.Markup`` for a page template to place (``{{ fields }}``). The
templates live in ``forms/templates/forms/``; a web app that wants the macros themselves
adds :func:`template_loader` to its Jinja loaders.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import BaseLoader, Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from forms.errors import FieldError
from forms.render.model import fill, localized
from forms.render.names import error_anchor
from forms.render.summary import ChangeUrl, summary_view
from forms.render.texts import ui_text
from forms.render.views import step_view
from forms.render.visibility import Answers, find_step
from forms.spec import FormSpec
from forms.types import FieldTypeRegistry


def template_loader() -> BaseLoader:
    """A loader of this package's templates (``forms/fields.html`` and the others)."""
    return PackageLoader("forms", "templates")


@functools.cache
def environment() -> Environment:
    """The Jinja environment the render functions use: autoescaped, strict about names."""
    return Environment(
        loader=template_loader(),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(template: str, **context: Any) -> Markup:
    # The environment autoescapes: every value in the output was escaped or was markup.
    return Markup(environment().get_template(template).render(**context))  # noqa: S704


def render_step(
    form: FormSpec,
    step_id: str,
    data: Mapping[str, Any],
    errors: Sequence[FieldError] = (),
    *,
    lang: str = "ja",
    prefilled: Mapping[str, bool] | None = None,
    today: datetime.date | None = None,
    registry: FieldTypeRegistry | None = None,
) -> Markup:
    """The fields of step ``step_id`` as HTML, for the ``<form>`` of a page.

    Only the fields visible for ``data`` are drawn (conditions are evaluated here, as the
    validator evaluates them); each shows its answer in ``data``, an invalid one exactly
    as typed, and beside it its messages among ``errors``. ``prefilled`` marks the paths
    filled in from a record (a badge says from which); fields declared ``editable: false``
    are read-only. ``today`` is the date conditions and computed values use. KeyError for
    an unknown step.
    """
    fields = step_view(
        form,
        step_id,
        data,
        errors,
        lang=lang,
        prefilled=prefilled,
        today=today,
        registry=registry,
    )
    return _render("forms/step.html", fields=fields)


@dataclass(frozen=True)
class _SummaryItem:
    anchor: str | None
    message: str


def render_error_summary(errors: Sequence[FieldError], *, lang: str = "ja") -> Markup:
    """The error summary for the top of a page; empty markup when there are no errors.

    A box with a heading (「入力内容に誤りがあります」, "There is a problem"),
    ``role="alert"`` and ``tabindex="-1"``, and a link per error to the answer it is
    about (``#f-children-1-birth_date``), the id :func:`render_step` gives that answer.
    """
    if not errors:
        return Markup("")
    items = [_SummaryItem(error_anchor(e.path), e.message.get(lang)) for e in errors]
    return _render("forms/error_summary.html", items=items, ui=ui_text(lang))


def page_title(title: str, errors: Sequence[FieldError], *, lang: str = "ja") -> str:
    """The page's ``<title>``: prefixed with 「エラー：」 ("Error: ") when there are errors."""
    return ui_text(lang).error_prefix + title if errors else title


@dataclass(frozen=True)
class _ProgressStep:
    title: str
    state: str


def render_progress(
    form: FormSpec,
    current_step_id: str,
    data: Mapping[str, Any],
    *,
    lang: str = "ja",
    today: datetime.date | None = None,
    registry: FieldTypeRegistry | None = None,
) -> Markup:
    """The step indicator: 「ステップ 2 / 5」 and the list of the steps shown for ``data``.

    Steps hidden by their ``visible_if`` are left out (and not counted); the current one
    has ``aria-current="step"``. KeyError for an unknown step.
    """
    find_step(form, current_step_id)
    answers = Answers(form, data, today=today, registry=registry)
    shown = [s for s in form.steps if s.id == current_step_id or answers.step_visible(s)]
    position = next(i for i, s in enumerate(shown) if s.id == current_step_id)
    steps = [
        _ProgressStep(
            localized(step.title, lang),
            "done" if i < position else "current" if i == position else "todo",
        )
        for i, step in enumerate(shown)
    ]
    ui = ui_text(lang)
    status = fill(ui.step_of, n=position + 1, total=len(shown))
    return _render("forms/progress.html", steps=steps, status=status, ui=ui)


def render_summary(
    form: FormSpec,
    data: Mapping[str, Any],
    *,
    lang: str = "ja",
    change_url: ChangeUrl,
    today: datetime.date | None = None,
    date_style: str = "wareki",
    heading_level: int = 2,
    registry: FieldTypeRegistry | None = None,
) -> Markup:
    """The "check your answers" page body: each visible step's answers in a ``<dl>``.

    Answers are shown as residents read them (dates in 和暦 unless ``date_style`` is
    ``seireki``, ``123-4567``, ``********9018``, option labels, はい/いいえ, ``25,000円``,
    file names), repeating groups row by row. Each editable answer links to
    ``change_url(step_id, html_id)``, typically the step's URL with ``#<html_id>``.
    Step titles are headings of ``heading_level``; groups and rows take the levels below.
    """
    steps = summary_view(
        form,
        data,
        lang=lang,
        change_url=change_url,
        today=today,
        date_style=date_style,
        heading_level=heading_level,
        registry=registry,
    )
    return _render("forms/summary.html", steps=steps, ui=ui_text(lang))
