"""Recording a pregnancy notification registers it in 健康管理, exactly once."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlmodel import Session

from adapters.mock.faults import FaultKind
from adapters.mock.world import shared_world
from engine.actors import Actor
from engine.cases import fire, submit
from engine.documents import document_handler
from engine.intake import core_system_handler
from engine.outbox import OutboxWorker, handlers, list_messages
from engine.runtime import Runtime
from procedures.samples import sample
from tests.engine.conftest import KENKOU, staff

PREGNANCY = "ninshin-todoke"


def _record_case(rt: Runtime, applicant: str | None = None) -> Any:
    """A pregnancy notification filed by the family_expecting persona, received and recorded."""
    world = shared_world()
    applicant = applicant or world.population.persona("family_expecting").resident_number
    with Session(rt.db, expire_on_commit=False) as s:
        case = submit(
            rt,
            s,
            PREGNANCY,
            sample(PREGNANCY),
            actor=Actor.resident(applicant),
            applicant_id=applicant,
            channel="online",
            idempotency_key=uuid.uuid4().hex,
        ).case
        s.commit()
    with Session(rt.db) as s:
        fire(rt, s, case.id, "receive", staff("intake", dept=KENKOU))
        fire(rt, s, case.id, "record", staff("intake", dept=KENKOU))
        s.commit()
    return case


def _done(rt: Runtime) -> list[str]:
    """Kinds of the delivered rows, documents aside (test_engine_documents covers them)."""
    return sorted(m.kind for m in list_messages(rt.db, "done") if m.kind != "document")


def _worker(rt: Runtime) -> OutboxWorker:
    kinds = {
        **handlers(),
        "core_system": core_system_handler(rt.settings.adapters),
        "document": document_handler(rt),
    }
    return OutboxWorker(rt.db, kinds=kinds)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_recording_registers_the_pregnancy_once(rt: Runtime) -> None:
    system = shared_world().core_systems["kenkou-kanri"]
    before = len(system.records("pregnancy"))
    case = _record_case(rt)
    worker = _worker(rt)
    worker.run_once()
    assert _done(rt) == ["core_system", "notice"]  # the registration and the notice
    assert worker.run_once().delivered == 0
    records = system.records("pregnancy")
    assert len(records) == before + 1
    mine = records[-1]
    assert mine["resident_number"] == case.applicant_id
    assert mine["weeks"] == 9
    assert mine["case_reference"] == case.reference
    assert str(mine["registration_number"]).startswith("NT")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_lost_reply_is_reconciled_not_repeated(rt: Runtime) -> None:
    system = shared_world().core_systems["kenkou-kanri"]
    before = len(system.records("pregnancy"))
    _record_case(rt)
    system.faults.fail_next(FaultKind.LOST_REPLY)  # registered, but the reply is lost
    stats = _worker(rt).run_once()
    assert stats.retried == 0
    assert _done(rt) == ["core_system", "notice"]  # the lookup found it: no second record
    assert len(system.records("pregnancy")) == before + 1


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_outage_is_retried_and_a_refusal_fails_at_once(rt: Runtime) -> None:
    system = shared_world().core_systems["kenkou-kanri"]
    _record_case(rt)
    system.faults.fail_next(FaultKind.SERVER_ERROR, 2)  # register fails, lookup fails
    stats = _worker(rt).run_once()
    assert stats.retried == 1
    [row] = list_messages(rt.db, "pending")
    assert row.kind == "core_system"
    assert "PartnerUnavailableError" in (row.last_error or "")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_record_the_core_system_refuses_fails_at_once_for_staff(rt: Runtime) -> None:
    _record_case(rt, applicant="NOT-A-NUMBER")
    stats = _worker(rt).run_once()
    assert stats.failed == 1
    assert _done(rt) == ["notice"]  # the notice went; the record did not
    [row] = list_messages(rt.db, "failed")
    assert row.attempts == 1
    assert "must be a resident number of 10 digits" in (row.last_error or "")
