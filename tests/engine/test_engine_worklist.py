"""The work queue: keyset pages in due-date order, filters, counts, and assignment."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from engine.audit import verify
from engine.errors import ConflictError, NotFound, PermissionDenied
from engine.models import Case, CaseEvent
from engine.runtime import Runtime
from engine.worklist import (
    Cursor,
    InboxFilter,
    assign,
    assign_many,
    days_left,
    inbox_page,
    scope_for,
    state_counts,
)
from tests.engine.conftest import KOSODATE, file_sample, staff

TODAY = dt.date(2026, 6, 1)  # a Monday


def _file_many(rt: Runtime, n: int) -> list[str]:
    ids = [file_sample(rt).id for _ in range(n)]
    with Session(rt.db) as s:
        for i, case_id in enumerate(ids):
            due = TODAY + dt.timedelta(days=10 + i // 2)  # pairs share a due date
            s.execute(update(Case).where(Case.id == case_id).values(due_date=due))
        s.commit()
    return ids


def _org(rt: Runtime) -> int:
    with Session(rt.db) as s:
        return rt.organisation(s).id or 0


def test_pages_walk_every_open_case_once_in_due_order_undated_last(rt: Runtime) -> None:
    ids = _file_many(rt, 7)
    with Session(rt.db) as s:
        s.execute(update(Case).where(col(Case.id).in_(ids[:2])).values(due_date=None))
        s.commit()
    scope = scope_for(rt, [KOSODATE])
    seen: list[str] = []
    dues: list[dt.date | None] = []
    after: Cursor | None = None
    org = _org(rt)
    with Session(rt.db) as s:
        for _ in range(10):
            page = inbox_page(s, org, scope, InboxFilter(), after=after, limit=2, today=TODAY)
            seen += [r.id for r in page.rows]
            dues += [r.due_date for r in page.rows]
            if page.next is None:
                break
            after = Cursor.decode(page.next.encode())
    assert sorted(seen) == sorted(ids)
    assert len(seen) == len(set(seen))
    dated = [d for d in dues if d is not None]
    assert dated == sorted(dated)
    assert dues[-2:] == [None, None]


def test_filters_and_counts_per_state(rt: Runtime) -> None:
    ids = _file_many(rt, 3)
    with Session(rt.db) as s:
        s.execute(update(Case).where(Case.id == ids[0]).values(state="received", assignee="me-1"))
        s.execute(
            update(Case).where(Case.id == ids[1]).values(due_date=TODAY - dt.timedelta(days=3))
        )
        s.commit()
    scope = scope_for(rt, [KOSODATE])
    org = _org(rt)
    with Session(rt.db) as s:
        counts = state_counts(s, org, scope, InboxFilter(), today=TODAY)
        assert counts == {"submitted": 2, "received": 1}
        mine = inbox_page(s, org, scope, InboxFilter(assignee="me-1"), today=TODAY)
        assert [r.id for r in mine.rows] == [ids[0]]
        unassigned = inbox_page(s, org, scope, InboxFilter(assignee="none"), today=TODAY)
        assert {r.id for r in unassigned.rows} == {ids[1], ids[2]}
        late = inbox_page(s, org, scope, InboxFilter(due="overdue"), today=TODAY)
        assert [r.id for r in late.rows] == [ids[1]]
        assert late.rows[0].overdue
        assert late.rows[0].days_left == -1  # due Friday, today Monday: one business day late
        state = inbox_page(s, org, scope, InboxFilter(state="received"), today=TODAY)
        assert [r.id for r in state.rows] == [ids[0]]
        online = inbox_page(s, org, scope, InboxFilter(channel="counter"), today=TODAY)
        assert online.rows == []


def test_other_departments_see_nothing(rt: Runtime) -> None:
    _file_many(rt, 2)
    scope = scope_for(rt, ["介護保険課"])
    assert "jidou-teate-nintei" not in scope.procedures
    org = _org(rt)
    with Session(rt.db) as s:
        assert inbox_page(s, org, scope, InboxFilter(), today=TODAY).rows == []


def test_days_left_counts_business_days() -> None:
    assert days_left(dt.date(2026, 6, 5), TODAY) == 4
    assert days_left(None, TODAY) is None
    assert days_left(dt.date(2026, 5, 29), TODAY) == -1  # Friday before: one day late


def test_assign_is_an_event_and_a_stale_version_is_a_conflict(rt: Runtime) -> None:
    case_id = _file_many(rt, 1)[0]
    reviewer = staff("review")
    with Session(rt.db) as s:
        after = assign(rt, s, case_id, reviewer, "staff-1", expected_version=1)
        s.commit()
    assert after.assignee == "staff-1"
    assert after.version == 2
    with Session(rt.db) as s:
        with pytest.raises(ConflictError) as info:
            assign(rt, s, case_id, staff("review", sid="staff-2"), "staff-2", expected_version=1)
        assert "他の職員が更新しました" in info.value.ja
        ev = s.exec(select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.seq == 2)).one()
        assert ev.trigger == "assign"
        assert ev.changes["assignee"] == {"from": None, "to": "staff-1"}
    checked, breaks = verify(rt.db, case_id)
    assert checked == 1
    assert breaks == []


def test_assign_is_refused_outside_the_department_or_without_a_role(rt: Runtime) -> None:
    case_id = _file_many(rt, 1)[0]
    with Session(rt.db) as s:
        with pytest.raises(NotFound):
            assign(rt, s, case_id, staff("review", dept="介護保険課"), "x")
        with pytest.raises(PermissionDenied):
            assign(rt, s, case_id, staff("admin"), "x")


def test_bulk_assign_assigns_what_it_may_and_reports_the_rest(rt: Runtime) -> None:
    ids = _file_many(rt, 2)
    with Session(rt.db) as s:
        result = assign_many(rt, s, [*ids, "0" * 32], staff("intake"), "staff-9")
        s.commit()
    assert result.assigned == ids
    assert [r[0] for r in result.refused] == ["0" * 32]
    with Session(rt.db) as s:
        rows = s.exec(select(Case).where(col(Case.id).in_(ids))).all()
        assert {r.assignee for r in rows} == {"staff-9"}


def test_counts_are_reused_for_a_while_then_refreshed(rt: Runtime) -> None:
    from engine.worklist import cached_state_counts

    _file_many(rt, 1)
    scope = scope_for(rt, [KOSODATE])
    org = _org(rt)
    with Session(rt.db) as s:
        assert cached_state_counts(s, org, scope, InboxFilter(), TODAY) == {"submitted": 1}
    _file_many(rt, 1)
    with Session(rt.db) as s:
        assert cached_state_counts(s, org, scope, InboxFilter(), TODAY) == {"submitted": 1}
        assert cached_state_counts(s, org, scope, InboxFilter(), TODAY, ttl=0) == {"submitted": 2}
