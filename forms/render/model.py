"""What the field macros draw: a view per field, holding everything decided about it.

A view carries a field's id and POST name, its words in the chosen language, the value
to show back, the errors that stand beside it and the attributes of its control, so the
macros in ``templates/forms/fields.html`` only lay it out. :mod:`forms.render.views`
builds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from forms.render.names import part_id
from forms.render.texts import UiText
from forms.spec import LocalizedText


def localized(text: LocalizedText, lang: str) -> str:
    """``text`` in ``lang``; Japanese standing in for missing English is marked ``lang="ja"``.

    Screen readers then read it with a Japanese voice (WCAG 3.1.2, language of parts).
    """
    if lang == "en" and not text.en:
        return Markup('<span lang="ja">{}</span>').format(text.ja)
    return text.get(lang)


def fill(template: str, **values: Any) -> str:
    """A UI template filled in; the values are escaped unless they are already markup."""
    return escape(template).format(**values)


@dataclass(frozen=True)
class ChoiceView:
    """One radio, checkbox or select option."""

    id: str
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class FileView:
    """One file already attached: shown by name, posted back as its reference."""

    id: str
    name: str
    size: str
    reference: str
    remove_action: str
    remove_label: str


@dataclass(frozen=True)
class RowView:
    """One row of a repeating group, in its own fieldset."""

    id: str
    legend: str
    fields: tuple[FieldView, ...]
    errors: tuple[str, ...]
    remove_action: str | None
    remove_label: str

    @property
    def error_id(self) -> str:
        """The id of the row's error message."""
        return part_id(self.id, "error")


@dataclass(frozen=True)
class FieldView:
    """One field as the macros draw it; ``widget`` names the macro."""

    widget: str
    type: str
    path: str
    id: str
    name: str
    label: str
    ui: UiText
    hints: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    required: bool = False
    prefilled: str | None = None
    value: str = ""
    multiline: bool = False
    input_type: str = "text"
    autocomplete: str | None = None
    inputmode: str | None = None
    pattern: str | None = None
    spellcheck: str | None = None
    suffix: str | None = None
    choices: tuple[ChoiceView, ...] = ()
    parts: tuple[FieldView, ...] = ()
    fields: tuple[FieldView, ...] = ()
    rows: tuple[RowView, ...] = ()
    rows_name: str = ""
    add_action: str | None = None
    add_label: str = ""
    rows_note: str = ""
    files: tuple[FileView, ...] = ()
    accept: str | None = None
    multiple: bool = False
    wording: str | None = None

    @property
    def hint_id(self) -> str:
        """The id of the hint."""
        return part_id(self.id, "hint")

    @property
    def error_id(self) -> str:
        """The id of the error message."""
        return part_id(self.id, "error")

    @property
    def prefilled_id(self) -> str:
        """The id of the "filled in from ..." badge."""
        return part_id(self.id, "prefilled")

    @property
    def suffix_id(self) -> str:
        """The id of the unit after the input (円)."""
        return part_id(self.id, "unit")

    @property
    def wording_id(self) -> str:
        """The id of a consent's wording."""
        return part_id(self.id, "wording")

    @property
    def files_id(self) -> str:
        """The id of the heading of the attached files."""
        return part_id(self.id, "files")

    @property
    def describedby(self) -> str:
        """The ids describing the control (or fieldset): hint, badge, unit, error."""
        ids = [self.hint_id] if self.hints else []
        if self.prefilled:
            ids.append(self.prefilled_id)
        if self.suffix:
            ids.append(self.suffix_id)
        if self.errors and self.widget != "consent":
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def checkbox_describedby(self) -> str:
        """The ids describing a consent's checkbox: its wording and its error."""
        ids = [self.wording_id]
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def css(self) -> str:
        """Class names of the field's wrapper: ``mg-field mg-field--<type>`` (+ error)."""
        names = ["mg-field", f"mg-field--{self.type}"]
        if self.widget in ("repeat", "readonly", "computed"):
            names.append(f"mg-field--{self.widget}")
        if self.errors:
            names.append("mg-field--error")
        return " ".join(names)
