"""The staff work queue: inbox pages with keyset pagination, counts per state, assignment.

Queries are written for the indexes of migration 0004 so a page costs the same with ten
thousand or a million cases: the queue is read in (due date, id) order from
``ix_cases_dept_due`` (or ``ix_cases_queue`` when one state is chosen, or
``ix_cases_assignee`` for one person's work), filtered by the rest, and the next page
starts after the last row seen (never OFFSET). Cases without a due date come after all
dated ones, in id order: the cursor remembers which of the two runs it is in.

Access follows :func:`engine.cases.may_access`: a staff member sees the cases of the
procedures their departments handle, nothing else (:func:`scope_for`).

Assignment is a change of the case like any other: compare-and-swap on the version and a
hash-chained event (trigger ``assign``, same state), so a claim never overwrites another
clerk's claim unseen.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, select, tuple_
from sqlmodel import Session

from engine import calendar
from engine.actors import Actor
from engine.audit import event_hash
from engine.cases import load_case
from engine.definitions.models import Procedure
from engine.errors import ConflictError, PermissionDenied
from engine.models import utcnow
from engine.records import CASES, INSERT_EVENT, CaseRecord, current_version
from engine.runtime import Runtime

PAGE_SIZE = 50
DUE_SOON_DAYS = 5
"""Business days before the due date from which a case counts as due soon."""

ASSIGN_ROLES = frozenset({"intake", "review", "approval"})
"""Roles that may take or hand out cases in their departments."""


@dataclass(frozen=True)
class Scope:
    """What a staff member may see: procedures, and the departments their cases are in."""

    procedures: tuple[str, ...]
    departments: tuple[str, ...]
    open_states: tuple[str, ...]


def scope_for(rt: Runtime, departments: Iterable[str]) -> Scope:
    """The procedures of the catalog that ``departments`` handle (may be empty)."""
    mine = set(departments)
    procs = [p for p in rt.catalog if set(p.departments) & mine]
    states = {s.id for p in procs for s in p.workflow.states if not s.terminal}
    return Scope(
        procedures=tuple(sorted(p.id for p in procs)),
        departments=tuple(sorted({p.departments[0] for p in procs})),
        open_states=tuple(sorted(states)),
    )


@dataclass(frozen=True)
class InboxFilter:
    """Filters of the inbox; ``None`` means any. Without ``state``, only open cases."""

    procedure: str | None = None
    state: str | None = None
    channel: str | None = None
    assignee: str | None = None  # a staff id, or "none" for unassigned
    due: str | None = None  # "overdue" or "soon"
    include_closed: bool = False


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after (due_date, id); ``due_date`` None: the undated run."""

    due_date: dt.date | None
    id: str

    def encode(self) -> str:
        return f"{self.due_date.isoformat() if self.due_date else ''}~{self.id}"

    @classmethod
    def decode(cls, raw: str | None) -> Cursor | None:
        """A cursor from a query string; None for none or a malformed one (page one)."""
        if not raw or "~" not in raw:
            return None
        day, _, case_id = raw.partition("~")
        if not case_id.isalnum() or len(case_id) > 32:
            return None
        try:
            return cls(dt.date.fromisoformat(day) if day else None, case_id)
        except ValueError:
            return None


@dataclass(frozen=True)
class InboxRow:
    """One line of the inbox."""

    id: str
    reference: str
    procedure_id: str
    state: str
    channel: str
    applicant_id: str
    assignee: str | None
    due_date: dt.date | None
    created_at: dt.datetime
    version: int
    days_left: int | None  # business days to the due date; negative when overdue

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def due_soon(self) -> bool:
        return self.days_left is not None and 0 <= self.days_left <= DUE_SOON_DAYS


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    next: Cursor | None


_ROW_COLUMNS = (
    "id",
    "reference",
    "procedure_id",
    "state",
    "channel",
    "applicant_id",
    "assignee",
    "due_date",
    "created_at",
    "version",
)


@functools.lru_cache(maxsize=8192)
def _is_business_day(day: dt.date) -> bool:
    return calendar.is_business_day(day)


@functools.lru_cache(maxsize=8192)
def _business_days(start: dt.date, end: dt.date) -> int:
    """:func:`engine.calendar.business_days_between` for ``start <= end``, memoised: a
    page shows fifty due dates, mostly the same few, and the holiday lookup is slow."""
    return sum(
        1
        for n in range(1, (end - start).days + 1)
        if _is_business_day(start + dt.timedelta(days=n))
    )


