"""The OpenAPI document describes every operation and error; the reference page renders it."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from web.api.spec import OPERATIONS


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    reply = client.get("/api/v1/openapi.json")
    assert reply.status_code == 200
    assert reply.mimetype == "application/json"
    body: dict[str, Any] = reply.get_json()
    return body


def test_it_is_openapi_3_1_with_every_operation(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    documented = {(m, p) for p, item in document["paths"].items() for m in item}
    assert documented == {(op.method, op.path) for op in OPERATIONS}
    assert document["servers"] == [{"url": "/api/v1"}]


def test_every_operation_documents_its_errors(document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        for method, op in item.items():
            codes = set(op["responses"])
            assert {"429", "500"} <= codes, (method, path)
            if op["security"]:
                assert {"401", "403"} <= codes, (method, path)
            if "requestBody" in op and "application/json" in op["requestBody"]["content"]:
                assert {"400", "415", "422"} <= codes, (method, path)
            for code, reply in op["responses"].items():
                if code.startswith(("4", "5")) and path not in ("/oauth/token", "/oauth/revoke"):
                    schema = reply["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, code)


def test_the_issue_operations_are_there_with_their_contract(document: dict[str, Any]) -> None:
    paths = document["paths"]
    post = paths["/applications"]["post"]
    assert {"200", "201", "409", "422"} <= set(post["responses"])
    key = next(p for p in post["parameters"] if p["name"] == "Idempotency-Key")
    assert key["in"] == "header"
    assert key["required"] is True
    fire = paths["/applications/{application_id}/transitions"]["post"]
    assert {"200", "403", "409", "422", "428"} <= set(fire["responses"])
    assert any(p["name"] == "If-Match" and p["required"] for p in fire["parameters"])
    assert post["security"] == [{"oauth2": ["applications:file"]}]
    queue = paths["/applications"]["get"]
    assert {p["name"] for p in queue["parameters"]} >= {
        "procedure",
        "state",
        "channel",
        "assignee",
        "due",
        "cursor",
        "limit",
    }
    assert paths["/procedures"]["get"]["security"] == []


def test_the_error_body_and_oauth_flows_are_described(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert set(schemas["Error"]["required"]) == {"error", "errors"}
    assert set(schemas["Problem"]["required"]) == {"path", "code", "message"}
    flows = document["components"]["securitySchemes"]["oauth2"]["flows"]
    assert flows["clientCredentials"]["tokenUrl"].endswith("/api/v1/oauth/token")
    assert flows["authorizationCode"]["authorizationUrl"].endswith("/oauth/authorize")
    assert set(flows["clientCredentials"]["scopes"]) == {
        "applications:read",
        "applications:file",
        "applications:transition",
    }


def test_the_reference_page_renders_every_operation(client: FlaskClient) -> None:
    reply = client.get("/api/v1/docs")
    assert reply.status_code == 200
    assert reply.mimetype == "text/html"
    html = reply.get_data(as_text=True)
    for op in OPERATIONS:
        assert f"{op.method.upper()} /api/v1{op.path}" in html
    assert 'id="schema-Error"' in html
    assert "<script" not in html
    assert "Idempotency-Key" in html
