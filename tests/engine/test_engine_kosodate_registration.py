"""The 10 childcare follow-up procedures register their result in the core-system mocks.

Each is taken along its approval path, the outbox worker delivers the core-system row,
and the mock must then hold exactly one record for the case, with the values the
standard-compliant system would receive (the recipient's 受給者番号 or the child's 認定番号
linking it to the existing record). A second worker pass, and a repeated delivery of the
same row (a worker that died before marking it done), add nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from sqlmodel import Session, select

from adapters.mock.core_systems import MockCoreSystem
from adapters.mock.world import shared_world
from engine.intake import core_system_handler
from engine.kosodate.guards import filed_on_day
from engine.models import OutboxMessage
from engine.records import CaseRecord
from engine.runtime import Runtime
from procedures.samples import sample
from tests.engine.test_engine_kosodate_workflows import (
    FLOWS,
    INTAKE,
    Flow,
    _allowance_inputs,
    _decide,
    _filed,
    deliver,
    go,
    make_recipient,
    member_number,
    persona_number,
    registry_person,
)

Record = Mapping[str, object]


def _system(business: str) -> MockCoreSystem:
    return shared_world().core_systems[business]


def _latest(business: str, criteria: dict[str, str]) -> Record:
    found = _system(business).query(criteria)
    assert found, f"{business} holds no {criteria}"
    return found[-1]


def _preload(business: str, key: str, record: dict[str, object]) -> None:
    """A record the core system already holds (once per process: the world is shared)."""
    system = _system(business)
    if system.lookup(key) is None:
        system.preload(key, record, dt.datetime(2025, 1, 10, 0, 0, tzinfo=dt.UTC))


def _recipient_of(key: str) -> str:
    make_recipient(key)
    number = persona_number(key)
    return str(
        _latest("jidou-teate", {"kind": "recipient", "resident_number": number})["recipient_number"]
    )


def _donation(key: str) -> None:
    number = persona_number(key)
    _preload(
        "jidou-teate",
        f"test:donation:{number}",
        {
            "kind": "donation",
            "recipient_number": _recipient_of(key),
            "resident_number": number,
            "scope": "各支払月の一部",
            "amount_per_payment": 10_000,
            "first_payment_month": "2025-02",
            "received_on": "2025-01-10",
        },
    )


def _fee_collection(key: str) -> None:
    number = persona_number(key)
    _preload(
        "jidou-teate",
        f"test:fee_collection:{number}",
        {
            "kind": "fee_collection",
            "recipient_number": _recipient_of(key),
            "resident_number": number,
            "children": [member_number(key, "山本\u3000湊")],
            "school_lunch": True,
            "school_supplies": False,
            "nursery_fee": False,
            "after_school": False,
            "scope": "費用の全額",
            "first_payment_month": "2025-02",
            "received_on": "2025-01-10",
        },
    )


def _flow(procedure_id: str, **changes: Any) -> Flow:
    flow = next(f for f in FLOWS if f.procedure_id == procedure_id)
    return Flow(
        flow.procedure_id,
        flow.persona,
        flow.shape,
        flow.inputs,
        flow.recipient,
        {**flow.changes, **changes},
    )


def _minato() -> dict[str, Any]:
    child = registry_person(member_number("third_child_family", "山本\u3000湊"))
    return {"name": child["name"], "birth_date": child["birth_date"], "school": "国立第三中学校"}


def _today() -> str:
    return filed_on_day(dt.datetime.now(dt.UTC)).isoformat()


def _links_to_recipient(rec: Record, resident: str) -> None:
    """The record names an existing 受給者番号 of ``resident``."""
    [recipient] = _system("jidou-teate").query(
        {"kind": "recipient", "recipient_number": str(rec["recipient_number"])}
    )
    assert recipient["resident_number"] == resident == rec["resident_number"]


# What each case's record must hold, given the case, its data and the applicant.
Check = Callable[[Record, CaseRecord, dict[str, Any], str], None]


def _revision(rec: Record, case: CaseRecord, data: dict[str, Any], who: str) -> None:
    _links_to_recipient(rec, who)
    inputs = _allowance_inputs(case, data)
    assert rec["revision_kind"] == "増額"
    assert rec["monthly_amount"] == inputs["monthly_amount"] == 15_000
    assert rec["revised_from"] == inputs["payment_start_month"]
    assert rec["children"] == [member_number("newborn_family", "高橋\u3000陽翔")]
    assert rec["event_date"] == data["event_date"]
    assert rec["decided_on"] == _today()


def _change(rec: Record, _case: CaseRecord, data: dict[str, Any], who: str) -> None:
    _links_to_recipient(rec, who)
    assert data["changes"] == ["bank"]
    flags = ("name", "address", "bank", "spouse", "pension", "child_address")
    assert {f: rec[f"{f}_changed"] for f in flags} == {f: f == "bank" for f in flags}
    assert rec["public_funds_account"] is False
    assert "new_pension_scheme" not in rec
    assert (rec["changed_on"], rec["received_on"]) == (data["change_date"], _today())


def _end(rec: Record, _case: CaseRecord, data: dict[str, Any], who: str) -> None:
    _links_to_recipient(rec, who)
    assert rec["reason"] == "市外への転出"
    assert rec["event_date"] == data["event_date"]
    assert rec["last_paid_month"] == data["event_date"][:7]


def _unpaid(rec: Record, _case: CaseRecord, data: dict[str, Any], who: str) -> None:
    deceased = persona_number("newborn_family")
    _links_to_recipient(rec, deceased)
    assert rec["claimant_resident_number"] == who != deceased
    assert rec["children"] == [member_number("newborn_family", "高橋\u3000陽翔")]
    assert rec["date_of_death"] == data["deceased"]["date_of_death"]
    assert (rec["unpaid_amount"], rec["unpaid_months"], rec["payment_date"]) == (
        30_000,
        "2025-02〜2025-03",
        "2025-06-13",
    )


def _donated(rec: Record, _case: CaseRecord, data: dict[str, Any], who: str) -> None:
    _links_to_recipient(rec, who)
    assert (rec["scope"], rec["amount_per_payment"]) == ("各支払月の一部", 10_000)
    assert rec["first_payment_month"] == f"{data['first_payment_year']}-{data['first_payment']}"


def _donation_changed(rec: Record, _case: CaseRecord, data: dict[str, Any], who: str) -> None:
    _links_to_recipient(rec, who)
    [donation] = _system("jidou-teate").query(
        {"kind": "donation", "donation_number": str(rec["donation_number"])}
    )
    assert donation["resident_number"] == who
    assert rec["change_kind"] == "撤回"
    assert "scope" not in rec
    assert rec["from_payment_month"] == f"{data['from_payment_year']}-{data['from_payment']}"


def _collected(rec: Record, _case: CaseRecord, data: dict[str, Any], who: str) -> None:
    _links_to_recipient(rec, who)
    assert rec["children"] == [member_number("third_child_family", "山本\u3000湊")]
    assert (rec["school_lunch"], rec["nursery_fee"], rec["scope"]) == (True, False, "費用の全額")
    assert rec["first_payment_month"] == f"{data['first_payment_year']}-{data['first_payment']}"


def _collection_changed(rec: Record, _case: CaseRecord, data: dict[str, Any], who: str) -> None:
    _links_to_recipient(rec, who)
    [current] = _system("jidou-teate").query(
        {"kind": "fee_collection", "collection_number": str(rec["collection_number"])}
    )
    assert current["resident_number"] == who
    assert rec["change_kind"] == "中止"
    assert "children" not in rec
    assert rec["from_payment_month"] == f"{data['from_payment_year']}-{data['from_payment']}"


def _status(rec: Record, case: CaseRecord, data: dict[str, Any], who: str) -> None:
    _links_to_recipient(rec, who)
    paid = {member_number("third_child_family", n) for n in ("山本\u3000凛", "山本\u3000湊")}
    assert paid <= set(rec["children"])  # type: ignore[arg-type]
    assert rec["report_year"] == filed_on_day(case.created_at).year
    assert rec["lives_at_registered_address"] is data["lives_at_registered_address"]
    assert rec["pension_scheme"] == "厚生年金"
    assert rec["checked_on"] == _today()


def _care_status(rec: Record, _case: CaseRecord, data: dict[str, Any], who: str) -> None:
    child = member_number("family_expecting", "佐藤\u3000陽菜")
    [certification] = _system("kodomo-kosodate").query(
        {"kind": "certification", "certification_number": str(rec["certification_number"])}
    )
    assert certification["resident_number"] == rec["resident_number"] == child
    assert rec["guardian_resident_number"] == who
    assert rec["facility"] == data["child"]["facility"]
    assert rec["guardian_reason"] == "就労"
    assert rec["guardian_hours_per_month"] == data["guardian"]["hours_per_month"]
    assert rec["situation_changed"] is False


@pytest.fixture(autouse=True)
def _existing_records() -> None:
    """What the core systems hold before the follow-ups: recipients, a donation and a fee
    collection (the 2-year-old's nursery certification is in the demo seeds)."""
    make_recipient("newborn_family")
    make_recipient("third_child_family")
    _donation("newborn_family")
    _fee_collection("third_child_family")


CASES: list[tuple[Flow, str, str, Check]] = [
    (_flow("jidou-teate-gaku-kaitei"), "jidou-teate", "amount_revision", _revision),
    (_flow("jidou-teate-henkou"), "jidou-teate", "change_notice", _change),
    (_flow("jidou-teate-shoumetsu"), "jidou-teate", "entitlement_end", _end),
    (_flow("jidou-teate-mishiharai"), "jidou-teate", "unpaid_claim", _unpaid),
    (_flow("jidou-teate-kifu"), "jidou-teate", "donation", _donated),
    (_flow("jidou-teate-kifu-henkou"), "jidou-teate", "donation_change", _donation_changed),
    (
        _flow("jidou-teate-choushuu", children=[_minato()]),
        "jidou-teate",
        "fee_collection",
        _collected,
    ),
    (
        _flow("jidou-teate-choushuu-henkou"),
        "jidou-teate",
        "fee_collection_change",
        _collection_changed,
    ),
    (_flow("jidou-teate-genkyou"), "jidou-teate", "status_report", _status),
    (_flow("hoiku-genkyou"), "kodomo-kosodate", "status_report", _care_status),
]


def _core_rows(rt: Runtime, case_id: str) -> list[OutboxMessage]:
    with Session(rt.db) as s:
        return list(
            s.exec(
                select(OutboxMessage).where(
                    OutboxMessage.case_id == case_id, OutboxMessage.kind == "core_system"
                )
            ).all()
        )


@pytest.mark.parametrize(
    ("flow", "business", "kind", "check"), CASES, ids=[c[0].procedure_id for c in CASES]
)
def test_the_decision_registers_one_record_linked_to_the_existing_one(
    rt: Runtime, flow: Flow, business: str, kind: str, check: Check
) -> None:
    case, data, applicant = _filed(rt, flow)
    go(rt, case.id, "receive", INTAKE)
    _decide(rt, flow, case, data)
    system = _system(business)
    assert system.query({"case_reference": case.reference}) == ()  # not before the worker
    deliver(rt)
    [row] = _core_rows(rt, case.id)
    assert (row.status, row.last_error) == ("done", None)
    [rec] = system.query({"case_reference": case.reference})
    assert rec["kind"] == kind
    check(rec, case, data, applicant)

    held = len(system.records())
    deliver(rt)  # a second pass finds nothing to do
    # A worker that died after registering but before marking the row done delivers the
    # same row again: the core system answers with the first registration.
    with Session(rt.db) as s:
        core_system_handler(rt.settings.adapters)(s, row)
    assert len(system.records()) == held
    [again] = system.query({"case_reference": case.reference})
    assert again == rec


def test_a_survivor_claiming_for_someone_who_was_no_recipient_is_refused_for_staff(
    rt: Runtime,
) -> None:
    """The deceased named is no recipient in 児童手当: the record links to no 受給者番号, and
    the core system refuses it for good; the outbox row fails with the reason for staff."""
    stranger = registry_person(member_number("family_expecting", "佐藤\u3000健太"))
    stranger.pop("kana")
    deceased = {**sample("jidou-teate-mishiharai")["deceased"], **stranger}
    deceased["recipient_number"] = "JT9999999"
    flow = _flow("jidou-teate-mishiharai", deceased=deceased)
    case, data, _ = _filed(rt, flow)
    go(rt, case.id, "receive", INTAKE)
    _decide(rt, flow, case, data)
    deliver(rt)
    [row] = _core_rows(rt, case.id)
    assert row.status == "failed"
    assert row.last_error is not None
    assert "recipient_number (受給者番号): is required" in row.last_error
    assert _system("jidou-teate").query({"case_reference": case.reference}) == ()


def test_a_deceased_no_longer_in_the_registry_is_found_by_the_recipient_number_given(
    rt: Runtime,
) -> None:
    """A recipient removed from the registry at death (消除) is not found by name and birth
    date: the 受給者番号 the survivor gave links the claim to the recipient record."""
    number = _recipient_of("newborn_family")
    deceased = {
        **sample("jidou-teate-mishiharai")["deceased"],
        "name": "高橋 一郎",
        "kana": "タカハシ イチロウ",
        "recipient_number": number,
    }
    flow = _flow("jidou-teate-mishiharai", deceased=deceased)
    case, data, applicant = _filed(rt, flow)
    go(rt, case.id, "receive", INTAKE)
    _decide(rt, flow, case, data)
    deliver(rt)
    [rec] = _system("jidou-teate").query({"case_reference": case.reference})
    assert (rec["kind"], rec["recipient_number"]) == ("unpaid_claim", number)
    assert rec["resident_number"] == persona_number("newborn_family")
    assert rec["claimant_resident_number"] == applicant
