"""The transactional outbox: side effects written with the state change, delivered later.

Workers claim due rows (on PostgreSQL with ``FOR UPDATE SKIP LOCKED``, so several workers
never take the same row), run the handler for the row's kind, and mark it done in the same
transaction as a local effect. A failed delivery is retried with exponential backoff; after
``max_attempts`` the row is marked failed and listed for staff (``madoguchi outbox list
--failed``), who can retry it by hand. A worker that dies mid-delivery leaves a lease that
expires, and the row is delivered again: handlers are idempotent by the row's key.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from engine.db import is_postgres
from engine.models import Notice, OutboxMessage, utcnow

log = logging.getLogger(__name__)

Handler = Callable[[Session, OutboxMessage], None]


class PermanentFailure(Exception):
    """Raised by a handler when retrying cannot help (the partner refused the request for
    good): the row is marked failed at once, for staff to look at."""


_handlers: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the delivery handler of outbox rows of ``kind`` (unique)."""

    def deco(fn: Handler) -> Handler:
        if kind in _handlers:
            raise ValueError(f"outbox handler '{kind}' is already registered")
        _handlers[kind] = fn
        return fn

    return deco


def handlers() -> dict[str, Handler]:
    """The registered handlers by kind."""
    return dict(_handlers)


@handler("notice")
def deliver_notice(session: Session, msg: OutboxMessage) -> None:
    """Put a notice in the resident's "my applications"; at most once per outbox row."""
    exists = session.exec(select(Notice).where(Notice.outbox_key == msg.idempotency_key)).first()
    if exists is not None:
        return
    p = msg.payload
    session.add(
        Notice(
            case_id=msg.case_id or "",
            recipient_id=p["recipient_id"],
            title_ja=p["title_ja"],
            title_en=p["title_en"],
            body_ja=p["body_ja"],
            body_en=p["body_en"],
            outbox_key=msg.idempotency_key,
        )
    )


@dataclass
class Stats:
    """What one pass of the worker did."""

    delivered: int = 0
    retried: int = 0
    failed: int = 0

    def __add__(self, other: Stats) -> Stats:
        return Stats(
            self.delivered + other.delivered,
            self.retried + other.retried,
            self.failed + other.failed,
        )


