"""OAuth 2.0: client credentials, the authorization code flow with PKCE, refresh, revocation,
and the bearer guard on every operation (deny by default)."""

from __future__ import annotations

import datetime as dt
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from api_helpers import (
    REDIRECT,
    Api,
    authorize_url,
    client_credentials,
    code_of,
    consent,
    log_in,
    person_token,
    pkce,
    register,
    resident_login,
    staff_login,
)
from flask import Flask
from sqlalchemy import update
from sqlmodel import Session

from adapters.mock.world import DemoWorld
from engine import api_clients, api_tokens
from engine.api_tokens import ApiToken
from web.api.auth import TOKEN_CACHE_SECONDS, TokenCache
from web.api.spec import OPERATIONS

TOKEN = "/api/v1/oauth/token"


def token_cache_of(app: Flask) -> TokenCache:
    cache: TokenCache = app.extensions["madoguchi_token_cache"]
    return cache


def test_a_token_lookup_is_trusted_for_a_few_seconds_only(
    app: Flask, integrator: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert integrator.get("/api/v1/me").status_code == 200
    with Session(app.extensions["madoguchi"].db) as s:
        s.connection().execute(update(api_tokens.TOKENS).values(revoked_at=api_clients.utcnow()))
        s.commit()
    assert integrator.get("/api/v1/me").status_code == 200
    later = time.monotonic() + TOKEN_CACHE_SECONDS + 0.1
    monkeypatch.setattr("web.api.auth.time.monotonic", lambda: later)
    assert integrator.get("/api/v1/me").status_code == 401


def test_client_credentials_give_an_integrator_token(app: Flask) -> None:
    client_id, secret = register(app, name="子育てアプリ")
    web = app.test_client()
    reply = web.post(TOKEN, data={"grant_type": "client_credentials"}, auth=(client_id, secret))
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"].startswith("mdg_at_")
    assert set(body["scope"].split()) == {"applications:file", "applications:read"}
    assert "refresh_token" not in body
    assert reply.headers["Cache-Control"] == "no-store"
    me = web.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200, me.get_json()
    assert me.get_json()["subject"] == {
        "kind": "integrator",
        "id": client_id,
        "name": "子育てアプリ",
        "roles": [],
        "departments": [],
    }


def test_client_secret_in_the_form_also_works(app: Flask) -> None:
    client_id, secret = register(app)
    reply = app.test_client().post(
        TOKEN,
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert reply.status_code == 200


def test_token_is_stored_only_as_a_hash(app: Flask, integrator: Api) -> None:
    with Session(app.extensions["madoguchi"].db) as s:
        rows = s.exec(api_clients.orm_select(ApiToken)).all()
    assert rows
    assert all(integrator.token not in (r.access_hash, r.refresh_hash) for r in rows)
    assert any(r.access_hash == api_clients.digest(integrator.token) for r in rows)


@pytest.mark.parametrize(
    ("form", "auth", "status", "error"),
    [
        ({"grant_type": "client_credentials"}, ("nobody", "x"), 401, "invalid_client"),
        ({"grant_type": "client_credentials"}, "wrong-secret", 401, "invalid_client"),
        ({"grant_type": "password"}, None, 400, "unsupported_grant_type"),
        (
            {"grant_type": "client_credentials", "scope": "applications:transition"},
            None,
            400,
            "invalid_scope",
        ),
        ({"grant_type": "authorization_code", "code": "x"}, None, 400, "unauthorized_client"),
    ],
)
def test_token_endpoint_refusals_speak_rfc_6749(
    app: Flask, form: dict[str, str], auth: object, status: int, error: str
) -> None:
    client_id, secret = register(app)
    credentials = (client_id, secret) if auth is None else auth
    if auth == "wrong-secret":
        credentials = (client_id, "mdg_secret_not-this-one")
    reply = app.test_client().post(TOKEN, data=form, auth=credentials)
    assert reply.status_code == status
    assert reply.get_json()["error"] == error


def test_a_revoked_client_gets_no_token_and_its_tokens_stop_working(
    app: Flask, integrator: Api
) -> None:
    assert integrator.get("/api/v1/me").status_code == 200
    with Session(app.extensions["madoguchi"].db) as s:
        client = api_clients.get_client(s, integrator.client_id)
        assert client is not None
        assert api_tokens.revoke_client(s, client) == 1
        s.commit()
    # Revoked elsewhere (the CLI): this process trusts its lookup a few seconds more.
    assert integrator.get("/api/v1/me").status_code == 200
    token_cache_of(app).clear()
    assert integrator.get("/api/v1/me").status_code == 401
    again = app.test_client().post(
        TOKEN,
        data={"grant_type": "client_credentials"},
        auth=(integrator.client_id, integrator.client_secret or ""),
    )
    assert again.status_code == 401


def test_an_expired_token_is_refused(app: Flask, integrator: Api) -> None:
    past = api_clients.utcnow() - dt.timedelta(seconds=1)
    with Session(app.extensions["madoguchi"].db) as s:
        s.connection().execute(update(api_tokens.TOKENS).values(expires_at=past))
        s.commit()
    token_cache_of(app).clear()
    reply = integrator.get("/api/v1/me")
    assert reply.status_code == 401
    assert reply.get_json()["error"]["code"] == "unauthorized"
    assert 'error="invalid_token"' in reply.headers["WWW-Authenticate"]


def test_revocation_endpoint_revokes_the_token(app: Flask, integrator: Api) -> None:
    reply = app.test_client().post(
        "/api/v1/oauth/revoke",
        data={"token": integrator.token},
        auth=(integrator.client_id, integrator.client_secret or ""),
    )
    assert reply.status_code == 200
    assert integrator.get("/api/v1/me").status_code == 401


def test_another_client_cannot_revoke_a_token(app: Flask, integrator: Api) -> None:
    other_id, other_secret = register(app, name="other")
    app.test_client().post(
        "/api/v1/oauth/revoke", data={"token": integrator.token}, auth=(other_id, other_secret)
    )
    assert integrator.get("/api/v1/me").status_code == 200


def test_resident_token_through_the_card_login_and_consent(app: Flask, world: DemoWorld) -> None:
    who = resident_login(world, "newborn_family")
    api = person_token(app, who, name="民間子育てアプリ")
    me = api.get("/api/v1/me").get_json()
    assert me["subject"]["kind"] == "resident"
    assert me["subject"]["id"] == who.resident_id
    assert set(me["scopes"]) == set(api_clients.SCOPES)
    assert api.refresh_token is not None


def test_staff_token_carries_roles_and_departments(app: Flask) -> None:
    api = person_token(app, staff_login(roles=("review",)), name="窓口端末")
    subject = api.get("/api/v1/me").get_json()["subject"]
    assert subject["kind"] == "staff"
    assert subject["roles"] == ["review"]
    assert subject["departments"] == ["子育て支援課"]


def test_the_consent_page_names_the_client_and_what_it_asks(app: Flask, world: DemoWorld) -> None:
    client_id, _ = register(app, "resident", name="民間子育てアプリ")
    web = app.test_client()
    log_in(app, web, resident_login(world, "newborn_family"))
    _, challenge = pkce()
    page = web.get(authorize_url(client_id, challenge, "applications:read"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "民間子育てアプリ" in html
    assert "申請の閲覧" in html
    assert "申請の提出" not in html
    # The form's redirect to the client must pass the page's CSP (form-action), and only it.
    csp = page.headers["Content-Security-Policy"]
    assert "form-action 'self' http://127.0.0.1:8400;" in csp
    assert "frame-ancestors 'none'" in csp


def test_refusing_consent_sends_access_denied_back(app: Flask, world: DemoWorld) -> None:
    client_id, _ = register(app, "resident")
    web = app.test_client()
    log_in(app, web, resident_login(world, "newborn_family"))
    _, challenge = pkce()
    reply = consent(web, authorize_url(client_id, challenge, "applications:read"), "deny")
    assert reply.status_code == 302
    query = parse_qs(urlsplit(reply.headers["Location"]).query)
    assert query["error"] == ["access_denied"]
    assert "code" not in query


def test_without_a_login_the_person_is_asked_to_log_in(app: Flask) -> None:
    client_id, _ = register(app, "resident")
    _, challenge = pkce()
    reply = app.test_client().get(authorize_url(client_id, challenge, "applications:read"))
    if "citizen.login" in app.view_functions:
        assert reply.status_code == 302
        assert "/oauth/authorize" in reply.headers["Location"]
    else:
        assert reply.status_code == 401
        assert "ログイン" in reply.get_data(as_text=True)


def test_a_resident_login_does_not_authorise_a_staff_client(app: Flask, world: DemoWorld) -> None:
    client_id, _ = register(app, "staff")
    web = app.test_client()
    log_in(app, web, resident_login(world, "newborn_family"))
    _, challenge = pkce()
    reply = web.get(authorize_url(client_id, challenge, "applications:read"))
    assert reply.status_code in (302, 401)
    assert "code=" not in reply.headers.get("Location", "")


def test_a_foreign_redirect_uri_is_never_redirected_to(app: Flask, world: DemoWorld) -> None:
    client_id, _ = register(app, "resident")
    web = app.test_client()
    log_in(app, web, resident_login(world, "newborn_family"))
    _, challenge = pkce()
    url = authorize_url(client_id, challenge, "applications:read").replace(
        "127.0.0.1%3A8400", "evil.example"
    )
    reply = web.get(url)
    assert reply.status_code == 400
    assert "Location" not in reply.headers


def test_pkce_is_required_and_checked(app: Flask, world: DemoWorld) -> None:
    client_id, secret = register(app, "resident")
    web = app.test_client()
    log_in(app, web, resident_login(world, "newborn_family"))
    no_pkce = authorize_url(client_id, "x" * 43, "applications:read")
    no_pkce = re.sub(r"&code_challenge=[^&]*&code_challenge_method=S256", "", no_pkce)
    reply = web.get(no_pkce)
    assert reply.status_code == 302
    assert "error=invalid_request" in reply.headers["Location"]

    _, challenge = pkce()
    code = code_of(consent(web, authorize_url(client_id, challenge, "applications:read")))
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    wrong = app.test_client().post(
        TOKEN, data={**form, "code_verifier": pkce()[0]}, auth=(client_id, secret or "")
    )
    assert wrong.status_code == 400
    assert wrong.get_json()["error"] == "invalid_grant"


def test_a_code_is_used_once(app: Flask, world: DemoWorld) -> None:
    client_id, secret = register(app, "resident")
    web = app.test_client()
    log_in(app, web, resident_login(world, "newborn_family"))
    verifier, challenge = pkce()
    code = code_of(consent(web, authorize_url(client_id, challenge, "applications:read")))
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }
    first = app.test_client().post(TOKEN, data=form, auth=(client_id, secret or ""))
    second = app.test_client().post(TOKEN, data=form, auth=(client_id, secret or ""))
    assert first.status_code == 200
    assert second.status_code == 400
    assert second.get_json()["error"] == "invalid_grant"


def test_a_public_client_uses_pkce_without_a_secret(app: Flask, world: DemoWorld) -> None:
    api = person_token(app, resident_login(world, "single_parent"), public=True)
    assert api.client_secret is None
    assert api.get("/api/v1/me").status_code == 200


def test_refresh_tokens_rotate(app: Flask, world: DemoWorld) -> None:
    api = person_token(app, resident_login(world, "newborn_family"))
    form = {"grant_type": "refresh_token", "refresh_token": api.refresh_token or ""}
    auth = (api.client_id, api.client_secret or "")
    first = app.test_client().post(TOKEN, data=form, auth=auth)
    assert first.status_code == 200
    fresh = first.get_json()
    assert fresh["refresh_token"] != api.refresh_token
    assert api.get("/api/v1/me").status_code == 401  # the old pair is revoked
    again = app.test_client().post(TOKEN, data=form, auth=auth)
    assert again.status_code == 400
    assert again.get_json()["error"] == "invalid_grant"
    renewed = Api(app.test_client(), fresh["access_token"])
    assert renewed.get("/api/v1/me").get_json()["subject"]["kind"] == "resident"


def test_metadata_names_the_endpoints(client: object) -> None:
    from flask.testing import FlaskClient

    assert isinstance(client, FlaskClient)
    meta = client.get("/.well-known/oauth-authorization-server").get_json()
    assert meta["token_endpoint"].endswith("/api/v1/oauth/token")
    assert meta["authorization_endpoint"].endswith("/oauth/authorize")
    assert meta["code_challenge_methods_supported"] == ["S256"]


PROTECTED = [op for op in OPERATIONS if not op.public]


def _concrete(path: str) -> str:
    return (
        path.replace("{application_id}", "0" * 32)
        .replace("{file_id}", "1")
        .replace("{procedure_id}", "jidou-teate-nintei")
    )


@pytest.mark.parametrize("op", PROTECTED, ids=lambda op: f"{op.method} {op.path}")
def test_every_protected_operation_refuses_without_a_token(app: Flask, op: object) -> None:
    from web.api.spec import Operation

    assert isinstance(op, Operation)
    web = app.test_client()
    path = "/api/v1" + _concrete(op.path)
    reply = web.open(path, method=op.method.upper())
    assert reply.status_code == 401
    assert reply.get_json()["error"]["code"] == "unauthorized"
    assert reply.headers["WWW-Authenticate"].startswith("Bearer")
    bad = web.open(path, method=op.method.upper(), headers={"Authorization": "Bearer mdg_at_x"})
    assert bad.status_code == 401


SCOPED = [op for op in OPERATIONS if op.scopes]  # GET /me takes any valid token


@pytest.mark.parametrize("op", SCOPED, ids=lambda op: f"{op.method} {op.path}")
def test_every_scoped_operation_checks_its_scopes(app: Flask, op: object) -> None:
    from web.api.spec import Operation

    assert isinstance(op, Operation)
    assert op.scopes
    others = tuple(s for s in api_clients.SCOPES if s not in op.scopes)
    api = person_token(app, staff_login(), scope=" ".join(others))
    reply = api.client.open(
        "/api/v1" + _concrete(op.path), method=op.method.upper(), headers=api.headers()
    )
    assert reply.status_code == 403
    assert reply.get_json()["error"]["code"] == "insufficient_scope"


def test_every_api_route_is_a_declared_operation(app: Flask) -> None:
    declared = {(op.method.upper(), "/api/v1" + op.path) for op in OPERATIONS}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
            for method in rule.methods or ():
                if method not in ("HEAD", "OPTIONS"):
                    served.add((method, path))
    assert served == declared
    public = sorted(op.path for op in OPERATIONS if op.public)
    assert public == [
        "/docs",
        "/oauth/revoke",
        "/oauth/token",
        "/openapi.json",
        "/procedures",
        "/procedures/{procedure_id}",
    ]


def test_client_credentials_token_lifetime_is_an_hour(app: Flask) -> None:
    api = client_credentials(app, *register(app))
    expires = dt.datetime.fromisoformat(api.get("/api/v1/me").get_json()["expires_at"])
    left = expires - dt.datetime.now(dt.UTC)
    assert dt.timedelta(minutes=59) < left <= dt.timedelta(hours=1)
