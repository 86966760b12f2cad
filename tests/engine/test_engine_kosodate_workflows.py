"""The 13 childcare procedures through the engine: each path of each workflow, the guards a
municipality checks, and the records registered in the core-system mocks.

Applicants are the demo personas (adapters/mock/personas.md), so the registry checks run
against real registry records: 高橋 大輔 and his newborn, the 山本 family with a third
child, the single mother 小林 さくら, the 佐藤 family with a 2-year-old.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlmodel import Session, select

from adapters.mock.world import shared_world
from engine.actors import Actor
from engine.cases import fire, submit
from engine.errors import GuardFailed
from engine.intake import core_system_handler
from engine.kosodate.allowance import children_from_form, monthly_total, payment_start
from engine.kosodate.guards import filed_on_day
from engine.models import OutboxMessage
from engine.outbox import OutboxWorker, handlers
from engine.prefill import prefill
from engine.records import CaseRecord
from engine.runtime import Runtime
from procedures.samples import sample
from tests.engine.conftest import staff

INTAKE, REVIEW, APPROVAL = staff("intake"), staff("review"), staff("approval")


def persona_number(key: str) -> str:
    return shared_world().population.persona(key).resident_number


def member_number(key: str, name: str) -> str:
    world = shared_world()
    person = world.resident_registry.by_resident_number(persona_number(key))
    assert person is not None
    household = world.resident_registry.household(person.household_number)
    assert household is not None
    return next(m.resident_number for m in household.members if m.name.full == name)


def registry_person(number: str) -> dict[str, Any]:
    """A registry record as a form's child or parent rows hold it."""
    person = shared_world().resident_registry.by_resident_number(number)
    assert person is not None
    born = person.birth_date.as_date()
    assert born is not None
    return {"name": person.name.full, "kana": person.name.full_kana, "birth_date": born.isoformat()}


def payload(rt: Runtime, procedure_id: str, applicant: str, **changes: Any) -> dict[str, Any]:
    """The sample of ``procedure_id`` prefilled for ``applicant`` from the registries, as the
    form would be on the screen (rows of the sample's children completed from the registry)."""
    world = shared_world()
    proc = rt.catalog.get(procedure_id)
    pre = prefill(
        proc.form,
        applicant,
        registry=world.resident_registry,
        accounts=world.public_funds_accounts,
    ).data
    data = sample(procedure_id)
    for key, value in pre.items():
        if key == "children" and isinstance(data.get("children"), list):
            template = data["children"][0]
            data["children"] = [{**template, **row} for row in value]
        elif isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    person = data.get("claimant") or data.get("guardian") or {}
    if isinstance(data.get("bank_account"), dict) and person.get("kana"):
        data["bank_account"]["holder_kana"] = person["kana"]
    data.update(changes)
    return data


def file_case(
    rt: Runtime,
    procedure_id: str,
    applicant: str,
    data: dict[str, Any],
    now: dt.datetime | None = None,
) -> CaseRecord:
    with Session(rt.db, expire_on_commit=False) as s:
        case = submit(
            rt,
            s,
            procedure_id,
            data,
            actor=Actor.resident(applicant),
            applicant_id=applicant,
            channel="online",
            idempotency_key=uuid.uuid4().hex,
            now=now,
        ).case
        s.commit()
    return case


def go(rt: Runtime, case_id: str, trigger: str, actor: Actor, **kw: Any) -> CaseRecord:
    with Session(rt.db) as s:
        after = fire(rt, s, case_id, trigger, actor, **kw)
        s.commit()
    return after


def deliver(rt: Runtime) -> None:
    """Run the outbox worker once with the notice and core-system handlers (documents are
    rendered by their own test)."""
    kinds = {**handlers(), "core_system": core_system_handler(rt.settings.adapters)}
    OutboxWorker(rt.db, kinds=kinds).run_once()


def make_recipient(key: str, business: str = "jidou-teate") -> None:
    """The persona is already a child allowance recipient in the core system."""
    if business != "jidou-teate":
        return  # 児童扶養手当 is seeded for the single_parent persona
    number = persona_number(key)
    system = shared_world().core_systems[business]
    if system.query({"kind": "recipient", "resident_number": number}):
        return
    system.preload(
        f"test:recipient:{number}",
        {
            "kind": "recipient",
            "resident_number": number,
            "children": [number[:-1] + "3"],
            "monthly_amount": 15_000,
            "payment_start": "2025-01",
            "decided_on": "2024-12-20",
        },
        dt.datetime(2024, 12, 20, 9, 0, tzinfo=dt.UTC),
    )


