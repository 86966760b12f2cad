"""Intake from OSS: the police and the prefecture each file their copy of a vehicle filing.

Two deployments (a police one, organisation 139998, and a prefecture one, 130001), each
with its own database and the test-only vehicle definitions in ``procedures_extra/``,
pull from one OSS mock. Every copy becomes exactly one case at its recipient, faults
included.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from adapters.exchange import PortalStatus
from adapters.mock.faults import FAILURE_KINDS
from adapters.mock.oss import POLICE_CODE, PREFECTURE_CODE
from adapters.mock.oss_filing import file_vehicle_application
from adapters.mock.world import DemoWorld
from engine.actors import Actor
from engine.cases import fire
from engine.config import load_settings
from engine.db import make_engine
from engine.intake import (
    OSS_CHANNEL,
    IntakeJob,
    portal_notice_handler,
    portal_status_handler,
)
from engine.migrate import upgrade
from engine.models import Case, CaseEvent, utcnow
from engine.outbox import OutboxWorker, handlers, list_messages
from engine.runtime import Runtime, build_runtime
from tests.engine.conftest import REPO_PROCEDURES

EXTRA = Path(__file__).resolve().parent / "procedures_extra"
VEHICLE = {
    "name": "高橋 大輔",
    "chassis_number": "ZVW50-1234567",
    "parking_place": "東京都国立市矢川二丁目14番6号",
}


@pytest.fixture
def world() -> DemoWorld:
    """A world of its own: a fresh OSS mock."""
    return DemoWorld.build()


def deployment(tmp_path: Path, name: str, org_code: str, org_name: str) -> Runtime:
    """A deployment of its own (data dir, SQLite database) for one organisation."""
    root = tmp_path / name / "procedures"
    shutil.copytree(REPO_PROCEDURES / "_shapes", root / "_shapes")
    shutil.copytree(EXTRA / "jidousha", root / "jidousha")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")} | {
        "MADOGUCHI_DATA_DIR": str(tmp_path / name / "data"),
        "MADOGUCHI_WORKER": "0",
        "MADOGUCHI_ORG_CODE": org_code,
        "MADOGUCHI_ORG_NAME": org_name,
        "MADOGUCHI_PROCEDURES_DIR": str(root),
    }
    settings = load_settings(env)
    upgrade(settings.database_url)
    rt = build_runtime(settings, make_engine(settings.database_url))
    rt.sync_definitions()
    return rt


@pytest.fixture
def police(tmp_path: Path) -> Iterator[Runtime]:
    rt = deployment(tmp_path, "police", POLICE_CODE, "警視庁")
    yield rt
    rt.db.dispose()


@pytest.fixture
def prefecture(tmp_path: Path) -> Iterator[Runtime]:
    rt = deployment(tmp_path, "prefecture", PREFECTURE_CODE, "東京都")
    yield rt
    rt.db.dispose()


def job(rt: Runtime, world: DemoWorld) -> IntakeJob:
    return IntakeJob(
        rt, world.oss, world.verifier, world.resident_registry, batch=200, channel=OSS_CHANNEL
    )


def cases(rt: Runtime) -> list[Case]:
    with Session(rt.db) as s:
        return list(s.exec(select(Case)).all())


def kinds(world: DemoWorld) -> dict[str, Any]:
    return {
        **handlers(),
        "portal_status": portal_status_handler(world.pittari, world.oss),
        "oss_notice": portal_notice_handler(world.oss),
    }


def file_vehicle(world: DemoWorld, key: str = "newborn_family") -> tuple[str, str]:
    police_copy, tax_copy = file_vehicle_application(world, world.population.persona(key), VEHICLE)
    return police_copy, tax_copy


def test_the_police_and_the_prefecture_each_file_their_copy_once(
    world: DemoWorld, police: Runtime, prefecture: Runtime
) -> None:
    filed = [file_vehicle(world, k) for k in ("newborn_family", "single_parent")]
    at_police, at_prefecture = job(police, world).run_once(), job(prefecture, world).run_once()
    assert (at_police.listed, at_police.created, at_police.acknowledged) == (2, 2, 2)
    assert (at_prefecture.listed, at_prefecture.created) == (2, 2)
    assert sorted((c.idempotency_key, c.procedure_id, c.channel) for c in cases(police)) == [
        (p, "hokan-basho-shoumei", "oss") for p, _ in filed
    ]
    assert sorted((c.idempotency_key, c.procedure_id) for c in cases(prefecture)) == [
        (t, "jidousha-zei-shinkoku") for _, t in filed
    ]
    assert {c.state for c in cases(police) + cases(prefecture)} == {"submitted"}
    assert sorted(c.applicant_id for c in cases(police)) == ["1000000201", "1000000501"]
    # Nothing is pulled twice, by either.
    assert job(police, world).run_once().listed == 0
    assert job(prefecture, world).run_once().listed == 0
    assert all(world.oss.is_acknowledged(a) for pair in filed for a in pair)


def test_a_revoked_signature_is_an_intake_error_reported_to_oss(
    world: DemoWorld, police: Runtime, prefecture: Runtime
) -> None:
    police_copy, tax_copy = file_vehicle(world, "recently_moved")
    assert job(police, world).run_once().intake_errors == 1
    assert job(prefecture, world).run_once().intake_errors == 1
    for rt in (police, prefecture):
        [case] = cases(rt)
        assert case.state == "intake_error"
        OutboxWorker(rt.db, kinds=kinds(world)).run_once()
    for copy in (police_copy, tax_copy):
        posted = world.oss.current_status(copy)
        assert posted is not None
        assert posted.status == PortalStatus.INTAKE_ERROR
        assert "失効" in (posted.message or "")


def test_a_correction_request_reaches_the_applicants_oss_inbox(
    world: DemoWorld, police: Runtime
) -> None:
    file_vehicle(world)
    job(police, world).run_once()
    [case] = cases(police)
    officer = Actor.staff("p-1", {"intake", "review"}, {"交通課"})  # type: ignore[arg-type]
    for trigger, comment in (
        ("receive", None),
        ("request_correction", "保管場所の地番をご確認ください"),
    ):
        with Session(police.db, expire_on_commit=False) as s:
            fire(police, s, case.id, trigger, officer, comment=comment)
            s.commit()
    OutboxWorker(police.db, kinds=kinds(world)).run_once()
    [notice] = world.oss.inbox("1000000201")
    assert notice.title == "届出内容の訂正をお願いします"
    posted = world.oss.current_status(case.idempotency_key)
    assert posted is not None
    assert (posted.status, posted.message) == (
        PortalStatus.CORRECTION_REQUESTED,
        "保管場所の地番をご確認ください",
    )


def test_500_vehicle_filings_with_faults_end_as_one_case_per_copy(
    world: DemoWorld, police: Runtime, prefecture: Runtime
) -> None:
    """500 filings (1,000 copies), 20% of OSS calls faulted (every kind): 500 cases at the
    police and 500 at the prefecture, 0 duplicates, every copy acknowledged and its status
    posted."""
    filers = ("newborn_family", "single_parent", "third_child_family", "family_expecting")
    filed = [file_vehicle(world, filers[i % 4]) for i in range(500)]
    plan = world.oss.faults
    for kind in FAILURE_KINDS:
        plan.set_rate(kind, 0.05)
    started = time.perf_counter()
    runs = 0
    for rt in (police, prefecture):
        for _ in range(200):
            runs += 1
            stats = job(rt, world).run_once()
            if stats.listed == 0 and stats.failures == 0:
                break
        worker = OutboxWorker(rt.db, kinds=kinds(world), batch=500)
        for hour in range(60):  # each pass as if an hour later: every backoff has run out
            worker.run_once(utcnow() + dt.timedelta(hours=hour))
            if not list_messages(rt.db, "pending"):
                break
    elapsed = time.perf_counter() - started
    injected = plan.counts()
    for kind in FAILURE_KINDS:
        plan.set_rate(kind, 0.0)
    print(
        f"\nOSS: 500 filings = 1000 copies, {runs} intake runs, {elapsed:.1f}s; faults: "
        f"{ {k.value: v for k, v in injected.items() if v} }"
    )
    for rt, copies in ((police, [p for p, _ in filed]), (prefecture, [t for _, t in filed])):
        keys = [c.idempotency_key for c in cases(rt)]
        assert len(keys) == 500
        assert set(keys) == set(copies)
        assert list_messages(rt.db, "failed") == []
        with Session(rt.db) as s:
            assert len(s.exec(select(CaseEvent)).all()) == 500  # one filing event each
    for copy in (a for pair in filed for a in pair):
        assert world.oss.is_acknowledged(copy)
        posted = world.oss.current_status(copy)
        assert posted is not None
        assert posted.status == PortalStatus.IN_PROGRESS
    assert all(injected[k] > 0 for k in FAILURE_KINDS)