def days_left(due: dt.date | None, today: dt.date) -> int | None:
    """Business days from ``today`` to ``due`` (negative: that many business days late)."""
    if due is None:
        return None
    if due >= today:
        return _business_days(today, due)
    return -max(1, _business_days(due, today))


def _conditions(
    org_id: int, scope: Scope, filt: InboxFilter, today: dt.date, *, with_state: bool = True
) -> list[ColumnElement[bool]]:
    c = CASES.c
    conds: list[ColumnElement[bool]] = [c.organisation_id == org_id]
    if filt.procedure:
        # One procedure (of the scope, else nothing): ix_cases_proc_due serves it.
        chosen = filt.procedure if filt.procedure in scope.procedures else ""
        conds.append(c.procedure_id == chosen)
    else:
        conds += [
            c.department.in_(scope.departments or ("",)),
            c.procedure_id.in_(scope.procedures or ("",)),
        ]
    if with_state:
        if filt.state:
            conds.append(c.state == filt.state)
        elif not filt.include_closed:
            conds.append(c.state.in_(scope.open_states or ("",)))
    if filt.channel:
        conds.append(c.channel == filt.channel)
    if filt.assignee == "none":
        conds.append(c.assignee.is_(None))
    elif filt.assignee:
        conds.append(c.assignee == filt.assignee)
    if filt.due == "overdue":
        conds.append(c.due_date < today)
    elif filt.due == "soon":
        conds.append(
            and_(
                c.due_date >= today,
                c.due_date <= calendar.add_business_days(today, DUE_SOON_DAYS),
            )
        )
    return conds


def inbox_page(
    session: Session,
    org_id: int,
    scope: Scope,
    filt: InboxFilter,
    *,
    after: Cursor | None = None,
    limit: int = PAGE_SIZE,
    today: dt.date | None = None,
) -> InboxPage:
    """A page of the queue in due-date order (undated cases last), after ``after``."""
    today = today or dt.date.today()
    c = CASES.c
    cols = [c[n] for n in _ROW_COLUMNS]
    base = _conditions(org_id, scope, filt, today)
    conn = session.connection()
    rows: list[Any] = []
    if after is None or after.due_date is not None:
        dated = [*base, c.due_date.is_not(None)]
        if after is not None:
            dated.append(
                tuple_(c.due_date, c.id) > tuple_(bindparam("d", after.due_date), after.id)
            )
        stmt = select(*cols).where(*dated).order_by(c.due_date, c.id).limit(limit + 1)
        rows = list(conn.execute(stmt).mappings())
    if len(rows) <= limit and filt.due is None:
        undated = [*base, c.due_date.is_(None)]
        if after is not None and after.due_date is None:
            undated.append(c.id > after.id)
        stmt = select(*cols).where(*undated).order_by(c.id).limit(limit + 1 - len(rows))
        rows += list(conn.execute(stmt).mappings())
    more = len(rows) > limit
    rows = rows[:limit]
    items = [InboxRow(**dict(r), days_left=days_left(r["due_date"], today)) for r in rows]
    nxt = Cursor(items[-1].due_date, items[-1].id) if more and items else None
    return InboxPage(items, nxt)


def state_counts(
    session: Session,
    org_id: int,
    scope: Scope,
    filt: InboxFilter,
    today: dt.date | None = None,
) -> dict[str, int]:
    """How many cases are in each state, for the other filters (the state filter ignored);
    open states only unless the filters include closed cases."""
    today = today or dt.date.today()
    c = CASES.c
    wide = replace(filt, state=None)
    conds = _conditions(org_id, scope, wide, today, with_state=not filt.include_closed)
    stmt = select(c.state, func.count()).where(*conds).group_by(c.state)
    return {str(s): int(n) for s, n in session.connection().execute(stmt)}


COUNTS_TTL = 30.0
"""Seconds the queue's counts per state are reused (they cost a scan of the open cases)."""

_counts_cache: dict[tuple[Any, ...], tuple[float, dict[str, int]]] = {}
_counts_lock = threading.Lock()


def cached_state_counts(
    session: Session,
    org_id: int,
    scope: Scope,
    filt: InboxFilter,
    today: dt.date | None = None,
    *,
    ttl: float = COUNTS_TTL,
) -> dict[str, int]:
    """:func:`state_counts`, reused for ``ttl`` seconds per database, scope and filters:
    with a million cases the counts cost far more than a page, and a queue reloaded every
    few seconds does not need them exact to the second."""
    today = today or dt.date.today()
    key = (str(session.connection().engine.url), org_id, scope, replace(filt, state=None), today)
    now = time.monotonic()
    with _counts_lock:
        hit = _counts_cache.get(key)
        if hit is not None and now - hit[0] < ttl:
            return dict(hit[1])
    counts = state_counts(session, org_id, scope, filt, today)
    with _counts_lock:
        if len(_counts_cache) > 1024:
            _counts_cache.clear()
        _counts_cache[key] = (now, counts)
    return dict(counts)


