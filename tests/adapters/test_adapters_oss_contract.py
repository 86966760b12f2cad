"""One contract for OSS intake: the in-process mock and the HTTP client, per organisation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
from adapters_served import ServedApp

from adapters import service
from adapters.base import OssIntake
from adapters.errors import (
    PartnerError,
    PartnerTimeoutError,
    PartnerUnavailableError,
    UnknownApplicationError,
)
from adapters.exchange import PortalStatus
from adapters.mock.faults import FaultKind, FaultPlan
from adapters.mock.oss import POLICE_CODE, PREFECTURE_CODE, MockOss
from adapters.mock.oss_filing import file_vehicle_application
from adapters.mock.pittari_http import create_oss_app
from adapters.mock.world import DemoWorld
from adapters.pittari_http import HttpOssIntake

VEHICLE = {"name": "小林 さくら", "chassis_number": "NHP10-7654321", "parking_place": "泉二丁目"}


@pytest.fixture
def oss_world(world: DemoWorld) -> DemoWorld:
    return replace(world, oss=MockOss(world.resident_registry, faults=FaultPlan(seed=3)))


@pytest.fixture
def served(oss_world: DemoWorld) -> Iterator[ServedApp]:
    running = ServedApp(create_oss_app(oss_world.oss, hang_seconds=3.0))
    try:
        yield running
    finally:
        running.close()


@dataclass(frozen=True)
class Subject:
    intake: OssIntake
    world: DemoWorld


@pytest.fixture(params=["in-process", "http"])
def subject(request: pytest.FixtureRequest, oss_world: DemoWorld) -> Subject:
    if request.param == "in-process":
        return Subject(oss_world.oss, oss_world)
    running: ServedApp = request.getfixturevalue("served")
    return Subject(HttpOssIntake(running.url, timeout=5.0), oss_world)


def file(world: DemoWorld) -> tuple[str, ...]:
    return file_vehicle_application(world, world.population.persona("single_parent"), VEHICLE)


def test_each_organisation_pulls_and_acknowledges_its_own_copy(subject: Subject) -> None:
    police_copy, tax_copy = file(subject.world)
    intake = subject.intake
    assert intake.list_new(POLICE_CODE) == (police_copy,)
    package = intake.download(police_copy)
    assert (package.lg_code, package.procedure_code) == (POLICE_CODE, "hokan-basho-shoumei")
    assert package.form_data == VEHICLE
    assert intake.download(police_copy) == package
    intake.acknowledge(police_copy)
    intake.acknowledge(police_copy)
    assert intake.list_new(POLICE_CODE) == ()
    assert intake.list_new(PREFECTURE_CODE) == (tax_copy,)


def test_statuses_and_notices_go_to_one_copy(subject: Subject) -> None:
    police_copy, tax_copy = file(subject.world)
    intake = subject.intake
    intake.acknowledge(police_copy)
    intake.post_status(police_copy, PortalStatus.CORRECTION_REQUESTED, "地番をご確認ください")
    intake.post_status(police_copy, PortalStatus.CORRECTION_REQUESTED, "地番をご確認ください")
    history = subject.world.oss.status_history(police_copy)
    assert [(p.status, p.message) for p in history] == [
        (PortalStatus.CORRECTION_REQUESTED, "地番をご確認ください")
    ]
    assert subject.world.oss.status_history(tax_copy) == ()
    sent = {"title": "補正のお願い", "body": "地番をご確認ください。", "idempotency_key": "k"}
    assert intake.send_notice(**sent, application_id=police_copy) == intake.send_notice(
        **sent, application_id=police_copy
    )
    assert len(subject.world.oss.inbox("1000000501")) == 1


def test_unknown_copies_are_refused_for_good(subject: Subject) -> None:
    with pytest.raises(UnknownApplicationError, match="oss: no application") as caught:
        subject.intake.download("OS0000000000000000")
    assert not isinstance(caught.value, PartnerError)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (FaultKind.SERVER_ERROR, PartnerUnavailableError),
        (FaultKind.LOST_REPLY, PartnerTimeoutError),
    ],
)
def test_faults_reach_the_http_client(
    oss_world: DemoWorld, served: ServedApp, kind: FaultKind, expected: type[PartnerError]
) -> None:
    police_copy, _ = file(oss_world)
    client = HttpOssIntake(served.url, timeout=0.3)
    oss_world.oss.faults.fail_next(kind)
    with pytest.raises(expected, match="oss"):
        client.acknowledge(police_copy)
    client.acknowledge(police_copy)
    assert oss_world.oss.is_acknowledged(police_copy)


def test_the_registry_builds_the_http_client() -> None:
    built = service.oss_intake({"oss_intake": "http", "oss_url": "http://127.0.0.1:5001/oss"})
    assert isinstance(built, HttpOssIntake)
    with pytest.raises(ValueError, match="oss_url"):
        service.oss_intake({"oss_intake": "http"})
