"""The manager's dashboard: counts, processing times, channels, overdue; CSV export."""

from __future__ import annotations

import csv
import io

from flask import Response, render_template

from engine.access_log import record_access
from engine.dashboard import Dashboard, build_dashboard
from engine.worklist import scope_for
from web.i18n import loc, t
from web.session import staff_required
from web.staff import bp
from web.staff.common import MANAGER_ROLES, actor, db_session, rt, staff


def _figures() -> Dashboard:
    runtime = rt()
    who = staff()
    # Administrators see every procedure's figures (counts only, no one's data).
    if "admin" in who.roles:
        procs = [p.id for p in runtime.catalog]
    else:
        procs = list(scope_for(runtime, who.departments).procedures)
    with db_session() as session:
        org = runtime.organisation(session).id or 0
        return build_dashboard(runtime, session, org, procs)


def _bars(values: dict[str, int], labels: dict[str, str]) -> list[dict[str, object]]:
    top = max(values.values(), default=0) or 1
    return [
        {"label": labels.get(k, k), "value": v, "width": round(560 * v / top)}
        for k, v in sorted(values.items(), key=lambda kv: -kv[1])
    ]


@bp.get("/dashboard")
@staff_required(*MANAGER_ROLES)
def dashboard() -> str:
    """Counts by procedure and state, processing times, channels, overdue (SVG charts)."""
    figures = _figures()
    names = {p.id: loc(p.name) for p in rt().catalog}
    channel_labels = {
        "online": t("オンライン", "Online"),
        "counter": t("窓口", "Counter"),
        "pittari": t("ぴったりサービス", "Pittari"),
        "oss": "OSS",
        "api": "API",
    }
    open_bars = _bars({f.procedure_id: f.open for f in figures.procedures}, names)
    return render_template(
        "staff/dashboard.html",
        figures=figures,
        names=names,
        channel_bars=_bars(figures.channels, channel_labels),
        open_bars=open_bars,
        state_labels={s.id: s.label for p in rt().catalog for s in p.workflow.states},
    )


@bp.get("/dashboard.csv")
@staff_required(*MANAGER_ROLES)
def dashboard_csv() -> Response:
    """The figures as CSV (UTF-8 with BOM, so spreadsheet software reads the Japanese)."""
    figures = _figures()
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        ["procedure_id", "state", "count", "open", "overdue", "closed", "median_days", "p90_days"]
    )
    for f in figures.procedures:
        for state, n in sorted(f.by_state.items()) or [("", 0)]:
            writer.writerow(
                [
                    f.procedure_id,
                    state,
                    n,
                    f.open,
                    f.overdue,
                    f.closed,
                    "" if f.median_days is None else f"{f.median_days:.1f}",
                    "" if f.p90_days is None else f"{f.p90_days:.1f}",
                ]
            )
    with db_session() as session:
        record_access(session, actor(), "export", target="dashboard.csv")
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=dashboard.csv"},
    )
