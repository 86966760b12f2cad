"""Answers picked from a list: yes/no, one option, several options, consent."""

from __future__ import annotations

from collections import Counter
from typing import Any

from forms.errors import FieldError
from forms.spec import FieldSpec, LocalizedText, Option
from forms.types.base import FieldContext, FieldType
from forms.types.registry import register_field_type

_YES = frozenset({"true", "yes", "y", "on", "1", "はい"})
_NO = frozenset({"false", "no", "n", "off", "0", "いいえ"})


def parse_yes_no(value: Any) -> bool | None:
    """True for true/"yes"/"はい" (and "on" from a checkbox), False for the opposites."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _YES:
            return True
        if text in _NO:
            return False
    return None


def _options_schema(options: tuple[Option, ...]) -> dict[str, Any]:
    return {
        "type": "string",
        "enum": [o.code for o in options],
        "x-options": [{"code": o.code, "ja": o.label.ja, "en": o.label.en} for o in options],
    }


class _ChoosingType(FieldType):
    def required_error(self, ctx: FieldContext) -> FieldError:
        return ctx.error(
            "required", f"「{ctx.ja}」を選んでください。", f"Choose an answer for {ctx.en}."
        )


@register_field_type("yes_no")
class YesNoType(_ChoosingType):
    """A yes/no answer, stored as a boolean."""

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        answer = parse_yes_no(value)
        if answer is None:
            return value, [
                ctx.error(
                    "invalid",
                    f"「{ctx.ja}」は「はい」か「いいえ」で答えてください。",
                    f"Answer {ctx.en} with yes or no.",
                )
            ]
        return answer, []

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "boolean"}


def _check_options(spec: FieldSpec) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if spec.options is not None and not spec.options:
        problems.append(("options", "options is empty"))
    counts = Counter(o.code for o in spec.options or ())
    seen: set[str] = set()
    for i, option in enumerate(spec.options or ()):
        if counts[option.code] > 1 and option.code in seen:
            problems.append((f"options[{i}].code", f"duplicate option code '{option.code}'"))
        seen.add(option.code)
    return problems


def _pick(
    value: Any, options: tuple[Option, ...], ctx: FieldContext, at: str = ""
) -> tuple[str | None, list[FieldError]]:
    code = value.strip() if isinstance(value, str) else value
    if isinstance(code, str) and code in {o.code for o in options}:
        return code, []
    listed = "、".join(o.label.ja for o in options)
    return None, [
        ctx.error(
            "not_an_option",
            f"「{ctx.ja}」は選択肢（{listed}）から選んでください。",
            f"Choose {ctx.en} from the options: {', '.join(o.label.get('en') for o in options)}.",
            at=at,
        )
    ]


@register_field_type("choice")
class ChoiceType(_ChoosingType):
    """One option of ``options``; the value is the option's code."""

    params = frozenset({"options"})
    required_params = frozenset({"options"})

    def check_spec(self, spec: FieldSpec) -> list[tuple[str, str]]:
        return super().check_spec(spec) + _check_options(spec)

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        code, errors = _pick(value, spec.options or (), ctx)
        return (value, errors) if errors else (code, [])

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return _options_schema(spec.options or ())


ACCOUNT_TYPES: tuple[Option, ...] = (
    Option(code="futsuu", label=LocalizedText(ja="普通", en="Ordinary")),
    Option(code="touza", label=LocalizedText(ja="当座", en="Current")),
    Option(code="chochiku", label=LocalizedText(ja="貯蓄", en="Savings")),
)


@register_field_type("account_type")
class AccountTypeType(_ChoosingType):
    """The kind of bank account (預金種目): futsuu 普通, touza 当座, chochiku 貯蓄."""

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        # Residents and old systems send the Japanese word; accept it for the code.
        by_label = {o.label.ja: o.code for o in ACCOUNT_TYPES}
        if isinstance(value, str) and value.strip() in by_label:
            return by_label[value.strip()], []
        code, errors = _pick(value, ACCOUNT_TYPES, ctx)
        return (value, errors) if errors else (code, [])

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return _options_schema(ACCOUNT_TYPES)


