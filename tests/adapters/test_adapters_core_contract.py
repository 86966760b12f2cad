"""One contract for the core systems: the in-process mocks and the HTTP client.

The nine businesses are served by ``create_core_systems_app`` on a real werkzeug server;
:class:`HttpCoreSystem` must behave as :class:`MockCoreSystem` does, and a reply lost
after the far side committed must never make a second record.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from adapters_served import ServedApp

from adapters import service
from adapters.base import CoreSystem
from adapters.errors import (
    IdempotencyConflictError,
    MalformedReplyError,
    PartnerError,
    PartnerRefusalError,
    PartnerTimeoutError,
    PartnerUnavailableError,
    RecordRejectedError,
    UnknownCoreBusinessError,
)
from adapters.http_json import JsonHttp
from adapters.mock.core_businesses import BUSINESSES
from adapters.mock.core_systems import MockCoreSystem, build_core_systems
from adapters.mock.faults import FaultKind
from adapters.mock.partners_http import create_core_systems_app
from adapters.partners_http import HttpCoreSystem
from tests.adapters.test_adapters_core_systems import SAMPLES, claim


@pytest.fixture
def systems() -> dict[str, MockCoreSystem]:
    """Nine empty core systems, each with its own fault plan."""
    return build_core_systems()


@pytest.fixture
def served(systems: dict[str, MockCoreSystem]) -> Iterator[ServedApp]:
    running = ServedApp(create_core_systems_app(systems, hang_seconds=3.0))
    try:
        yield running
    finally:
        running.close()


def client(url: str, business: str, *, timeout: float = 5.0, retries: int = 0) -> HttpCoreSystem:
    http = JsonHttp(f"core {business}", url, timeout=timeout, retries=retries, backoff=0.01)
    return HttpCoreSystem(http, business)


@dataclass(frozen=True)
class Subject:
    """How to reach each business's system, and the mocks behind them."""

    systems: Mapping[str, MockCoreSystem]
    url: str | None

    def of(self, business: str) -> CoreSystem:
        if self.url is None:
            return self.systems[business]
        return client(self.url, business)


@pytest.fixture(params=["in-process", "http"])
def subject(request: pytest.FixtureRequest, systems: dict[str, MockCoreSystem]) -> Subject:
    if request.param == "in-process":
        return Subject(systems, None)
    running: ServedApp = request.getfixturevalue("served")
    return Subject(systems, running.url)


@pytest.mark.parametrize("business", sorted(SAMPLES))
def test_every_business_registers_each_kind_once(subject: Subject, business: str) -> None:
    system = subject.of(business)
    assert system.business == business
    issued: dict[str, str] = {}
    for n, sample in enumerate(SAMPLES[business]):
        record = {k: issued[str(v)[1:]] if str(v).startswith("@") else v for k, v in sample.items()}
        first = system.register(f"{business}:{n}", record)
        again = system.register(f"{business}:{n}", record)
        assert first.created
        assert (again.record_id, again.created) == (first.record_id, False)
        issued[str(record["kind"])] = first.record_id
        found = system.lookup(f"{business}:{n}")
        assert found is not None
        assert found.record_id == first.record_id
    assert len(subject.systems[business].records()) == len(SAMPLES[business])
    assert system.lookup("never-used") is None


def test_refusals_are_definite(subject: Subject) -> None:
    jidou = subject.of("jidou-teate")
    jidou.register("k1", claim())
    with pytest.raises(IdempotencyConflictError, match="k1") as conflict:
        jidou.register("k1", claim(monthly_amount=10_000))
    assert conflict.value.record_id == "JT0000001"
    with pytest.raises(RecordRejectedError) as rejected:
        jidou.register("k2", claim(monthly_amount="たくさん", children=[]))
    assert len(rejected.value.problems) >= 2
    assert not isinstance(rejected.value, PartnerError)
    with pytest.raises(RecordRejectedError, match="lookups only"):
        subject.of("zeimu").register("k3", {"kind": "income"})


