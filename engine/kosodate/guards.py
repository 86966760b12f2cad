"""Guards a municipality checks on childcare claims, each saying in ja and en what to fix.

- ``claimant_lives_here``: the applicant is in this municipality's resident registry;
- ``children_in_household``: every child listed as living with the claimant is in the
  claimant's household, and a separate-custody statement is attached for the others;
- ``no_duplicate_open_claim``: no other open claim lists the same child;
- ``allowance_recipient``: the applicant is a recipient in the core system (follow-up
  procedures such as a change or a status report);
- ``allowance_amount_confirmed``: the monthly amount and first month staff record agree
  with the computation under the October-2024 rules (engine.kosodate.allowance);
- ``care_need_hours``: each parent whose reason is work reaches the working-hours floor.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select

from engine.hooks import TransitionContext, guards
from engine.kosodate import allowance, partners
from engine.models import Case
from engine.registry import NoParams


def _rows(data: dict[str, Any], group: str) -> list[dict[str, Any]]:
    """The rows of a repeating group, or a single group as one row."""
    rows = data.get(group)
    if isinstance(rows, dict):
        return [rows]
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _active(row: dict[str, Any], skip_field: str | None, skip_values: list[Any]) -> bool:
    return not (skip_field and row.get(skip_field) in skip_values)


@guards.register("claimant_lives_here", NoParams)
def claimant_lives_here(ctx: TransitionContext, _params: NoParams) -> tuple[str, str] | None:
    """The applicant has a record in the resident registry (住民基本台帳) of this municipality."""
    if (
        partners.resident_registry(ctx.adapter_config).by_resident_number(ctx.case.applicant_id)
        is not None
    ):
        return None
    return (
        "申請者の住民記録がこの市区町村にありません。住所地の市区町村に申請するよう案内するか、"
        "転入届の後に申請してもらってください。",
        "The applicant has no record in this municipality's resident registry. Refer them "
        "to the municipality where they live, or have them apply after the moving-in notice.",
    )


class ChildrenParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    group: str = "children"
    lives_with: str = "lives_with_claimant"
    statement: str = "separate_custody_statement"
    skip_field: str | None = Field(default=None, description="rows to leave out, e.g. change")
    skip_values: list[Any] = Field(default_factory=list)


@guards.register("children_in_household", ChildrenParams)
def children_in_household(ctx: TransitionContext, params: ChildrenParams) -> tuple[str, str] | None:
    """Each child said to live with the applicant is in the applicant's registered household
    (name and birth date); for a child living apart a separate-custody statement is attached."""
    registry = partners.resident_registry(ctx.adapter_config)
    members = partners.household_of(registry, ctx.case.applicant_id)
    missing: list[str] = []
    no_statement: list[str] = []
    for row in _rows(ctx.case.data, params.group):
        if not _active(row, params.skip_field, params.skip_values):
            continue
        name = str(row.get("name", ""))
        if row.get(params.lives_with) is False:
            if not ctx.case.data.get(params.statement):
                no_statement.append(name)
        elif partners.find_member(members, name, row.get("birth_date")) is None:
            missing.append(name)
    if not missing and not no_statement:
        return None
    ja: list[str] = []
    en: list[str] = []
    if missing:
        ja.append(
            f"同じ世帯に住民登録がない児童がいます: {'、'.join(missing)}。"
            "氏名と生年月日を住民記録と照らし、別居なら別居監護申立書の提出を依頼してください。"
        )
        en.append(
            f"Not registered in the applicant's household: {', '.join(missing)}. Check the "
            "name and birth date against the registry; if the child lives apart, ask for a "
            "statement of separate custody."
        )
    if no_statement:
        ja.append(f"別居している児童の別居監護申立書がありません: {'、'.join(no_statement)}。")
        en.append(f"No statement of separate custody for: {', '.join(no_statement)}.")
    return ("".join(ja), " ".join(en))


class DuplicateParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    group: str = "children"
    procedures: list[str] = Field(default_factory=list, description="default: this one")
    skip_field: str | None = None
    skip_values: list[Any] = Field(default_factory=list)


def _child_key(row: dict[str, Any]) -> tuple[str, str] | None:
    name, born = row.get("name"), row.get("birth_date")
    if not isinstance(name, str) or not isinstance(born, str):
        return None
    return (partners.compact(name), born)


@guards.register("no_duplicate_open_claim", DuplicateParams)
def no_duplicate_open_claim(
    ctx: TransitionContext, params: DuplicateParams
) -> tuple[str, str] | None:
    """No other open case (of this procedure, or those named) lists one of the same children,
    e.g. both parents claiming for the same child."""
    mine = {
        k: str(row["name"])
        for row in _rows(ctx.case.data, params.group)
        if _active(row, params.skip_field, params.skip_values) and (k := _child_key(row))
    }
    if not mine:
        return None
    wf = ctx.procedure.workflow
    closed = [s.id for s in wf.states if s.terminal]
    procedures = params.procedures or [ctx.procedure.id]
    others = ctx.session.exec(
        select(Case.reference, Case.data).where(
            col(Case.organisation_id) == ctx.case.organisation_id,
            col(Case.procedure_id).in_(procedures),
            col(Case.id) != ctx.case.id,
            col(Case.state).not_in(closed),
        )
    ).all()
    for reference, data in others:
        theirs = {k for row in _rows(dict(data or {}), params.group) if (k := _child_key(row))}
        both = sorted(mine[k] for k in mine.keys() & theirs)
        if both:
            return (
                f"同じ児童について処理中の請求があります（受付番号 {reference}）: "
                f"{'、'.join(both)}。"
                "どちらの請求を続けるか請求者に確認してください。",
                f"An open claim lists the same child (reference {reference}): "
                f"{', '.join(both)}. Ask the claimants which claim is to go on.",
            )
    return None


class RecipientParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    business: str = "jidou-teate"
    kind: str = "recipient"


@guards.register("allowance_recipient", RecipientParams)
def allowance_recipient(ctx: TransitionContext, params: RecipientParams) -> tuple[str, str] | None:
    """The applicant is a recipient in the core system (a change, a donation or a status
    report needs an existing certification)."""
    found = partners.core_system(params.business, ctx.adapter_config).query(
        {"kind": params.kind, "resident_number": ctx.case.applicant_id}
    )
    if found:
        return None
    return (
        "申請者は受給者として基幹システムに登録されていません。先に認定請求が必要です。"
        "認定請求の手続を案内してください。",
        "The applicant is not registered as a recipient in the core system; a claim for "
        "certification comes first. Refer them to it.",
    )


class AmountParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    group: str = "children"
    event_field: str = "event_date"
    amount_input: str = "monthly_amount"
    start_input: str = "payment_start_month"
    skip_field: str | None = None
    skip_values: list[Any] = Field(default_factory=list)
    decrease_field: str | None = Field(
        default=None, description="a decrease applies from the month after the event"
    )
    decrease_value: str = "decrease"


JST = dt.timezone(dt.timedelta(hours=9))


def filed_on(ctx: TransitionContext) -> dt.date:
    """The day in Japan the case was filed (the claim's date for the 15-day rule)."""
    return filed_on_day(ctx.case.created_at)


def filed_on_day(created: dt.datetime) -> dt.date:
    """The day in Japan of a filing time (naive values are UTC)."""
    aware = created if created.tzinfo else created.replace(tzinfo=dt.UTC)
    return aware.astimezone(JST).date()


def claim_children(
    data: dict[str, Any], group: str, skip_field: str | None, skip_values: list[Any]
) -> list[allowance.Child]:
    """The children of a claim the amount is computed over."""
    rows = [r for r in _rows(data, group) if _active(r, skip_field, skip_values)]
    return allowance.children_from_form(rows)


def figures(
    data: dict[str, Any], filed: dt.date, params: AmountParams
) -> tuple[allowance.PaymentStart, int, list[allowance.ChildAmount]]:
    """The first month paid, the monthly total and each child's amount for a claim's data
    filed on ``filed`` (also what the decision notice prints)."""
    event = data.get(params.event_field)
    event_day = dt.date.fromisoformat(event) if isinstance(event, str) else None
    if (
        params.decrease_field
        and data.get(params.decrease_field) == params.decrease_value
        and event_day is not None
    ):
        start = allowance.PaymentStart(allowance.next_month(event_day), False, False)
    else:
        start = allowance.payment_start(filed, event_day)
    children = claim_children(data, params.group, params.skip_field, params.skip_values)
    amounts = allowance.monthly_amounts(children, start.month)
    return start, sum(a.amount for a in amounts), amounts


def computed(
    ctx: TransitionContext, params: AmountParams
) -> tuple[allowance.PaymentStart, int, list[allowance.ChildAmount]]:
    """:func:`figures` for the case a transition is fired on."""
    return figures(ctx.case.data, filed_on(ctx), params)


@guards.register("allowance_amount_confirmed", AmountParams)
def allowance_amount_confirmed(
    ctx: TransitionContext, params: AmountParams
) -> tuple[str, str] | None:
    """The monthly amount and the first month paid entered at the decision are the ones the
    rules since October 2024 give for the children of the claim."""
    start, total, amounts = computed(ctx, params)
    merged = {**ctx.case.outcome, **ctx.inputs}
    month = start.month.strftime("%Y-%m")
    if merged.get(params.amount_input) == total and merged.get(params.start_input) == month:
        return None
    detail_ja = "、".join(
        f"{a.name} {a.amount:,}円" + (f"（第{a.order}子）" if a.order else "") for a in amounts
    )
    detail_en = ", ".join(f"{a.name} {a.amount:,} yen" for a in amounts)
    return (
        f"計算上の手当月額は{total:,}円（{detail_ja}）、支給開始月は{month}です。"
        "入力した月額と支給開始月を確認してください。",
        f"The rules give a monthly amount of {total:,} yen ({detail_en}) from {month}. "
        "Check the amount and the first month entered.",
    )


class HoursParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    min_hours: int = Field(ge=1, le=200, description="the municipality's floor (48-64)")
    parents: list[list[str]] = Field(min_length=1, description="[reason path, hours path]")
    work_reason: str = "work"
    class_field: str = "requested_class"
    education_only: list[str] = Field(default_factory=lambda: ["1"])


def _dig(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


@guards.register("care_need_hours", HoursParams)
def care_need_hours(ctx: TransitionContext, params: HoursParams) -> tuple[str, str] | None:
    """Each parent whose reason for care is work works at least the municipality's floor
    of hours a month (子ども・子育て支援法施行規則 1条の5第1号: 48 to 64 hours)."""
    data = ctx.case.data
    if data.get(params.class_field) in params.education_only:
        return None
    short = []
    for reason_path, hours_path in params.parents:
        if _dig(data, reason_path) != params.work_reason:
            continue
        hours = _dig(data, hours_path)
        if not isinstance(hours, int) or hours < params.min_hours:
            short.append(f"{reason_path.split('.')[0]}: {hours}")
    if not short:
        return None
    return (
        f"就労時間が月{params.min_hours}時間の下限に届かない保護者がいます（{'、'.join(short)}）。"
        "就労証明書の時間を確認し、ほかの事由（求職活動など）に当たらないか確認してください。",
        f"A parent works fewer than the floor of {params.min_hours} hours a month "
        f"({', '.join(short)}). Check the employment certificate, and whether another reason "
        "(such as job search) applies.",
    )


@guards.register("interview_seat_held", NoParams)
def interview_seat_held(ctx: TransitionContext, _params: NoParams) -> tuple[str, str] | None:
    """The pregnancy interview is booked only with a seat held in a configured slot.

    :func:`engine.booking.book` takes the seat and fires the transition in one transaction;
    firing the transition any other way (a generic action screen, the API) is refused, so
    capacity always applies.
    """
    from engine.childcare_models import InterviewBooking

    held = ctx.session.exec(
        select(InterviewBooking.id).where(
            InterviewBooking.case_id == ctx.case.id,
            InterviewBooking.status == "booked",
            col(InterviewBooking.seat).is_not(None),
        )
    ).first()
    if held is not None:
        return None
    return (
        "面談の予約は「面談の予約」の画面で、空いている日時を選んでください。",
        "Book the interview on the interview booking page by choosing a free slot.",
    )
