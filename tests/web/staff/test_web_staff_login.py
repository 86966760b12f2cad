"""Staff log in through the mock municipal identity provider mounted in the app (OIDC)."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient


def _form_post(app: Flask, location: str, login_id: str, password: str) -> str:
    client = app.test_client()
    parts = urlsplit(location)
    page = client.get(parts.path + "?" + parts.query)
    assert page.status_code == 200
    resp = client.post(
        parts.path + "?" + parts.query,
        data={"login_id": login_id, "password": password, "login": "1"},
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return str(resp.headers["Location"])


def test_login_through_the_mock_provider_gives_roles_and_departments(app: Flask) -> None:
    client = app.test_client()
    start = client.get("/staff/login?next=/staff/inbox")
    assert start.status_code == 302
    location = start.headers["Location"]
    assert "/mock/staff-idp/authorize" in location
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"]
    # The provider (a separate browser context in reality) sends the browser back.
    back = _form_post(app, location, "kosodate-shinsa", "demo-shinsa-1")
    assert "/staff/login/callback" in back
    parts = urlsplit(back)
    done = client.get(parts.path + "?" + parts.query)
    assert done.status_code == 302
    assert done.headers["Location"].endswith("/staff/inbox")
    inbox = client.get("/staff/inbox")
    assert inbox.status_code == 200
    assert "矢川　一郎" in inbox.get_data(as_text=True)
    with client.session_transaction() as sess:
        assert sess["staff"]["roles"] == ["review"]
        assert sess["staff"]["departments"] == ["子育て支援課"]


def test_a_callback_with_a_forged_state_is_refused(app: Flask) -> None:
    client = app.test_client()
    location = client.get("/staff/login").headers["Location"]
    back = _form_post(app, location, "kosodate-shinsa", "demo-shinsa-1")
    forged = re.sub(r"state=[^&]+", "state=forged", urlsplit(back).query)
    resp = client.get("/staff/login/callback?" + forged)
    assert resp.status_code == 400
    assert "もう一度ログインしてください" in resp.get_data(as_text=True)
    assert client.get("/staff/inbox").status_code == 302


def test_a_callback_without_a_login_in_progress_says_what_to_do(app: Flask) -> None:
    resp = app.test_client().get("/staff/login/callback?code=x&state=y")
    assert resp.status_code == 400
    assert "ログインの途中の情報が見つかりません" in resp.get_data(as_text=True)


def test_logout_ends_the_session(app: Flask, login_as: Callable[[FlaskClient, str], None]) -> None:
    client = app.test_client()
    login_as(client, "kosodate-shinsa")
    page = client.get("/staff/inbox").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    assert client.post("/staff/logout", data={"csrf_token": token.group(1)}).status_code == 302
    assert client.get("/staff/inbox").status_code == 302
