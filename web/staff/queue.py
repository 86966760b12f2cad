"""The work queue: an inbox per staff member and per department, and assignment."""

from __future__ import annotations

import re
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from adapters.service import resident_registry
from engine.errors import EngineError
from engine.worklist import (
    Cursor,
    InboxFilter,
    assign_many,
    cached_state_counts,
    inbox_page,
    procedure_states,
    scope_for,
)
from web.i18n import t
from web.session import has_any_role, staff_required
from web.staff import bp
from web.staff.common import MANAGER_ROLES, WORK_ROLES, actor, db_session, rt, staff

STAFF_ID = re.compile(r"^[A-Za-z0-9._-]{1,80}$")
CHANNELS = ("online", "counter", "pittari", "oss", "api")
CHANNEL_LABELS = {
    "online": ("オンライン", "Online"),
    "counter": ("窓口", "Counter"),
    "pittari": ("ぴったりサービス", "Pittari"),
    "oss": ("OSS", "OSS"),
    "api": ("API", "API"),
}


@bp.get("/")
@staff_required()
def home() -> Response:
    """Where a staff member starts: the queue, or the dashboard for administrators."""
    who = staff()
    if has_any_role(who, WORK_ROLES):
        return redirect(url_for("staff.inbox"))
    if has_any_role(who, MANAGER_ROLES):
        return redirect(url_for("staff.dashboard"))
    if "admin" in who.roles:  # pragma: no cover - admin is a manager role
        return redirect(url_for("staff.access_log"))
    return render_template("staff/no_role.html"), 403  # type: ignore[return-value]


def _filter(me: str) -> InboxFilter:
    args = request.args
    assignee = args.get("assignee") or None
    if assignee == "me":
        assignee = me
    elif assignee not in (None, "none") and not STAFF_ID.match(assignee or ""):
        assignee = None
    due = args.get("due")
    channel = args.get("channel")
    return InboxFilter(
        procedure=args.get("procedure") or None,
        state=args.get("state") or None,
        channel=channel if channel in CHANNELS else None,
        assignee=assignee,
        due=due if due in ("overdue", "soon") else None,
        include_closed=args.get("closed") == "1",
    )


@bp.get("/inbox")
@staff_required(*WORK_ROLES)
def inbox() -> str:
    """The queue of the staff member's departments, filtered, in due-date order."""
    who = staff()
    runtime = rt()
    scope = scope_for(runtime, who.departments)
    filt = _filter(who.staff_id)
    after = Cursor.decode(request.args.get("after"))
    with db_session() as session:
        org = runtime.organisation(session).id or 0
        page = inbox_page(session, org, scope, filt, after=after)
        counts = cached_state_counts(session, org, scope, filt)
    registry = resident_registry(runtime.adapter_config)
    names: dict[str, str] = {}
    for row in page.rows:
        if row.applicant_id not in names:
            person = registry.by_resident_number(row.applicant_id)
            names[row.applicant_id] = person.name.full if person else ""
    procs = [p for p in runtime.catalog if p.id in scope.procedures]
    states = procedure_states(procs)
    args = {k: v for k, v in request.args.items() if k != "after"}
    return render_template(
        "staff/inbox.html",
        page=page,
        counts=counts,
        open_total=sum(
            n for s, n in counts.items() if filt.include_closed or s in scope.open_states
        ),
        state_url=lambda sid: _state_url(args, sid),
        states=states,
        procs=procs,
        proc_names={p.id: p.name for p in procs},
        state_labels={s[0]: (s[1], s[2]) for s in states},
        names=names,
        filt=filt,
        args=args,
        first_page=after is None,
        channels=CHANNEL_LABELS,
        me=who.staff_id,
    )


@bp.post("/inbox/assign")
@staff_required(*WORK_ROLES)
def assign_selected() -> Response:
    """Assign the ticked cases (bulk), to oneself or to a named colleague."""
    who = staff()
    ids = [i for i in request.form.getlist("case_id") if i.isalnum()]
    target = (request.form.get("assignee") or "").strip()
    back = request.form.get("back") or url_for("staff.inbox")
    if not ids:
        flash(t("担当を設定する案件を選んでください。", "Select the cases to assign."), "error")
        return redirect(_local(back))
    if target == "none":
        assignee: str | None = None
    elif target in ("", "me"):
        assignee = who.staff_id
    elif STAFF_ID.match(target):
        assignee = target
    else:
        flash(
            t(
                "担当者のログインIDは半角英数字とハイフンで入力してください。",
                "Enter the colleague's login ID (letters, digits and hyphens).",
            ),
            "error",
        )
        return redirect(_local(back))
    try:
        with db_session() as session:
            result = assign_many(rt(), session, ids, actor(), assignee)
    except EngineError as exc:
        flash(t(exc.ja, exc.en), "error")
        return redirect(_local(back))
    if result.assigned:
        flash(
            t(
                f"{len(result.assigned)}件の担当を設定しました。",
                f"Assigned {len(result.assigned)} case(s).",
            ),
            "success",
        )
    for _case_id, ja, en in result.refused:
        flash(t(ja, en), "error")
    return redirect(_local(back))


def _local(target: str) -> str:
    from web.session import safe_next

    return safe_next(target, url_for("staff.inbox"))


def _state_url(args: dict[str, str], state: str) -> str:
    """The inbox with the same filters and ``state`` (none: every open state)."""
    values: dict[str, Any] = {k: v for k, v in args.items() if k != "state"}
    if state:
        values["state"] = state
    return url_for("staff.inbox", **values)
