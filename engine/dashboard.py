"""Figures a manager reads at a glance: counts, processing times, channels, overdue cases.

Counts come from ``GROUP BY`` queries on ``cases``; processing times from the filing
(``created_at``) to the last change of cases that reached a terminal state (their
``updated_at``), in calendar days, over the cases closed in the last ``window_days``.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from engine.records import CASES
from engine.runtime import Runtime


@dataclass(frozen=True)
class ProcedureFigures:
    procedure_id: str
    by_state: dict[str, int]
    open: int
    overdue: int
    closed: int
    median_days: float | None
    p90_days: float | None


@dataclass(frozen=True)
class Dashboard:
    procedures: list[ProcedureFigures]
    channels: dict[str, int]
    total: int
    overdue: int


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def build_dashboard(
    rt: Runtime,
    session: Session,
    org_id: int,
    procedures: list[str],
    *,
    today: dt.date | None = None,
    window_days: int = 365,
) -> Dashboard:
    """The figures of ``procedures`` (those the viewer may see) for this organisation."""
    today = today or dt.date.today()
    c = CASES.c
    conn = session.connection()
    where = (c.organisation_id == org_id, c.procedure_id.in_(procedures or [""]))
    counts: dict[str, Counter[str]] = {p: Counter() for p in procedures}
    for pid, state, n in conn.execute(
        select(c.procedure_id, c.state, func.count())
        .where(*where)
        .group_by(c.procedure_id, c.state)
    ):
        counts.setdefault(pid, Counter())[state] += int(n)
    overdue: Counter[str] = Counter()
    terminal: dict[str, set[str]] = {}
    for pid in procedures:
        proc = rt.catalog.get(pid)
        terminal[pid] = {s.id for s in proc.workflow.states if s.terminal}
        open_states = [s.id for s in proc.workflow.states if not s.terminal]
        overdue[pid] = int(
            conn.execute(
                select(func.count())
                .select_from(CASES)
                .where(*where, c.procedure_id == pid, c.state.in_(open_states), c.due_date < today)
            ).scalar()
            or 0
        )
    since = dt.datetime.combine(today - dt.timedelta(days=window_days), dt.time(), dt.UTC)
    durations: dict[str, list[float]] = {p: [] for p in procedures}
    for pid, state, created, updated in conn.execute(
        select(c.procedure_id, c.state, c.created_at, c.updated_at).where(
            *where, c.updated_at >= since
        )
    ):
        if state in terminal.get(pid, set()):
            durations[pid].append((updated - created).total_seconds() / 86400)
    channels: Counter[str] = Counter()
    for channel, n in conn.execute(
        select(c.channel, func.count()).where(*where).group_by(c.channel)
    ):
        channels[channel] += int(n)
    figures = []
    for pid in procedures:
        by_state = dict(counts.get(pid, Counter()))
        closed = sum(n for s, n in by_state.items() if s in terminal[pid])
        d = sorted(durations[pid])
        figures.append(
            ProcedureFigures(
                procedure_id=pid,
                by_state=by_state,
                open=sum(by_state.values()) - closed,
                overdue=overdue[pid],
                closed=closed,
                median_days=statistics.median(d) if d else None,
                p90_days=_percentile(d, 0.9),
            )
        )
    return Dashboard(
        procedures=figures,
        channels=dict(channels),
        total=sum(channels.values()),
        overdue=sum(overdue.values()),
    )
