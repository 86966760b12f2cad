"""The Pittari mock under faults: nothing lost, nothing stored twice."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from adapters.errors import (
    MalformedReplyError,
    PartnerError,
    PartnerTimeoutError,
    PartnerUnavailableError,
)
from adapters.mock.faults import FAILURE_KINDS, FaultKind
from adapters.mock.kunitachi import LG_CODE
from adapters.mock.pittari_filing import file_application
from adapters.mock.world import DemoWorld
from adapters.pittari_package import PittariPackage
from tests.adapters.conftest import NOON, FakeTime

FILERS = ("family_expecting", "newborn_family", "single_parent", "recently_moved")


def file_one(world: DemoWorld, index: int = 0) -> str:
    persona = world.population.persona(FILERS[index % len(FILERS)])
    return file_application(world, "jidou-teate-nintei", persona, {"filing": index})


def test_a_lost_acknowledgement_reply_still_acknowledges(pittari_world: DemoWorld) -> None:
    application_id = file_one(pittari_world)
    pittari = pittari_world.pittari
    pittari.faults.fail_next(FaultKind.LOST_REPLY)
    with pytest.raises(PartnerTimeoutError):
        pittari.acknowledge(application_id)
    assert pittari.is_acknowledged(application_id)
    assert pittari.list_new(LG_CODE) == ()
    pittari.acknowledge(application_id)
    assert pittari.is_acknowledged(application_id)


def test_a_download_timeout_then_retry_gives_the_same_package(
    pittari_world: DemoWorld, fake_time: FakeTime
) -> None:
    application_id = file_one(pittari_world)
    pittari = pittari_world.pittari
    pittari.faults.fail_next(FaultKind.TIMEOUT)
    with pytest.raises(PartnerTimeoutError):
        pittari.download(application_id)
    assert fake_time.slept == [30.0]
    package = pittari.download(application_id)
    assert package.to_json_bytes() == pittari.package_bytes(application_id)
    assert pittari.list_new(LG_CODE) == (application_id,)


def test_a_garbled_download_reply_leaves_the_package_to_fetch_again(
    pittari_world: DemoWorld,
) -> None:
    application_id = file_one(pittari_world)
    pittari = pittari_world.pittari
    pittari.faults.fail_next(FaultKind.MALFORMED_REPLY)
    with pytest.raises(MalformedReplyError):
        pittari.download(application_id)
    assert pittari.download(application_id).application_id == application_id


def test_downtime_refuses_every_call_without_effect(
    pittari_world: DemoWorld, fake_time: FakeTime
) -> None:
    application_id = file_one(pittari_world)
    pittari = pittari_world.pittari
    pittari.faults.add_downtime(NOON, NOON + timedelta(hours=2))
    with pytest.raises(PartnerUnavailableError, match="maintenance"):
        pittari.list_new(LG_CODE)
    with pytest.raises(PartnerUnavailableError):
        pittari.acknowledge(application_id)
    assert not pittari.is_acknowledged(application_id)
    fake_time.sleep(2 * 3600)
    pittari.acknowledge(application_id)
    assert pittari.is_acknowledged(application_id)


def test_two_hundred_filings_pulled_through_faults_arrive_exactly_once(
    pittari_world: DemoWorld, fake_time: FakeTime
) -> None:
    filed = {file_one(pittari_world, index) for index in range(200)}
    pittari = pittari_world.pittari
    for kind in FAILURE_KINDS:
        pittari.faults.set_rate(kind, 0.05)
    pittari.faults.set_latency((0.1, 2.0), rate=0.2)
    pittari.faults.add_downtime(NOON + timedelta(minutes=5), NOON + timedelta(minutes=15))

    stored: dict[str, PittariPackage] = {}
    stores: Counter[str] = Counter()
    for _ in range(10_000):
        try:
            pending = pittari.list_new(LG_CODE, limit=25)
        except PartnerError:
            fake_time.sleep(5)
            continue
        if not pending:
            break
        for application_id in pending:
            try:
                if application_id not in stored:
                    stored[application_id] = pittari.download(application_id)
                    stores[application_id] += 1
                pittari.acknowledge(application_id)
            except PartnerError:
                fake_time.sleep(5)

    assert set(stored) == filed
    assert set(stores.values()) == {1}
    assert all(pittari.is_acknowledged(application_id) for application_id in filed)
    assert all(
        package.to_json_bytes() == pittari.package_bytes(application_id)
        for application_id, package in stored.items()
    )
    counts = pittari.faults.counts()
    assert all(counts[kind] > 0 for kind in FaultKind), counts
    assert sum(pittari.download_count(application_id) for application_id in filed) > 200
    for kind in FAILURE_KINDS:
        pittari.faults.set_rate(kind, 0.0)
    assert pittari.list_new(LG_CODE) == ()
