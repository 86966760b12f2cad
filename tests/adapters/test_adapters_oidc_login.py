"""Resident and staff login: authlib relying parties against the mock providers.

The relying party keeps nothing between ``begin`` and ``complete``: the tests complete a
login with another relying-party object built from the same configuration, as a second
web process would, from the request stored as JSON. The resident's browser is an httpx
client talking to the provider app mounted at the issuer's path.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup

from adapters import service
from adapters.capabilities import RESIDENT_LOGIN, STAFF_LOGIN
from adapters.errors import LoginFailedError, PartnerUnavailableError
from adapters.exchange import AuthorizationRequest, LoginIdentity, StaffIdentity
from adapters.mock.card_reader import MockCardReader
from adapters.mock.oidc_login import (
    DEFAULT_RESIDENT_ISSUER,
    issuers_for,
    resident_provider_app,
    shared_resident_provider,
    staff_provider_app,
    wsgi_transport,
)
from adapters.mock.world import DemoWorld
from adapters.oidc_login import OidcResidentLogin, OidcStaffLogin
from adapters.partial_date import PartialDate
from adapters.records import Sex
from adapters.signatures import CertificateKind

ISSUER = "http://127.0.0.1:5000/mock/digital-auth"
CALLBACK = "http://127.0.0.1:5000/login/callback"
CONFIG = {"resident_login": "mock", "staff_login": "mock", "mock_today": "2025-06-02"}


@pytest.fixture
def own_world(world: DemoWorld) -> DemoWorld:
    """The session world with fresh PIN counters (and so its own mock provider)."""
    return replace(world, card_reader=MockCardReader(world.population, world.authority))


def relying_party(world: DemoWorld, issuer: str = ISSUER) -> OidcResidentLogin:
    """A fresh ``madoguchi-web`` relying party of ``world``'s provider, as a process builds it."""
    app = shared_resident_provider(world, issuer).create_app()
    return OidcResidentLogin(
        issuer,
        "madoguchi-web",
        "madoguchi-web-demo-secret",
        transport=wsgi_transport(app, issuer),
    )


def browser(world: DemoWorld, issuer: str = ISSUER) -> httpx.Client:
    """The resident's browser: reaches the provider app mounted at the issuer's path."""
    app = shared_resident_provider(world, issuer).create_app()
    return httpx.Client(transport=wsgi_transport(app, issuer))


def pin_entry(http: httpx.Client, url: str, number: str, pin: str) -> httpx.Response:
    """Post the card and PIN on the login page at ``url``."""
    return http.post(url, data={"resident_number": number, "pin": pin})


def callback_query(reply: httpx.Response) -> Mapping[str, str]:
    """The query of the redirect back to the web app."""
    assert reply.status_code == 302, reply.text
    return {k: v[0] for k, v in parse_qs(urlsplit(reply.headers["Location"]).query).items()}


def test_a_login_begun_in_one_process_completes_in_another(own_world: DemoWorld) -> None:
    persona = own_world.population.persona("foreign_resident")
    request = relying_party(own_world).begin(CALLBACK, ["name", "address", "birthdate", "gender"])
    assert request.url.startswith(f"{ISSUER}/authorize?")
    assert "code_challenge_method=S256" in request.url
    assert request.code_verifier not in request.url
    stored = json.dumps(request.as_dict())  # what the web app keeps in its signed cookie
    back = callback_query(
        pin_entry(browser(own_world), request.url, persona.resident_number, persona.auth_pin)
    )

    other_process = relying_party(own_world)
    identity = other_process.complete(
        CALLBACK, back["code"], back["state"], AuthorizationRequest.from_dict(json.loads(stored))
    )
    resident = own_world.population.resident(persona.resident_number)
    assert isinstance(identity, LoginIdentity)
    assert identity.resident_number == "1000000601"
    assert identity.name == "NGUYEN THI LAN"
    assert identity.address == resident.address.one_line()
    assert identity.birth_date == resident.birth_date
    assert isinstance(identity.birth_date, PartialDate)
    assert identity.sex is Sex.FEMALE
    assert set(identity.scopes) == {"openid", "name", "address", "birthdate", "gender"}


def test_a_stored_request_missing_its_verifier_is_refused() -> None:
    with pytest.raises(ValueError, match="code_verifier"):
        AuthorizationRequest.from_dict({"url": "u", "state": "s", "nonce": "n"})