def test_query_finds_records_by_resident_and_child(subject: Subject) -> None:
    jidou = subject.of("jidou-teate")
    jidou.register("a", claim())
    jidou.register("b", claim(resident_number="1000000801", children=["1000000805"]))
    found = jidou.query({"children": "1000000805"})
    assert [r["resident_number"] for r in found] == ["1000000801"]
    assert len(jidou.query({})) == 2
    with pytest.raises(ValueError, match="cannot query by colour"):
        jidou.query({"colour": "blue"})


# HTTP only: faults, retries, reconciliation, configuration.


def test_a_reply_lost_after_commit_is_retried_into_the_same_record(
    systems: dict[str, MockCoreSystem], served: ServedApp
) -> None:
    systems["jidou-teate"].faults.fail_next(FaultKind.LOST_REPLY)
    result = client(served.url, "jidou-teate", timeout=0.3, retries=2).register("k", claim())
    assert (result.record_id, result.created) == ("JT0000001", False)
    assert len(systems["jidou-teate"].records()) == 1


def test_without_retries_a_lost_reply_is_reconciled_by_lookup(
    systems: dict[str, MockCoreSystem], served: ServedApp
) -> None:
    jidou = client(served.url, "jidou-teate", timeout=0.3)
    systems["jidou-teate"].faults.fail_next(FaultKind.LOST_REPLY)
    with pytest.raises(PartnerTimeoutError):
        jidou.register("k", claim())
    found = jidou.lookup("k")
    assert found is not None
    assert found.record_id == "JT0000001"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (FaultKind.SERVER_ERROR, PartnerUnavailableError),
        (FaultKind.TIMEOUT, PartnerTimeoutError),
        (FaultKind.MALFORMED_REPLY, MalformedReplyError),
    ],
)
def test_each_fault_surfaces_as_its_partner_error(
    systems: dict[str, MockCoreSystem],
    served: ServedApp,
    kind: FaultKind,
    expected: type[PartnerError],
) -> None:
    kaigo = client(served.url, "kaigo-hoken", timeout=0.3)
    systems["kaigo-hoken"].faults.fail_next(kind)
    with pytest.raises(expected) as caught:
        kaigo.register("insured", SAMPLES["kaigo-hoken"][0])
    assert type(caught.value) is expected
    # Only the faulted business is affected; the write (if made) is found by its key.
    assert client(served.url, "jidou-teate").register("other", claim()).created
    if kind is FaultKind.MALFORMED_REPLY:
        assert kaigo.lookup("insured") is not None
    else:
        assert kaigo.lookup("insured") is None


def test_a_business_down_for_hours_answers_unavailable(
    systems: dict[str, MockCoreSystem], served: ServedApp
) -> None:
    now = datetime.now(UTC)
    systems["keisatsu"].faults.add_downtime(now - timedelta(hours=1), now + timedelta(hours=3))
    with pytest.raises(PartnerUnavailableError, match="HTTP 503"):
        client(served.url, "keisatsu", retries=1).query({})
    assert client(served.url, "todoufuken-zei").query({}) == ()


def test_an_unknown_business_is_refused(served: ServedApp) -> None:
    with pytest.raises(UnknownCoreBusinessError):
        client(served.url, "nouzei").lookup("k")
    with pytest.raises(PartnerRefusalError):
        client(served.url + "/nowhere", "jidou-teate").lookup("k")


def test_the_registry_builds_a_client_per_business() -> None:
    config = {"core_system": "mock", "core_system.keisatsu": "http"}
    config["core_system_url"] = "http://127.0.0.1:8765/core"
    police = service.core_system("keisatsu", config)
    assert isinstance(police, HttpCoreSystem)
    assert police.business == "keisatsu"
    assert police.http.base_url == "http://127.0.0.1:8765/core"
    assert isinstance(service.core_system("jidou-teate", config), MockCoreSystem)
    assert set(BUSINESSES) >= {"keisatsu", "todoufuken-zei"}
