"""The ``resident_login`` mock: the relying party logs a resident in through the mock provider."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest

from adapters.capabilities import RESIDENT_LOGIN
from adapters.errors import LoginFailedError
from adapters.exchange import LoginIdentity
from adapters.mock.card_reader import MockCardReader
from adapters.mock.oidc_login import FlaskTransport, shared_resident_provider
from adapters.mock.world import DemoWorld
from adapters.oidc_login import OidcResidentLogin
from adapters.partial_date import PartialDate
from adapters.records import Sex
from adapters.registry import Registry
from adapters.service import load_builtin_implementations, resident_login

ISSUER = "http://localhost:8801"
CALLBACK = "http://localhost:5000/login/callback"


@pytest.fixture
def own_world(world: DemoWorld) -> DemoWorld:
    """The session world with fresh PIN counters (and so its own mock provider)."""
    return replace(world, card_reader=MockCardReader(world.population, world.authority))


@pytest.fixture
def login(own_world: DemoWorld) -> OidcResidentLogin:
    """The relying party of the ``madoguchi-web`` client, in process."""
    app = shared_resident_provider(own_world, ISSUER).create_app()
    return OidcResidentLogin(
        ISSUER, "madoguchi-web", "madoguchi-web-demo-secret", FlaskTransport(app, ISSUER)
    )


def browser_login(login: OidcResidentLogin, url: str, number: str, pin: str) -> Mapping[str, str]:
    """What the resident's browser does: post the PIN on the page, return the callback query."""
    transport = login._transport
    assert isinstance(transport, FlaskTransport)
    split = urlsplit(url)
    reply = transport._client.post(
        f"{split.path}?{split.query}", data={"resident_number": number, "pin": pin}
    )
    assert reply.status_code == 302, reply.get_data(as_text=True)
    return {k: v[0] for k, v in parse_qs(urlsplit(reply.headers["Location"]).query).items()}


def test_begin_and_complete_give_the_residents_identity(
    login: OidcResidentLogin, own_world: DemoWorld
) -> None:
    persona = own_world.population.persona("foreign_resident")
    request = login.begin(CALLBACK, ["name", "address", "birthdate", "gender"])
    assert request.url.startswith(f"{ISSUER}/authorize?")
    back = browser_login(login, request.url, persona.resident_number, persona.auth_pin)
    identity = login.complete(CALLBACK, back["code"], back["state"], request)

    resident = own_world.population.resident(persona.resident_number)
    assert isinstance(identity, LoginIdentity)
    assert identity.resident_number == "1000000601"
    assert identity.name == "NGUYEN THI LAN"
    assert identity.address == resident.address.one_line()
    assert identity.birth_date == resident.birth_date
    assert isinstance(identity.birth_date, PartialDate)
    assert identity.sex is Sex.FEMALE
    assert set(identity.scopes) == {"openid", "name", "address", "birthdate", "gender"}


def test_a_state_mismatch_is_refused(login: OidcResidentLogin, own_world: DemoWorld) -> None:
    persona = own_world.population.persona("foreign_resident")
    request = login.begin(CALLBACK, [])
    back = browser_login(login, request.url, persona.resident_number, persona.auth_pin)
    with pytest.raises(LoginFailedError, match="state"):
        login.complete(CALLBACK, back["code"], "forged", request)


def test_a_nonce_mismatch_is_refused(login: OidcResidentLogin, own_world: DemoWorld) -> None:
    persona = own_world.population.persona("foreign_resident")
    request = login.begin(CALLBACK, [])
    back = browser_login(login, request.url, persona.resident_number, persona.auth_pin)
    with pytest.raises(LoginFailedError, match="ID token"):
        login.complete(CALLBACK, back["code"], back["state"], replace(request, nonce="other"))


def test_a_login_completes_once(login: OidcResidentLogin, own_world: DemoWorld) -> None:
    persona = own_world.population.persona("foreign_resident")
    request = login.begin(CALLBACK, [])
    back = browser_login(login, request.url, persona.resident_number, persona.auth_pin)
    login.complete(CALLBACK, back["code"], back["state"], request)
    with pytest.raises(LoginFailedError, match="already completed"):
        login.complete(CALLBACK, back["code"], back["state"], request)


def test_mock_is_registered_under_resident_login() -> None:
    registry: Registry = load_builtin_implementations()
    config = {"resident_login": "mock", "mock_today": "2025-06-02"}
    assert "mock" in registry.known_ids(RESIDENT_LOGIN)
    built = resident_login(config)
    assert isinstance(built, OidcResidentLogin)
    assert built.begin(CALLBACK, ["name"]).url.startswith(f"{ISSUER}/authorize?")