def test_a_state_mismatch_is_refused(own_world: DemoWorld) -> None:
    persona = own_world.population.persona("foreign_resident")
    login = relying_party(own_world)
    request = login.begin(CALLBACK, [])
    back = callback_query(
        pin_entry(browser(own_world), request.url, persona.resident_number, persona.auth_pin)
    )
    with pytest.raises(LoginFailedError, match="state が一致しません"):
        login.complete(CALLBACK, back["code"], "forged", request)


def test_a_nonce_mismatch_is_refused(own_world: DemoWorld) -> None:
    persona = own_world.population.persona("foreign_resident")
    login = relying_party(own_world)
    request = login.begin(CALLBACK, [])
    back = callback_query(
        pin_entry(browser(own_world), request.url, persona.resident_number, persona.auth_pin)
    )
    with pytest.raises(LoginFailedError, match="ID トークンを検証できませんでした"):
        login.complete(CALLBACK, back["code"], back["state"], replace(request, nonce="other"))


def test_another_logins_verifier_is_refused(own_world: DemoWorld) -> None:
    persona = own_world.population.persona("foreign_resident")
    login = relying_party(own_world)
    request = login.begin(CALLBACK, [])
    stolen = login.begin(CALLBACK, [])
    back = callback_query(
        pin_entry(browser(own_world), request.url, persona.resident_number, persona.auth_pin)
    )
    forged = replace(request, code_verifier=stolen.code_verifier)
    with pytest.raises(LoginFailedError, match="invalid_grant"):
        login.complete(CALLBACK, back["code"], back["state"], forged)


def test_a_login_completes_once(own_world: DemoWorld) -> None:
    persona = own_world.population.persona("foreign_resident")
    login = relying_party(own_world)
    request = login.begin(CALLBACK, [])
    back = callback_query(
        pin_entry(browser(own_world), request.url, persona.resident_number, persona.auth_pin)
    )
    login.complete(CALLBACK, back["code"], back["state"], request)
    with pytest.raises(LoginFailedError, match="ログインを完了できませんでした"):
        login.complete(CALLBACK, back["code"], back["state"], request)


@pytest.mark.parametrize(
    "callback",
    ["http://127.0.0.1:49321/login/callback", "http://localhost:8123/login/callback"],
)
def test_loopback_callbacks_work_on_any_port(own_world: DemoWorld, callback: str) -> None:
    persona = own_world.population.persona("elderly_alone")
    login = relying_party(own_world)
    request = login.begin(callback, ["name"])
    reply = pin_entry(browser(own_world), request.url, persona.resident_number, persona.auth_pin)
    assert reply.headers["Location"].startswith(callback)
    back = callback_query(reply)
    assert login.complete(callback, back["code"], back["state"], request).name == "渡辺\u3000和子"


@pytest.mark.parametrize(
    "callback",
    [
        "http://127.0.0.1:49321/other/callback",
        "https://127.0.0.1:5000/login/callback",
        "http://madoguchi.example:5000/login/callback",
        "http://evil@127.0.0.1:5000/login/callback",
    ],
)
def test_other_callbacks_must_match_exactly(own_world: DemoWorld, callback: str) -> None:
    request = relying_party(own_world).begin(callback, [])
    reply = browser(own_world).get(request.url)
    assert reply.status_code == 400
    assert "Location" not in reply.headers


def test_an_expired_authentication_certificate_cannot_log_in(own_world: DemoWorld) -> None:
    # 加藤 節子 (care_renewal, wife): card issued over six years ago, never renewed.
    request = relying_party(own_world).begin(CALLBACK, ["name"])
    reply = pin_entry(browser(own_world), request.url, "1000000902", "7575")
    assert reply.status_code == 403
    alert = BeautifulSoup(reply.text, "html.parser").find(role="alert")
    assert alert is not None
    message = alert.get_text()
    assert "利用者証明用電子証明書は有効期限が切れています" in message
    assert "市役所の窓口で電子証明書の更新" in message
    # Her husband's card, issued later, still works.
    persona = own_world.population.persona("care_renewal")
    ok = pin_entry(browser(own_world), request.url, persona.resident_number, persona.auth_pin)
    assert ok.status_code == 302


def test_a_revoked_authentication_certificate_cannot_log_in(own_world: DemoWorld) -> None:
    population = own_world.population
    revoked = tuple(
        replace(
            card,
            certificates=tuple(
                replace(c, revoked_on=population.today)
                if c.kind is CertificateKind.AUTHENTICATION
                else c
                for c in card.certificates
            ),
        )
        if card.resident_number == "1000000601"
        else card
        for card in population.cards
    )
    # The same demo, except that NGUYEN THI LAN's card was reported lost today.
    lost = replace(own_world, population=replace(population, cards=revoked))
    request = relying_party(lost).begin(CALLBACK, [])
    reply = pin_entry(browser(lost), request.url, "1000000601", "4455")
    assert reply.status_code == 403
    assert "利用者証明用電子証明書は失効しています" in reply.text
    assert "再発行" in reply.text