def notices(rt: Runtime, case_id: str) -> list[str]:
    with Session(rt.db) as s:
        rows = s.exec(
            select(OutboxMessage).where(
                OutboxMessage.case_id == case_id, OutboxMessage.kind == "notice"
            )
        ).all()
    return [str(r.payload["title_ja"]) for r in rows]


def _allowance_inputs(case: CaseRecord, data: dict[str, Any]) -> dict[str, Any]:
    rows = [r for r in data["children"] if r.get("change") != "removed"]
    event = data.get("event_date")
    start = payment_start(
        filed_on_day(case.created_at), dt.date.fromisoformat(event) if event else None
    ).month
    return {
        "monthly_amount": monthly_total(children_from_form(rows), start),
        "payment_start_month": start.strftime("%Y-%m"),
    }


@dataclass(frozen=True)
class Flow:
    """How one procedure is filed and decided in these tests."""

    procedure_id: str
    persona: str
    shape: str
    inputs: Callable[[CaseRecord, dict[str, Any]], dict[str, Any]] = lambda _c, _d: {}
    recipient: str | None = None
    changes: dict[str, Any] = field(default_factory=dict)


def _hoiku_changes() -> dict[str, Any]:
    child = registry_person(member_number("family_expecting", "佐藤\u3000陽菜"))
    return {"child": {**sample("hoiku-shikyuu-nintei")["child"], **child}}


def _hoiku_genkyou_changes() -> dict[str, Any]:
    child = registry_person(member_number("family_expecting", "佐藤\u3000陽菜"))
    child.pop("kana")
    return {"child": {**sample("hoiku-genkyou")["child"], **child}}


FLOWS = [
    Flow("jidou-teate-nintei", "newborn_family", "application", _allowance_inputs),
    Flow(
        "jidou-teate-gaku-kaitei",
        "newborn_family",
        "application",
        _allowance_inputs,
        recipient="jidou-teate",
    ),
    Flow("jidou-teate-henkou", "newborn_family", "notification", recipient="jidou-teate"),
    Flow("jidou-teate-shoumetsu", "newborn_family", "notification", recipient="jidou-teate"),
    Flow(
        "jidou-teate-mishiharai",
        "newborn_family",
        "application",
        lambda _c, _d: {
            "unpaid_amount": 30_000,
            "unpaid_months": "2025-02〜2025-03",
            "payment_date": "2025-06-13",
        },
    ),
    Flow("jidou-teate-kifu", "newborn_family", "notification", recipient="jidou-teate"),
    Flow("jidou-teate-kifu-henkou", "newborn_family", "notification", recipient="jidou-teate"),
    Flow("jidou-teate-choushuu", "third_child_family", "notification", recipient="jidou-teate"),
    Flow(
        "jidou-teate-choushuu-henkou",
        "third_child_family",
        "notification",
        recipient="jidou-teate",
    ),
    Flow("jidou-teate-genkyou", "third_child_family", "status_report", recipient="jidou-teate"),
    Flow(
        "hoiku-shikyuu-nintei",
        "family_expecting",
        "application",
        lambda _c, _d: {
            "certification_class": "3",
            "care_hours": "standard",
            "valid_from": "2027-04-01",
            "valid_until": "2027-05-08",
        },
    ),
    Flow("hoiku-genkyou", "family_expecting", "status_report"),
    Flow(
        "jidou-fuyou-genkyou",
        "single_parent",
        "status_report",
        lambda _c, _d: {"payment_category": "partial"},
        recipient="jidou-fuyou-teate",
    ),
]
IDS = [f.procedure_id for f in FLOWS]


def _applicant(flow: Flow) -> str:
    if flow.procedure_id == "jidou-teate-mishiharai":
        return member_number("newborn_family", "高橋\u3000彩")  # the surviving spouse claims
    return persona_number(flow.persona)


def _filed(rt: Runtime, flow: Flow) -> tuple[CaseRecord, dict[str, Any], str]:
    if flow.recipient:
        make_recipient(flow.persona, flow.recipient)
    applicant = _applicant(flow)
    changes = dict(flow.changes)
    if flow.procedure_id == "hoiku-shikyuu-nintei":
        changes |= _hoiku_changes()
    if flow.procedure_id == "hoiku-genkyou":
        changes |= _hoiku_genkyou_changes()
    data = payload(rt, flow.procedure_id, applicant, **changes)
    return file_case(rt, flow.procedure_id, applicant, data), data, applicant