@register_field_type("multi_choice")
class MultiChoiceType(_ChoosingType):
    """Several options (codes, no duplicates), stored in declaration order; min/max count."""

    params = frozenset({"options", "min", "max"})
    required_params = frozenset({"options"})

    def check_spec(self, spec: FieldSpec) -> list[tuple[str, str]]:
        problems = super().check_spec(spec) + _check_options(spec)
        count = len(spec.options or ())
        for name in ("min", "max"):
            bound = getattr(spec, name)
            if bound is not None and not 0 <= bound <= count:
                problems.append((name, f"{name} ({bound}) must be between 0 and {count}"))
        return problems

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        options = spec.options or ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return value, [
                ctx.error(
                    "invalid",
                    f"「{ctx.ja}」は選択肢から選んでください。",
                    f"Choose {ctx.en} from the options.",
                )
            ]
        errors: list[FieldError] = []
        chosen: set[str] = set()
        for i, item in enumerate(value):
            code, item_errors = _pick(item, options, ctx, at=f"[{i}]")
            errors += item_errors
            if code is not None and code in chosen:
                errors.append(
                    ctx.error(
                        "duplicate",
                        f"「{ctx.ja}」で同じ選択肢が2回選ばれています。",
                        f"{ctx.en} has the same option chosen twice.",
                        at=f"[{i}]",
                    )
                )
            if code is not None:
                chosen.add(code)
        if errors:
            return value, errors
        if spec.min is not None and len(chosen) < spec.min:
            errors.append(
                ctx.error(
                    "too_few",
                    f"「{ctx.ja}」は{spec.min}つ以上選んでください。",
                    f"Choose at least {spec.min} for {ctx.en}.",
                )
            )
        if spec.max is not None and len(chosen) > spec.max:
            errors.append(
                ctx.error(
                    "too_many",
                    f"「{ctx.ja}」は{spec.max}つまで選べます。",
                    f"Choose at most {spec.max} for {ctx.en}.",
                )
            )
        if errors:
            return value, errors
        return [o.code for o in options if o.code in chosen], []

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        options = _options_schema(spec.options or ())
        schema: dict[str, Any] = {
            "type": "array",
            "items": {"type": "string", "enum": options["enum"]},
            "uniqueItems": True,
            "x-options": options["x-options"],
        }
        if spec.min is not None:
            schema["minItems"] = spec.min
        if spec.max is not None:
            schema["maxItems"] = spec.max
        return schema


@register_field_type("consent")
class ConsentType(FieldType):
    """Consent to a wording; stores ``{"agreed": bool, "wording": <the Japanese wording>}``.

    The wording is stored with the answer, so what the resident agreed to survives a
    later change of the definition. A refusal is stored too; a required consent must be
    given (see :meth:`fulfils_required`).
    """

    params = frozenset({"wording"})
    required_params = frozenset({"wording"})
    value_keys = frozenset({"agreed"})

    def is_empty(self, value: Any) -> bool:
        if isinstance(value, dict):
            value = value.get("agreed")
        return super().is_empty(value)

    def fulfils_required(self, value: Any) -> bool:
        # A refusal is an answer, but not one that satisfies a required consent.
        return isinstance(value, dict) and value.get("agreed") is True

    def required_error(self, ctx: FieldContext) -> FieldError:
        return ctx.error(
            "required",
            f"「{ctx.ja}」の内容をご確認のうえ、同意してください。",
            f"Please read {ctx.en} and agree to it.",
        )

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        # A stored answer sent back is accepted; its wording is replaced by the declared one.
        agreed = parse_yes_no(value.get("agreed") if isinstance(value, dict) else value)
        if agreed is None:
            return value, [
                ctx.error(
                    "invalid",
                    f"「{ctx.ja}」に同意するかどうかを選んでください。",
                    f"Say whether you agree to {ctx.en}.",
                )
            ]
        wording = spec.wording.ja if spec.wording else ""
        return {"agreed": agreed, "wording": wording}, []

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {
                "agreed": {"const": True} if spec.required else {"type": "boolean"},
                "wording": {"type": "string"},
            },
            "required": ["agreed", "wording"],
            "additionalProperties": False,
        }
        if spec.wording:
            schema["x-wording"] = {"ja": spec.wording.ja, "en": spec.wording.en}
        return schema
