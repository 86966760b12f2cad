"""The mock Digital Authentication App: the whole code flow over HTTP, PKCE, PIN lock-out."""

from __future__ import annotations

import pytest
from adapters_oidc_client import RelyingParty
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from adapters.mock.card_reader import MockCardReader
from adapters.mock.oidc_provider import CODE_LIFETIME_SECONDS, OidcProvider
from adapters.mock.oidc_resident import (
    NAME_KANA_CLAIM,
    RESIDENT_NUMBER_CLAIM,
    create_resident_provider_app,
    resident_provider,
)
from adapters.mock.world import DemoWorld
from adapters.signatures import CertificateKind

ISSUER = "http://localhost:8801"
WEB_CALLBACK = "http://localhost:5000/login/callback"
KIOSK_CALLBACK = "http://localhost:5001/login/callback"


class Clock:
    """A settable clock for code expiry."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def card_reader(world: DemoWorld) -> MockCardReader:
    """Fresh PIN counters for each test."""
    return MockCardReader(world.population, world.authority)


@pytest.fixture
def provider(world: DemoWorld, card_reader: MockCardReader) -> OidcProvider:
    """A resident provider with the demo clients."""
    return resident_provider(world.population, card_reader, ISSUER)


@pytest.fixture
def http(provider: OidcProvider) -> FlaskClient:
    """The provider app's test client."""
    return provider.create_app().test_client()


@pytest.fixture
def web(http: FlaskClient) -> RelyingParty:
    """The confidential web client."""
    return RelyingParty(http, ISSUER, "madoguchi-web", WEB_CALLBACK, "madoguchi-web-demo-secret")


@pytest.fixture
def kiosk(http: FlaskClient) -> RelyingParty:
    """The public kiosk client (PKCE only)."""
    return RelyingParty(http, ISSUER, "madoguchi-kiosk", KIOSK_CALLBACK)


def login(rp: RelyingParty, url: str, resident_number: str, pin: str) -> TestResponse:
    """POST the PIN form of the page at ``url``."""
    return rp.http.post(url, data={"resident_number": resident_number, "pin": pin})


def test_discovery_and_jwks_describe_the_provider(http: FlaskClient) -> None:
    meta = http.get("/.well-known/openid-configuration").get_json()
    assert meta["issuer"] == ISSUER
    assert meta["token_endpoint"] == f"{ISSUER}/token"
    assert meta["response_types_supported"] == ["code"]
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert set(meta["scopes_supported"]) == {
        "openid",
        "name",
        "address",
        "birthdate",
        "gender",
        "sign",
    }
    assert RESIDENT_NUMBER_CLAIM in meta["claims_supported"]
    (key,) = http.get("/jwks").get_json()["keys"]
    assert key["kty"] == "EC"
    assert key["crv"] == "P-256"
    assert "d" not in key


def test_login_page_is_japanese_and_labels_the_pin(web: RelyingParty, world: DemoWorld) -> None:
    page = web.http.get(web.begin("openid name").url)
    assert page.status_code == 200
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    assert soup.html is not None
    assert soup.html["lang"] == "ja"
    pin = soup.find("input", attrs={"name": "pin"})
    assert pin is not None
    assert soup.find("label", attrs={"for": pin["id"]}) is not None
    persona = world.population.persona("family_expecting")
    radio = soup.find("input", attrs={"value": persona.resident_number})
    assert radio is not None
    label = soup.find("label", attrs={"for": radio["id"]})
    assert label is not None
    assert "佐藤　美咲" in label.get_text()


