"""Built-in effects. An effect only writes outbox rows; the worker delivers them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from engine.hooks import OutboxDraft, TransitionContext, effects
from forms.spec import LocalizedText


class NotifyParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: LocalizedText
    body: LocalizedText


@effects.register("notify_resident", NotifyParams)
def notify_resident(ctx: TransitionContext, params: NotifyParams) -> list[OutboxDraft]:
    """A notice (お知らせ) to the applicant, shown in "my applications", and for a case
    filed on Mynaportal also put in the resident's Mynaportal inbox.

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
    if ctx.case.channel == "pittari":
        # Filed on Mynaportal: the notice also goes to the resident's Mynaportal inbox.
        payload = drafts[0].payload
        drafts.append(
            OutboxDraft(
                "mynaportal_notice",
                {
                    "application_id": ctx.case.idempotency_key,
                    "title": payload["title_ja"],
                    "body": payload["body_ja"],
                },
            )
        )
    return drafts


def _fill(text: str, values: dict[str, str]) -> str:
    # Plain replacement, not str.format: a brace in a definition's text must not break it.
    for key, value in values.items():
        text = text.replace(key, value)
    return text
