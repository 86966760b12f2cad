"""Building the views of a step's visible fields (see :mod:`forms.render.model`).

Visibility and ``required_if`` are decided on the answers as the validator sees them;
each error is placed beside the field it is about; repeating groups show at least
``repeat.min`` rows and the buttons that add and remove rows within the limits.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from forms.errors import FieldError
from forms.files import kind_names
from forms.prefectures import PREFECTURES
from forms.render.display import display_lines, options_of
from forms.render.model import ChoiceView, FieldView, FileView, RowView, fill, localized
from forms.render.names import (
    add_row_action,
    field_html_id,
    field_input_name,
    part_id,
    remove_file_action,
    remove_row_action,
    rows_input_name,
)
from forms.render.texts import FORMAT_HINTS, prefilled_badge, ui_text
from forms.render.visibility import Answers, find_step
from forms.render.widgets import (
    ADDRESS_AUTOCOMPLETE,
    input_settings,
    input_value,
    personal_autocomplete,
    prefilled_from_someone_else,
)
from forms.spec import FieldSpec, FormSpec, Repeat
from forms.types import FieldType, FieldTypeRegistry, default_registry
from forms.types.address import ADDRESS_PARTS, REQUIRED_PARTS, AddressType
from forms.types.attachment import AttachmentType
from forms.types.choices import (
    AccountTypeType,
    ChoiceType,
    ConsentType,
    MultiChoiceType,
    YesNoType,
    parse_yes_no,
)
from forms.types.text import TextareaType

# Up to this many options a choice is a set of radios; a longer list is a select.
MAX_RADIOS = 10

# (value, label, chosen) of each option of a radio group, checkbox group or select.
_Pairs = tuple[tuple[str, str, bool], ...]


@dataclass(frozen=True)
class _Place:
    """Where a field sits: its path prefix, enclosing rows and what it inherits."""

    prefix: str = ""
    rows: Mapping[str, int] = field(default_factory=dict)
    group: str = ""
    readonly: bool = False
    # Whether the answers here are about someone other than the person filing (a
    # child's row, the spouse): then the browser must not offer the filer's own data.
    someone_else: bool = False


def step_view(
    form: FormSpec,
    step_id: str,
    data: Mapping[str, Any],
    errors: Sequence[FieldError] = (),
    *,
    lang: str = "ja",
    prefilled: Mapping[str, bool] | None = None,
    today: datetime.date | None = None,
    registry: FieldTypeRegistry | None = None,
) -> tuple[FieldView, ...]:
    """The views of the visible fields of step ``step_id`` (KeyError for an unknown step).

    For pages that lay fields out themselves with the ``field`` macro; ``render_step``
    draws them all in order.
    """
    step = find_step(form, step_id)
    builder = _Builder(form, data, errors, lang, prefilled or {}, today, registry)
    return builder.fields(step.fields, data, _Place())


class _Builder:
    def __init__(
        self,
        form: FormSpec,
        data: Mapping[str, Any],
        errors: Sequence[FieldError],
        lang: str,
        prefilled: Mapping[str, bool],
        today: datetime.date | None,
        registry: FieldTypeRegistry | None,
    ) -> None:
        self.types = registry or default_registry
        self.answers = Answers(form, data, today=today, registry=self.types)
        self.lang = lang
        self.ui = ui_text(lang)
        self.prefilled = prefilled
        self.messages: dict[str, list[str]] = {}
        for error in errors:
            self.messages.setdefault(error.path, []).append(error.message.get(lang))

    # -- errors ------------------------------------------------------------------------

    def errors_at(self, path: str) -> tuple[str, ...]:
        return tuple(self.messages.get(path, ()))

    def errors_with_items(self, path: str) -> tuple[str, ...]:
        """Errors about the answer and about each item of it (``documents[1]``)."""
        found = list(self.errors_at(path))
        for at, messages in self.messages.items():
            rest = at.removeprefix(path)
            if at != rest and rest.startswith("[") and rest.endswith("]") and rest[1:-1].isdigit():
                found += messages
        return tuple(found)

    # -- walking -----------------------------------------------------------------------

    def fields(
        self, specs: tuple[FieldSpec, ...], node: Any, place: _Place
    ) -> tuple[FieldView, ...]:
        answers = node if isinstance(node, Mapping) else {}
        views = (self.field(spec, answers, place) for spec in specs)
        return tuple(view for view in views if view is not None)

    def field(self, spec: FieldSpec, node: Mapping[str, Any], place: _Place) -> FieldView | None:
        if spec.visible_if is not None and not self.answers.holds(spec.visible_if, place.rows):
            return None
        path = place.prefix + spec.id
        field_type = self.types.get(spec.type)
        value = node.get(spec.id)
        if prefilled_from_someone_else(spec.prefill):
            place = replace(place, someone_else=True)
        required = spec.required or (
            spec.required_if is not None and self.answers.holds(spec.required_if, place.rows)
        )
        readonly = place.readonly or not spec.editable
        base = FieldView(
            widget="input",
            type=spec.type,
            path=path,
            id=field_html_id(path),
            name=field_input_name(path),
            label=localized(spec.label, self.lang),
            ui=self.ui,
            hints=self.hints(spec, field_type, readonly),
            errors=self.errors_at(path),
            required=required and not readonly,
            prefilled=self.badge(spec, path),
        )
        if field_type.server_computed:
            return self.computed(base, spec, field_type, place)
        if field_type.container and spec.fields:
            inner = replace(place, readonly=readonly)
            if spec.repeat is not None:
                return self.repeat(base, spec, spec.repeat, value, inner)
            return self.group(base, spec, value, inner)
        if readonly:
            return self.readonly(base, spec, field_type, value)
        return self.leaf(base, spec, field_type, value, place)

    def leaf(
        self,
        base: FieldView,
        spec: FieldSpec,
        field_type: FieldType,
        value: Any,
        place: _Place,
    ) -> FieldView:
        if isinstance(field_type, YesNoType):
            answer = parse_yes_no(value) if value is not None else None
            pairs: _Pairs = (
                ("yes", self.ui.yes, answer is True),
                ("no", self.ui.no, answer is False),
            )
            return replace(base, widget="radios", choices=self.choices(base.id, pairs))
        if isinstance(field_type, ChoiceType | AccountTypeType):
            options = options_of(spec, field_type)
            if len(options) > MAX_RADIOS:
                # An <option> holds text only: no language-marking span in it.
                plain = tuple((o.code, o.label.get(self.lang), value == o.code) for o in options)
                return replace(base, widget="select", choices=self.select_choices(plain, value))
            pairs = tuple((o.code, localized(o.label, self.lang), value == o.code) for o in options)
            return replace(base, widget="radios", choices=self.choices(base.id, pairs))
        if isinstance(field_type, MultiChoiceType):
            chosen = value if isinstance(value, list) else [value]
            pairs = tuple(
                (o.code, localized(o.label, self.lang), o.code in chosen)
                for o in spec.options or ()
            )
            return replace(
                base,
                widget="checkboxes",
                choices=self.choices(base.id, pairs),
                errors=self.errors_with_items(base.path),
            )
        if isinstance(field_type, ConsentType):
            agreed = parse_yes_no(value.get("agreed") if isinstance(value, Mapping) else value)
            wording = localized(spec.wording, self.lang) if spec.wording else ""
            choice = ChoiceView(base.id, "yes", self.ui.agree, agreed is True)
            return replace(base, widget="consent", wording=wording, choices=(choice,))
        if isinstance(field_type, AddressType):
            return self.address(base, value, place)
        if isinstance(field_type, AttachmentType):
            return self.attachment(base, spec, value)
        if isinstance(field_type, TextareaType):
            return replace(base, widget="textarea", value=input_value(field_type, value))
        settings = input_settings(spec, field_type)
        personal = None if place.someone_else else personal_autocomplete(spec, field_type)
        return replace(
            base,
            widget="input",
            value=input_value(field_type, value),
            input_type=settings.input_type,
            inputmode=settings.inputmode,
            pattern=settings.pattern,
            autocomplete=settings.autocomplete or personal,
            spellcheck=settings.spellcheck,
            suffix=self.ui.money_unit if settings.money else None,
        )

    # -- widgets -----------------------------------------------------------------------

    def choices(self, html_id: str, pairs: _Pairs) -> tuple[ChoiceView, ...]:
        # The first option carries the field's own id: labels and error links land on it.
        return tuple(
            ChoiceView(html_id if i == 0 else part_id(html_id, str(i + 1)), code, label, checked)
            for i, (code, label, checked) in enumerate(pairs)
        )

    def select_choices(self, pairs: _Pairs, value: Any) -> tuple[ChoiceView, ...]:
        known = {code for code, _, _ in pairs}
        typed = value if isinstance(value, str) and value and value not in known else None
        head = [ChoiceView("", "", self.ui.select_placeholder, not any(c for _, _, c in pairs))]
        if typed is not None:
            # A value that is not an option stays visible (and selected) beside its error.
            head = [ChoiceView("", typed, typed, True)]
        return (*head, *(ChoiceView("", code, label, checked) for code, label, checked in pairs))

    def address(self, base: FieldView, value: Any, place: _Place) -> FieldView:
        parts_given = value if isinstance(value, Mapping) else {}
        parts: list[FieldView] = []
        for key, part_label in ADDRESS_PARTS.items():
            path = f"{base.path}.{key}"
            raw = parts_given.get(key)
            text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
            part = FieldView(
                widget="input",
                type=f"address_{key}",
                path=path,
                id=field_html_id(path),
                name=field_input_name(path),
                label=part_label.get(self.lang),
                ui=self.ui,
                errors=self.errors_at(path),
                required=base.required and key in REQUIRED_PARTS,
                value=text,
                autocomplete=None if place.someone_else else ADDRESS_AUTOCOMPLETE[key],
            )
            if key == "prefecture":
                pairs = tuple((name, name, text == name) for name in PREFECTURES)
                part = replace(part, widget="select", choices=self.select_choices(pairs, text))
            parts.append(part)
        # Errors about parts the address does not have (from an API payload) stay visible.
        unknown = tuple(
            message
            for at, messages in self.messages.items()
            if at.startswith(base.path + ".") and at[len(base.path) + 1 :] not in ADDRESS_PARTS
            for message in messages
        )
        return replace(base, widget="address", parts=tuple(parts), errors=base.errors + unknown)

    def attachment(self, base: FieldView, spec: FieldSpec, value: Any) -> FieldView:
        items = value if isinstance(value, list) else ([] if value is None else [value])
        files: list[FileView] = []
        for i, item in enumerate(items):
            if isinstance(item, Mapping):
                name = str(item.get("name", ""))
                size = item.get("size")
                reference = json.dumps(item, ensure_ascii=False, sort_keys=True, default=str)
            else:
                # Not a reference (a tampered post): shown and posted back as it came,
                # beside the validator's error.
                size = None
                reference = item if isinstance(item, str) else json.dumps(item, default=str)
                name = reference
            size_text = (
                f"{math.ceil(size / 1024):,}KB"
                if isinstance(size, int) and not isinstance(size, bool)
                else ""
            )
            files.append(
                FileView(
                    id=part_id(base.id, f"file-{i + 1}"),
                    name=name,
                    size=size_text,
                    reference=reference,
                    remove_action=remove_file_action(base.name, i),
                    remove_label=fill(self.ui.remove_file, name=name),
                )
            )
        return replace(
            base,
            widget="attachment",
            files=tuple(files),
            errors=self.errors_with_items(base.path),
            accept=",".join(spec.accept) if spec.accept else None,
            multiple=spec.max_files is None or spec.max_files > 1,
        )

    def group(
        self, base: FieldView, spec: FieldSpec, value: Any, place: _Place
    ) -> FieldView | None:
        dotted = f"{place.group}.{spec.id}" if place.group else spec.id
        inner = replace(place, prefix=base.path + ".", group=dotted)
        children = self.fields(spec.fields or (), value, inner)
        if not children and not base.errors:
            return None
        return replace(base, widget="group", fields=children, required=False)

    def repeat(
        self, base: FieldView, spec: FieldSpec, repeat: Repeat, value: Any, place: _Place
    ) -> FieldView:
        dotted = f"{place.group}.{spec.id}" if place.group else spec.id
        given = value if isinstance(value, list) else []
        # At least repeat.min rows are shown, empty ones to fill in.
        count = max(len(given), repeat.min)
        can_remove = not place.readonly and count > repeat.min
        rows: list[RowView] = []
        for i in range(count):
            path = f"{base.path}[{i}]"
            legend = fill(self.ui.row_legend, label=base.label, n=i + 1)
            row_place = replace(
                place,
                prefix=path + ".",
                rows={**place.rows, dotted: i},
                group=dotted,
                someone_else=True,
            )
            rows.append(
                RowView(
                    id=field_html_id(path),
                    legend=legend,
                    fields=self.fields(
                        spec.fields or (), given[i] if i < len(given) else {}, row_place
                    ),
                    errors=self.errors_at(path),
                    remove_action=remove_row_action(base.name, i) if can_remove else None,
                    remove_label=fill(self.ui.remove_row, row=legend),
                )
            )
        can_add = not place.readonly and count < repeat.max
        return replace(
            base,
            widget="repeat",
            rows=tuple(rows),
            rows_name=rows_input_name(base.name),
            add_action=add_row_action(base.name) if can_add else None,
            add_label=fill(self.ui.add_row, label=base.label),
            rows_note=""
            if place.readonly
            else fill(self.ui.rows_limit if can_add else self.ui.rows_full, max=repeat.max),
            required=False,
        )

    def computed(
        self, base: FieldView, spec: FieldSpec, field_type: FieldType, place: _Place
    ) -> FieldView:
        result = self.answers.evaluate(spec.compute, place.rows)
        lines = display_lines(spec, field_type, result, lang=self.lang)
        return replace(
            base,
            widget="computed",
            value=self.ui.list_separator.join(lines) or self.ui.not_computed,
            hints=(*base.hints, self.ui.computed_hint),
            required=False,
            errors=(),
        )

    def readonly(
        self, base: FieldView, spec: FieldSpec, field_type: FieldType, value: Any
    ) -> FieldView:
        lines = display_lines(spec, field_type, value, lang=self.lang)
        multiline = isinstance(field_type, TextareaType)
        text = "\n".join(lines) if multiline else self.ui.list_separator.join(lines)
        return replace(base, widget="readonly", value=text, multiline=multiline)

    # -- words -------------------------------------------------------------------------

    def hints(self, spec: FieldSpec, field_type: FieldType, readonly: bool) -> tuple[str, ...]:
        lines = [localized(spec.hint, self.lang)] if spec.hint else []
        if readonly or field_type.server_computed or field_type.container:
            return tuple(lines)
        format_hint = FORMAT_HINTS.get(spec.type)
        if format_hint is not None:
            lines.append(format_hint.get(self.lang))
        if isinstance(field_type, TextareaType) and spec.max_length is not None:
            lines.append(self.ui.max_chars.format(n=f"{spec.max_length:,}"))
        if isinstance(field_type, AttachmentType) and (limits := self.file_limits(spec)):
            lines.append(limits)
        return tuple(lines)

    def file_limits(self, spec: FieldSpec) -> str:
        ui = self.ui
        limits: list[str] = []
        if spec.max_size_kb is not None:
            limits.append(ui.file_size.format(kb=f"{spec.max_size_kb:,}"))
        if spec.max_files is not None:
            limits.append(ui.file_count.format(n=spec.max_files))
        kinds = kind_names(spec.accept) if spec.accept else ""
        if self.lang == "en":
            kinds = kinds.replace("画像", "images").replace("、", ", ")
        if not kinds:
            return ui.list_separator.join(limits)
        text = ui.file_kinds.format(kinds=kinds)
        if limits:
            joined = ui.list_separator.join(limits)
            text += f" ({joined})" if self.lang == "en" else f"（{joined}）"
        return text

    def badge(self, spec: FieldSpec, path: str) -> str | None:
        if not self.prefilled.get(path):
            return None
        return prefilled_badge(spec.prefill, self.lang)


def step_takes_files(
    form: FormSpec, step_id: str, *, registry: FieldTypeRegistry | None = None
) -> bool:
    """Whether step ``step_id`` has an attachment field (its ``<form>`` then posts multipart)."""
    types = registry or default_registry

    def takes_files(specs: tuple[FieldSpec, ...]) -> bool:
        return any(
            isinstance(types.get(spec.type), AttachmentType) or takes_files(spec.fields or ())
            for spec in specs
        )

    return takes_files(find_step(form, step_id).fields)
