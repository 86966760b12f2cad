"""One contract for every Pittari intake: the in-process mock and the HTTP client.

The behaviour tests run twice: against :class:`MockPittari` called in process, and
against :class:`HttpPittariIntake` talking to ``create_pittari_app`` served by a real
werkzeug server on a free localhost port. The HTTP-specific tests check that each fault
the mock injects reaches the client as the right :class:`PartnerError` subclass.
"""

from __future__ import annotations

import json
import socket
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from adapters_served import ServedApp

from adapters import service
from adapters.base import PittariIntake
from adapters.errors import (
    ApplicationStateError,
    IdempotencyConflictError,
    MalformedReplyError,
    PackageFormatError,
    PartnerError,
    PartnerRefusalError,
    PartnerTimeoutError,
    PartnerUnavailableError,
    UnknownApplicationError,
    UnknownRecipientError,
)
from adapters.exchange import PortalStatus
from adapters.mock.faults import FaultKind
from adapters.mock.kunitachi import LG_CODE
from adapters.mock.pittari import MockPittari
from adapters.mock.pittari_filing import file_application
from adapters.mock.pittari_http import create_pittari_app
from adapters.mock.world import DemoWorld
from adapters.pittari_http import HttpPittariIntake
from tests.adapters.conftest import NOON

OTHER_LG_CODE = "132063"  # 府中市
UNKNOWN_ID = "PT0000000000000000"


def file_for(world: DemoWorld, key: str = "newborn_family", lg_code: str = LG_CODE) -> str:
    """File a 児童手当 application as persona ``key``; returns its id."""
    persona = world.population.persona(key)
    return file_application(world, "jidou-teate-nintei", persona, {"persona": key}, lg_code=lg_code)


@pytest.fixture
def served(pittari_world: DemoWorld) -> Iterator[ServedApp]:
    """The fresh Pittari mock of ``pittari_world`` served over HTTP."""
    running = ServedApp(create_pittari_app(pittari_world.pittari, hang_seconds=5.0))
    try:
        yield running
    finally:
        running.close()


@dataclass(frozen=True)
class Subject:
    """An intake under test, and the mock behind it (for filing and inspection)."""

    intake: PittariIntake
    pittari: MockPittari
    world: DemoWorld


@pytest.fixture(params=["in-process", "http"])
def subject(request: pytest.FixtureRequest, pittari_world: DemoWorld) -> Subject:
    """The same mock seen in process, or through the HTTP client and server."""
    if request.param == "in-process":
        return Subject(pittari_world.pittari, pittari_world.pittari, pittari_world)
    running: ServedApp = request.getfixturevalue("served")
    client = HttpPittariIntake(running.url, timeout=5.0)
    return Subject(client, pittari_world.pittari, pittari_world)


# The contract, for both implementations.


def test_new_applications_are_listed_oldest_first_per_municipality(subject: Subject) -> None:
    first = file_for(subject.world)
    second = file_for(subject.world, "single_parent")
    elsewhere = file_for(subject.world, "recently_moved", lg_code=OTHER_LG_CODE)
    assert subject.intake.list_new(LG_CODE) == (first, second)
    assert subject.intake.list_new(LG_CODE, limit=1) == (first,)
    assert subject.intake.list_new(OTHER_LG_CODE) == (elsewhere,)


def test_downloaded_unacknowledged_is_listed_again_acknowledged_never(subject: Subject) -> None:
    application_id = file_for(subject.world)
    later = file_for(subject.world, "single_parent")
    intake = subject.intake
    intake.download(application_id)
    assert intake.list_new(LG_CODE) == (application_id, later)
    intake.acknowledge(application_id)
    intake.acknowledge(application_id)
    assert intake.list_new(LG_CODE) == (later,)
    assert subject.pittari.is_acknowledged(application_id)


def test_download_gives_the_stored_package_every_time(subject: Subject) -> None:
    application_id = file_for(subject.world)
    first = subject.intake.download(application_id)
    second = subject.intake.download(application_id)
    assert first == second
    assert first.to_json_bytes() == subject.pittari.package_bytes(application_id)
    assert first.application_id == application_id
    assert first.form_data == {"persona": "newborn_family"}
    assert subject.pittari.download_count(application_id) == 2


def test_status_history_records_each_change_once(subject: Subject) -> None:
    application_id = file_for(subject.world)
    intake = subject.intake
    intake.acknowledge(application_id)
    intake.post_status(application_id, PortalStatus.IN_PROGRESS)
    intake.post_status(application_id, PortalStatus.IN_PROGRESS)
    intake.post_status(application_id, PortalStatus.CORRECTION_REQUESTED, "口座をご確認ください")
    intake.post_status(application_id, PortalStatus.DONE, "認定しました")
    history = subject.pittari.status_history(application_id)
    assert [(post.status, post.message) for post in history] == [
        (PortalStatus.IN_PROGRESS, None),
        (PortalStatus.CORRECTION_REQUESTED, "口座をご確認ください"),
        (PortalStatus.DONE, "認定しました"),
    ]


