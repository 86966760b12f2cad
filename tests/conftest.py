"""Shared fixtures: settings in a temporary data dir, migrated databases, the runtime.

Database fixtures run on SQLite always and on PostgreSQL when MADOGUCHI_TEST_POSTGRES_URL is
set (CI sets it); each test gets its own PostgreSQL schema so parallel workers never meet.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from engine.config import Settings, load_settings
from engine.db import make_engine
from engine.migrate import upgrade
from engine.runtime import Runtime, build_runtime

POSTGRES_URL = os.environ.get("MADOGUCHI_TEST_POSTGRES_URL")
NO_POSTGRES = "MADOGUCHI_TEST_POSTGRES_URL is not set (CI sets it; see README)"
REPO = Path(__file__).resolve().parent.parent


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a fresh data dir and SQLite database, no worker thread."""
    env = _clean_env() | {"MADOGUCHI_DATA_DIR": str(tmp_path / "data"), "MADOGUCHI_WORKER": "0"}
    return load_settings(env)


@pytest.fixture
def sqlite_url(settings: Settings) -> str:
    return settings.database_url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A migrated-ready PostgreSQL URL whose search_path is a fresh schema for this test."""
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each database test runs on SQLite and on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[Engine]:
    """A migrated database."""
    upgrade(db_url)
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def rt(settings: Settings, db: Engine) -> Runtime:
    """The runtime over the shipped procedure definitions."""
    runtime = build_runtime(settings, db)
    runtime.sync_definitions()
    return runtime


@pytest.fixture
def app(settings: Settings) -> Flask:
    """The Flask app on a migrated SQLite database."""
    from web import create_app

    upgrade(settings.database_url)
    return create_app(settings, {"TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
