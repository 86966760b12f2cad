"""Built-in effects. An effect only writes outbox rows; the worker delivers them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from engine.hooks import OutboxDraft, TransitionContext, effects
from forms.spec import LocalizedText


class NotifyParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: LocalizedText
    body: LocalizedText


@effects.register("notify_resident", NotifyParams)
def notify_resident(ctx: TransitionContext, params: NotifyParams) -> list[OutboxDraft]:
    """A notice (お知らせ) to the applicant, shown in "my applications"; for a case filed
    on Mynaportal or OSS also put in the resident's inbox there, and emailed when the
    application gives an email address.

    ``{reference}`` and ``{procedure}`` in the texts are replaced by the case's reference
    number and the procedure's name.
    """
    ja = {"{reference}": ctx.case.reference, "{procedure}": ctx.procedure.name.ja}
    en = {"{reference}": ctx.case.reference, "{procedure}": ctx.procedure.name.get("en")}
    drafts = [
        OutboxDraft(
            "notice",
            {
                "recipient_id": ctx.case.applicant_id,
                "title_ja": _fill(params.title.ja, ja),
                "title_en": _fill(params.title.get("en"), en),
                "body_ja": _fill(params.body.ja, ja),
                "body_en": _fill(params.body.get("en"), en),
            },
        )
    ]
    email = applicant_email(ctx)
    if email is not None:
        # The resident gave an email address: the notice goes there too, through the
        # outbox (kind ``email_notice``), rendered with the notice kind's template.
        payload = drafts[0].payload
        drafts.append(
            OutboxDraft(
                "email_notice",
                {
                    "to": email,
                    "kind": email_notice_kind(ctx),
                    "resident_number": ctx.case.applicant_id,
                    "reference": ctx.case.reference,
                    "procedure_ja": ctx.procedure.name.ja,
                    "procedure_en": ctx.procedure.name.get("en"),
                    "title_ja": payload["title_ja"],
                    "title_en": payload["title_en"],
                    "body_ja": payload["body_ja"],
                    "body_en": payload["body_en"],
                },
            )
        )
    if ctx.case.channel in _PORTAL_NOTICE_KINDS:
        # Filed on a portal: the notice also goes to the resident's inbox there.
        payload = drafts[0].payload
        drafts.append(
            OutboxDraft(
                _PORTAL_NOTICE_KINDS[ctx.case.channel],
                {
                    "application_id": ctx.case.idempotency_key,
                    "title": payload["title_ja"],
                    "body": payload["body_ja"],
                },
            )
        )
    return drafts


_PORTAL_NOTICE_KINDS = {"pittari": "mynaportal_notice", "oss": "oss_notice"}
"""The outbox kind putting a notice in the inbox of the portal a case was filed on."""

_EMAIL_KINDS = {
    "correction_requested": "correction_requested",
    "intake_error": "intake_error",
    "done": "decided",
}
"""The email template (``adapters.notice_templates.NoticeKind``) for the status the
transition leads to; other notices use the general ``update`` template."""


def email_notice_kind(ctx: TransitionContext) -> str:
    """The email template kind of a notice sent on the transition to ``ctx.dest``."""
    if not ctx.dest:
        return "update"
    return _EMAIL_KINDS.get(ctx.procedure.portal_status(ctx.dest), "update")


def applicant_email(ctx: TransitionContext) -> str | None:
    """The email address the applicant gave in the application, if any.

    The first filled field of type ``email`` outside repeating groups, so a definition
    offers email notices simply by asking for an address.
    """
    for path, spec in ctx.procedure.form.iter_fields():
        if spec.type != "email" or "[]" in path:
            continue
        value: Any = ctx.case.data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str) and "@" in value.strip():
            return value.strip()
    return None


def _fill(text: str, values: dict[str, str]) -> str:
    # Plain replacement, not str.format: a brace in a definition's text must not break it.
    for key, value in values.items():
        text = text.replace(key, value)
    return text


class CoreRecordParams(BaseModel):
    """Which record to register, and where each of its values comes from.

    A value is a literal, or a reference: ``$case.<column>`` (``applicant_id``,
    ``reference``...), ``$data.<path>`` (the application), ``$outcome.<path>`` (what staff
    entered on transitions), ``$today`` (the day the transition is fired).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    business: str | None = Field(default=None, description="default: the definition's")
    record: dict[str, Any] = Field(min_length=1)

    @field_validator("record")
    @classmethod
    def _references(cls, record: dict[str, Any]) -> dict[str, Any]:
        for key, value in record.items():
            if isinstance(value, str) and value.startswith("$"):
                head = value[1:].split(".", 1)[0]
                if head not in ("case", "data", "outcome", "today", "filed_on"):
                    raise ValueError(
                        f"record.{key}: '{value}' is not $case.*, $data.*, $outcome.*, "
                        "$today or $filed_on"
                    )
        return record


def _resolve(value: Any, ctx: TransitionContext) -> Any:
    if not (isinstance(value, str) and value.startswith("$")):
        return value
    if value == "$today":
        return ctx.now.date().isoformat()
    if value == "$filed_on":
        return ctx.case.created_at.date().isoformat()
    head, _, path = value[1:].partition(".")
    if head == "case":
        return getattr(ctx.case, path, None)
    node: Any = ctx.case.data if head == "data" else {**ctx.case.outcome, **ctx.inputs}
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict) and "$enc" in node:
        raise ValueError(f"{value} is an encrypted personal number: core records use 宛名番号")
    return node


@effects.register("register_core_system", CoreRecordParams)
def register_core_system(ctx: TransitionContext, params: CoreRecordParams) -> list[OutboxDraft]:
    """Register a record in the procedure's core system (標準準拠システム), through the outbox.

    The outbox row's key is the registration's idempotency key: a retry after a lost reply
    finds the earlier registration instead of making a second one.
    """
    business = params.business or ctx.procedure.core_system
    if business is None:
        raise ValueError(f"{ctx.procedure.id} names no core_system to register in")
    record = {"kind": params.kind}
    for key, value in params.record.items():
        resolved = _resolve(value, ctx)
        if resolved is not None:
            record[key] = resolved
    return [OutboxDraft("core_system", {"business": business, "record": record})]
