"""The app starts over the definitions, serves Japanese pages with security headers."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from engine.models import Case, CaseEvent
from web.demo import load_demo


def test_home_lists_procedures_in_japanese(client: FlaskClient) -> None:
    resp = client.get("/")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert '<html lang="ja">' in html
    assert "児童手当等の受給資格及び児童手当の額についての認定請求" in html
    assert "妊娠の届出" in html


def test_security_headers_on_every_response(client: FlaskClient) -> None:
    for path in ("/", "/healthz", "/no-such-page"):
        resp = client.get(path)
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
        assert resp.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_cookie_is_secure_by_default(app: Flask) -> None:
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_demo_data_loads_once(app: Flask) -> None:
    from adapters.mock.world import shared_world

    portal = shared_world().pittari  # shared by every test of this process
    first = load_demo(app)
    filed_on_portal = len(portal.application_ids())
    assert filed_on_portal >= 2
    again = load_demo(app)
    filed = [line for line in first if line.startswith("  20")]
    assert len(filed) == 4
    assert filed == [line for line in again if line.startswith("  20")]  # nothing twice
    assert len(portal.application_ids()) == filed_on_portal
    assert not any("Pittari PT" in line for line in again)
    rt = app.extensions["madoguchi"]
    with Session(rt.db) as s:
        cases = s.exec(select(Case)).all()
        states = sorted(c.state for c in cases)
        events = s.exec(select(CaseEvent)).all()
    assert states == ["correction_requested", "received", "submitted", "under_review"]
    assert len(events) == 4 + 2 + 3 + 1


def test_pages_need_no_inline_style_the_csp_would_block(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert "<style" not in html
    assert "style=" not in html
    css = client.get("/static/madoguchi.css")
    assert css.status_code == 200
    assert b"font-family" in css.data
    css.close()