def test_the_registered_mock_talks_to_the_app_the_web_app_mounts() -> None:
    login = service.resident_login(CONFIG)
    assert isinstance(login, OidcResidentLogin)
    assert login.issuer == DEFAULT_RESIDENT_ISSUER
    request = login.begin(CALLBACK, ["name"])
    mounted = resident_provider_app(CONFIG)
    http = httpx.Client(transport=wsgi_transport(mounted, DEFAULT_RESIDENT_ISSUER))
    back = callback_query(pin_entry(http, request.url, "1000000301", "0825"))
    identity = service.resident_login(CONFIG).complete(
        CALLBACK, back["code"], back["state"], request
    )
    assert identity.resident_number == "1000000301"


def test_issuers_follow_the_public_url() -> None:
    issuers = issuers_for("http://127.0.0.1:43111/")
    assert issuers == {
        "resident_login_issuer": "http://127.0.0.1:43111/mock/digital-auth",
        "staff_login_issuer": "http://127.0.0.1:43111/mock/staff-idp",
    }
    config = {**CONFIG, **issuers}
    meta = (
        httpx.Client(
            transport=wsgi_transport(
                resident_provider_app(config), issuers["resident_login_issuer"]
            )
        )
        .get(issuers["resident_login_issuer"] + "/.well-known/openid-configuration")
        .json()
    )
    assert meta["issuer"] == issuers["resident_login_issuer"]
    assert meta["token_endpoint"] == issuers["resident_login_issuer"] + "/token"


def test_staff_log_in_with_roles_and_departments() -> None:
    config = {**CONFIG, "staff_login_issuer": "http://127.0.0.1:40404/mock/staff-idp"}
    issuer = config["staff_login_issuer"]
    callback = "http://127.0.0.1:40404/staff/login/callback"
    login = service.staff_login(config)
    assert isinstance(login, OidcStaffLogin)
    request = login.begin(callback, ["profile", "roles"])
    http = httpx.Client(transport=wsgi_transport(staff_provider_app(config), issuer))
    reply = http.post(
        request.url, data={"login_id": "kosodate-kessai", "password": "demo-kessai-1"}
    )
    back = callback_query(reply)
    staff = service.staff_login(config).complete(callback, back["code"], back["state"], request)
    assert isinstance(staff, StaffIdentity)
    assert (staff.login_id, staff.name) == ("kosodate-kessai", "谷保\u3000直子")
    assert staff.roles == ("approval",)
    assert staff.departments == ("子育て支援課",)


def test_staff_with_a_wrong_password_get_no_code() -> None:
    config = {**CONFIG}
    login = service.staff_login(config)
    request = login.begin("http://127.0.0.1:5000/staff/login/callback", ["roles"])
    http = httpx.Client(
        transport=wsgi_transport(staff_provider_app(config), "http://127.0.0.1:5000/mock/staff-idp")
    )
    reply = http.post(request.url, data={"login_id": "admin", "password": "wrong"})
    assert reply.status_code == 401
    assert "ログインIDまたはパスワードが違います" in reply.text


def test_an_unreachable_issuer_is_a_partner_error() -> None:
    login = OidcResidentLogin("http://127.0.0.1:1/nowhere", "madoguchi-web", "secret", timeout=1.0)
    with pytest.raises(PartnerUnavailableError, match="discovery"):
        login.begin(CALLBACK, [])


def test_both_logins_are_registered_with_a_network_variant() -> None:
    registry = service.load_builtin_implementations()
    assert registry.known_ids(RESIDENT_LOGIN) == ("mock", "oidc")
    assert registry.known_ids(STAFF_LOGIN) == ("mock", "oidc")
    real = service.resident_login(
        {
            "resident_login": "oidc",
            "resident_login_issuer": "https://auth.example.jp",
            "resident_login_client_id": "kunitachi",
            "resident_login_timeout": "3",
        }
    )
    assert isinstance(real, OidcResidentLogin)
    assert (real.issuer, real.client_id, real.timeout) == (
        "https://auth.example.jp",
        "kunitachi",
        3.0,
    )
    with pytest.raises(ValueError, match="staff_login_issuer"):
        service.staff_login({"staff_login": "oidc"})
