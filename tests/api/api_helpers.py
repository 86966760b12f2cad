"""Helpers for the API tests: registered clients, tokens of each kind, signed filings.

Tokens are got the way a client gets them: client credentials at the token endpoint, or
the authorization code flow with PKCE through ``/oauth/authorize`` after the person logged
in to the screens.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from flask import Flask, g
from flask import session as flask_session
from flask.testing import FlaskClient
from sqlmodel import Session
from werkzeug.test import TestResponse

from adapters.mock.personas import Persona
from adapters.mock.world import DemoWorld
from adapters.signatures import canonical_bytes
from engine import api_clients
from web.demo import person_data
from web.session import ResidentLogin, StaffLogin, login_resident, login_staff

KOSODATE = "子育て支援課"
REDIRECT = "http://127.0.0.1:8400/callback"
CLAIM = "jidou-teate-nintei"


@dataclass
class Api:
    """A test client holding one access token (and what it was issued with)."""

    client: FlaskClient
    token: str
    client_id: str = ""
    client_secret: str | None = None
    refresh_token: str | None = None
    subject_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def headers(self, more: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(more or {})}

    def get(self, path: str, **kw: Any) -> TestResponse:
        return self.client.get(path, headers=self.headers(kw.pop("headers", None)), **kw)

    def post(self, path: str, **kw: Any) -> TestResponse:
        return self.client.post(path, headers=self.headers(kw.pop("headers", None)), **kw)

    def file(self, body: dict[str, Any], key: str | None = None) -> TestResponse:
        """POST /applications with an Idempotency-Key (a new one unless given)."""
        return self.post(
            "/api/v1/applications",
            json=body,
            headers={"Idempotency-Key": key or str(uuid.uuid4())},
        )

    def fire(self, case_id: str, version: int | str, trigger: str, **body: Any) -> TestResponse:
        return self.post(
            f"/api/v1/applications/{case_id}/transitions",
            json={"trigger": trigger, **body},
            headers={"If-Match": str(version)},
        )


def register(
    app: Flask,
    kind: str = "integrator",
    *,
    name: str = "test client",
    scopes: tuple[str, ...] | None = None,
    rate_limit: str = "1000/minute",
    redirect_uris: tuple[str, ...] = (),
    public: bool = False,
) -> tuple[str, str | None]:
    """Register a client directly; returns its id and secret."""
    wanted = scopes or tuple(sorted(api_clients.KIND_SCOPES[kind]))  # type: ignore[index]
    if kind != "integrator" and not redirect_uris:
        redirect_uris = (REDIRECT,)
    with Session(app.extensions["madoguchi"].db) as s:
        client, secret = api_clients.create_client(
            s,
            name,
            kind,
            wanted,
            redirect_uris=redirect_uris,
            rate_limit=rate_limit,
            public=public,
        )
        s.commit()
        return client.id, secret


def client_credentials(app: Flask, client_id: str, secret: str | None) -> Api:
    web = app.test_client()
    reply = web.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret or ""),
    )
    assert reply.status_code == 200, reply.get_json()
    return Api(web, reply.get_json()["access_token"], client_id, secret, subject_id=client_id)


def log_in(app: Flask, web: FlaskClient, who: ResidentLogin | StaffLogin) -> None:
    """Log ``who`` in to the screens' session of ``web`` (as the login pages do)."""
    with app.test_request_context():
        if isinstance(who, ResidentLogin):
            login_resident(who)
        else:
            login_staff(who)
        values = dict(flask_session)
    with web.session_transaction() as sess:
        sess.clear()
        sess.update(values)


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_url(client_id: str, challenge: str, scope: str, state: str = "st4te") -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return "/oauth/authorize?" + urlencode(query)


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the consent page has a CSRF token"
    return found.group(1)


def consent(web: FlaskClient, url: str, decision: str = "allow") -> TestResponse:
    # pytest-flask keeps one app context around the test, and Flask-WTF caches the CSRF
    # token of the first session in g: drop it so this client's session gets its own.
    g.pop("csrf_token", None)
    page = web.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    return web.post(
        url, data={"decision": decision, "csrf_token": csrf_token(page.get_data(as_text=True))}
    )


