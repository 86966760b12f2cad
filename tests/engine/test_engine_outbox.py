"""The outbox: side effects are delivered exactly once, retried, and never lost."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import text
from sqlmodel import Session, col, delete, select

from engine.cases import fire
from engine.models import Case, Notice, OutboxMessage, utcnow
from engine.outbox import OutboxWorker, list_messages, retry
from engine.runtime import Runtime
from tests.engine.conftest import staff


def _to_correction(rt: Runtime, case: Case) -> None:
    """Move a case to correction_requested: one notice is written to the outbox."""
    with Session(rt.db) as s:
        fire(rt, s, case.id, "receive", staff("intake"))
        fire(rt, s, case.id, "start_review", staff("review"))
        fire(rt, s, case.id, "request_correction", staff("review"), comment="添付をご確認ください")
        # These tests follow the notice alone; the receipt PDF that ``receive`` also
        # queues is covered in test_engine_documents.
        s.execute(delete(OutboxMessage).where(col(OutboxMessage.kind) == "document"))
        s.commit()


def _notices(rt: Runtime) -> list[Notice]:
    with Session(rt.db) as s:
        return list(s.exec(select(Notice)).all())


def test_crash_before_delivery_delivers_exactly_once(rt: Runtime, case: Case) -> None:
    _to_correction(rt, case)
    # The process "crashes" here: the state change and the outbox row are committed, no
    # worker ran. A worker started later delivers the notice once; running again repeats
    # nothing.
    assert _notices(rt) == []
    worker = OutboxWorker(rt.db, worker_id="w1")
    assert worker.run_once().delivered == 1
    assert worker.run_once().delivered == 0
    notices = _notices(rt)
    assert len(notices) == 1
    assert notices[0].recipient_id == case.applicant_id
    assert case.reference in notices[0].body_ja
    assert notices[0].title_ja == "申請内容の訂正をお願いします"


def test_crash_during_delivery_is_redelivered_once_after_the_lease(rt: Runtime, case: Case) -> None:
    _to_correction(rt, case)
    now = utcnow()
    dying = OutboxWorker(rt.db, worker_id="dying")
    assert len(dying.claim(now)) == 1  # claimed, then the worker dies before delivering
    other = OutboxWorker(rt.db, worker_id="other")
    assert other.run_once(now).delivered == 0  # leased to the dead worker
    later = now + dying.lease + dt.timedelta(seconds=1)
    assert other.run_once(later).delivered == 1
    # The dead worker comes back and tries to finish: its lease is gone, nothing repeats.
    assert dying.deliver(list_messages(rt.db)[0].id or 0, later) == "lost"
    assert len(_notices(rt)) == 1


def test_failures_are_retried_with_backoff_then_listed_for_staff(rt: Runtime, case: Case) -> None:
    _to_correction(rt, case)
    calls: list[int] = []

    def broken(_session: Session, msg: OutboxMessage) -> None:
        calls.append(msg.id or 0)
        raise ConnectionError("core system is down")

    worker = OutboxWorker(rt.db, worker_id="w", max_attempts=3, kinds={"notice": broken})
    now = utcnow()
    assert worker.run_once(now).retried == 1
    row = list_messages(rt.db)[0]
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error == "ConnectionError: core system is down"
    first_delay = row.next_attempt_at - now
    assert dt.timedelta(seconds=1) <= first_delay <= dt.timedelta(seconds=2)
    assert worker.run_once(now).retried == 0  # not due yet
    now = row.next_attempt_at
    assert worker.run_once(now).retried == 1
    second = list_messages(rt.db)[0]
    assert second.next_attempt_at - now >= dt.timedelta(seconds=2)  # grows
    assert worker.run_once(second.next_attempt_at).failed == 1
    failed = list_messages(rt.db, "failed")
    assert [m.attempts for m in failed] == [3]
    assert len(calls) == 3
    # Staff retry it by hand once the partner is back: it is delivered.
    assert retry(rt.db, failed[0].id or 0)
    assert OutboxWorker(rt.db).run_once().delivered == 1
    assert len(_notices(rt)) == 1


def test_unknown_kind_is_never_dropped(rt: Runtime, case: Case) -> None:
    _to_correction(rt, case)
    worker = OutboxWorker(rt.db, max_attempts=1, kinds={})
    assert worker.run_once().failed == 1
    assert "no handler for outbox kind 'notice'" in (
        list_messages(rt.db, "failed")[0].last_error or ""
    )


@pytest.mark.postgres
def test_workers_on_postgres_never_take_the_same_row(settings: object, postgres_url: str) -> None:
    from engine.db import make_engine
    from engine.migrate import upgrade

    upgrade(postgres_url)
    db = make_engine(postgres_url)
    with Session(db) as s:
        for i in range(40):
            s.add(OutboxMessage(kind="notice", payload={}, idempotency_key=f"k{i}"))
        s.commit()
    # Worker A holds its claim transaction open; B must skip A's locked rows, not wait.
    with db.connect() as conn_a:
        trans = conn_a.begin()
        rows_a = (
            conn_a.execute(
                text(
                    "SELECT id FROM outbox WHERE status = 'pending' ORDER BY id LIMIT 10 "
                    "FOR UPDATE SKIP LOCKED"
                )
            )
            .scalars()
            .all()
        )
        got: list[list[int]] = []
        t = threading.Thread(
            target=lambda: got.append(OutboxWorker(db, worker_id="b", batch=10).claim(utcnow()))
        )
        t.start()
        t.join(timeout=10)
        assert not t.is_alive(), "worker B waited for A's locks instead of skipping them"
        trans.rollback()
    assert len(rows_a) == 10
    assert len(got[0]) == 10
    assert not set(rows_a) & set(got[0])
    with Session(db) as s:
        mine = s.exec(select(OutboxMessage).where(col(OutboxMessage.locked_by) == "b")).all()
    assert sorted(m.id for m in mine) == sorted(got[0])
    db.dispose()
