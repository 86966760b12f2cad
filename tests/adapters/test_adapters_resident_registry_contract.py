"""One contract for the resident registry: the in-process mock and the HTTP client.

The behaviour tests run against :class:`MockResidentRegistry` in process and against
:class:`HttpResidentRegistry` talking to ``create_resident_registry_app`` served by a real
werkzeug server on a free localhost port; the HTTP-only tests check retries, each fault
kind and that My Numbers never appear in a URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from adapters_served import ServedApp

from adapters import service
from adapters.base import ResidentRegistry
from adapters.errors import (
    MalformedReplyError,
    PartnerError,
    PartnerRefusalError,
    PartnerTimeoutError,
    PartnerUnavailableError,
)
from adapters.http_json import JsonHttp
from adapters.mock.faults import FaultKind, FaultPlan
from adapters.mock.partners_http import create_resident_registry_app
from adapters.mock.population import Population
from adapters.mock.resident_registry import MockResidentRegistry
from adapters.partners_http import HttpResidentRegistry
from adapters.records import Relationship
from adapters.signatures import CertificateKind


@dataclass(frozen=True)
class Subject:
    """A registry under test and the mock behind it."""

    registry: ResidentRegistry
    mock: MockResidentRegistry
    population: Population


@pytest.fixture
def mock(population: Population) -> MockResidentRegistry:
    """A registry of its own, so switching its faults touches no other test."""
    return MockResidentRegistry(population, FaultPlan(seed="contract"))


@pytest.fixture
def served(mock: MockResidentRegistry) -> Iterator[ServedApp]:
    running = ServedApp(create_resident_registry_app(mock, hang_seconds=3.0))
    try:
        yield running
    finally:
        running.close()


def client(url: str, *, timeout: float = 5.0, retries: int = 0) -> HttpResidentRegistry:
    return HttpResidentRegistry(
        JsonHttp("resident_registry", url, timeout=timeout, retries=retries, backoff=0.01)
    )


@pytest.fixture(params=["in-process", "http"])
def subject(
    request: pytest.FixtureRequest, mock: MockResidentRegistry, population: Population
) -> Subject:
    if request.param == "in-process":
        return Subject(mock, mock, population)
    running: ServedApp = request.getfixturevalue("served")
    return Subject(client(running.url), mock, population)


def test_lookups_give_the_registered_resident(subject: Subject) -> None:
    persona = subject.population.persona("family_expecting")
    expected = subject.population.resident(persona.resident_number)
    assert subject.registry.by_resident_number(persona.resident_number) == expected
    assert subject.registry.by_my_number(persona.my_number) == expected
    assert subject.registry.by_resident_number("9999999999") is None
    assert subject.registry.by_my_number("123456789012") is None


def test_foreign_residents_and_partly_unknown_dates_survive_the_trip(subject: Subject) -> None:
    foreign = subject.population.resident(
        subject.population.persona("foreign_resident").resident_number
    )
    assert subject.registry.by_resident_number(foreign.resident_number) == foreign
    partial = next(r for r in subject.population.residents if not r.birth_date.is_complete)
    found = subject.registry.by_resident_number(partial.resident_number)
    assert found == partial
    assert found is not None
    assert found.birth_date.display_ja().endswith("不詳")


def test_a_certificate_serial_leads_to_its_holder(subject: Subject) -> None:
    persona = subject.population.persona("recently_moved")
    card = subject.population.card(persona.resident_number)
    assert card is not None
    for certificate in card.certificates:  # the revoked one too
        found = subject.registry.by_certificate_serial(certificate.serial)
        assert found is not None
        assert found.resident_number == persona.resident_number
    assert subject.registry.by_certificate_serial(1) is None
    assert card.current(CertificateKind.SIGNING) is not None


def test_households_list_the_head_first(subject: Subject) -> None:
    household = subject.registry.household("2000000008")
    assert household is not None
    assert household.head.relationship is Relationship.HEAD
    assert [m.relationship for m in household.members[1:]] == [Relationship.WIFE] + [
        Relationship.CHILD
    ] * 3
    assert subject.registry.household("2999999999") is None


def test_search_finds_by_kana_name_and_birth_date(subject: Subject) -> None:
    persona = subject.population.persona("elderly_alone")
    resident = subject.population.resident(persona.resident_number)
    by_kana = subject.registry.search(kana="わたなべ かずこ")
    assert resident in by_kana
    birth = resident.birth_date.as_date()
    assert birth is not None
    assert subject.registry.search(name="渡辺和子", birth_date=birth) == (resident,)
    assert len(subject.registry.search(kana="サ", limit=3)) == 3
    with pytest.raises(ValueError, match="at least one"):
        subject.registry.search()


# HTTP only: faults, retries, privacy, configuration.


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (FaultKind.SERVER_ERROR, PartnerUnavailableError),
        (FaultKind.TIMEOUT, PartnerTimeoutError),
        (FaultKind.MALFORMED_REPLY, MalformedReplyError),
        (FaultKind.LOST_REPLY, PartnerTimeoutError),
    ],
)
def test_each_fault_surfaces_as_its_partner_error(
    mock: MockResidentRegistry,
    served: ServedApp,
    kind: FaultKind,
    expected: type[PartnerError],
) -> None:
    quick = client(served.url, timeout=0.3, retries=0)
    mock.faults.fail_next(kind)
    with pytest.raises(expected) as caught:
        quick.by_resident_number("1000000102")
    assert type(caught.value) is expected
    assert quick.by_resident_number("1000000102") is not None


@pytest.mark.parametrize("kind", [FaultKind.SERVER_ERROR, FaultKind.TIMEOUT])
def test_a_transient_fault_is_retried_away(
    mock: MockResidentRegistry, served: ServedApp, kind: FaultKind
) -> None:
    mock.faults.fail_next(kind)
    found = client(served.url, timeout=0.3, retries=2).by_resident_number("1000000102")
    assert found is not None
    assert mock.faults.counts()[kind] == 1
    assert mock.faults.calls == 2


def test_downtime_outlasts_the_retries(mock: MockResidentRegistry, served: ServedApp) -> None:
    now = datetime.now(UTC)
    mock.faults.add_downtime(now - timedelta(hours=1), now + timedelta(hours=1))
    with pytest.raises(PartnerUnavailableError, match="HTTP 503"):
        client(served.url, retries=2).by_resident_number("1000000102")
    assert mock.faults.counts()[FaultKind.DOWNTIME] == 3
    mock.faults.clear_downtime()
    assert client(served.url).by_resident_number("1000000102") is not None


def test_added_latency_within_the_timeout_still_answers(
    mock: MockResidentRegistry, served: ServedApp
) -> None:
    mock.faults.set_latency(0.2)
    assert client(served.url, timeout=2.0).by_resident_number("1000000102") is not None
    with pytest.raises(PartnerTimeoutError):
        client(served.url, timeout=0.05).by_resident_number("1000000102")


def test_my_numbers_never_travel_in_urls(
    mock: MockResidentRegistry, population: Population
) -> None:
    urls: list[str] = []
    inner = httpx.WSGITransport(app=create_resident_registry_app(mock))

    class Recording(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            urls.append(str(request.url))
            return inner.handle_request(request)

    registry = HttpResidentRegistry(
        JsonHttp("resident_registry", "http://registry.test", transport=Recording())
    )
    persona = population.persona("single_parent")
    assert registry.by_my_number(persona.my_number) is not None
    assert urls
    assert not any(persona.my_number in url for url in urls)


def test_the_registry_builds_the_http_client_from_configuration() -> None:
    built = service.resident_registry(
        {
            "resident_registry": "http",
            "resident_registry_url": "http://127.0.0.1:8765/registry/",
            "resident_registry_timeout": "2.5",
            "resident_registry_retries": "4",
        }
    )
    assert isinstance(built, HttpResidentRegistry)
    assert (built.http.base_url, built.http.timeout, built.http.retries) == (
        "http://127.0.0.1:8765/registry",
        2.5,
        4,
    )
    with pytest.raises(ValueError, match="resident_registry_url"):
        service.resident_registry({"resident_registry": "http"})


def test_a_wrong_url_is_a_refusal_not_nobody(served: ServedApp) -> None:
    wrong = client(served.url + "/v0")
    with pytest.raises(PartnerRefusalError, match="HTTP 404"):
        wrong.by_resident_number("1000000102")