def _decide(rt: Runtime, flow: Flow, case: CaseRecord, data: dict[str, Any]) -> CaseRecord:
    """Take a received case to its positive outcome; returns it in its final state."""
    if flow.shape == "application":
        go(rt, case.id, "start_review", REVIEW)
        go(rt, case.id, "submit_for_sign_off", REVIEW)
        go(rt, case.id, "approve", APPROVAL, inputs=flow.inputs(case, data))
        return go(rt, case.id, "notify", INTAKE)
    if flow.shape == "notification":
        go(rt, case.id, "record", INTAKE)
        return go(rt, case.id, "close", INTAKE)
    go(rt, case.id, "check", REVIEW)
    return go(rt, case.id, "continue_benefit", REVIEW, inputs=flow.inputs(case, data))


FINAL = {"application": "closed", "notification": "closed", "status_report": "continued"}


@pytest.mark.parametrize("flow", FLOWS, ids=IDS)
def test_approval_path(rt: Runtime, flow: Flow) -> None:
    case, data, _ = _filed(rt, flow)
    go(rt, case.id, "receive", INTAKE)
    done = _decide(rt, flow, case, data)
    assert done.state == FINAL[flow.shape]
    assert notices(rt, case.id), "the resident hears of the outcome"


@pytest.mark.parametrize("flow", FLOWS, ids=IDS)
def test_correction_and_resubmission(rt: Runtime, flow: Flow) -> None:
    case, data, applicant = _filed(rt, flow)
    go(rt, case.id, "receive", INTAKE)
    if flow.shape == "status_report":
        go(rt, case.id, "check", REVIEW)
    asked = go(rt, case.id, "request_correction", REVIEW, comment="電話番号をご確認ください。")
    assert asked.state == "correction_requested"
    assert asked.paused_since is not None  # the clock stops while the resident holds it
    person = "guardian" if "guardian" in data and "claimant" not in data else "claimant"
    key, value = ("phone", "09011112222") if "phone" in data[person] else ("employer", "国立市役所")
    fixed = {person: {**data[person], key: value}}
    again = go(rt, case.id, "resubmit", Actor.resident(applicant), data=fixed)
    assert again.data[person][key] == value
    assert again.state in ("under_review", "received", "checking")
    if flow.shape == "application":
        go(rt, case.id, "submit_for_sign_off", REVIEW)
        go(rt, case.id, "approve", APPROVAL, inputs=flow.inputs(case, data))
        assert go(rt, case.id, "notify", INTAKE).state == "closed"
    elif flow.shape == "notification":
        assert go(rt, case.id, "record", INTAKE).state == "recorded"
    else:
        done = go(rt, case.id, "continue_benefit", REVIEW, inputs=flow.inputs(case, data))
        assert done.state == "continued"
    assert any("訂正" in t for t in notices(rt, case.id))


@pytest.mark.parametrize("flow", FLOWS, ids=IDS)
def test_rejection(rt: Runtime, flow: Flow) -> None:
    case, _data, _ = _filed(rt, flow)
    if flow.shape == "notification":
        out = go(rt, case.id, "reject_intake", INTAKE, comment="添付書類が読めません。")
        assert out.state == "intake_error"
        return
    go(rt, case.id, "receive", INTAKE)
    if flow.shape == "application":
        go(rt, case.id, "start_review", REVIEW)
        go(rt, case.id, "submit_for_sign_off", REVIEW)
        go(rt, case.id, "reject", APPROVAL, comment="支給要件に当たりません。")
        assert go(rt, case.id, "notify", INTAKE).state == "closed"
        assert any("却下" in t for t in notices(rt, case.id))
    else:
        go(rt, case.id, "check", REVIEW)
        go(rt, case.id, "needs_follow_up", REVIEW, comment="別居の実態を確認します。")
        out = go(rt, case.id, "resolve_follow_up", REVIEW, comment="面談で確認済み。")
        assert out.state == "resolved"


@pytest.mark.parametrize("flow", FLOWS, ids=IDS)
def test_withdrawal(rt: Runtime, flow: Flow) -> None:
    case, _data, applicant = _filed(rt, flow)
    go(rt, case.id, "receive", INTAKE)
    assert go(rt, case.id, "withdraw", Actor.resident(applicant)).state == "withdrawn"


