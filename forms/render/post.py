"""From a posted HTML form back to the payload, and the no-JavaScript row buttons.

The flow of a step's POST in a page:

1. ``parse_form_post(form, step_id, request.form, previous=draft)`` gives this step's
   answers as the nested payload (see :mod:`forms.render.names` for the names read);
2. if ``request.form`` has ``_action``, the resident pressed "add a row", "remove this
   row" or "remove this file": ``apply_row_action`` changes the answers and the page is
   shown again (without error messages);
3. otherwise the page validates the merged answers with ``validate_step`` and goes on, or
   shows the step again with the errors.

Values are returned as typed (the validator normalises them), except the answers a
browser cannot type: ``yes``/``no`` become booleans, a consent checkbox becomes True, and
its absence False (a refusal). A field declared ``editable: false`` is never read from the
POST (a browser can send anything): its value is copied from ``previous``.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from forms.render.names import RowAction, parse_action, rows_input_name
from forms.render.visibility import find_step
from forms.spec import FieldSpec, FormSpec, Repeat
from forms.types import FieldType, FieldTypeRegistry, default_registry
from forms.types.address import ADDRESS_PARTS, AddressType
from forms.types.attachment import AttachmentType
from forms.types.choices import ConsentType, MultiChoiceType, YesNoType, parse_yes_no


@runtime_checkable
class MultiValueMapping(Protocol):
    """A POST body with repeated names, like ``werkzeug.datastructures.MultiDict``."""

    def getlist(self, key: str) -> list[Any]:
        """Every value posted under ``key``, in order."""
        ...

    def keys(self) -> Iterable[str]:
        """The names posted."""
        ...


PostData = MultiValueMapping | Mapping[str, str | Sequence[str]]

_MISSING = object()


class _Post:
    """Read access to a POST body, strings only (uploaded files are the upload code's)."""

    def __init__(self, post: PostData) -> None:
        self.post = post

    def all(self, name: str) -> list[str]:
        if isinstance(self.post, MultiValueMapping):
            values: Sequence[Any] = self.post.getlist(name)
        else:
            raw = self.post.get(name)
            values = [] if raw is None else [raw] if isinstance(raw, str) else raw
        return [v for v in values if isinstance(v, str)]

    def first(self, name: str) -> str | None:
        values = self.all(name)
        return values[0] if values else None

    def names(self) -> list[str]:
        return list(self.post.keys())


def parse_form_post(
    form: FormSpec,
    step_id: str,
    post: PostData,
    *,
    previous: Mapping[str, Any] | None = None,
    registry: FieldTypeRegistry | None = None,
) -> dict[str, Any]:
    """The answers of step ``step_id`` posted by the HTML form, as the nested payload.

    ``post`` is the form body (``request.form``; a plain mapping of names to a value or a
    list of values will do). ``previous`` holds the answers stored so far; fields that
    cannot be edited keep their value from it. Empty answers are left out, so the result
    can be merged over the draft and validated. KeyError for an unknown step.
    """
    step = find_step(form, step_id)
    parser = _Parser(_Post(post), registry or default_registry)
    return parser.fields(step.fields, "", previous or {})


class _Parser:
    def __init__(self, post: _Post, registry: FieldTypeRegistry) -> None:
        self.post = post
        self.types = registry

    def fields(self, specs: tuple[FieldSpec, ...], prefix: str, previous: Any) -> dict[str, Any]:
        stored = previous if isinstance(previous, Mapping) else {}
        out: dict[str, Any] = {}
        for spec in specs:
            field_type = self.types.get(spec.type)
            if field_type.server_computed:
                continue
            if not spec.editable:
                if spec.id in stored:
                    out[spec.id] = copy.deepcopy(stored[spec.id])
                continue
            name = f"{prefix}-{spec.id}" if prefix else spec.id
            value = self.field(spec, field_type, name, stored.get(spec.id))
            if value is not _MISSING:
                out[spec.id] = value
        return out

    def field(self, spec: FieldSpec, field_type: FieldType, name: str, previous: Any) -> Any:
        if field_type.container and spec.fields:
            if spec.repeat is not None:
                return self.rows(spec, spec.repeat, name, previous)
            group = self.fields(spec.fields, name, previous)
            return group or _MISSING
        if isinstance(field_type, YesNoType):
            text = self.text(name)
            if text is _MISSING:
                return _MISSING
            answer = parse_yes_no(text)
            return text if answer is None else answer
        if isinstance(field_type, ConsentType):
            # An unticked checkbox posts nothing: not agreeing is the answer.
            text = self.post.first(name)
            answer = parse_yes_no(text) if text is not None else False
            return text if answer is None else answer
        if isinstance(field_type, MultiChoiceType):
            codes = [v for v in self.post.all(name) if v.strip()]
            return codes or _MISSING
        if isinstance(field_type, AddressType):
            parts = {
                key: text
                for key in ADDRESS_PARTS
                if (text := self.text(f"{name}-{key}")) is not _MISSING
            }
            return parts or _MISSING
        if isinstance(field_type, AttachmentType):
            return self.references(name)
        return self.text(name)

    def text(self, name: str) -> Any:
        text = self.post.first(name)
        return _MISSING if text is None or not text.strip() else text

    def references(self, name: str) -> Any:
        items: list[Any] = []
        for text in self.post.all(name):
            if not text.strip():
                continue
            try:
                items.append(json.loads(text))
            except ValueError:
                # Not a reference: kept as posted, so the validator says what is wrong.
                items.append(text)
        return items or _MISSING

    def rows(self, spec: FieldSpec, repeat: Repeat, name: str, previous: Any) -> Any:
        shown = self.post.first(rows_input_name(name)) or ""
        count = int(shown) if shown.isascii() and shown.isdigit() else 0
        index = re.compile(rf"^{re.escape(name)}-([0-9]+)-")
        for posted in self.post.names():
            match = index.match(posted)
            if match:
                count = max(count, int(match[1]) + 1)
        # No more rows than a group can hold: a larger number only comes from tampering.
        count = min(count, repeat.max)
        stored = previous if isinstance(previous, list) else []
        rows = [
            self.fields(spec.fields or (), f"{name}-{i}", stored[i] if i < len(stored) else {})
            for i in range(count)
        ]
        return rows or _MISSING


def apply_row_action(
    form: FormSpec,
    data: Mapping[str, Any],
    action: str,
    *,
    registry: FieldTypeRegistry | None = None,
) -> dict[str, Any]:
    """The answers ``data`` after the button ``action`` (the value of ``_action``).

    ``add:<group>`` appends an empty row while the group has fewer than ``repeat.max``;
    ``remove:<group>:<i>`` removes row ``i`` while it has more than ``repeat.min``;
    ``remove_file:<field>:<i>`` removes the ``i``-th attached file. The group or field is
    named as in the POST (``children``, ``parent-0-kids``). ``data`` is not changed; an
    action beyond the limits gives the answers unchanged. ValueError for an action that
    is malformed or names no repeating group (or attachment) of the form.
    """
    parsed = parse_action(action)
    spec, segments = _target(form, parsed, registry or default_registry)
    payload = copy.deepcopy(dict(data))
    node: Any = payload
    for segment in segments[:-1]:
        if segment.isdigit() and isinstance(node, list) and int(segment) < len(node):
            node = node[int(segment)]
        elif not segment.isdigit() and isinstance(node, dict):
            node = node.setdefault(segment, {}) if parsed.kind == "add" else node.get(segment)
        else:
            return payload
    if not isinstance(node, dict):
        return payload
    key = segments[-1]
    items = node.get(key)
    items = list(items) if isinstance(items, list) else []
    if parsed.kind == "add" and spec.repeat is not None:
        shown = max(len(items), spec.repeat.min)
        if shown < spec.repeat.max:
            # Rows shown but not yet posted (up to repeat.min) come first, empty.
            node[key] = items + [{} for _ in range(shown - len(items) + 1)]
        return payload
    index = parsed.index if parsed.index is not None else -1
    floor = spec.repeat.min if spec.repeat is not None else 0
    if 0 <= index < len(items) and len(items) > floor:
        del items[index]
        node[key] = items
    return payload


def _target(
    form: FormSpec, action: RowAction, registry: FieldTypeRegistry
) -> tuple[FieldSpec, list[str]]:
    """The field an action names, and the segments of its path; ValueError if none."""
    segments = action.target.split("-")
    not_found = ValueError(f"{action.target!r} is not a path of the form")
    fields = tuple(f for step in form.steps for f in step.fields)
    position = 0
    while True:
        spec = next((f for f in fields if f.id == segments[position]), None)
        if spec is None:
            raise not_found
        position += 1
        if position == len(segments):
            break
        if not spec.fields:
            raise not_found
        if spec.repeat is not None:
            # A row index follows a repeating group, and a field follows the index.
            if not segments[position].isdigit() or position + 1 == len(segments):
                raise not_found
            position += 1
        fields = spec.fields
    field_type = registry.get(spec.type)
    if action.kind == "remove_file":
        if not isinstance(field_type, AttachmentType):
            raise ValueError(f"{action.target!r} is not an attachment field")
    elif spec.repeat is None:
        raise ValueError(f"{action.target!r} is not a repeating group")
    return spec, segments
