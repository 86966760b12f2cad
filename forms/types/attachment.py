"""The attachment field type: references to files the upload code has stored.

The value is a list of ``{"sha256", "name", "content_type", "size"}``. The upload code
sniffs the real content (:func:`forms.files.sniff_content_type`) before it issues a
reference, so here the declared type and size are checked against the field's limits.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from forms.errors import FieldError
from forms.files import content_type_matches, kind_names, normalise_content_type
from forms.spec import FieldSpec
from forms.types.base import FieldContext, FieldType
from forms.types.registry import register_field_type

_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
_MIME = re.compile(r"^[a-z]+/([a-z0-9][a-z0-9.+-]*|\*)$")
_REFERENCE_KEYS = frozenset({"sha256", "name", "content_type", "size"})


def _reference(item: Any) -> dict[str, Any] | None:
    """The normalised reference, or None when ``item`` is not a well-formed one."""
    if not isinstance(item, dict) or set(item) != _REFERENCE_KEYS:
        return None
    sha, name, content_type, size = (item[k] for k in ("sha256", "name", "content_type", "size"))
    if not (isinstance(sha, str) and _SHA256.match(sha)):
        return None
    if not (isinstance(name, str) and name.strip() and isinstance(content_type, str)):
        return None
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        return None
    return {
        "sha256": sha.lower(),
        "name": unicodedata.normalize("NFC", name.strip()),
        "content_type": normalise_content_type(content_type),
        "size": size,
    }


@register_field_type("attachment")
class AttachmentType(FieldType):
    """Files attached to the application (添付書類); ``accept``, ``max_size_kb``, ``max_files``."""

    params = frozenset({"accept", "max_size_kb", "max_files"})

    def check_spec(self, spec: FieldSpec) -> list[tuple[str, str]]:
        problems = super().check_spec(spec)
        for i, pattern in enumerate(spec.accept or ()):
            if not _MIME.match(pattern):
                problems.append(
                    (f"accept[{i}]", f"'{pattern}' is not a MIME type like 'application/pdf'")
                )
        return problems

    def required_error(self, ctx: FieldContext) -> FieldError:
        return ctx.error(
            "required",
            f"「{ctx.ja}」のファイルを添付してください。",
            f"Attach the file(s) for {ctx.en}.",
        )

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        items = [value] if isinstance(value, dict) else value
        malformed = (
            "「{}」の添付ファイルの情報が正しくありません。もう一度添付してください。",
            "The attachment data of {} is not valid. Please attach the file again.",
        )
        if not isinstance(items, list):
            return value, [
                ctx.error("invalid", malformed[0].format(ctx.ja), malformed[1].format(ctx.en))
            ]
        errors: list[FieldError] = []
        if spec.max_files is not None and len(items) > spec.max_files:
            errors.append(
                ctx.error(
                    "too_many",
                    f"「{ctx.ja}」に添付できるファイルは{spec.max_files}件までです。",
                    f"{ctx.en} takes at most {spec.max_files} file(s).",
                )
            )
        references: list[dict[str, Any]] = []
        for i, item in enumerate(items):
            ref = _reference(item)
            if ref is None:
                errors.append(
                    ctx.error(
                        "invalid",
                        malformed[0].format(ctx.ja),
                        malformed[1].format(ctx.en),
                        at=f"[{i}]",
                    )
                )
                continue
            errors += self._limits(ref, spec, ctx, f"[{i}]")
            references.append(ref)
        return (value, errors) if errors else (references, [])

    @staticmethod
    def _limits(
        ref: dict[str, Any], spec: FieldSpec, ctx: FieldContext, at: str
    ) -> list[FieldError]:
        errors: list[FieldError] = []
        name = ref["name"]
        if spec.accept and not content_type_matches(ref["content_type"], spec.accept):
            kinds = kind_names(spec.accept)
            errors.append(
                ctx.error(
                    "file_type",
                    f"「{ctx.ja}」に添付できるのは{kinds}のファイルです。"
                    f"「{name}」は添付できません。",
                    f"{ctx.en} accepts {kinds.replace('、', ', ')} files only; "
                    f'"{name}" cannot be attached.',
                    at=at,
                )
            )
        if spec.max_size_kb is not None and ref["size"] > spec.max_size_kb * 1024:
            errors.append(
                ctx.error(
                    "file_too_large",
                    f"「{ctx.ja}」の「{name}」は大きすぎます。"
                    f"1ファイル{spec.max_size_kb:,}KBまでにしてください。",
                    f'"{name}" in {ctx.en} is too large: '
                    f"each file may be at most {spec.max_size_kb:,} KB.",
                    at=at,
                )
            )
        return errors

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        content_type: dict[str, Any] = {"type": "string"}
        if spec.accept and not any(a.endswith("/*") for a in spec.accept):
            content_type["enum"] = list(spec.accept)
        size: dict[str, Any] = {"type": "integer", "minimum": 0}
        if spec.max_size_kb is not None:
            size["maximum"] = spec.max_size_kb * 1024
        schema: dict[str, Any] = {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "name": {"type": "string", "minLength": 1},
                    "content_type": content_type,
                    "size": size,
                },
                "required": sorted(_REFERENCE_KEYS),
                "additionalProperties": False,
            },
        }
        if spec.max_files is not None:
            schema["maxItems"] = spec.max_files
        return schema
