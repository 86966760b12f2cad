"""Fixtures of the resident screens (helpers are in ``web_citizen_support``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from web_citizen_support import Resident

from engine.config import Settings, load_settings
from engine.migrate import upgrade
from engine.runtime import Runtime


@pytest.fixture
def citizen_settings(tmp_path: Path) -> Settings:
    env = {"MADOGUCHI_DATA_DIR": str(tmp_path / "data"), "MADOGUCHI_WORKER": "0"}
    return load_settings(env)


@pytest.fixture
def citizen_app(citizen_settings: Settings) -> Flask:
    from web import create_app

    upgrade(citizen_settings.database_url)
    return create_app(
        citizen_settings,
        # The test client speaks plain HTTP to the public address.
        {"TESTING": True, "SESSION_COOKIE_SECURE": False, "SERVER_NAME": "127.0.0.1:5000"},
    )


@pytest.fixture
def web_rt(citizen_app: Flask) -> Runtime:
    rt: Runtime = citizen_app.extensions["madoguchi"]
    return rt


@pytest.fixture
def resident(citizen_app: Flask) -> Resident:
    return Resident(citizen_app.test_client())
