"""HTML ids and POST names of answers, and the buttons that work without JavaScript.

The POST naming scheme
----------------------
An answer's POST name is its payload path with the dots and row indexes written as
hyphens: ``claimant.name`` is ``claimant-name``, ``children[1].birth_date`` is
``children-1-birth_date``. Field ids match ``[a-z][a-z0-9_]*``, so a name leads back to
exactly one path. What each type posts under its name:

- text, textarea, name, kana, e-mail, phone, codes, numbers, money and ``date`` (one text
  input taking every form the date type reads: ``2024-05-01``, ``令和6年5月1日``, ``R6.5.1``):
  the text as typed;
- ``yes_no``: ``yes`` or ``no`` (radios); ``choice`` and ``account_type``: the option code
  (radios, or a select for long lists); ``multi_choice``: one checkbox per option under
  the same name, each valued with its code; ``consent``: one checkbox valued ``yes``,
  whose absence is a refusal;
- ``address``: one input per part, ``<name>-prefecture``, ``-city``, ``-town``, ``-block``
  and ``-building``;
- ``attachment``: one hidden input per file already stored, under the field's name, its
  value the reference as JSON (``{"sha256", "name", "content_type", "size"}``, issued by
  the upload code). The file input has the same name: new files arrive among the
  request's *files* under it (the page's form needs ``enctype="multipart/form-data"``);
- a repeating group: a hidden ``_rows-<name>`` with the number of rows shown, and each
  row's answers under ``<name>-<index>-<field>``.

Names beginning with ``_`` are the form's own controls (a field id cannot begin with
``_``). Buttons post ``_action`` (see :data:`ACTION`): ``add:<group name>``,
``remove:<group name>:<index>`` and ``remove_file:<attachment name>:<index>``.

HTML ids are ``f-`` and the POST name (``f-children-1-birth_date``). The elements that
belong to one answer (its hint, its error, its options) add a suffix after ``--``, which no
path can produce, so an id never collides with another answer's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

ACTION = "_action"
ROWS_PREFIX = "_rows-"
ID_PREFIX = "f-"

_SEGMENT = re.compile(r"[^.\[\]]+")
_UNSAFE = re.compile(r"[^A-Za-z0-9_]")
_TRAILING_INDEX = re.compile(r"\[\d+\]$")


def _segments(path: str) -> list[str]:
    # Paths of unknown keys come from API payloads: keep ids and names to safe characters.
    return [_UNSAFE.sub("_", segment) for segment in _SEGMENT.findall(path)]


def field_input_name(path: str) -> str:
    """The POST name of the answer at ``path``.

    ``children[1].birth_date`` -> ``children-1-birth_date``.
    """
    return "-".join(_segments(path))


def field_html_id(path: str) -> str:
    """The HTML id of the answer at ``path``.

    ``children[1].birth_date`` -> ``f-children-1-birth_date``.
    """
    return ID_PREFIX + field_input_name(path)


def part_id(html_id: str, part: str) -> str:
    """The id of an element belonging to one answer (``f-name--hint``)."""
    return f"{html_id}--{part}"


def error_anchor(path: str) -> str | None:
    """The id an error-summary link points at, or None for an error about the whole payload.

    An error about one item of a list answer (``documents[1]``: a file too large, an
    option not offered) points at the answer itself, whose control the resident uses to
    put it right.
    """
    if not _segments(path):
        return None
    return field_html_id(_TRAILING_INDEX.sub("", path))


def rows_input_name(group_name: str) -> str:
    """The hidden input holding the number of rows shown of a repeating group."""
    return ROWS_PREFIX + group_name


def add_row_action(group_name: str) -> str:
    """The ``_action`` value of the button adding a row to a repeating group."""
    return f"add:{group_name}"


def remove_row_action(group_name: str, index: int) -> str:
    """The ``_action`` value of the button removing row ``index`` (0-based)."""
    return f"remove:{group_name}:{index}"


def remove_file_action(field_name: str, index: int) -> str:
    """The ``_action`` value of the button removing the ``index``-th attached file."""
    return f"remove_file:{field_name}:{index}"


ActionKind = Literal["add", "remove", "remove_file"]
_ACTION = re.compile(
    r"^(?:(?P<add>add):(?P<group>[a-z0-9_-]+)"
    r"|(?P<kind>remove|remove_file):(?P<target>[a-z0-9_-]+):(?P<index>[0-9]{1,6}))$"
)


@dataclass(frozen=True)
class RowAction:
    """A parsed ``_action``: what to do, to which answer (its POST name), at which index."""

    kind: ActionKind
    target: str
    index: int | None = None


def parse_action(action: str) -> RowAction:
    """Read an ``_action`` value; ValueError when it is none of the forms above."""
    match = _ACTION.match(action)
    if match is None:
        raise ValueError(f"not a form action: {action!r}")
    if match["add"]:
        return RowAction("add", match["group"])
    kind: ActionKind = "remove" if match["kind"] == "remove" else "remove_file"
    return RowAction(kind, match["target"], int(match["index"]))
