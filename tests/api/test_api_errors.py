"""Every error under /api is JSON with a stable code: no HTML, no stack trace; rate limits."""

from __future__ import annotations

import pytest
from api_helpers import Api, client_credentials, register
from flask import Flask
from flask.testing import FlaskClient


def _is_api_error(reply: object, status: int, code: str) -> None:
    from werkzeug.test import TestResponse

    assert isinstance(reply, TestResponse)
    assert reply.status_code == status
    assert reply.mimetype == "application/json"
    body = reply.get_json()
    assert body["error"]["code"] == code
    assert body["error"]["message"]["ja"]
    assert body["error"]["message"]["en"]
    assert body["errors"] == [] or status == 422
    assert "<html" not in reply.get_data(as_text=True)
    assert "Traceback" not in reply.get_data(as_text=True)


def test_an_unknown_url_under_api_is_json(client: FlaskClient) -> None:
    _is_api_error(client.get("/api/v1/nothing-here"), 404, "not_found")
    _is_api_error(client.get("/api/v2/procedures"), 404, "not_found")


def test_a_wrong_method_is_json_with_allow(client: FlaskClient) -> None:
    reply = client.delete("/api/v1/procedures")
    _is_api_error(reply, 405, "method_not_allowed")
    assert "GET" in reply.headers["Allow"]


def test_an_unknown_procedure_is_a_json_404(client: FlaskClient) -> None:
    reply = client.get("/api/v1/procedures/no-such-procedure")
    _is_api_error(reply, 404, "not_found")
    assert "no-such-procedure" in reply.get_json()["error"]["message"]["en"]


def test_a_crash_is_a_json_500_without_details(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import web.api.catalog

    def boom(*_args: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(web.api.catalog, "procedure_summary", boom)
    reply = client.get("/api/v1/procedures")
    _is_api_error(reply, 500, "internal")
    assert "secret internal detail" not in reply.get_data(as_text=True)


def test_a_too_large_request_is_a_json_413(app: Flask, integrator: Api) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1024
    reply = integrator.post(
        "/api/v1/uploads",
        data={
            "procedure_id": "jidou-teate-nintei",
            "field": "bank_book_copy",
            "file": (__import__("io").BytesIO(b"%PDF-1.4\n" + b"0" * 4096), "big.pdf"),
        },
        content_type="multipart/form-data",
    )
    _is_api_error(reply, 413, "payload_too_large")


def test_the_screens_keep_html_errors(client: FlaskClient) -> None:
    reply = client.get("/no-such-page")
    assert reply.status_code == 404
    assert reply.mimetype == "text/html"


def test_a_client_over_its_rate_limit_is_told_when_to_retry(app: Flask) -> None:
    api = client_credentials(app, *register(app, rate_limit="3/minute"))
    replies = [api.get("/api/v1/me") for _ in range(4)]
    assert [r.status_code for r in replies] == [200, 200, 200, 429]
    assert replies[0].headers["X-RateLimit-Limit"] == "3"
    assert replies[1].headers["X-RateLimit-Remaining"] == "1"
    assert "Retry-After" not in replies[0].headers
    limited = replies[-1]
    _is_api_error(limited, 429, "rate_limited")
    wait = int(limited.headers["Retry-After"])
    assert 0 < wait <= 60
    assert limited.get_json()["error"]["retry_after"] == wait


def test_limits_are_per_client(app: Flask) -> None:
    first = client_credentials(app, *register(app, rate_limit="2/minute"))
    second = client_credentials(app, *register(app, rate_limit="2/minute"))
    for _ in range(2):
        assert first.get("/api/v1/me").status_code == 200
    assert first.get("/api/v1/me").status_code == 429
    assert second.get("/api/v1/me").status_code == 200


def test_calls_without_a_token_are_limited_per_address(settings: object) -> None:
    from dataclasses import replace

    from engine.config import Settings
    from engine.migrate import upgrade
    from web import create_app

    assert isinstance(settings, Settings)
    upgrade(settings.database_url)
    app = create_app(replace(settings, api_public_rate_limit="2/minute"), {"TESTING": True})
    web = app.test_client()
    codes = [web.get("/api/v1/procedures").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    other = web.get("/api/v1/procedures", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200