def overdue_count(session: Session, org_id: int, scope: Scope, today: dt.date) -> int:
    """Open cases past their due date."""
    conds = _conditions(org_id, scope, InboxFilter(due="overdue"), today)
    stmt = select(func.count()).select_from(CASES).where(*conds)
    return int(session.connection().execute(stmt).scalar() or 0)


@dataclass(frozen=True)
class AssignResult:
    """What a (bulk) assignment did: cases assigned, and those refused with why."""

    assigned: list[str]
    refused: list[tuple[str, str, str]]  # case id, ja, en


def _check_assign(actor: Actor, assignee: str | None) -> None:
    if actor.kind != "staff" or not (set(actor.roles) & ASSIGN_ROLES):
        raise PermissionDenied(
            "案件の担当を設定する権限がありません。", "You may not assign cases."
        )
    if assignee is not None and not assignee.strip():
        raise PermissionDenied("担当者を指定してください。", "Choose who takes the case.")


def assign(
    rt: Runtime,
    session: Session,
    case_id: str,
    actor: Actor,
    assignee: str | None,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> CaseRecord:
    """Set (or clear, with None) the case's assignee; an ``assign`` event records it.

    Raises NotFound when the actor may not see the case, ConflictError when it changed
    since ``expected_version``.
    """
    _check_assign(actor, assignee)
    now = now or utcnow()
    conn = session.connection()
    case, _proc = load_case(rt, session, case_id, actor, conn)
    if expected_version is not None and expected_version != case.version:
        raise ConflictError(case.id, expected_version, case.version)
    if case.assignee == assignee:
        return case
    seq = case.version + 1
    ev: dict[str, Any] = {
        "case_id": case.id,
        "seq": seq,
        "at": now,
        "actor_kind": actor.kind,
        "actor_id": actor.id,
        "actor_role": sorted(set(actor.roles) & ASSIGN_ROLES)[0],
        "channel": case.channel,
        "trigger": "assign",
        "from_state": case.state,
        "to_state": case.state,
        "changes": {"assignee": {"from": case.assignee, "to": assignee}},
        "comment": None,
        "prev_hash": case.last_event_hash,
    }
    ev["hash"] = event_hash(ev)
    result = conn.execute(
        CASES.update()
        .where(CASES.c.id == case.id, CASES.c.version == case.version)
        .values(assignee=assignee, version=seq, last_event_hash=ev["hash"], updated_at=now)
    )
    if result.rowcount != 1:
        raise ConflictError(case.id, case.version, current_version(session, case.id) or -1)
    conn.execute(INSERT_EVENT, [ev])
    return replace(case, assignee=assignee, version=seq, last_event_hash=ev["hash"], updated_at=now)


def assign_many(
    rt: Runtime,
    session: Session,
    case_ids: Sequence[str],
    actor: Actor,
    assignee: str | None,
    now: dt.datetime | None = None,
) -> AssignResult:
    """Assign several cases; each is its own savepoint, so one refusal stops no other."""
    from engine.errors import EngineError

    _check_assign(actor, assignee)
    done: list[str] = []
    refused: list[tuple[str, str, str]] = []
    for case_id in dict.fromkeys(case_ids):
        try:
            with session.begin_nested():
                assign(rt, session, case_id, actor, assignee, now=now)
            done.append(case_id)
        except EngineError as exc:
            refused.append((case_id, exc.ja, exc.en))
    return AssignResult(done, refused)


def procedure_states(procs: Iterable[Procedure]) -> list[tuple[str, str, str]]:
    """(state id, ja, en) of the procedures' states, each once, in workflow order."""
    seen: dict[str, tuple[str, str, str]] = {}
    for p in procs:
        for s in p.workflow.states:
            seen.setdefault(s.id, (s.id, s.label.ja, s.label.get("en")))
    return list(seen.values())


__all__ = [
    "ASSIGN_ROLES",
    "AssignResult",
    "Cursor",
    "InboxFilter",
    "InboxPage",
    "InboxRow",
    "Scope",
    "assign",
    "assign_many",
    "cached_state_counts",
    "days_left",
    "inbox_page",
    "overdue_count",
    "procedure_states",
    "scope_for",
    "state_counts",
]
