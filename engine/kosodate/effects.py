"""Effects of the childcare procedures: registrations in the core systems that need values
computed from the case (the children's 宛名番号, the allowance amount) which the generic
``register_core_system`` cannot express. Like every effect they only write outbox rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from engine.hooks import OutboxDraft, TransitionContext, effects
from engine.kosodate import partners
from engine.kosodate.guards import AmountParams, computed, filed_on, filed_on_day
from engine.registry import NoParams


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


# ------------------------------------------------------------- 児童手当 follow-up records
#
# Every later record of a recipient (a revision, a change, the end, a donation, fees paid
# from the allowance, a status report) carries the recipient's 受給者番号, which the core
# system gave at certification and the case does not hold: the effect asks 児童手当 for the
# recipient record of the 宛名番号, as the guard ``allowance_recipient`` does. When there is
# none the number is left out and the core system refuses the record for good, which fails
# the outbox row for staff with the reason.

_ALLOWANCE = "jidou-teate"


def _latest(
    ctx: TransitionContext, business: str, criteria: dict[str, str]
) -> Mapping[str, object] | None:
    found = partners.core_system(business, ctx.adapter_config).query(criteria)
    return found[-1] if found else None


def _recipient_number(ctx: TransitionContext, resident_number: str | None) -> str | None:
    """The 受給者番号 of the latest 児童手当 recipient record of ``resident_number``."""
    if not resident_number:
        return None
    found = _latest(ctx, _ALLOWANCE, {"kind": "recipient", "resident_number": resident_number})
    return None if found is None else str(found["recipient_number"])


def _payment_month(data: dict[str, Any], month_field: str, year_field: str) -> str | None:
    """A payment month chosen as a month code ("02") and a year: ``2027-02``."""
    code, year = data.get(month_field), data.get(year_field)
    if not (isinstance(code, str) and isinstance(year, int)):
        return None
    return f"{year:04d}-{code}"


def _draft(business: str, record: dict[str, Any]) -> list[OutboxDraft]:
    clean = {k: v for k, v in record.items() if v is not None}
    return [OutboxDraft("core_system", {"business": business, "record": clean})]


def _follow_up(ctx: TransitionContext, kind: str, **fields: Any) -> list[OutboxDraft]:
    """A 児童手当 record of ``kind`` for the applicant as recipient, with ``fields``."""
    record: dict[str, Any] = {
        "kind": kind,
        "recipient_number": _recipient_number(ctx, ctx.case.applicant_id),
        "resident_number": ctx.case.applicant_id,
        **fields,
        "case_reference": ctx.case.reference,
    }
    return _draft(_ALLOWANCE, record)


def _today(ctx: TransitionContext) -> str:
    """The day in Japan the transition is fired."""
    return filed_on_day(ctx.now).isoformat()


def _active_rows(
    data: dict[str, Any], group: str, skip_field: str | None, skip_values: list[Any]
) -> list[dict[str, Any]]:
    """The rows of a repeating group (a single group as one row), less those skipped."""
    rows = data.get(group)
    rows = [rows] if isinstance(rows, dict) else rows if isinstance(rows, list) else []
    return [
        r
        for r in rows
        if isinstance(r, dict) and not (skip_field and r.get(skip_field) in skip_values)
    ]


class RevisionParams(AmountParams):
    skip_field: str | None = "change"
    skip_values: list[Any] = Field(default_factory=lambda: ["removed"])
    decrease_field: str | None = "revision_kind"


_REVISION_KINDS = {"increase": "増額", "decrease": "減額"}


@effects.register("register_allowance_revision", RevisionParams)
def register_allowance_revision(
    ctx: TransitionContext, params: RevisionParams
) -> list[OutboxDraft]:
    """Register the 額改定 in 児童手当: the new monthly total over the children who stay or
    join (computed under the October-2024 rules, as the decision's guard checked it), the
    paid children's 宛名番号 and the month the new amount applies from."""
    start, total, amounts = computed(ctx, params)
    paid = {(a.name, a.birth_date.isoformat()) for a in amounts if a.paid}
    rows = _active_rows(ctx.case.data, params.group, params.skip_field, params.skip_values)
    paid_rows = [r for r in rows if (str(r.get("name", "")), r.get("birth_date")) in paid]
    return _follow_up(
        ctx,
        "amount_revision",
        revision_kind=_REVISION_KINDS.get(str(ctx.case.data.get(params.decrease_field or ""))),
        children=_children_numbers(ctx, paid_rows) or None,
        monthly_amount=total,
        revised_from=start.month.strftime("%Y-%m"),
        event_date=ctx.case.data.get(params.event_field),
        decided_on=_today(ctx),
    )


_PENSIONS = {"kousei": "厚生年金", "kokumin": "国民年金", "shigaku_kyousai": "私立学校教職員共済"}


@effects.register("register_allowance_change", NoParams)
def register_allowance_change(ctx: TransitionContext, _params: NoParams) -> list[OutboxDraft]:
    """Register the 氏名・住所等変更届 in 児童手当: which particulars changed, the new
    pension scheme and whether the public-funds account is now used."""
    data = ctx.case.data
    changes = data.get("changes") or []
    bank = "bank" in changes
    return _follow_up(
        ctx,
        "change_notice",
        name_changed="name" in changes,
        address_changed="address" in changes,
        bank_changed=bank,
        spouse_changed="spouse" in changes,
        pension_changed="pension" in changes,
        child_address_changed="child_address" in changes,
        new_pension_scheme=_PENSIONS.get(str(data.get("new_pension_scheme")))
        if "pension" in changes
        else None,
        public_funds_account=data.get("use_public_funds_account") if bank else None,
        changed_on=data.get("change_date"),
        received_on=_today(ctx),
    )


_END_REASONS = {
    "moved_out": "市外への転出",
    "public_servant": "公務員となった",
    "no_custody": "児童を監護しなくなった",
    "child_in_facility": "児童の施設入所・里親委託",
    "claimant_change": "受給者の変更",
    "other": "その他",
}


@effects.register("register_allowance_end", NoParams)
def register_allowance_end(ctx: TransitionContext, _params: NoParams) -> list[OutboxDraft]:
    """Register the 受給事由消滅 in 児童手当: the reason, the day of the event and the last
    month paid, which is the month of the event (児童手当法 8条2項)."""
    data = ctx.case.data
    event = data.get("event_date")
    return _follow_up(
        ctx,
        "entitlement_end",
        reason=_END_REASONS.get(str(data.get("reason"))),
        event_date=event,
        last_paid_month=event[:7] if isinstance(event, str) else None,
        received_on=_today(ctx),
    )


@effects.register("register_unpaid_allowance", NoParams)
def register_unpaid_allowance(ctx: TransitionContext, _params: NoParams) -> list[OutboxDraft]:
    """Register the 未支払の児童手当 decided for the survivor against the deceased
    recipient's record: the deceased is found in the registry (name and birth date), else
    by the 受給者番号 the claimant gave; the children the claimant now brings up, the
    unpaid amount and months and the payment date staff entered."""
    data = ctx.case.data
    deceased = data.get("deceased") or {}
    registry = partners.resident_registry(ctx.adapter_config)
    members = partners.household_of(registry, ctx.case.applicant_id)
    person = partners.find_resident(
        registry, members, str(deceased.get("name", "")), deceased.get("birth_date")
    )
    deceased_number = None if person is None else person.resident_number
    recipient_number = _recipient_number(ctx, deceased_number)
    given = deceased.get("recipient_number")
    if recipient_number is None and isinstance(given, str) and given.strip():
        found = _latest(ctx, _ALLOWANCE, {"kind": "recipient", "recipient_number": given.strip()})
        if found is not None:
            recipient_number = given.strip()
            deceased_number = deceased_number or str(found["resident_number"])
    outcome = {**ctx.case.outcome, **ctx.inputs}
    rows = [r for r in _active_rows(data, "children", None, []) if r.get("in_custody")]
    record: dict[str, Any] = {
        "kind": "unpaid_claim",
        "recipient_number": recipient_number,
        "resident_number": deceased_number,
        "claimant_resident_number": ctx.case.applicant_id,
        "children": _children_numbers(ctx, rows) or None,
        "date_of_death": deceased.get("date_of_death"),
        "unpaid_amount": outcome.get("unpaid_amount"),
        "unpaid_months": outcome.get("unpaid_months"),
        "payment_date": outcome.get("payment_date"),
        "decided_on": _today(ctx),
        "case_reference": ctx.case.reference,
    }
    return _draft(_ALLOWANCE, record)


_DONATION_SCOPES = {"all": "各支払月の全額", "part": "各支払月の一部"}


@effects.register("register_allowance_donation", NoParams)
def register_allowance_donation(ctx: TransitionContext, _params: NoParams) -> list[OutboxDraft]:
    """Register the 寄附の申出 in 児童手当: all or part of each payment, from which one."""
    data = ctx.case.data
    scope = data.get("donation_scope")
    return _follow_up(
        ctx,
        "donation",
        scope=_DONATION_SCOPES.get(str(scope)),
        amount_per_payment=data.get("amount_per_payment") if scope == "part" else None,
        first_payment_month=_payment_month(data, "first_payment", "first_payment_year"),
        received_on=_today(ctx),
    )


@effects.register("register_allowance_donation_change", NoParams)
def register_allowance_donation_change(
    ctx: TransitionContext, _params: NoParams
) -> list[OutboxDraft]:
    """Register the change or withdrawal of the recipient's latest donation in 児童手当."""
    data = ctx.case.data
    donation = _latest(
        ctx, _ALLOWANCE, {"kind": "donation", "resident_number": ctx.case.applicant_id}
    )
    changing = data.get("change_kind") == "change_amount"
    scope = data.get("donation_scope") if changing else None
    return _follow_up(
        ctx,
        "donation_change",
        donation_number=None if donation is None else donation["donation_number"],
        change_kind="額の変更" if changing else "撤回",
        scope=_DONATION_SCOPES.get(str(scope)) if scope else None,
        amount_per_payment=data.get("amount_per_payment") if scope == "part" else None,
        from_payment_month=_payment_month(data, "from_payment", "from_payment_year"),
        received_on=_today(ctx),
    )


_FEES = ("school_lunch", "school_supplies", "nursery_fee", "after_school")
_COLLECTION_SCOPES = {"full_fees": "費用の全額", "fixed": "各支払月の定額"}


def _fees(ctx: TransitionContext, data: dict[str, Any]) -> dict[str, Any]:
    """The fees, children and amount of a 学校給食費等 collection as the form gives them."""
    chosen = data.get("fees") or []
    scope = data.get("collection_scope")
    rows = _active_rows(data, "children", None, [])
    return {
        "children": _children_numbers(ctx, rows) or None,
        **{fee: fee in chosen for fee in _FEES},
        "scope": _COLLECTION_SCOPES.get(str(scope)),
        "amount_per_payment": data.get("amount_per_payment") if scope == "fixed" else None,
    }


@effects.register("register_fee_collection", NoParams)
def register_fee_collection(ctx: TransitionContext, _params: NoParams) -> list[OutboxDraft]:
    """Register the 学校給食費等の徴収 in 児童手当: the children (宛名番号), the fees, the
    amount and the first payment they are taken from."""
    data = ctx.case.data
    return _follow_up(
        ctx,
        "fee_collection",
        **_fees(ctx, data),
        first_payment_month=_payment_month(data, "first_payment", "first_payment_year"),
        received_on=_today(ctx),
    )


@effects.register("register_fee_collection_change", NoParams)
def register_fee_collection_change(ctx: TransitionContext, _params: NoParams) -> list[OutboxDraft]:
    """Register the change or end of the recipient's latest 学校給食費等 collection."""
    data = ctx.case.data
    current = _latest(
        ctx, _ALLOWANCE, {"kind": "fee_collection", "resident_number": ctx.case.applicant_id}
    )
    changing = data.get("change_kind") == "change"
    return _follow_up(
        ctx,
        "fee_collection_change",
        collection_number=None if current is None else current["collection_number"],
        change_kind="変更" if changing else "中止",
        **(_fees(ctx, data) if changing else {}),
        from_payment_month=_payment_month(data, "from_payment", "from_payment_year"),
        received_on=_today(ctx),
    )


@effects.register("register_allowance_status", NoParams)
def register_allowance_status(ctx: TransitionContext, _params: NoParams) -> list[OutboxDraft]:
    """Register the checked 児童手当 現況届: the children in custody (宛名番号), where the
    recipient lives and the pension scheme on 1 June."""
    data = ctx.case.data
    filed = filed_on(ctx)
    rows = [r for r in _active_rows(data, "children", None, []) if r.get("in_custody")]
    return _follow_up(
        ctx,
        "status_report",
        report_year=filed.year,
        children=_children_numbers(ctx, rows) or None,
        lives_at_registered_address=data.get("lives_at_registered_address"),
        pension_scheme=_PENSIONS.get(str(data.get("pension_scheme"))),
        received_on=filed.isoformat(),
        checked_on=_today(ctx),
    )


_CARE_REASONS = {
    "work": "就労",
    "pregnancy": "妊娠・出産",
    "illness": "疾病・負傷",
    "disability": "障害",
    "care": "親族の介護・看護",
    "disaster": "災害の復旧",
    "job_search": "求職活動",
    "study": "就学",
    "abuse_dv": "虐待・DVのおそれ",
    "childcare_leave": "育児休業中の継続利用",
}


@effects.register("register_childcare_status", NoParams)
def register_childcare_status(ctx: TransitionContext, _params: NoParams) -> list[OutboxDraft]:
    """Register the checked 保育の現況届 in 子ども・子育て支援 against the child's latest
    certification (found by the child's 宛名番号 from the registry), with the guardian's
    reason for care and working hours."""
    data = ctx.case.data
    child = data.get("child") or {}
    numbers = _children_numbers(ctx, [child])
    child_number = numbers[0] if numbers else None
    certification = (
        None
        if child_number is None
        else _latest(
            ctx, "kodomo-kosodate", {"kind": "certification", "resident_number": child_number}
        )
    )
    guardian = data.get("guardian") or {}
    filed = filed_on(ctx)
    record: dict[str, Any] = {
        "kind": "status_report",
        "certification_number": None
        if certification is None
        else certification["certification_number"],
        "resident_number": child_number,
        "guardian_resident_number": ctx.case.applicant_id,
        "report_year": filed.year,
        "facility": child.get("facility"),
        "guardian_reason": _CARE_REASONS.get(str(guardian.get("reason"))),
        "guardian_hours_per_month": guardian.get("hours_per_month"),
        "situation_changed": data.get("situation_changed"),
        "received_on": filed.isoformat(),
        "checked_on": _today(ctx),
        "case_reference": ctx.case.reference,
    }
    return _draft("kodomo-kosodate", record)
