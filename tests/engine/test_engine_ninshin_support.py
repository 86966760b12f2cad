"""The pregnancy case after the interview: the support payment for pregnant women."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import Session

from adapters.mock.world import shared_world
from engine.actors import Actor
from engine.cases import fire, submit
from engine.config import Settings
from engine.errors import GuardFailed
from engine.intake import core_system_handler
from engine.outbox import OutboxWorker, handlers
from engine.runtime import Runtime, build_runtime
from procedures.samples import sample
from tests.engine.conftest import KENKOU, REPO_PROCEDURES, staff

PROC = "ninshin-todoke"
INTAKE = staff("intake", dept=KENKOU)
REVIEW = staff("review", dept=KENKOU)
APPROVAL = staff("approval", dept=KENKOU)


def _certified(rt: Runtime) -> tuple[Any, str]:
    applicant = shared_world().population.persona("family_expecting").resident_number
    with Session(rt.db, expire_on_commit=False) as s:
        case = submit(rt, s, PROC, sample(PROC), actor=Actor.resident(applicant),
                      applicant_id=applicant, channel="online",
                      idempotency_key=uuid.uuid4().hex).case  # fmt: skip
        for trigger in ("receive", "record"):
            fire(rt, s, case.id, trigger, INTAKE)
        fire(rt, s, case.id, "hand_over_handbook", INTAKE, inputs={"handbook_number": "B-0012"})
        after = fire(rt, s, case.id, "certify_support", APPROVAL)
        s.commit()
    assert after.state == "support_certified"
    assert after.outcome["first_payment_amount"] == 50_000
    return case, applicant


def _deliver(rt: Runtime) -> None:
    kinds = {**handlers(), "core_system": core_system_handler(rt.settings.adapters)}
    worker = OutboxWorker(rt.db, kinds=kinds)
    while worker.run_once().delivered:
        pass


def _payments(reference: str) -> list[dict[str, object]]:
    system = shared_world().core_systems["kenkou-kanri"]
    return [
        dict(r) for r in system.records("support_payment") if r.get("case_reference") == reference
    ]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_first_and_second_part_per_fetus_after_the_eight_month_interview(rt: Runtime) -> None:
    case, applicant = _certified(rt)
    with Session(rt.db) as s:
        # The second part waits for the municipality's trigger (here the 8-month interview).
        with pytest.raises(GuardFailed) as refused:
            fire(rt, s, case.id, "notify_fetus_count", REVIEW, inputs={"fetus_count": 2})
        assert "妊娠8か月ごろの面談を記録" in refused.value.ja
    with Session(rt.db) as s:
        fire(rt, s, case.id, "record_eight_month_interview", INTAKE)
        done = fire(rt, s, case.id, "notify_fetus_count", REVIEW, inputs={"fetus_count": 2})
        s.commit()
    assert done.state == "closed"
    assert done.outcome["second_payment_amount"] == 100_000
    _deliver(rt)
    paid = sorted(_payments(case.reference), key=lambda r: str(r["part"]))
    assert [(r["part"], r["amount"]) for r in paid] == [("1回目", 50_000), ("2回目", 100_000)]
    assert paid[1]["fetus_count"] == 2
    assert all(r["resident_number"] == applicant for r in paid)
    assert str(paid[0]["payment_number"]).startswith("NS")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_second_part_after_a_miscarriage_without_waiting(rt: Runtime) -> None:
    case, _ = _certified(rt)
    with Session(rt.db) as s:
        done = fire(rt, s, case.id, "notify_fetus_count_after_loss", REVIEW,
                    inputs={"loss_kind": "miscarriage", "fetus_count": 1})  # fmt: skip
        s.commit()
    assert (done.state, done.outcome["second_payment_amount"]) == ("closed", 50_000)
    _deliver(rt)
    assert sorted(r["amount"] for r in _payments(case.reference)) == [50_000, 50_000]


def test_the_trigger_of_the_second_part_is_configurable(
    settings: Settings, db: Any, tmp_path: Path
) -> None:
    """A municipality paying after the birth registration changes the guard's parameter."""
    root = tmp_path / "procedures"
    (root / "kosodate").mkdir(parents=True)
    (root / "_shapes").symlink_to(REPO_PROCEDURES / "_shapes")
    raw = yaml.safe_load((REPO_PROCEDURES / "kosodate" / "ninshin-todoke.yaml").read_text("utf-8"))
    for t in raw["workflow"]["transitions"]:
        if t["trigger"] == "notify_fetus_count":
            t["guards"] = [
                {"name": "tasks_done", "params": {"triggers": ["record_birth_registration"]}}
            ]
    (root / "kosodate" / "ninshin-todoke.yaml").write_text(
        yaml.safe_dump(raw, allow_unicode=True), "utf-8"
    )
    from dataclasses import replace

    rt = build_runtime(replace(settings, procedures_dir=root), db)
    rt.sync_definitions()
    case, _ = _certified(rt)
    with Session(rt.db) as s:
        fire(rt, s, case.id, "record_eight_month_interview", INTAKE)
        with pytest.raises(GuardFailed) as refused:
            fire(rt, s, case.id, "notify_fetus_count", REVIEW, inputs={"fetus_count": 1})
        assert "出生届の受理を記録" in refused.value.ja
        fire(rt, s, case.id, "record_birth_registration", INTAKE)
        assert (
            fire(rt, s, case.id, "notify_fetus_count", REVIEW, inputs={"fetus_count": 1}).state
            == "closed"
        )


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_only_approvers_decide_and_the_resident_cannot(rt: Runtime) -> None:
    applicant = shared_world().population.persona("family_expecting").resident_number
    with Session(rt.db, expire_on_commit=False) as s:
        case = submit(rt, s, PROC, sample(PROC), actor=Actor.resident(applicant),
                      applicant_id=applicant, channel="online",
                      idempotency_key=uuid.uuid4().hex).case  # fmt: skip
        for trigger in ("receive", "record"):
            fire(rt, s, case.id, trigger, INTAKE)
        fire(rt, s, case.id, "hand_over_handbook", INTAKE)
        s.commit()
    from engine.errors import PermissionDenied

    for actor in (Actor.resident(applicant), INTAKE, REVIEW):
        with Session(rt.db) as s, pytest.raises(PermissionDenied):
            fire(rt, s, case.id, "certify_support", actor)
