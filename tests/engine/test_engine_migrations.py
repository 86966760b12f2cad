"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from engine.migrate import current, upgrade


def test_migrations_create_every_table(db: Engine) -> None:
    tables = set(inspect(db).get_table_names())
    assert {
        "organisations",
        "definition_versions",
        "cases",
        "case_events",
        "attachments",
        "documents",
        "outbox",
        "notices",
    } <= tables
    assert current(db.url.render_as_string(hide_password=False)) is not None


def test_models_and_migrations_do_not_drift(db: Engine) -> None:
    with db.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == [], "models changed without a migration: run alembic revision --autogenerate"


def test_upgrade_is_idempotent(db: Engine) -> None:
    url = db.url.render_as_string(hide_password=False)
    before = current(url)
    upgrade(url)
    assert current(url) == before
