"""How a form is declared inside a procedure definition.

These models are the form part of the definition format (``docs/definitions.md``). They are
frozen and reject unknown keys, so a typo in a definition is a load error, not a silently
ignored setting. What each field *type* accepts (its extra parameters, its validation and
normalisation) lives in :mod:`forms.types`; the models here only carry the declaration.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

IDENTIFIER = r"^[a-z][a-z0-9_]*$"


class Frozen(BaseModel):
    """Base for declaration models: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class LocalizedText(Frozen):
    """A user-facing text in Japanese first, English second."""

    ja: str = Field(min_length=1)
    en: str = Field(default="", description="English text; falls back to Japanese when empty")

    def get(self, lang: str) -> str:
        """The text in ``lang`` (``ja`` or ``en``), Japanese when there is no English."""
        return self.en if lang == "en" and self.en else self.ja


class Option(Frozen):
    """One answer of a choice field: a stable code and its labels."""

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    label: LocalizedText


class Repeat(Frozen):
    """How often a group repeats (the children on a child allowance claim)."""

    min: int = Field(default=0, ge=0)
    max: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> Repeat:
        if self.min > self.max:
            raise ValueError(f"repeat.min ({self.min}) is larger than repeat.max ({self.max})")
        return self


# An expression in the JsonLogic-like language of :mod:`forms.logic`, kept as plain data.
Expression = dict[str, Any] | bool


class FieldSpec(Frozen):
    """One field of a form, or a group of fields (``type: group``)."""

    id: str = Field(pattern=IDENTIFIER)
    type: str = Field(description="a field type registered in forms.types")
    label: LocalizedText
    hint: LocalizedText | None = None
    required: bool = False
    # Conditional logic, evaluated on the server (forms.logic); hidden fields are neither
    # validated nor stored.
    visible_if: Expression | None = None
    required_if: Expression | None = None
    # Where a prefilled value comes from, e.g. ``registry.resident.name``.
    prefill: str | None = None
    # Whether the resident may change a prefilled value.
    editable: bool = True
    # Type parameters; which apply is decided by the field type.
    options: tuple[Option, ...] | None = None
    min: int | None = None
    max: int | None = None
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=1)
    accept: tuple[str, ...] | None = None
    max_size_kb: int | None = Field(default=None, ge=1)
    max_files: int | None = Field(default=None, ge=1)
    wording: LocalizedText | None = None
    compute: Expression | None = None
    rules: tuple[str, ...] | None = Field(
        default=None, description="named range rules, e.g. 'not_future' for dates"
    )
    # Groups.
    fields: tuple[FieldSpec, ...] | None = None
    repeat: Repeat | None = None


class StepSpec(Frozen):
    """One page of a multi-step form."""

    id: str = Field(pattern=IDENTIFIER)
    title: LocalizedText
    fields: tuple[FieldSpec, ...] = Field(min_length=1)
    visible_if: Expression | None = None


class FormSpec(Frozen):
    """A whole form: its steps in order, and the cross-field rules."""

    steps: tuple[StepSpec, ...] = Field(min_length=1)
    rules: tuple[CrossFieldRule, ...] = ()

    def iter_fields(self) -> list[tuple[str, FieldSpec]]:
        """Every field with its dotted path, groups included, in declaration order."""
        out: list[tuple[str, FieldSpec]] = []

        def walk(prefix: str, fields: tuple[FieldSpec, ...]) -> None:
            for f in fields:
                path = f"{prefix}{f.id}"
                out.append((path, f))
                if f.fields:
                    walk(path + ("[]." if f.repeat else "."), f.fields)

        for step in self.steps:
            walk("", step.fields)
        return out


class CrossFieldRule(Frozen):
    """A rule over several fields: when ``check`` is false, ``message`` is shown at ``path``."""

    id: str = Field(pattern=IDENTIFIER)
    check: Expression
    path: str
    message: LocalizedText
    when: Expression | None = None


ErrorCode = Literal[
    "required",
    "invalid",
    "too_short",
    "too_long",
    "too_small",
    "too_large",
    "check_digit",
    "not_an_option",
    "too_few",
    "too_many",
    "rule",
    "unknown_field",
    # Dates.
    "wrong_era",
    "in_future",
    "in_past",
    "age_out_of_range",
    "out_of_range",
    # Lists and files.
    "duplicate",
    "file_type",
    "file_too_large",
]

FormSpec.model_rebuild()
