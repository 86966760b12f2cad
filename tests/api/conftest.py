"""Fixtures for the API tests (helpers in api_helpers.py)."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import (
    Api,
    client_credentials,
    person_token,
    register,
    signed_claim,
    staff_login,
)
from flask import Flask

from adapters.mock.world import DemoWorld, shared_world


@pytest.fixture
def world() -> DemoWorld:
    return shared_world()


@pytest.fixture
def integrator(app: Flask) -> Api:
    """An integrator client holding a client-credentials token."""
    return client_credentials(app, *register(app, name="くにたち子育てアプリ"))


@pytest.fixture
def staff(app: Flask) -> Api:
    """A counter terminal with a token for a 子育て支援課 clerk (intake, review, approval)."""
    return person_token(app, staff_login(), name="窓口端末")


@pytest.fixture
def filed(integrator: Api, world: DemoWorld) -> dict[str, Any]:
    """A claim the integrator filed (the 201 body)."""
    reply = integrator.file(signed_claim(integrator, world))
    assert reply.status_code == 201, reply.get_json()
    body: dict[str, Any] = reply.get_json()
    return body