def test_a_status_before_acknowledgement_is_a_state_error(subject: Subject) -> None:
    application_id = file_for(subject.world)
    with pytest.raises(ApplicationStateError, match="not acknowledged yet") as caught:
        subject.intake.post_status(application_id, PortalStatus.INTAKE_ERROR)
    assert not isinstance(caught.value, PartnerError)
    assert subject.pittari.status_history(application_id) == ()


def test_notices_are_idempotent_by_key(subject: Subject) -> None:
    application_id = file_for(subject.world)
    intake = subject.intake
    sent = {
        "title": "児童手当認定のお知らせ",
        "body": "認定しました。",
        "idempotency_key": "decision-1",
    }
    receipt = intake.send_notice(**sent, application_id=application_id)
    again = intake.send_notice(**sent, application_id=application_id)
    assert again == receipt
    assert receipt.accepted_at == NOON
    (notice,) = subject.pittari.inbox("1000000201")
    assert (notice.notice_id, notice.application_id) == (receipt.notice_id, application_id)
    with pytest.raises(IdempotencyConflictError, match="'decision-1' was already used"):
        intake.send_notice(**{**sent, "body": "別の本文"}, application_id=application_id)
    assert len(subject.pittari.inbox("1000000201")) == 1


def test_a_notice_to_a_resident_and_to_nobody(subject: Subject) -> None:
    intake = subject.intake
    intake.send_notice(
        title="現況届のご案内",
        body="提出してください。",
        idempotency_key="k1",
        resident_number="1000000301",
    )
    assert [n.title for n in subject.pittari.inbox("1000000301")] == ["現況届のご案内"]
    with pytest.raises(UnknownRecipientError, match="no resident '9999999999'"):
        intake.send_notice(title="t", body="b", idempotency_key="k2", resident_number="9999999999")
    with pytest.raises(ValueError, match="exactly one"):
        intake.send_notice(title="t", body="b", idempotency_key="k3")


@pytest.mark.parametrize(
    "call",
    [
        lambda p: p.download(UNKNOWN_ID),
        lambda p: p.acknowledge(UNKNOWN_ID),
        lambda p: p.post_status(UNKNOWN_ID, PortalStatus.DONE),
        lambda p: p.send_notice(
            title="t", body="b", idempotency_key="k", application_id=UNKNOWN_ID
        ),
    ],
    ids=["download", "acknowledge", "post_status", "send_notice"],
)
def test_unknown_ids_are_refused_for_good(
    subject: Subject, call: Callable[[PittariIntake], object]
) -> None:
    with pytest.raises(UnknownApplicationError, match=f"no application '{UNKNOWN_ID}'") as caught:
        call(subject.intake)
    assert not isinstance(caught.value, PartnerError)


def test_bad_list_arguments_are_value_errors(subject: Subject) -> None:
    with pytest.raises(ValueError, match="local government code"):
        subject.intake.list_new("132153")
    with pytest.raises(ValueError, match="limit"):
        subject.intake.list_new(LG_CODE, limit=0)


# HTTP only: faults, transport failures, configuration.


@pytest.fixture
def quick_client(served: ServedApp) -> HttpPittariIntake:
    """A client that gives up after 0.3 s (the server holds timed-out calls for 5 s)."""
    return HttpPittariIntake(served.url, timeout=0.3)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (FaultKind.SERVER_ERROR, PartnerUnavailableError),
        (FaultKind.TIMEOUT, PartnerTimeoutError),
        (FaultKind.MALFORMED_REPLY, MalformedReplyError),
        (FaultKind.LOST_REPLY, PartnerTimeoutError),
    ],
)
@pytest.mark.parametrize("operation", ["list_new", "download", "acknowledge", "send_notice"])
def test_each_injected_fault_surfaces_as_its_partner_error(
    pittari_world: DemoWorld,
    quick_client: HttpPittariIntake,
    kind: FaultKind,
    expected: type[PartnerError],
    operation: str,
) -> None:
    application_id = file_for(pittari_world)
    calls: dict[str, Callable[[], object]] = {
        "list_new": lambda: quick_client.list_new(LG_CODE),
        "download": lambda: quick_client.download(application_id),
        "acknowledge": lambda: quick_client.acknowledge(application_id),
        "send_notice": lambda: quick_client.send_notice(
            title="t", body="b", idempotency_key="k", application_id=application_id
        ),
    }
    pittari_world.pittari.faults.fail_next(kind)
    with pytest.raises(expected) as caught:
        calls[operation]()
    assert type(caught.value) is expected
    calls[operation]()  # the retry succeeds


