"""``GET /applications``: the caller's cases, a page at a time (keyset, never OFFSET).

Staff get their work queue: the inbox of the staff screens (:mod:`engine.worklist`), with
its filters, due-date order and cursor. A resident gets their own cases and an integrator
the cases it filed, newest first.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from sqlalchemy import select, tuple_
from sqlmodel import Session

from engine.actors import Actor
from engine.records import CASES
from engine.runtime import Runtime
from engine.worklist import Cursor, InboxFilter, cached_state_counts, inbox_page, scope_for
from web.api import bp
from web.api import schemas as s
from web.api.auth import caller
from web.api.common import rt, transaction
from web.api.errors import ApiError, problem
from web.api.present import text
from web.api.spec import Reply, operation
from web.staff.common import WORK_ROLES  # who has a work queue, as on the staff screens
from web.staff.queue import STAFF_ID

STAFF_FILTERS = ("assignee", "due", "include_closed")

_COLUMNS = (
    "id",
    "reference",
    "procedure_id",
    "definition_version",
    "state",
    "version",
    "due_date",
    "channel",
    "assignee",
    "created_at",
)


def _bad_cursor() -> ApiError:
    return ApiError.invalid(
        [
            problem(
                "cursor",
                "invalid",
                "cursor には前のページの next_cursor をそのまま指定してください。",
                "Pass the next_cursor of the previous page as it is.",
            )
        ]
    )


def _encode(created_at: dt.datetime, case_id: str) -> str:
    raw = f"{created_at.isoformat()}|{case_id}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode(cursor: str) -> tuple[dt.datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8")
        when, _, case_id = raw.partition("|")
        parsed = dt.datetime.fromisoformat(when)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise _bad_cursor() from None
    if len(case_id) != 32 or not case_id.isalnum():
        raise _bad_cursor()
    return parsed, case_id


def _state(
    runtime: Runtime, session: Session, procedure_id: str, version: str | None, state: str
) -> tuple[s.Text, str]:
    """The label and portal status of a case's state, from the definition version it was
    filed under (or the current definition, for rows that do not say)."""
    proc = (
        runtime.procedure_for(session, version)
        if version
        else runtime.catalog.procedures.get(procedure_id)
    )
    try:
        spec = proc.workflow.state(state) if proc else None
    except KeyError:
        spec = None
    if spec is None:
        return s.Text(ja=state, en=state), "in_progress"
    return text(spec.label), spec.portal_status


def _summary(
    runtime: Runtime, session: Session, row: Any, days_left: int | None, staff: bool
) -> s.ApplicationSummary:
    label, portal = _state(
        runtime, session, row["procedure_id"], row.get("definition_version"), row["state"]
    )
    return s.ApplicationSummary(
        id=row["id"],
        reference=row["reference"],
        procedure_id=row["procedure_id"],
        state=row["state"],
        state_label=label,
        portal_status=portal,
        version=row["version"],
        due_date=row["due_date"],
        days_left=days_left,
        channel=row["channel"],
        assignee=row["assignee"] if staff else None,
        created_at=row["created_at"],
    )


def _own_cases(
    runtime: Runtime, session: Session, actor: Actor, query: s.ApplicationQuery
) -> s.ApplicationPage:
    """A resident's own cases, or the cases an integrator filed, newest first."""
    problems = [
        problem(
            name, "staff_only", "職員の一覧だけの条件です。", "A filter of the staff queue only."
        )
        for name in STAFF_FILTERS
        if getattr(query, name) not in (None, False)
    ]
    if problems:
        raise ApiError.invalid(problems)
    c = CASES.c
    org = runtime.organisation_id(session)
    owner = c.applicant_id if actor.kind == "resident" else c.filed_by
    conds = [c.organisation_id == org, owner == actor.id]
    if query.procedure:
        conds.append(c.procedure_id == query.procedure)
    if query.state:
        conds.append(c.state == query.state)
    if query.channel:
        conds.append(c.channel == query.channel)
    if query.cursor:
        created, case_id = _decode(query.cursor)
        conds.append(tuple_(c.created_at, c.id) < tuple_(created, case_id))
    stmt = (
        select(*(c[n] for n in _COLUMNS))
        .where(*conds)
        .order_by(c.created_at.desc(), c.id.desc())
        .limit(query.limit + 1)
    )
    rows = list(session.connection().execute(stmt).mappings())
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    items = [_summary(runtime, session, r, None, staff=False) for r in rows]
    last = rows[-1] if more and rows else None
    return s.ApplicationPage(
        items=items,
        next_cursor=_encode(last["created_at"], last["id"]) if last else None,
        counts=None,
    )


@operation(
    bp,
    "GET",
    "/applications",
    summary="The caller's cases (staff: the work queue)",
    tag="applications",
    scopes=("applications:read",),
    query=s.ApplicationQuery,
    replies={
        200: Reply("A page of cases.", s.ApplicationPage),
        422: Reply(
            "A filter is malformed, the cursor is not one this API gave, or a staff-only "
            "filter was used without a staff token.",
            s.Error,
        ),
    },
)
def list_applications(query: s.ApplicationQuery) -> s.ApplicationPage:
    """Staff: the work queue of their departments, as in the inbox: open cases in due-date
    order (undated last), with the inbox's filters and the number of cases per state. A
    resident: their own cases. An integrator: the cases it filed. Newest first for both.
    Pass ``next_cursor`` as ``cursor`` for the next page."""
    actor = caller().subject.actor()
    runtime = rt()
    with transaction() as session:
        if actor.kind == "staff":
            page = _staff_queue(runtime, session, actor, query)
        else:
            page = _own_cases(runtime, session, actor, query)
        session.rollback()
    return page


def _staff_queue(
    runtime: Runtime, session: Session, actor: Actor, query: s.ApplicationQuery
) -> s.ApplicationPage:
    """The inbox of the staff screens: same scope, filters, order, cursor and counts."""
    if not set(actor.roles) & set(WORK_ROLES):
        raise ApiError(
            403,
            "forbidden",
            "受付・審査・決裁の役割がないため、案件の一覧は見られません。",
            "Only staff with the intake, review or approval role have a work queue.",
        )
    assignee = actor.id if query.assignee == "me" else query.assignee
    if assignee not in (None, "none") and not STAFF_ID.match(assignee or ""):
        raise ApiError.invalid(
            [
                problem(
                    "assignee",
                    "invalid",
                    "職員のログインID、me、none のいずれかを指定してください。",
                    "Give a staff login id, me, or none.",
                )
            ]
        )
    after = Cursor.decode(query.cursor) if query.cursor else None
    if query.cursor and after is None:
        raise _bad_cursor()
    filt = InboxFilter(
        procedure=query.procedure,
        state=query.state,
        channel=query.channel,
        assignee=assignee,
        due=query.due,
        include_closed=query.include_closed,
    )
    scope = scope_for(runtime, actor.departments)
    org = runtime.organisation_id(session)
    page = inbox_page(session, org, scope, filt, after=after, limit=query.limit)
    counts = cached_state_counts(session, org, scope, filt) if after is None else None
    return s.ApplicationPage(
        items=[
            _summary(runtime, session, row.__dict__, row.days_left, staff=True) for row in page.rows
        ],
        next_cursor=page.next.encode() if page.next else None,
        counts=counts,
    )
