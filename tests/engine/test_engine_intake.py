"""Intake from Mynaportal Pittari: every package becomes exactly one case, errors included."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from sqlmodel import Session, select

from adapters.errors import PartnerTimeoutError, PartnerUnavailableError
from adapters.exchange import PortalStatus
from adapters.mock.faults import FaultKind
from adapters.mock.pittari_filing import file_application
from adapters.mock.world import DemoWorld
from adapters.records import Resident
from engine.intake import IntakeJob, mynaportal_notice_handler, portal_status_handler
from engine.models import Case, CaseEvent, utcnow
from engine.outbox import OutboxWorker, handlers, list_messages
from engine.runtime import Runtime
from web.demo import person_data


@pytest.fixture
def world() -> DemoWorld:
    return DemoWorld.build()


@pytest.fixture
def job(rt: Runtime, world: DemoWorld) -> IntakeJob:
    return IntakeJob(rt, world.pittari, world.verifier, world.resident_registry)


def claim_for(who: Resident) -> dict[str, Any]:
    """A child allowance claim as the resident would fill it on Mynaportal."""
    return person_data("jidou-teate-nintei", who)


def kinds_for(world: DemoWorld) -> dict[str, Any]:
    return {
        **handlers(),
        "portal_status": portal_status_handler(world.pittari),
        "mynaportal_notice": mynaportal_notice_handler(world.pittari),
    }


def deliver(rt: Runtime, world: DemoWorld) -> None:
    OutboxWorker(rt.db, kinds=kinds_for(world)).run_once()


def cases(rt: Runtime) -> list[Case]:
    with Session(rt.db) as s:
        return list(s.exec(select(Case)).all())


def test_a_signed_claim_becomes_a_case_and_shows_in_progress(
    rt: Runtime, world: DemoWorld, job: IntakeJob
) -> None:
    persona = world.population.persona("newborn_family")
    who = world.population.resident(persona.resident_number)
    app_id = file_application(world, "jidou-teate-nintei", persona, claim_for(who))
    stats = job.run_once()
    assert (stats.listed, stats.created, stats.acknowledged, stats.failures) == (1, 1, 1, 0)
    [case] = cases(rt)
    assert (case.state, case.channel, case.applicant_id) == (
        "submitted",
        "pittari",
        persona.resident_number,
    )
    assert case.idempotency_key == app_id
    assert world.pittari.is_acknowledged(app_id)
    deliver(rt, world)
    assert world.pittari.current_status(app_id).status == PortalStatus.IN_PROGRESS


def test_revoked_certificate_gives_a_visible_intake_error(
    rt: Runtime, world: DemoWorld, job: IntakeJob
) -> None:
    persona = world.population.persona("recently_moved")
    who = world.population.resident(persona.resident_number)
    app_id = file_application(world, "jidou-teate-nintei", persona, claim_for(who))
    stats = job.run_once()
    assert (stats.created, stats.intake_errors, stats.acknowledged) == (0, 1, 1)
    [case] = cases(rt)
    assert case.state == "intake_error"
    with Session(rt.db) as s:
        last = s.exec(select(CaseEvent).where(CaseEvent.seq == 2)).one()
    assert last.trigger == "reject_intake"
    assert last.comment is not None
    assert last.comment.startswith("電子署名を確認できませんでした")
    deliver(rt, world)
    assert world.pittari.current_status(app_id).status == PortalStatus.INTAKE_ERROR
    assert world.pittari.status_history(app_id)[-1].message == last.comment
    deliver(rt, world)
    [notice] = world.pittari.inbox(persona.resident_number)
    assert notice.title == "申請を受け付けられませんでした"


def test_invalid_data_is_kept_as_an_intake_error_case(
    rt: Runtime, world: DemoWorld, job: IntakeJob
) -> None:
    persona = world.population.persona("third_child_family")
    data = claim_for(world.population.resident(persona.resident_number))
    data["children"] = []
    file_application(world, "jidou-teate-nintei", persona, data)
    assert job.run_once().intake_errors == 1
    [case] = cases(rt)
    assert case.state == "intake_error"
    assert case.data["children"] == []  # stored as received, not lost


def test_failed_acknowledge_replays_the_same_case(
    rt: Runtime, world: DemoWorld, job: IntakeJob
) -> None:
    persona = world.population.persona("newborn_family")
    who = world.population.resident(persona.resident_number)
    app_id = file_application(world, "jidou-teate-nintei", persona, claim_for(who))
    failing = {"left": 1}

    def acknowledge(application_id: str) -> None:
        if failing["left"]:
            failing["left"] -= 1
            raise PartnerUnavailableError("acknowledge: 503")
        world.pittari.acknowledge(application_id)

    job.portal = _Wrapped(world.pittari, acknowledge=acknowledge)  # type: ignore[assignment]
    first = job.run_once()
    assert (first.created, first.acknowledged, first.failures) == (1, 0, 1)
    second = job.run_once()  # listed again: downloaded again, filed again, acknowledged
    assert (second.listed, second.replayed, second.acknowledged) == (1, 1, 1)
    assert [c.idempotency_key for c in cases(rt)] == [app_id]


def test_acknowledge_whose_reply_was_lost_is_not_repeated(
    rt: Runtime, world: DemoWorld, job: IntakeJob
) -> None:
    persona = world.population.persona("single_parent")
    who = world.population.resident(persona.resident_number)
    app_id = file_application(world, "jidou-teate-nintei", persona, claim_for(who))

    def acknowledge(application_id: str) -> None:
        world.pittari.acknowledge(application_id)
        raise PartnerTimeoutError("acknowledge: reply lost")

    job.portal = _Wrapped(world.pittari, acknowledge=acknowledge)  # type: ignore[assignment]
    assert job.run_once().failures == 1
    job.portal = world.pittari
    assert job.run_once().listed == 0  # the portal did record it: nothing is pulled twice
    assert [c.idempotency_key for c in cases(rt)] == [app_id]


class _Wrapped:
    """The mock with some calls replaced, to place a fault at an exact step."""

    def __init__(self, inner: Any, **overrides: Any) -> None:
        self._inner = inner
        self._overrides = overrides

    def __getattr__(self, name: str) -> Any:
        return self._overrides.get(name) or getattr(self._inner, name)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the figure; PG runs the rest
def test_1000_applications_with_faults_end_as_1000_cases(
    rt: Runtime, world: DemoWorld, job: IntakeJob
) -> None:
    """1,000 filings, 20% of portal calls faulted (every kind): 1,000 cases, 0 duplicates,
    every package acknowledged, every status posted."""
    keys = ("newborn_family", "single_parent", "third_child_family", "family_expecting")
    people = [world.population.resident(world.population.persona(k).resident_number) for k in keys]
    personas = [world.population.persona(k) for k in keys]
    filed = [
        file_application(world, "jidou-teate-nintei", personas[i % 4], claim_for(people[i % 4]))
        for i in range(1000)
    ]
    plan = world.pittari.faults
    for kind in (
        FaultKind.SERVER_ERROR,
        FaultKind.TIMEOUT,
        FaultKind.MALFORMED_REPLY,
        FaultKind.LOST_REPLY,
    ):
        plan.set_rate(kind, 0.05)
    job.batch = 200
    started = time.perf_counter()
    runs = 0
    while runs < 200:
        runs += 1
        stats = job.run_once()
        if stats.listed == 0 and stats.failures == 0:
            break
    worker = OutboxWorker(rt.db, kinds=kinds_for(world), batch=500)
    for i in range(60):  # each pass as if an hour later, so every backoff has run out
        worker.run_once(utcnow() + dt.timedelta(hours=i))
        if not list_messages(rt.db, "pending"):
            break
    elapsed = time.perf_counter() - started
    for kind in (
        FaultKind.SERVER_ERROR,
        FaultKind.TIMEOUT,
        FaultKind.MALFORMED_REPLY,
        FaultKind.LOST_REPLY,
    ):
        plan.set_rate(kind, 0.0)
    all_cases = cases(rt)
    keys_seen = [c.idempotency_key for c in all_cases]
    injected = plan.counts()
    print(
        f"\n1000 filings, {runs} intake runs, {elapsed:.1f}s; faults injected: "
        f"{ {k.value: v for k, v in injected.items() if v} }"
    )
    assert len(all_cases) == 1000
    assert len(set(keys_seen)) == 1000
    assert set(keys_seen) == set(filed)
    assert all(world.pittari.is_acknowledged(a) for a in filed)
    posted = [world.pittari.current_status(a) for a in filed]
    assert all(p is not None and p.status == PortalStatus.IN_PROGRESS for p in posted)
    assert list_messages(rt.db, "failed") == []
    assert all(
        injected[k] > 0
        for k in (
            FaultKind.SERVER_ERROR,
            FaultKind.TIMEOUT,
            FaultKind.MALFORMED_REPLY,
            FaultKind.LOST_REPLY,
        )
    )


def test_claim_for_someone_elses_number_is_an_intake_error(
    rt: Runtime, world: DemoWorld, job: IntakeJob
) -> None:
    persona = world.population.persona("newborn_family")
    other = world.population.resident(world.population.persona("single_parent").resident_number)
    data = claim_for(world.population.resident(persona.resident_number))
    data["claimant"]["my_number"] = other.my_number  # signed by one, claimed as another
    file_application(world, "jidou-teate-nintei", persona, data)
    assert job.run_once().intake_errors == 1
    with Session(rt.db) as s:
        last = s.exec(select(CaseEvent).where(CaseEvent.seq == 2)).one()
    assert last.comment == "申請者の個人番号が、署名した方の個人番号と一致しません"


def test_registry_outage_leaves_the_package_for_the_next_run(
    rt: Runtime, world: DemoWorld, job: IntakeJob
) -> None:
    persona = world.population.persona("newborn_family")
    who = world.population.resident(persona.resident_number)
    app_id = file_application(world, "jidou-teate-nintei", persona, claim_for(who))
    world.resident_registry.faults.fail_next(FaultKind.TIMEOUT)
    first = job.run_once()
    assert (first.created, first.acknowledged, first.failures) == (0, 0, 1)
    assert cases(rt) == []
    assert not world.pittari.is_acknowledged(app_id)
    second = job.run_once()
    assert (second.created, second.acknowledged) == (1, 1)


def test_revocation_list_outage_is_retried_not_an_intake_error(
    rt: Runtime, world: DemoWorld, job: IntakeJob
) -> None:
    persona = world.population.persona("newborn_family")
    who = world.population.resident(persona.resident_number)
    file_application(world, "jidou-teate-nintei", persona, claim_for(who))
    world.crl_faults.fail_next(FaultKind.SERVER_ERROR)
    first = job.run_once()
    assert (first.created, first.intake_errors, first.failures) == (0, 0, 1)
    assert job.run_once().created == 1
