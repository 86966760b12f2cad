"""Text field types: free text, e-mail, names and kana readings."""

from __future__ import annotations

import re
from typing import Any

from forms.errors import FieldError
from forms.japanese import (
    BANK_KANA_ALLOWED,
    BANK_SYMBOLS,
    KANA_ALLOWED,
    ascii_digits,
    clean_text,
    has_control_characters,
    normalise_bank_kana,
    normalise_kana,
    normalise_name,
)
from forms.spec import FieldSpec
from forms.types.base import (
    FieldContext,
    FieldType,
    bad_characters,
    length_errors,
    not_text_error,
)
from forms.types.registry import register_field_type

_LENGTHS = frozenset({"min_length", "max_length"})


def _length_schema(spec: FieldSpec) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "minLength": max(spec.min_length or 1, 1)}
    if spec.max_length is not None:
        schema["maxLength"] = spec.max_length
    return schema


def _control_error(ctx: FieldContext) -> FieldError:
    return ctx.error(
        "invalid",
        f"「{ctx.ja}」には改行や制御文字を入力できません。",
        f"{ctx.en} cannot contain line breaks or control characters.",
    )


@register_field_type("text")
class TextType(FieldType):
    """One line of text: stripped, NFC-normalised; no line breaks."""

    params = _LENGTHS

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        if not isinstance(value, str):
            return value, [not_text_error(ctx)]
        text = clean_text(value)
        if has_control_characters(text):
            return value, [_control_error(ctx)]
        errors = length_errors(text, spec, ctx)
        return (value, errors) if errors else (text, [])

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return _length_schema(spec)


@register_field_type("textarea")
class TextareaType(FieldType):
    """Several lines of text: stripped, NFC-normalised, line breaks kept as ``\\n``."""

    params = _LENGTHS

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        if not isinstance(value, str):
            return value, [not_text_error(ctx)]
        text = clean_text(value.replace("\r\n", "\n").replace("\r", "\n"))
        if has_control_characters(text, allow_newlines=True):
            return value, [_control_error(ctx)]
        errors = length_errors(text, spec, ctx)
        return (value, errors) if errors else (text, [])

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return _length_schema(spec) | {"x-multiline": True}


_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


@register_field_type("email")
class EmailType(FieldType):
    """An e-mail address; full-width characters typed with an IME are made half-width."""

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        if not isinstance(value, str):
            return value, [not_text_error(ctx)]
        text = ascii_digits(value).strip()
        if len(text) > 254 or not text.isascii() or not _EMAIL.match(text):
            return value, [
                ctx.error(
                    "invalid",
                    f"「{ctx.ja}」はメールアドレスの形（例：taro@example.jp）で入力してください。",
                    f"{ctx.en} must be an e-mail address, like taro@example.jp.",
                )
            ]
        local, domain = text.rsplit("@", 1)
        # The domain is case-insensitive; the local part belongs to the mail server.
        return f"{local}@{domain.lower()}", []

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "string", "format": "email", "maxLength": 254}


@register_field_type("name")
class NameType(FieldType):
    """A person's name in any script; one full-width space between family and given name."""

    params = _LENGTHS

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        if not isinstance(value, str):
            return value, [not_text_error(ctx)]
        if has_control_characters(value, allow_newlines=True):
            return value, [_control_error(ctx)]
        text = normalise_name(value)
        errors = length_errors(text, spec, ctx)
        return (value, errors) if errors else (text, [])

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return _length_schema(spec) | {"pattern": r"^\S+(\u3000\S+)*$"}


@register_field_type("kana")
class KanaType(FieldType):
    """A reading in full-width katakana (hiragana and half-width katakana converted)."""

    params = _LENGTHS

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        if not isinstance(value, str):
            return value, [not_text_error(ctx)]
        text = normalise_kana(value)
        if not KANA_ALLOWED.match(text):
            bad = bad_characters(text, lambda ch: bool(KANA_ALLOWED.match(ch)))
            return value, [
                ctx.error(
                    "invalid",
                    f"「{ctx.ja}」はカタカナで入力してください。使えるのはカタカナ、長音（ー）、"
                    f"中点（・）とスペースです。使えない文字：{bad}",
                    f"{ctx.en} must be written in katakana: only katakana, the long vowel "
                    f"mark (ー), the middle dot (・) and spaces are allowed. Not allowed: {bad}",
                )
            ]
        errors = length_errors(text, spec, ctx)
        return (value, errors) if errors else (text, [])

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return _length_schema(spec) | {"pattern": KANA_ALLOWED.pattern}


@register_field_type("bank_holder_kana")
class BankHolderKanaType(FieldType):
    """An account holder name in the characters banks accept (全銀協 character set)."""

    params = _LENGTHS

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        if not isinstance(value, str):
            return value, [not_text_error(ctx)]
        text = normalise_bank_kana(value)
        if not set(text) <= BANK_KANA_ALLOWED:
            bad = bad_characters(text, lambda ch: ch in BANK_KANA_ALLOWED)
            return value, [
                ctx.error(
                    "invalid",
                    f"「{ctx.ja}」は通帳と同じ口座名義をカタカナで入力してください。"
                    "使えるのは全角カタカナ（小さい「ャ」などは大きい「ヤ」になります）、"
                    f"英大文字、数字、スペースと記号 {BANK_SYMBOLS} です。使えない文字：{bad}",
                    f"Enter {ctx.en} in katakana as it appears on the bank book. Banks accept "
                    "katakana (small kana such as ャ become large ヤ), capital letters, digits, "
                    f"spaces and the symbols {BANK_SYMBOLS}. Not accepted: {bad}",
                )
            ]
        errors = length_errors(text, spec, ctx)
        return (value, errors) if errors else (text, [])

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        chars = "".join(sorted(BANK_KANA_ALLOWED))
        return _length_schema(spec) | {"pattern": f"^[{re.escape(chars)}]+$"}