def test_a_lost_acknowledgement_reply_still_acknowledged(
    pittari_world: DemoWorld, quick_client: HttpPittariIntake
) -> None:
    application_id = file_for(pittari_world)
    pittari_world.pittari.faults.fail_next(FaultKind.LOST_REPLY)
    with pytest.raises(PartnerTimeoutError):
        quick_client.acknowledge(application_id)
    assert pittari_world.pittari.is_acknowledged(application_id)
    quick_client.acknowledge(application_id)
    assert quick_client.list_new(LG_CODE) == ()


def test_downtime_answers_unavailable(
    pittari_world: DemoWorld, quick_client: HttpPittariIntake
) -> None:
    faults = pittari_world.pittari.faults
    faults.add_downtime(NOON - timedelta(hours=1), NOON + timedelta(hours=1))
    with pytest.raises(PartnerUnavailableError, match="HTTP 503"):
        quick_client.list_new(LG_CODE)
    faults.clear_downtime()
    assert quick_client.list_new(LG_CODE) == ()


def test_a_closed_port_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = HttpPittariIntake(f"http://127.0.0.1:{port}", timeout=1.0)
    with pytest.raises(PartnerUnavailableError):
        client.list_new(LG_CODE)


class _CannedReply:
    """A reply from :class:`_CannedOpener`."""

    def __init__(self, body: bytes) -> None:
        self.status = 200
        self._body = body

    def read(self) -> bytes:
        return self._body

    def close(self) -> None:
        """Nothing to release."""


class _CannedOpener:
    """An opener answering every request with 200 and ``body``."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def open(self, fullurl: urllib.request.Request, data: None = None, timeout: float = 0) -> Any:
        return _CannedReply(self.body)


def test_a_package_off_the_format_is_a_package_format_error(pittari_world: DemoWorld) -> None:
    application_id = file_for(pittari_world)
    package = json.loads(pittari_world.pittari.package_bytes(application_id))
    package["lg_code"] = "132153"
    client = HttpPittariIntake(
        "http://pittari.invalid", opener=_CannedOpener(json.dumps(package).encode())
    )
    with pytest.raises(PackageFormatError, match="lg_code") as caught:
        client.download(application_id)
    assert isinstance(caught.value, PartnerRefusalError)


def test_another_applications_package_is_a_malformed_reply(pittari_world: DemoWorld) -> None:
    application_id = file_for(pittari_world)
    other = file_for(pittari_world, "single_parent")
    body = pittari_world.pittari.package_bytes(other)
    client = HttpPittariIntake("http://pittari.invalid", opener=_CannedOpener(body))
    with pytest.raises(MalformedReplyError, match=f"package of {other}"):
        client.download(application_id)


def test_replies_of_the_wrong_shape_are_malformed() -> None:
    client = HttpPittariIntake("http://pittari.invalid", opener=_CannedOpener(b'{"ids": []}'))
    with pytest.raises(MalformedReplyError, match="application_ids"):
        client.list_new(LG_CODE)
    with pytest.raises(MalformedReplyError, match="notice_id"):
        client.send_notice(title="t", body="b", idempotency_key="k", resident_number="1")


def test_the_server_answers_bad_requests_with_json_errors(pittari_world: DemoWorld) -> None:
    application_id = file_for(pittari_world)
    http = create_pittari_app(pittari_world.pittari).test_client()
    reply = http.post(f"/v1/applications/{application_id}/status", data=b"not json")
    assert reply.status_code == 422
    assert reply.get_json()["error"] == "invalid_request"
    reply = http.post("/v1/notices", json={"title": 1})
    assert (reply.status_code, reply.get_json()["error"]) == (422, "invalid_request")
    reply = http.get("/v1/applications")
    assert (reply.status_code, reply.get_json()["error"]) == (422, "invalid_request")
    reply = http.get("/v2/nothing")
    assert (reply.status_code, reply.get_json()["error"]) == (404, "not_found")
    reply = http.get(f"/v1/applications/{UNKNOWN_ID}")
    assert (reply.status_code, reply.get_json()["error"]) == (404, "unknown_application")


def test_the_registry_builds_the_http_client_from_configuration() -> None:
    config = {
        "pittari_intake": "http",
        "pittari_url": "http://127.0.0.1:8765/",
        "pittari_timeout": "2.5",
    }
    intake = service.pittari_intake(config)
    assert isinstance(intake, HttpPittariIntake)
    assert (intake.base_url, intake.timeout) == ("http://127.0.0.1:8765", 2.5)
    with pytest.raises(ValueError, match="pittari_url"):
        service.pittari_intake({"pittari_intake": "http"})