def code_of(reply: TestResponse) -> str:
    assert reply.status_code == 302, reply.get_data(as_text=True)[:300]
    query = parse_qs(urlsplit(reply.headers["Location"]).query)
    assert query["state"] == ["st4te"]
    return query["code"][0]


def person_token(
    app: Flask, who: ResidentLogin | StaffLogin, scope: str | None = None, **client: Any
) -> Api:
    """A token for ``who`` through the authorization code flow with PKCE."""
    kind = "resident" if isinstance(who, ResidentLogin) else "staff"
    client_id, secret = register(app, kind, **client)
    web = app.test_client()
    log_in(app, web, who)
    verifier, challenge = pkce()
    scope = scope or " ".join(sorted(api_clients.KIND_SCOPES[kind]))  # type: ignore[index]
    code = code_of(consent(web, authorize_url(client_id, challenge, scope)))
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }
    if secret is None:  # a public client names itself and proves the code with PKCE only
        reply = app.test_client().post("/api/v1/oauth/token", data={**form, "client_id": client_id})
    else:
        reply = app.test_client().post("/api/v1/oauth/token", data=form, auth=(client_id, secret))
    assert reply.status_code == 200, reply.get_json()
    body = reply.get_json()
    subject = who.resident_id if isinstance(who, ResidentLogin) else who.staff_id
    return Api(
        app.test_client(),
        body["access_token"],
        client_id,
        secret,
        refresh_token=body.get("refresh_token"),
        subject_id=subject,
    )


def persona(world: DemoWorld, key: str) -> Persona:
    return world.population.persona(key)


def resident_login(world: DemoWorld, key: str) -> ResidentLogin:
    p = persona(world, key)
    who = world.population.resident(p.resident_number)
    return ResidentLogin(resident_id=p.resident_number, subject=f"sub-{key}", name=who.name.full)


def staff_login(
    roles: tuple[str, ...] = ("intake", "review", "approval"),
    departments: tuple[str, ...] = (KOSODATE,),
    staff_id: str = "s-tanaka",
) -> StaffLogin:
    return StaffLogin(staff_id=staff_id, name="田中 職員", roles=roles, departments=departments)


def claim_data(world: DemoWorld, key: str = "newborn_family") -> dict[str, Any]:
    """A valid child allowance claim of a persona for the children of their household, as
    the registry knows them (no bank book copy yet)."""
    p = persona(world, key)
    who = world.population.resident(p.resident_number)
    data = person_data(CLAIM, who)
    data.pop("bank_book_copy", None)
    household = world.resident_registry.household(who.household_number)
    children = [
        m
        for m in (household.members if household else ())
        if m.resident_number != who.resident_number and m.relationship.startswith("子")
    ]
    if children:
        template = data["children"][0]
        data["children"] = [
            {
                **template,
                "name": m.name.full,
                "kana": m.name.full_kana,
                "birth_date": m.birth_date.iso(),
            }
            for m in children
        ]
    return data


def signature(world: DemoWorld, key: str, data: dict[str, Any]) -> dict[str, str]:
    """The persona's card signature over ``data`` as the API takes it."""
    p = persona(world, key)
    sig = world.card_reader.sign(p.resident_number, canonical_bytes(data), p.signing_password)
    return {
        "value": base64.b64encode(sig.value).decode("ascii"),
        "certificate_pem": sig.certificate_pem,
    }


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(api: Api, field_path: str = "bank_book_copy", content: bytes = PDF) -> TestResponse:
    from io import BytesIO

    return api.post(
        "/api/v1/uploads",
        data={"procedure_id": CLAIM, "field": field_path, "file": (BytesIO(content), "通帳.pdf")},
        content_type="multipart/form-data",
    )


def signed_claim(api: Api, world: DemoWorld, key: str = "newborn_family") -> dict[str, Any]:
    """A complete filing body: the claim, an uploaded bank book copy, the signature."""
    data = claim_data(world, key)
    up = upload(api)
    assert up.status_code == 201, up.get_json()
    return {
        "procedure_id": CLAIM,
        "data": data,
        "attachments": {"bank_book_copy": [up.get_json()["id"]]},
        "signature": signature(world, key, data),
    }
