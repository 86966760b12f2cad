"""Tampering with a case's history is detected and the first broken link is named."""

from __future__ import annotations

import os

from click.testing import CliRunner
from sqlalchemy import text
from sqlmodel import Session

from engine.audit import verify
from engine.cases import fire
from engine.models import Case
from engine.runtime import Runtime
from tests.engine.conftest import staff
from web.cli import main


def _history(rt: Runtime, case: Case) -> None:
    with Session(rt.db) as s:
        fire(rt, s, case.id, "receive", staff("intake"))
        fire(rt, s, case.id, "start_review", staff("review"))
        fire(rt, s, case.id, "request_correction", staff("review"), comment="写しが不鮮明です")
        s.commit()


def test_untouched_history_verifies(rt: Runtime, case: Case) -> None:
    _history(rt, case)
    assert verify(rt.db) == (1, [])


def test_altered_event_is_detected(rt: Runtime, case: Case) -> None:
    _history(rt, case)
    with rt.db.begin() as conn:
        conn.execute(
            text(
                "UPDATE case_events SET comment = '問題ありません' WHERE case_id = :c AND seq = 4"
            ),
            {"c": case.id},
        )
    checked, breaks = verify(rt.db)
    assert checked == 1
    assert [(b.seq, b.reason) for b in breaks] == [(4, "content does not match its hash (altered)")]


def test_altered_actor_in_the_middle_is_detected(rt: Runtime, case: Case) -> None:
    _history(rt, case)
    with rt.db.begin() as conn:
        conn.execute(
            text("UPDATE case_events SET actor_id = 'someone-else' WHERE case_id = :c AND seq = 2"),
            {"c": case.id},
        )
    assert [b.seq for b in verify(rt.db)[1]] == [2]


def test_removed_last_event_is_detected(rt: Runtime, case: Case) -> None:
    _history(rt, case)
    with rt.db.begin() as conn:
        conn.execute(text("DELETE FROM case_events WHERE case_id = :c AND seq = 4"), {"c": case.id})
    breaks = verify(rt.db, case.id)[1]
    assert len(breaks) == 1
    assert "latest" in breaks[0].reason


def test_state_changed_behind_the_engines_back_is_detected(rt: Runtime, case: Case) -> None:
    _history(rt, case)
    with rt.db.begin() as conn:
        conn.execute(text("UPDATE cases SET state = 'closed' WHERE id = :c"), {"c": case.id})
    assert "state" in verify(rt.db)[1][0].reason


def test_cli_reports_the_break_and_exits_1(rt: Runtime, case: Case) -> None:
    _history(rt, case)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")}
    env |= {
        "MADOGUCHI_DATA_DIR": str(rt.settings.data_dir),
        "MADOGUCHI_DATABASE_URL": rt.db.url.render_as_string(hide_password=False),
    }
    ok = CliRunner(env=env).invoke(main, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "ok: 1 case(s)" in ok.output
    with rt.db.begin() as conn:
        conn.execute(
            text("UPDATE case_events SET to_state = 'closed' WHERE case_id = :c AND seq = 3"),
            {"c": case.id},
        )
    bad = CliRunner(env=env).invoke(main, ["audit", "verify", "--case", case.id])
    assert bad.exit_code == 1
    assert f"BROKEN case {case.id}: event 3: content does not match its hash" in bad.output
