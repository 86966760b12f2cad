"""Web test fixtures shared by the staff and counter screens: the app with demo data and
clients logged in as the demo staff accounts."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from adapters.mock.oidc_staff import DEMO_STAFF


@pytest.fixture
def demo_app(app: Flask) -> Flask:
    """The app with the demo cases filed."""
    from web.demo import load_demo

    load_demo(app)
    return app


def _login_as(client: FlaskClient, login_id: str) -> None:
    """Put a demo staff account's login in the client's session (the OIDC flow is tested
    on its own in test_web_staff_login.py)."""
    account = next(a for a in DEMO_STAFF if a.login_id == login_id)
    with client.session_transaction() as sess:
        sess.clear()
        sess.permanent = True
        sess["staff"] = {
            "staff_id": account.login_id,
            "name": account.name,
            "roles": list(account.roles),
            "departments": list(account.departments),
        }
        sess["seen"] = time.time()


@pytest.fixture
def staff_client(demo_app: Flask) -> Callable[[str], FlaskClient]:
    """``staff_client("kosodate-shinsa")``: a client logged in as that demo account."""

    def make(login_id: str) -> FlaskClient:
        client = demo_app.test_client()
        _login_as(client, login_id)
        return client

    return make


@pytest.fixture
def login_as() -> Callable[[FlaskClient, str], None]:
    """``login_as(client, login_id)``: log the client in as a demo staff account."""
    return _login_as