@dataclass
class OutboxWorker:
    """Claims and delivers outbox rows."""

    db: Engine
    worker_id: str = "worker"
    max_attempts: int = 8
    base_delay: float = 2.0
    max_delay: float = 3600.0
    lease: dt.timedelta = dt.timedelta(minutes=5)
    batch: int = 50
    kinds: dict[str, Handler] = field(default_factory=handlers)
    rng: random.Random = field(default_factory=random.Random)

    def backoff(self, attempts: int) -> dt.timedelta:
        """Delay before the next try: exponential with full jitter, capped."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempts - 1))
        return dt.timedelta(seconds=ceiling * (0.5 + self.rng.random() / 2))

    def claim(self, now: dt.datetime) -> list[int]:
        """Lease up to ``batch`` due rows to this worker; returns their ids."""
        with Session(self.db) as s:
            q = (
                select(OutboxMessage.id)
                .where(
                    or_(
                        and_(
                            col(OutboxMessage.status) == "pending",
                            col(OutboxMessage.next_attempt_at) <= now,
                        ),
                        and_(
                            col(OutboxMessage.status) == "delivering",
                            col(OutboxMessage.locked_until) < now,
                        ),
                    )
                )
                .order_by(col(OutboxMessage.id))
                .limit(self.batch)
            )
            if is_postgres(self.db):
                q = q.with_for_update(skip_locked=True)
            ids = [i for i in s.exec(q).all() if i is not None]
            if ids:
                s.execute(
                    update(OutboxMessage)
                    .where(col(OutboxMessage.id).in_(ids))
                    .values(
                        status="delivering", locked_by=self.worker_id, locked_until=now + self.lease
                    )
                )
            s.commit()
        return ids

    def deliver(self, msg_id: int, now: dt.datetime) -> str:
        """Deliver one claimed row: 'done', 'retry', 'failed' or 'lost' (lease taken over)."""
        try:
            with Session(self.db) as s:
                msg = s.get(OutboxMessage, msg_id)
                if msg is None or msg.status != "delivering" or msg.locked_by != self.worker_id:
                    return "lost"
                fn = self.kinds.get(msg.kind)
                if fn is None:
                    raise LookupError(f"no handler for outbox kind '{msg.kind}'")
                fn(s, msg)
                msg.status = "done"
                msg.delivered_at = now
                msg.attempts += 1
                msg.locked_by = None
                msg.locked_until = None
                s.commit()
                return "done"
        except Exception as exc:
            return self._failed(msg_id, now, exc)

    def _failed(self, msg_id: int, now: dt.datetime, exc: Exception) -> str:
        with Session(self.db) as s:
            msg = s.get(OutboxMessage, msg_id)
            if msg is None:
                return "lost"
            msg.attempts += 1
            msg.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            msg.locked_by = None
            msg.locked_until = None
            if msg.attempts >= self.max_attempts or isinstance(exc, PermanentFailure):
                msg.status = "failed"
                outcome = "failed"
            else:
                msg.status = "pending"
                msg.next_attempt_at = now + self.backoff(msg.attempts)
                outcome = "retry"
            s.commit()
        # Only the id and kind are logged: payloads may hold personal data.
        log.warning("outbox %s delivery %s: %s", msg_id, outcome, type(exc).__name__)
        return outcome

    def run_once(self, now: dt.datetime | None = None) -> Stats:
        """Claim and deliver everything due now."""
        now = now or utcnow()
        stats = Stats()
        for msg_id in self.claim(now):
            outcome = self.deliver(msg_id, now)
            if outcome == "done":
                stats.delivered += 1
            elif outcome == "retry":
                stats.retried += 1
            elif outcome == "failed":
                stats.failed += 1
        return stats

    def run_forever(self, stop: threading.Event, interval: float = 1.0) -> None:
        """Deliver until ``stop`` is set, polling every ``interval`` seconds when idle."""
        while not stop.is_set():
            try:
                stats = self.run_once()
            except Exception:  # a database hiccup must not kill the worker thread
                log.exception("outbox worker pass failed")
                stats = Stats()
            if not (stats.delivered or stats.retried or stats.failed):
                stop.wait(interval)


def list_messages(db: Engine, status: str | None = None) -> list[OutboxMessage]:
    """Outbox rows, optionally of one status, oldest first."""
    with Session(db) as s:
        q = select(OutboxMessage).order_by(col(OutboxMessage.id))
        if status:
            q = q.where(OutboxMessage.status == status)
        return list(s.exec(q).all())


def retry(db: Engine, msg_id: int, now: dt.datetime | None = None) -> bool:
    """Put a failed row back in the queue now, with a fresh attempt count."""
    with Session(db) as s:
        msg = s.get(OutboxMessage, msg_id)
        if msg is None or msg.status != "failed":
            return False
        msg.status = "pending"
        msg.attempts = 0
        msg.next_attempt_at = now or utcnow()
        s.commit()
        return True


def start_worker_thread(
    worker: OutboxWorker,
    interval: float = 1.0,
    periodic: Callable[[], object] | None = None,
    periodic_every: float = 30.0,
) -> threading.Event:
    """Run ``worker`` in a daemon thread (the embedded default); set the event to stop it.

    ``periodic`` (the intake job's pass) runs in another daemon thread every
    ``periodic_every`` seconds; an exception there is logged and the next pass runs.
    """
    stop = threading.Event()
    threading.Thread(
        target=worker.run_forever, args=(stop, interval), daemon=True, name="madoguchi-outbox"
    ).start()
    if periodic is not None:
        job = periodic

        def loop() -> None:
            while not stop.is_set():
                try:
                    job()
                except Exception:  # a partner outage must not end the loop
                    log.exception("periodic job failed")
                stop.wait(periodic_every)

        threading.Thread(target=loop, daemon=True, name="madoguchi-periodic").start()
    return stop
