"""The interface every field type implements, and what it is given while validating."""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from forms.errors import FieldError
from forms.spec import FieldSpec, LocalizedText

# The type parameters of FieldSpec; each field type says which of them apply to it.
TYPE_PARAMETERS: tuple[str, ...] = (
    "options",
    "min",
    "max",
    "min_length",
    "max_length",
    "accept",
    "max_size_kb",
    "max_files",
    "wording",
    "compute",
    "rules",
    "fields",
    "repeat",
)


@dataclass(frozen=True)
class FieldContext:
    """What a field type knows about the answer it is checking.

    ``path`` is where the answer sits in the payload (``children[1].birth_date``);
    ``evaluate`` evaluates an expression of :mod:`forms.logic` in the answer's scope
    (its repeating-group rows included); ``today`` is the date rules compare with.
    """

    path: str
    label: LocalizedText
    today: datetime.date
    evaluate: Callable[[Any], Any]

    @property
    def ja(self) -> str:
        """The field label in Japanese, for messages."""
        return self.label.ja

    @property
    def en(self) -> str:
        """The field label in English (Japanese when there is none), for messages."""
        return self.label.get("en")

    def error(self, code: str, ja: str, en: str, *, at: str = "") -> FieldError:
        """An error at this answer (or below it: ``at=".city"`` or ``at="[0]"``)."""
        return FieldError(path=self.path + at, code=code, message=LocalizedText(ja=ja, en=en))


class FieldType(ABC):
    """A kind of field: how it is declared, normalised, validated and described.

    Register a subclass with :func:`forms.types.register_field_type`. Class attributes
    declare which FieldSpec parameters apply (``params``), which must be given
    (``required_params``), which keys of a mapping value conditions may read
    (``value_keys``), whether the walker descends into ``fields`` (``container``) and
    whether the server computes the value (``server_computed``).
    """

    params: ClassVar[frozenset[str]] = frozenset()
    required_params: ClassVar[frozenset[str]] = frozenset()
    value_keys: ClassVar[frozenset[str]] = frozenset()
    container: ClassVar[bool] = False
    server_computed: ClassVar[bool] = False

    def check_spec(self, spec: FieldSpec) -> list[tuple[str, str]]:
        """Mistakes in a declaration of this type, as (path relative to the field, message).

        The default reports parameters that do not apply, required ones that are missing
        and bounds in the wrong order; override and extend with ``super().check_spec``.
        """
        problems: list[tuple[str, str]] = []
        for name in TYPE_PARAMETERS:
            if getattr(spec, name) is not None and name not in self.params:
                problems.append((name, f"'{name}' does not apply to type '{spec.type}'"))
        for name in sorted(self.required_params):
            if getattr(spec, name) is None:
                problems.append((name, f"type '{spec.type}' needs '{name}'"))
        if spec.min is not None and spec.max is not None and spec.min > spec.max:
            problems.append(("min", f"min ({spec.min}) is larger than max ({spec.max})"))
        if (
            spec.min_length is not None
            and spec.max_length is not None
            and spec.min_length > spec.max_length
        ):
            problems.append(
                (
                    "min_length",
                    f"min_length ({spec.min_length}) is larger than max_length ({spec.max_length})",
                )
            )
        return problems

    def is_empty(self, value: Any) -> bool:
        """Whether ``value`` counts as no answer (then ``required`` applies, nothing is kept)."""
        if isinstance(value, str):
            return not value.strip()
        return value is None or value == [] or value == {}

    def fulfils_required(self, value: Any) -> bool:
        """Whether a normalised answer satisfies ``required`` (a refused consent does not)."""
        return True

    def required_error(self, ctx: FieldContext) -> FieldError:
        """The error for a required answer that is missing."""
        return ctx.error("required", f"「{ctx.ja}」を入力してください。", f"{ctx.en} is required.")

    @abstractmethod
    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        """The stored form of a non-empty ``value`` and the errors found in it."""

    @abstractmethod
    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        """The JSON Schema of the stored (normalised) value."""


def not_text_error(ctx: FieldContext) -> FieldError:
    """The error for an answer that should be text and is not (an API payload mistake)."""
    return ctx.error(
        "invalid", f"「{ctx.ja}」は文字で入力してください。", f"{ctx.en} must be text."
    )


def length_errors(text: str, spec: FieldSpec, ctx: FieldContext) -> list[FieldError]:
    """min_length / max_length, counted in characters."""
    n = len(text)
    if spec.min_length is not None and n < spec.min_length:
        return [
            ctx.error(
                "too_short",
                f"「{ctx.ja}」は{spec.min_length}文字以上で入力してください。",
                f"{ctx.en} must be at least {spec.min_length} characters long.",
            )
        ]
    if spec.max_length is not None and n > spec.max_length:
        return [
            ctx.error(
                "too_long",
                f"「{ctx.ja}」は{spec.max_length}文字以内で入力してください（いまは{n}文字です）。",
                f"{ctx.en} must be at most {spec.max_length} characters long (it has {n}).",
            )
        ]
    return []


def bad_characters(text: str, allowed: Callable[[str], bool], limit: int = 5) -> str:
    """The distinct characters of ``text`` that are not allowed, quoted for a message."""
    seen: list[str] = []
    for ch in text:
        if not allowed(ch) and ch not in seen:
            seen.append(ch)
    return "、".join(f"「{ch}」" for ch in seen[:limit])