# ---------------------------------------------------------------- core-system records


def test_certified_claim_registers_the_recipient_with_children_and_amount(rt: Runtime) -> None:
    flow = FLOWS[0]
    case, data, applicant = _filed(rt, flow)
    go(rt, case.id, "receive", INTAKE)
    _decide(rt, flow, case, data)
    deliver(rt)
    records = (
        shared_world()
        .core_systems["jidou-teate"]
        .query({"kind": "recipient", "case_reference": case.reference})
    )
    assert len(records) == 1
    rec = records[0]
    assert rec["resident_number"] == applicant
    assert rec["children"] == [member_number("newborn_family", "高橋\u3000陽翔")]
    assert rec["monthly_amount"] == 15_000
    expected = _allowance_inputs(case, data)["payment_start_month"]
    assert rec["payment_start"] == expected
    assert str(rec["recipient_number"]).startswith("JT")


def test_childcare_certification_is_registered_for_the_child(rt: Runtime) -> None:
    flow = FLOWS[IDS.index("hoiku-shikyuu-nintei")]
    case, data, applicant = _filed(rt, flow)
    go(rt, case.id, "receive", INTAKE)
    _decide(rt, flow, case, data)
    deliver(rt)
    [rec] = (
        shared_world()
        .core_systems["kodomo-kosodate"]
        .query({"kind": "certification", "case_reference": case.reference})
    )
    assert rec["resident_number"] == member_number("family_expecting", "佐藤\u3000陽菜")
    assert rec["guardian_resident_number"] == applicant
    assert (rec["certification_class"], rec["care_hours"]) == ("3号", "保育標準時間")


def test_child_rearing_status_report_is_registered_against_the_certificate(rt: Runtime) -> None:
    flow = FLOWS[IDS.index("jidou-fuyou-genkyou")]
    case, data, applicant = _filed(rt, flow)
    go(rt, case.id, "receive", INTAKE)
    _decide(rt, flow, case, data)
    deliver(rt)
    system = shared_world().core_systems["jidou-fuyou-teate"]
    [rec] = system.query({"kind": "status_report", "case_reference": case.reference})
    [recipient] = system.query({"kind": "recipient", "resident_number": applicant})
    assert rec["certificate_number"] == recipient["certificate_number"]
    assert rec["payment_category"] == "一部支給"


# ---------------------------------------------------------------- guards


def _to_review(rt: Runtime, case: CaseRecord) -> None:
    go(rt, case.id, "receive", INTAKE)
    go(rt, case.id, "start_review", REVIEW)


def test_a_claimant_not_in_the_registry_is_stopped_before_sign_off(rt: Runtime) -> None:
    stranger = "1999999999"
    data = payload(rt, "jidou-teate-nintei", persona_number("newborn_family"))
    case = file_case(rt, "jidou-teate-nintei", stranger, data)
    _to_review(rt, case)
    with pytest.raises(GuardFailed) as exc:
        go(rt, case.id, "submit_for_sign_off", REVIEW)
    assert "住民記録" in exc.value.ja


def test_a_child_not_in_the_household_needs_a_separate_custody_statement(rt: Runtime) -> None:
    applicant = persona_number("newborn_family")
    data = payload(rt, "jidou-teate-nintei", applicant)
    stranger = {**data["children"][0], "name": "高橋 海斗", "kana": "タカハシ カイト"}
    data["children"] = [*data["children"], stranger]
    case = file_case(rt, "jidou-teate-nintei", applicant, data)
    _to_review(rt, case)
    with pytest.raises(GuardFailed) as exc:
        go(rt, case.id, "submit_for_sign_off", REVIEW)
    assert "高橋\u3000海斗" in exc.value.ja
    assert "別居監護申立書" in exc.value.ja
    go(rt, case.id, "withdraw", Actor.resident(applicant))
    apart = {
        **stranger,
        "lives_with_claimant": False,
        "address": {"prefecture": "東京都", "city": "府中市", "town": "宮西町", "block": "1番地"},
    }
    statement = sample("jidou-teate-nintei")["bank_book_copy"]
    data = {**data, "children": [data["children"][0], apart]}
    data["separate_custody_statement"] = statement
    ok = file_case(rt, "jidou-teate-nintei", applicant, data)
    _to_review(rt, ok)
    assert go(rt, ok.id, "submit_for_sign_off", REVIEW).state == "awaiting_sign_off"


