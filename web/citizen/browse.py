"""Finding the right procedure: home (categories, search, life events), procedure pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask import abort, render_template, request

from engine.definitions.models import Procedure
from engine.search import MAX_QUERY, search
from web.citizen import bp
from web.citizen.common import life_events, procedure, rt, today

CATEGORIES = {
    "kosodate": ("子育て・妊娠", "Children and pregnancy"),
    "kaigo": ("介護", "Long-term care"),
    "hisai": ("災害・被災者支援", "Disaster support"),
    "jidousha": ("自動車", "Cars"),
}
OFFICES = {
    "municipality": ("国立市", "Kunitachi City"),
    "prefecture": ("東京都（都税事務所）", "Tokyo Metropolis (tax office)"),
    "police": ("警察署", "The police station"),
}


def filed_here(proc: Procedure) -> bool:
    """Whether a resident can file ``proc`` on these screens (online, with this office)."""
    return proc.office == "municipality" and "online" in proc.channels


def _by_category(procs: Iterable[Procedure]) -> list[tuple[str, tuple[str, str], list[Procedure]]]:
    groups: dict[str, list[Procedure]] = {}
    for p in procs:
        groups.setdefault(p.category, []).append(p)
    order = [c for c in CATEGORIES if c in groups] + sorted(set(groups) - set(CATEGORIES))
    return [(c, CATEGORIES.get(c, (c, c)), groups[c]) for c in order]


def home_page() -> str:
    """The home page: what do you need to do?"""
    return render_template(
        "home.html",
        categories=_by_category(rt().catalog),
        events=life_events().events,
        today=today(),
    )


@bp.get("/search")
def search_page() -> tuple[str, int]:
    """Procedures matching the words typed (kanji, kana or English)."""
    query = request.args.get("q", "").strip()
    too_long = len(query) > MAX_QUERY
    hits = search(rt().catalog, query, life_events().keywords) if query and not too_long else []
    return render_template(
        "citizen/search.html", query=query, hits=hits, too_long=too_long, max_query=MAX_QUERY
    ), 200


@bp.get("/life-events/<event_id>")
def life_event(event_id: str) -> str:
    """A life event and the procedures it leads to, in order."""
    event = life_events().get(event_id)
    if event is None:
        abort(404)
    procs = [rt().catalog.get(p) for p in event.procedures]
    return render_template("citizen/life_event.html", event=event, procs=procs)


@bp.get("/procedures/<procedure_id>")
def procedure_page(procedure_id: str) -> str:
    """What the procedure is, who may file, what to have ready, how long, where."""
    proc = procedure(procedure_id)
    attachments = [f for _, f in proc.form.iter_fields() if f.type == "attachment"]
    return render_template(
        "citizen/procedure.html",
        proc=proc,
        attachments=attachments,
        office=OFFICES.get(proc.office, (proc.office, proc.office)),
        category=CATEGORIES.get(proc.category, (proc.category, proc.category)),
        here=filed_here(proc),
        open_now=proc.accepts_filings_on(today()),
        events=life_events().for_procedure(proc.id),
    )


JST = dt.timezone(dt.timedelta(hours=9), "JST")


@bp.app_template_filter("jst")
def jst(value: dt.datetime) -> dt.datetime:
    """A stored UTC time in Japan time (SQLite gives naive UTC)."""
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(JST)
