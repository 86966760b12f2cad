"""Several processes start at once: storing definitions and the organisation races safely."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from engine.config import Settings
from engine.models import DefinitionVersion, Organisation
from engine.runtime import build_runtime


def test_a_second_process_storing_the_same_versions_meanwhile_is_fine(
    settings: Settings, db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build_runtime(settings, db)
    second = build_runtime(settings, db)
    assert first.sync_definitions() == len(first.catalog.procedures)
    # The second process looked before the first had stored anything: it sees nothing.
    real_get = Session.get

    def not_yet(self: Session, entity: Any, ident: Any, **kw: Any) -> Any:
        return None if entity is DefinitionVersion else real_get(self, entity, ident, **kw)

    real_exec = Session.exec
    seen = {"org": False}

    def no_org_yet(self: Session, statement: Any, **kw: Any) -> Any:
        result = real_exec(self, statement, **kw)
        if "organisations" in str(statement) and not seen["org"]:
            seen["org"] = True
            return _Empty()
        return result

    monkeypatch.setattr(Session, "get", not_yet)
    monkeypatch.setattr(Session, "exec", no_org_yet)
    assert second.sync_definitions() == 0
    monkeypatch.undo()
    with Session(db) as s:
        versions = s.exec(select(func.count()).select_from(DefinitionVersion)).one()
        orgs = s.exec(select(func.count()).select_from(Organisation)).one()
    assert versions == len(first.catalog.procedures)
    assert orgs == 1
    with Session(db) as s:
        assert second.organisation_id(s) == first.organisation_id(s)


class _Empty:
    def first(self) -> None:
        return None