def test_full_flow_gives_claims_for_the_granted_scopes(web: RelyingParty, world: DemoWorld) -> None:
    persona = world.population.persona("family_expecting")
    attempt = web.begin("openid name address birthdate gender")
    back = web.callback(login(web, attempt.url, persona.resident_number, persona.auth_pin))
    assert back["state"] == attempt.state

    reply = web.exchange(back["code"], attempt.verifier)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    tokens = reply.get_json()
    assert tokens["token_type"].lower() == "bearer"
    claims = web.verify_id_token(tokens["id_token"], attempt.nonce)

    resident = world.population.resident(persona.resident_number)
    assert claims[RESIDENT_NUMBER_CLAIM] == "1000000102"
    assert claims["name"] == "佐藤　美咲"
    assert claims[NAME_KANA_CLAIM] == "サトウ　ミサキ"
    address = claims["address"]
    assert isinstance(address, dict)
    assert address["formatted"] == resident.address.one_line()
    assert "富士見台二丁目12番3号" in address["formatted"]
    assert claims["birthdate"] == resident.birth_date.iso()
    assert claims["gender"] == "female"

    info = web.http.get("/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert info.status_code == 200
    assert info.get_json()["sub"] == claims["sub"]
    assert info.get_json()["name"] == "佐藤　美咲"


def test_openid_alone_gives_only_the_subject_and_resident_number(
    kiosk: RelyingParty, world: DemoWorld
) -> None:
    persona = world.population.persona("elderly_alone")
    attempt = kiosk.begin("openid")
    back = kiosk.callback(login(kiosk, attempt.url, persona.resident_number, persona.auth_pin))
    tokens = kiosk.exchange(back["code"], attempt.verifier).get_json()
    claims = kiosk.verify_id_token(tokens["id_token"], attempt.nonce)
    assert claims[RESIDENT_NUMBER_CLAIM] == persona.resident_number
    assert not {"name", "address", "birthdate", "gender", NAME_KANA_CLAIM} & claims.keys()


def test_subject_is_stable_per_client_and_differs_between_clients(
    web: RelyingParty, kiosk: RelyingParty, world: DemoWorld
) -> None:
    persona = world.population.persona("single_parent")
    subjects = []
    for rp in (web, web, kiosk):
        attempt = rp.begin("openid")
        back = rp.callback(login(rp, attempt.url, persona.resident_number, persona.auth_pin))
        tokens = rp.exchange(back["code"], attempt.verifier).get_json()
        subjects.append(rp.verify_id_token(tokens["id_token"], attempt.nonce)["sub"])
    assert subjects[0] == subjects[1]
    assert subjects[0] != subjects[2]


def test_a_resident_outside_the_personas_logs_in_by_resident_number(
    web: RelyingParty, world: DemoWorld
) -> None:
    card = next(c for c in world.population.cards if not c.resident_number.startswith("10000"))
    attempt = web.begin("openid name")
    response = web.http.post(
        attempt.url, data={"other_resident_number": card.resident_number, "pin": card.auth_pin}
    )
    tokens = web.exchange(web.callback(response)["code"], attempt.verifier).get_json()
    claims = web.verify_id_token(tokens["id_token"], attempt.nonce)
    assert claims[RESIDENT_NUMBER_CLAIM] == card.resident_number
    assert claims["name"] == world.population.resident(card.resident_number).name.full


def test_missing_state_is_refused(web: RelyingParty) -> None:
    back = web.callback(web.http.get(web.begin("openid", state=False).url))
    assert back["error"] == "invalid_request"
    assert "state" in back["error_description"]
    assert "code" not in back


@pytest.mark.parametrize("client_name", ["web", "kiosk"])
def test_missing_pkce_is_refused(client_name: str, request: pytest.FixtureRequest) -> None:
    rp: RelyingParty = request.getfixturevalue(client_name)
    back = rp.callback(rp.http.get(rp.begin("openid", pkce=False).url))
    assert back["error"] == "invalid_request"
    assert "PKCE" in back["error_description"]


def test_plain_pkce_is_refused(web: RelyingParty) -> None:
    back = web.callback(web.http.get(web.begin("openid", method="plain").url))
    assert back["error"] == "invalid_request"
    assert "S256" in back["error_description"]


def test_missing_nonce_is_refused(web: RelyingParty) -> None:
    url = web.begin("openid").url.replace("nonce=", "ignored=")
    back = web.callback(web.http.get(url))
    assert back["error"] == "invalid_request"


def test_unknown_redirect_uri_is_not_followed(http: FlaskClient) -> None:
    rp = RelyingParty(http, ISSUER, "madoguchi-web", "https://evil.example/cb")
    response = http.get(rp.begin("openid").url)
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_wrong_verifier_is_refused(web: RelyingParty, world: DemoWorld) -> None:
    persona = world.population.persona("care_renewal")
    attempt = web.begin("openid")
    back = web.callback(login(web, attempt.url, persona.resident_number, persona.auth_pin))
    reply = web.exchange(back["code"], "x" * 50)
    assert reply.status_code == 400
    assert reply.get_json()["error"] == "invalid_grant"


def test_a_code_works_once(web: RelyingParty, world: DemoWorld) -> None:
    persona = world.population.persona("care_renewal")
    attempt = web.begin("openid")
    back = web.callback(login(web, attempt.url, persona.resident_number, persona.auth_pin))
    assert web.exchange(back["code"], attempt.verifier).status_code == 200
    again = web.exchange(back["code"], attempt.verifier)
    assert again.status_code == 400
    assert again.get_json()["error"] == "invalid_grant"


def test_a_code_expires_after_a_minute(world: DemoWorld, card_reader: MockCardReader) -> None:
    clock = Clock(1_750_000_000.0)
    provider = resident_provider(world.population, card_reader, ISSUER)
    provider.clock = clock
    rp = RelyingParty(
        provider.create_app().test_client(),
        ISSUER,
        "madoguchi-web",
        WEB_CALLBACK,
        "madoguchi-web-demo-secret",
    )
    persona = world.population.persona("care_renewal")
    attempt = rp.begin("openid")
    back = rp.callback(login(rp, attempt.url, persona.resident_number, persona.auth_pin))
    clock.now += CODE_LIFETIME_SECONDS + 1
    reply = rp.exchange(back["code"], attempt.verifier)
    assert reply.get_json()["error"] == "invalid_grant"


def test_confidential_client_needs_its_secret(web: RelyingParty, world: DemoWorld) -> None:
    persona = world.population.persona("care_renewal")
    attempt = web.begin("openid")
    back = web.callback(login(web, attempt.url, persona.resident_number, persona.auth_pin))
    web.client_secret = "wrong"
    assert web.exchange(back["code"], attempt.verifier).get_json()["error"] == "invalid_client"


def test_wrong_pin_counts_down_and_three_lock_the_card(
    web: RelyingParty, world: DemoWorld, card_reader: MockCardReader
) -> None:
    persona = world.population.persona("newborn_family")
    attempt = web.begin("openid")
    for left in (2, 1):
        page = login(web, attempt.url, persona.resident_number, "0000")
        text = page.get_data(as_text=True)
        assert page.status_code == 401
        assert f"あと{left}回" in text
        assert 'role="alert"' in text
    locked = login(web, attempt.url, persona.resident_number, "0000")
    assert locked.status_code == 403
    assert "窓口" in locked.get_data(as_text=True)
    assert card_reader.remaining_tries(persona.resident_number, CertificateKind.AUTHENTICATION) == 0

    again = login(web, web.begin("openid").url, persona.resident_number, persona.auth_pin)
    assert again.status_code == 403
    assert "ロックされています" in again.get_data(as_text=True)


def test_unknown_resident_and_malformed_pin_are_explained(web: RelyingParty) -> None:
    attempt = web.begin("openid")
    unknown = web.http.post(
        attempt.url, data={"other_resident_number": "9999999999", "pin": "1234"}
    )
    assert unknown.status_code == 404
    assert "見つかりません" in unknown.get_data(as_text=True)
    short = web.http.post(attempt.url, data={"resident_number": "1000000102", "pin": "12"})
    assert short.status_code == 400
    assert "数字4桁" in short.get_data(as_text=True)


def test_cancel_sends_access_denied(web: RelyingParty) -> None:
    attempt = web.begin("openid")
    back = web.callback(web.http.post(attempt.url, data={"cancel": "1"}))
    assert back["error"] == "access_denied"
    assert back["state"] == attempt.state


def test_userinfo_needs_a_valid_token(http: FlaskClient) -> None:
    response = http.get("/userinfo", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_app_factory_builds_a_provider(world: DemoWorld, card_reader: MockCardReader) -> None:
    app = create_resident_provider_app(world.population, card_reader, "http://mock.example")
    meta = app.test_client().get("/.well-known/openid-configuration").get_json()
    assert meta["jwks_uri"] == "http://mock.example/jwks"
