"""The access log, for administrators."""

from __future__ import annotations

from flask import render_template, request

from engine.access_log import ACTIONS, AccessQuery, list_access
from web.session import staff_required
from web.staff import bp
from web.staff.common import db_session

PAGE = 100


@bp.get("/access-log")
@staff_required("admin")
def access_log() -> str:
    """Who opened, downloaded or unmasked what, newest first, with filters."""
    args = request.args
    action = args.get("action") or None
    query = AccessQuery(
        staff_id=(args.get("staff") or "").strip() or None,
        case_id=(args.get("case") or "").strip() or None,
        action=action if action in ACTIONS else None,
    )
    before = args.get("before", "")
    with db_session() as session:
        rows = list(
            list_access(
                session, query, before_id=int(before) if before.isdigit() else None, limit=PAGE + 1
            )
        )
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    return render_template(
        "staff/access_log.html",
        rows=rows,
        query=query,
        actions=ACTIONS,
        next_before=rows[-1].id if more and rows else None,
        args={k: v for k, v in args.items() if k != "before"},
    )
