"""Effects of the childcare procedures: registrations in the core systems that need values
computed from the case (the children's 宛名番号, the allowance amount) which the generic
``register_core_system`` cannot express. Like every effect they only write outbox rows."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from engine.hooks import OutboxDraft, TransitionContext, effects
from engine.kosodate import partners
from engine.kosodate.guards import AmountParams, computed


def _children_numbers(ctx: TransitionContext, rows: list[dict[str, Any]]) -> list[str]:
    """The 宛名番号 of the children of the claim, found in the registry (name, birth date)."""
    registry = partners.resident_registry(ctx.adapter_config)
    members = partners.household_of(registry, ctx.case.applicant_id)
    numbers = []
    for row in rows:
        found = partners.find_resident(
            registry, members, str(row.get("name", "")), row.get("birth_date")
        )
        if found is not None and found.resident_number not in numbers:
            numbers.append(found.resident_number)
    return numbers


class AllowanceRecordParams(AmountParams):
    kind: str = "recipient"
    account_field: str = "use_public_funds_account"


@effects.register("register_child_allowance", AllowanceRecordParams)
def register_child_allowance(
    ctx: TransitionContext, params: AllowanceRecordParams
) -> list[OutboxDraft]:
    """Register the certified recipient in 児童手当: the paid children's 宛名番号, the
    monthly amount computed under the October-2024 rules and the first month paid."""
    start, total, amounts = computed(ctx, params)
    rows = ctx.case.data.get(params.group) or []
    paid_rows = [r for r, a in zip(rows, amounts, strict=False) if a.paid]
    record: dict[str, Any] = {
        "kind": params.kind,
        "resident_number": ctx.case.applicant_id,
        "children": _children_numbers(ctx, paid_rows),
        "monthly_amount": total,
        "payment_start": start.month.strftime("%Y-%m"),
        "decided_on": ctx.now.date().isoformat(),
        "case_reference": ctx.case.reference,
    }
    if isinstance(ctx.case.data.get(params.account_field), bool):
        record["public_funds_account"] = ctx.case.data[params.account_field]
    return [OutboxDraft("core_system", {"business": "jidou-teate", "record": record})]


class CertificationParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    child: str = "child"
    class_input: str = "certification_class"
    hours_input: str = "care_hours"
    valid_from_input: str = "valid_from"
    valid_until_input: str = "valid_until"


_CLASS_LABELS = {"1": "1号", "2": "2号", "3": "3号"}
_HOURS_LABELS = {"standard": "保育標準時間", "short": "保育短時間"}


@effects.register("register_childcare_certification", CertificationParams)
def register_childcare_certification(
    ctx: TransitionContext, params: CertificationParams
) -> list[OutboxDraft]:
    """Register the 教育・保育給付認定 in 子ども・子育て支援: the child's and the guardian's
    宛名番号, the class (1号/2号/3号), the care hours and the validity decided."""
    outcome = {**ctx.case.outcome, **ctx.inputs}
    child = ctx.case.data.get(params.child) or {}
    numbers = _children_numbers(ctx, [child])
    record: dict[str, Any] = {
        "kind": "certification",
        "resident_number": numbers[0] if numbers else "",
        "guardian_resident_number": ctx.case.applicant_id,
        "certification_class": _CLASS_LABELS.get(str(outcome.get(params.class_input)), ""),
        "valid_from": outcome.get(params.valid_from_input),
        "valid_until": outcome.get(params.valid_until_input),
        "decided_on": ctx.now.date().isoformat(),
        "case_reference": ctx.case.reference,
    }
    hours = _HOURS_LABELS.get(str(outcome.get(params.hours_input)))
    if hours and record["certification_class"] != "1号":
        record["care_hours"] = hours
    return [OutboxDraft("core_system", {"business": "kodomo-kosodate", "record": record})]


class RearingStatusParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    category_input: str = "payment_category"
    report_year: int | None = Field(default=None, description="default: the filing's year")


_CATEGORIES = {"full": "全部支給", "partial": "一部支給", "stopped": "全部停止"}


@effects.register("register_child_rearing_status", RearingStatusParams)
def register_child_rearing_status(
    ctx: TransitionContext, params: RearingStatusParams
) -> list[OutboxDraft]:
    """Register the checked 現況届 in 児童扶養手当 against the recipient's 証書番号, which the
    core system gives for the applicant."""
    found = partners.core_system("jidou-fuyou-teate", ctx.adapter_config).query(
        {"kind": "recipient", "resident_number": ctx.case.applicant_id}
    )
    outcome = {**ctx.case.outcome, **ctx.inputs}
    filed = ctx.case.created_at.date()
    record: dict[str, Any] = {
        "kind": "status_report",
        "certificate_number": found[-1]["certificate_number"] if found else "",
        "resident_number": ctx.case.applicant_id,
        "report_year": params.report_year or filed.year,
        "payment_category": _CATEGORIES.get(str(outcome.get(params.category_input)), ""),
        "received_on": filed.isoformat(),
        "case_reference": ctx.case.reference,
    }
    return [OutboxDraft("core_system", {"business": "jidou-fuyou-teate", "record": record})]
