"""Two staff acting on one case at once: one wins, the other gets a clear conflict."""

from __future__ import annotations

import threading
import time

from sqlmodel import Session, select

from engine.cases import fire, submit
from engine.errors import ConflictError
from engine.models import Case, CaseEvent
from engine.runtime import Runtime
from procedures.samples import sample
from tests.engine.conftest import APPLICANT, RESIDENT, staff


def test_two_concurrent_updates_give_one_success_and_one_conflict(rt: Runtime, case: Case) -> None:
    """Two real connections fire from the same version; the second must not overwrite."""
    outcome: dict[str, object] = {}
    a = Session(rt.db)
    fire(rt, a, case.id, "receive", staff("intake", sid="a"), expected_version=1)
    # A has changed the row but not committed. B starts from the version it saw (1).

    def second() -> None:
        with Session(rt.db) as b:
            try:
                fire(
                    rt,
                    b,
                    case.id,
                    "reject_intake",
                    staff("intake", sid="b"),
                    comment="重複",
                    expected_version=1,
                )
                b.commit()
                outcome["b"] = "ok"
            except ConflictError as exc:
                outcome["b"] = exc

    t = threading.Thread(target=second)
    t.start()
    time.sleep(0.5)  # B is now blocked on A's row (PostgreSQL) or write lock (SQLite)
    a.commit()
    a.close()
    t.join(timeout=30)
    assert isinstance(outcome["b"], ConflictError)
    assert outcome["b"].current_version == 2
    with Session(rt.db) as s:
        final = s.get(Case, case.id)
        events = s.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    assert final is not None
    assert (final.state, final.version) == ("received", 2)
    assert [e.trigger for e in sorted(events, key=lambda e: e.seq)] == ["submit", "receive"]


def test_stale_writer_without_expected_version_still_cannot_lose_an_update(
    rt: Runtime, case: Case
) -> None:
    """Even a caller that passes no version cannot overwrite a change made meanwhile."""
    with Session(rt.db, expire_on_commit=False) as a, Session(rt.db, expire_on_commit=False) as b:
        seen_by_b = b.get(Case, case.id)
        b.commit()  # B's screen shows version 1 ...
        assert seen_by_b is not None
        assert seen_by_b.version == 1
        fire(rt, a, case.id, "receive", staff("intake"))
        a.commit()  # ... while A moves the case on.
        # B's fire reloads the row, sees version 2 and state received, and moves on from there.
        moved = fire(rt, b, case.id, "start_review", staff("review"))
        b.commit()
    assert (moved.state, moved.version) == ("under_review", 3)


def test_concurrent_submissions_with_one_key_create_one_case(rt: Runtime) -> None:
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def file() -> None:
        try:
            barrier.wait()
            with Session(rt.db) as s:
                res = submit(
                    rt,
                    s,
                    "jidou-teate-nintei",
                    sample("jidou-teate-nintei"),
                    actor=RESIDENT,
                    applicant_id=APPLICANT,
                    channel="online",
                    idempotency_key="double-click",
                )
                s.commit()
                results.append(res.case.id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=file) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(set(results)) == 1
    with Session(rt.db) as s:
        assert len(s.exec(select(Case)).all()) == 1
