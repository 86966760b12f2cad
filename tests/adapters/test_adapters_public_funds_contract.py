"""One contract for the public-funds accounts: the in-process mock and the HTTP client."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from adapters_served import ServedApp

from adapters import service
from adapters.base import PublicFundsAccounts
from adapters.errors import PartnerError, PartnerTimeoutError, PartnerUnavailableError
from adapters.http_json import JsonHttp
from adapters.mock.faults import FaultKind, FaultPlan
from adapters.mock.partners_http import create_public_funds_app
from adapters.mock.population import Population
from adapters.mock.public_funds import MockPublicFundsAccounts, generate_accounts
from adapters.partners_http import HttpPublicFundsAccounts
from adapters.records import AccountType


@dataclass(frozen=True)
class Subject:
    accounts: PublicFundsAccounts
    mock: MockPublicFundsAccounts
    population: Population


@pytest.fixture
def mock(population: Population) -> MockPublicFundsAccounts:
    return MockPublicFundsAccounts(generate_accounts(population), FaultPlan(seed="contract"))


@pytest.fixture
def served(mock: MockPublicFundsAccounts) -> Iterator[ServedApp]:
    running = ServedApp(create_public_funds_app(mock, hang_seconds=3.0))
    try:
        yield running
    finally:
        running.close()


def client(url: str, *, timeout: float = 5.0, retries: int = 0) -> HttpPublicFundsAccounts:
    return HttpPublicFundsAccounts(
        JsonHttp("public_funds", url, timeout=timeout, retries=retries, backoff=0.01)
    )


@pytest.fixture(params=["in-process", "http"])
def subject(
    request: pytest.FixtureRequest, mock: MockPublicFundsAccounts, population: Population
) -> Subject:
    if request.param == "in-process":
        return Subject(mock, mock, population)
    running: ServedApp = request.getfixturevalue("served")
    return Subject(client(running.url), mock, population)


def test_a_registered_account_is_found_by_my_number(subject: Subject) -> None:
    persona = subject.population.persona("family_expecting")
    account = subject.accounts.lookup(persona.my_number)
    assert account is not None
    assert account.holder_kana == "サトウ\u3000ミサキ"
    assert account.account_type in (AccountType.ORDINARY, AccountType.CURRENT)
    assert len(account.account_number) == 7


def test_no_account_is_none(subject: Subject) -> None:
    persona = subject.population.persona("newborn_family")
    assert subject.accounts.lookup(persona.my_number) is None
    assert subject.accounts.lookup("000000000000") is None


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (FaultKind.SERVER_ERROR, PartnerUnavailableError),
        (FaultKind.TIMEOUT, PartnerTimeoutError),
        (FaultKind.LOST_REPLY, PartnerTimeoutError),
    ],
)
def test_faults_surface_without_retries_and_vanish_with_them(
    mock: MockPublicFundsAccounts,
    served: ServedApp,
    population: Population,
    kind: FaultKind,
    expected: type[PartnerError],
) -> None:
    number = population.persona("single_parent").my_number
    mock.faults.fail_next(kind)
    with pytest.raises(expected):
        client(served.url, timeout=0.3).lookup(number)
    mock.faults.fail_next(kind)
    assert client(served.url, timeout=0.3, retries=1).lookup(number) is not None


def test_the_registry_builds_the_http_client_from_configuration() -> None:
    built = service.public_funds_accounts(
        {"public_funds_accounts": "http", "public_funds_url": "http://127.0.0.1:8765/funds"}
    )
    assert isinstance(built, HttpPublicFundsAccounts)
    with pytest.raises(ValueError, match="public_funds_url"):
        service.public_funds_accounts({"public_funds_accounts": "http"})
