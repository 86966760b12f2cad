"""Deny by default: every staff and counter route refuses a visitor without the right.

The test walks the app's URL map, so a route added later without a guard fails here.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from web.staff import PUBLIC_ENDPOINTS
from web.staff.common import MANAGER_ROLES, WORK_ROLES

# Who may use each endpoint: any role in the tuple (empty: any staff login).
RULES: dict[str, tuple[str, ...]] = {
    "staff.home": (),
    "staff.logout_view": (),
    "staff.inbox": WORK_ROLES,
    "staff.assign_selected": WORK_ROLES,
    "staff.case_page": WORK_ROLES,
    "staff.act": WORK_ROLES,
    "staff.assign_case": WORK_ROLES,
    "staff.note": WORK_ROLES,
    "staff.unmask": WORK_ROLES,
    "staff.attachment": WORK_ROLES,
    "staff.document": WORK_ROLES,
    "staff.document_preview": WORK_ROLES,
    "staff.retry_delivery": WORK_ROLES,
    "staff.dashboard": MANAGER_ROLES,
    "staff.dashboard_csv": MANAGER_ROLES,
    "staff.access_log": ("admin",),
}
VALUES = {
    "case_id": "0" * 32,
    "trigger": "approve",
    "file_id": 1,
    "doc_id": 1,
    "document_id": "receipt",
    "msg_id": 1,
    "visit_id": "0" * 32,
    "procedure_id": "x",
}


def _routes(app: Flask) -> list[tuple[str, str, str]]:
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in ("staff", "counter"):
            continue
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<{arg}>", str(VALUES[arg])).replace(
                f"<int:{arg}>", str(VALUES[arg])
            )
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, path))
    return out


def _call(client: FlaskClient, method: str, path: str) -> int:
    return client.open(path, method=method).status_code


def test_every_staff_and_counter_route_is_listed(app: Flask) -> None:
    endpoints = {e for e, _m, _p in _routes(app)}
    unknown = {e for e in endpoints if e.startswith("staff.") and e not in RULES}
    assert not unknown, f"add these routes to RULES with the roles they need: {unknown}"
    assert any(e.startswith("counter.") for e in endpoints)


def test_anonymous_visitors_are_sent_to_login(app: Flask) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    for endpoint, method, path in _routes(app):
        resp = client.open(path, method=method)
        assert resp.status_code == 302, (endpoint, method, resp.status_code)
        assert "/staff/login" in resp.headers["Location"], endpoint


@pytest.mark.parametrize(
    "login_id", ["kosodate-uketsuke", "kosodate-shinsa", "kosodate-kessai", "kaigo-shinsa", "admin"]
)
def test_staff_without_the_role_get_403(
    app: Flask, login_id: str, login_as: Callable[[FlaskClient, str], None]
) -> None:
    from adapters.mock.oidc_staff import DEMO_STAFF

    app.config["WTF_CSRF_ENABLED"] = False
    roles = set(next(a for a in DEMO_STAFF if a.login_id == login_id).roles)
    client = app.test_client()
    for endpoint, method, path in _routes(app):
        login_as(client, login_id)
        needed = ("intake",) if endpoint.startswith("counter.") else RULES[endpoint]
        status = _call(client, method, path)
        if needed and not roles & set(needed):
            assert status == 403, (login_id, endpoint, method, status)
        else:
            # Allowed through the guard: the fake ids then give 404, never a page.
            assert status != 403 or endpoint == "staff.home", (login_id, endpoint, status)
