"""Definitions change over time; cases in flight finish under the version they were filed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session

from engine.cases import allowed_triggers, fire, load_case
from engine.config import Settings
from engine.errors import ProcedureNotAccepting
from engine.runtime import Runtime, build_runtime
from procedures.samples import sample
from tests.engine.conftest import REPO_PROCEDURES, RESIDENT, file_sample, staff
from tests.engine.test_engine_kosodate_workflows import newborn_claim

JIDOU = "kosodate/jidou-teate-nintei.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    dest = tmp_path / "procedures"
    shutil.copytree(REPO_PROCEDURES, dest, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return dest


def _runtime(settings: Settings, db: Engine, root: Path) -> Runtime:
    rt = build_runtime(dataclasses.replace(settings, procedures_dir=root), db)
    rt.sync_definitions()
    return rt


def _edit(root: Path, rel: str, change: dict[str, object]) -> None:
    path = root / rel
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(change)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_case_in_flight_keeps_its_version(settings: Settings, db: Engine, root: Path) -> None:
    old_rt = _runtime(settings, db, root)
    old, decided = newborn_claim(old_rt)  # passes the registry checks before sign-off
    with Session(db) as s:
        fire(old_rt, s, old.id, "receive", staff("intake"))
        fire(old_rt, s, old.id, "start_review", staff("review"))
        s.commit()
    # The municipality drops the sign-off step: review now approves directly.
    _edit(
        root,
        JIDOU,
        {
            "workflow": {
                "remove_transitions": ["submit_for_sign_off", "return_to_review"],
                "remove_states": ["awaiting_sign_off"],
                "transitions": [
                    {
                        "trigger": "approve",
                        "source": ["under_review"],
                        "roles": ["review"],
                        "inputs": [
                            {
                                "id": "monthly_amount",
                                "type": "money",
                                "required": True,
                                "label": {"ja": "手当の月額（円）"},
                            }
                        ],
                    },
                    {"trigger": "reject", "source": ["under_review"], "roles": ["review"]},
                    {
                        "trigger": "withdraw",
                        "source": ["submitted", "received", "under_review", "correction_requested"],
                    },
                ],
            }
        },
    )
    new_rt = _runtime(settings, db, root)
    new_version = new_rt.catalog.get("jidou-teate-nintei").version
    assert new_version != old.definition_version
    fresh = file_sample(new_rt)
    assert fresh.definition_version == new_version
    with Session(db, expire_on_commit=False) as s:
        case, proc = load_case(new_rt, s, old.id, staff("review"))
        # The old case still offers the old step, the new one does not.
        assert "submit_for_sign_off" in allowed_triggers(new_rt, proc, case, staff("review"))
        fire(new_rt, s, old.id, "submit_for_sign_off", staff("review"))
        done = fire(
            new_rt,
            s,
            old.id,
            "approve",
            staff("approval"),
            inputs=decided,
        )
        fire(new_rt, s, fresh.id, "receive", staff("intake"))
        fire(new_rt, s, fresh.id, "start_review", staff("review"))
        direct = fire(
            new_rt, s, fresh.id, "approve", staff("review"), inputs={"monthly_amount": 15000}
        )
        s.commit()
    assert done.state == "approved"
    assert direct.state == "approved"
    # Even a runtime that never loaded the old definition rebuilds it from the database.
    other = _runtime(settings, db, root)
    with Session(db) as s:
        case, proc = load_case(other, s, old.id, staff("intake"))
        assert proc.version == old.definition_version
        assert proc.workflow.state("awaiting_sign_off").label.ja == "決裁待ち"


def test_retired_procedure_refuses_new_filings_and_names_its_successor(
    settings: Settings, db: Engine, root: Path
) -> None:
    rt = _runtime(settings, db, root)
    open_case = file_sample(rt)
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    _edit(
        root,
        JIDOU,
        {
            "effective": {
                "valid_from": "2024-10-01",
                "valid_until": yesterday,
                "replaced_by": "ninshin-todoke",
                "retirement_note": {
                    "ja": "詳しくは子育て支援課へお問い合わせください。",
                    "en": "Ask the child support division for details.",
                },
            }
        },
    )
    retired = _runtime(settings, db, root)
    with pytest.raises(ProcedureNotAccepting) as exc:
        file_sample(retired, data=sample("jidou-teate-nintei"))
    assert exc.value.ja == (
        f"この手続は{yesterday}で受付を終了しました。"
        "代わりに「妊娠の届出」をご利用ください。"
        "詳しくは子育て支援課へお問い合わせください。"
    )
    assert exc.value.details["replaced_by"] == "ninshin-todoke"
    # The case filed before retirement runs to its end.
    with Session(db, expire_on_commit=False) as s:
        moved = fire(retired, s, open_case.id, "withdraw", RESIDENT)
        s.commit()
    assert moved.state == "withdrawn"


def test_not_yet_effective_procedure_says_when_it_opens(
    settings: Settings, db: Engine, root: Path
) -> None:
    _edit(root, JIDOU, {"effective": {"valid_from": "2099-04-01"}})
    rt = _runtime(settings, db, root)
    with pytest.raises(ProcedureNotAccepting) as exc:
        file_sample(rt)
    assert exc.value.ja == "この手続は2099-04-01から受け付けます。"