def test_both_parents_claiming_for_the_same_child_is_caught(rt: Runtime) -> None:
    father = persona_number("newborn_family")
    mother = member_number("newborn_family", "高橋\u3000彩")
    first = file_case(rt, "jidou-teate-nintei", father, payload(rt, "jidou-teate-nintei", father))
    mother_data = payload(rt, "jidou-teate-nintei", mother)
    second = file_case(rt, "jidou-teate-nintei", mother, mother_data)
    _to_review(rt, second)
    with pytest.raises(GuardFailed) as exc:
        go(rt, second.id, "submit_for_sign_off", REVIEW)
    assert first.reference in exc.value.ja
    go(rt, first.id, "withdraw", Actor.resident(father))  # the father withdraws his
    assert go(rt, second.id, "submit_for_sign_off", REVIEW).state == "awaiting_sign_off"


def test_the_amount_entered_must_match_the_rules(rt: Runtime) -> None:
    applicant = persona_number("newborn_family")
    data = payload(rt, "jidou-teate-nintei", applicant)
    case = file_case(rt, "jidou-teate-nintei", applicant, data)
    _to_review(rt, case)
    go(rt, case.id, "submit_for_sign_off", REVIEW)
    wrong = {**_allowance_inputs(case, data), "monthly_amount": 10_000}
    with pytest.raises(GuardFailed) as exc:
        go(rt, case.id, "approve", APPROVAL, inputs=wrong)
    assert "15,000円" in exc.value.ja
    assert "第1子" in exc.value.ja


def test_a_late_claim_is_accepted_and_paid_from_the_month_after_it(rt: Runtime) -> None:
    applicant = persona_number("newborn_family")
    data = payload(rt, "jidou-teate-nintei", applicant)
    born = dt.date.fromisoformat(data["event_date"])
    late = dt.datetime.combine(born + dt.timedelta(days=40), dt.time(1, 0), tzinfo=dt.UTC)
    case = file_case(rt, "jidou-teate-nintei", applicant, data, now=late)
    with Session(rt.db) as s:
        for trigger, who in (
            ("receive", INTAKE),
            ("start_review", REVIEW),
            ("submit_for_sign_off", REVIEW),
        ):
            fire(rt, s, case.id, trigger, who, now=late)
        s.commit()
    first_month = payment_start(filed_on_day(late), born).month
    assert first_month > dt.date(born.year, born.month, 1) + dt.timedelta(days=31)
    inputs = _allowance_inputs(case, data)
    assert inputs["payment_start_month"] == first_month.strftime("%Y-%m")
    assert go(rt, case.id, "approve", APPROVAL, inputs=inputs, now=late).state == "approved"


def test_follow_up_procedures_need_an_existing_recipient(rt: Runtime) -> None:
    applicant = persona_number("care_renewal")  # lives here, never claimed the allowance
    data = payload(rt, "jidou-teate-kifu", applicant)
    case = file_case(rt, "jidou-teate-kifu", applicant, data)
    go(rt, case.id, "receive", INTAKE)
    with pytest.raises(GuardFailed) as exc:
        go(rt, case.id, "record", INTAKE)
    assert "認定請求" in exc.value.ja


def test_working_hours_below_the_floor_stop_a_care_certification(rt: Runtime) -> None:
    flow = FLOWS[IDS.index("hoiku-shikyuu-nintei")]
    applicant = persona_number(flow.persona)
    data = payload(rt, flow.procedure_id, applicant, **_hoiku_changes())
    data["guardian"] = {**data["guardian"], "hours_per_month": 40}
    case = file_case(rt, flow.procedure_id, applicant, data)
    _to_review(rt, case)
    with pytest.raises(GuardFailed) as exc:
        go(rt, case.id, "submit_for_sign_off", REVIEW)
    assert "月48時間" in exc.value.ja


def newborn_claim(rt: Runtime) -> tuple[CaseRecord, dict[str, Any]]:
    """A child allowance claim by 高橋 大輔 (newborn_family) that passes the registry checks,
    and the approval inputs the rules give for it: for engine tests that need a claim to go
    all the way through."""
    applicant = persona_number("newborn_family")
    data = payload(rt, "jidou-teate-nintei", applicant)
    case = file_case(rt, "jidou-teate-nintei", applicant, data)
    return case, _allowance_inputs(case, data)
