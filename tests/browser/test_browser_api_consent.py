"""A private app gets a resident token: the card login of the screens, then consent.

Also: the API reference page and the consent page pass axe-core.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from playwright.sync_api import Page, Route
from sqlmodel import Session
from test_browser_citizen_flow import NEWBORN, card_login

from engine import api_clients

REDIRECT = "http://127.0.0.1:9/callback"  # never served: the browser's visit is caught


def test_a_private_app_gets_a_resident_token_through_the_card_login(
    live_server: Any, page: Page, axe: Callable[..., None]
) -> None:
    app = live_server.app
    with Session(app.extensions["madoguchi"].db) as s:
        client, _ = api_clients.create_client(
            s,
            "くにたち子育てアプリ",
            "resident",
            ["applications:read", "applications:file"],
            redirect_uris=[REDIRECT],
            public=True,
        )
        s.commit()
        client_id = client.id
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "scope": "applications:read applications:file",
        "state": "xyz",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    landed: list[str] = []

    def catch(route: Route) -> None:
        landed.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<p>app</p>")

    page.route(REDIRECT + "**", catch)
    page.goto(f"{live_server.url}/oauth/authorize?{urlencode(query)}")
    page.wait_for_url("**/login?**")
    page.get_by_role("button", name="デジタル認証アプリでログイン").click()
    card_login(page, NEWBORN[0], NEWBORN[1])
    page.wait_for_url("**/oauth/authorize?**")
    assert "くにたち子育てアプリ" in page.content()
    axe(page, "api-consent")
    page.get_by_role("button", name="許可する").click()
    page.wait_for_url(REDIRECT + "**")
    params = parse_qs(urlsplit(landed[-1]).query)
    assert params["state"] == ["xyz"]
    web = app.test_client()
    token = web.post(
        "/api/v1/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"][0],
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
            "client_id": client_id,
        },
    )
    assert token.status_code == 200, token.get_json()
    me = web.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {token.get_json()['access_token']}"}
    ).get_json()
    assert me["subject"]["kind"] == "resident"
    assert me["subject"]["id"] == NEWBORN[0]
    assert me["scopes"] == ["applications:file", "applications:read"]


def test_the_api_reference_page_is_accessible(
    live_server: Any, page: Page, axe: Callable[..., None]
) -> None:
    page.goto(f"{live_server.url}/api/v1/docs")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Madoguchi API")
    axe(page, "api-docs")
