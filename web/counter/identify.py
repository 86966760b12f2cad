"""Starting a visit: the card, a pre-entry QR code, or a registry search with an ID shown."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from sqlmodel import col, select
from werkzeug.wrappers import Response as WerkzeugResponse

from adapters.errors import CardError
from adapters.service import resident_registry
from engine.drafts import Draft, open_draft
from engine.errors import EngineError
from engine.visits import (
    ID_DOCUMENTS,
    CounterVisit,
    start_visit,
)
from web.counter import bp
from web.counter.bundles import (
    prefilled,
    seal,
)
from web.counter.common import NUMBER, PRE_ENTRY_KEY, demo_cards, pre_entry_draft, world
from web.i18n import t
from web.session import staff_required
from web.staff.common import actor, db_session, rt


@bp.get("/")
@staff_required("intake")
def start() -> str:
    """Start a visit: read the card, or search the registry and record the ID shown."""
    results: list[Any] = []
    name = (request.args.get("name") or "").strip()
    kana = (request.args.get("kana") or "").strip()
    birth = (request.args.get("birth_date") or "").strip()
    problem = None
    if name or kana or birth:
        try:
            day = dt.date.fromisoformat(birth) if birth else None
            results = list(
                resident_registry(rt().adapter_config).search(
                    name=name or None, kana=kana or None, birth_date=day, limit=20
                )
            )
        except ValueError:
            problem = t(
                "生年月日は 2000-01-31 の形で入力してください。",
                "Enter the date of birth as 2000-01-31.",
            )
    with db_session() as session:
        open_visits = session.exec(
            select(CounterVisit)
            .where(CounterVisit.staff_id == actor().id, CounterVisit.status == "open")
            .order_by(col(CounterVisit.created_at).desc())
            .limit(10)
        ).all()
        registry = resident_registry(rt().adapter_config)
        visits = [(v, registry.by_resident_number(v.resident_id)) for v in open_visits]
    return render_template(
        "counter/start.html",
        cards=demo_cards(),
        results=results,
        searched=bool(name or kana or birth),
        query={"name": name, "kana": kana, "birth_date": birth},
        id_documents=ID_DOCUMENTS,
        visits=visits,
        problem=problem,
    )


@bp.post("/visits")
@staff_required("intake")
def begin() -> WerkzeugResponse | tuple[str, int]:
    """Open a visit once identity is checked (card PIN, or the document shown)."""
    method = request.form.get("method", "")
    number = request.form.get("resident_id", "")
    present = request.form.get("present", "")
    pre_entry: Draft | None = None
    if method == "qr":
        pre_entry = pre_entry_draft(request.form.get("qr", ""))
        if pre_entry is None:
            flash(
                t(
                    "QRコードを読み取れないか、事前入力の有効期限が切れています。"
                    "もう一度読み取るか、カードで受付を始めてください。",
                    "The QR code could not be read or the pre-entry has expired. "
                    "Scan it again or start with the card.",
                ),
                "error",
            )
            return redirect(url_for("counter.start"))
        number = pre_entry.resident_id
    if (
        not NUMBER.match(number)
        or resident_registry(rt().adapter_config).by_resident_number(number) is None
    ):
        flash(
            t(
                "住民が見つかりません。カードを選ぶか、検索してください。",
                "Resident not found. Pick a card or search.",
            ),
            "error",
        )
        return redirect(url_for("counter.start"))
    if method in ("card", "qr"):
        # A pre-entry says who the resident says they are; the card's PIN proves it.
        pin = request.form.get("pin", "")
        try:
            world().card_reader.authenticate(number, secrets.token_bytes(32), pin)
        except CardError as exc:
            ja, _, en = str(exc).partition(" / ")
            flash(t(ja, en or ja), "error")
            return redirect(url_for("counter.start"))
    try:
        with db_session() as session:
            org = rt().organisation(session).id or 0
            visit = start_visit(
                session,
                org,
                actor(),
                number,
                method,
                id_document=request.form.get("id_document") or None,
                present=present,
            )
            if pre_entry is not None:
                proc = rt().procedure_for(session, pre_entry.definition_version)
                answers = prefilled(rt(), session, proc, number)
                answers.update(open_draft(rt(), session, pre_entry).data)
                visit.procedures = [proc.id]
                visit.answers = {proc.id: seal(rt(), proc, answers)}
                # Filed at the counter, the draft is done with (see file_all).
                visit.confirmations = {PRE_ENTRY_KEY: pre_entry.id}
                session.add(visit)
            visit_id = visit.id
    except EngineError as exc:
        flash(t(exc.ja, exc.en), "error")
        return redirect(url_for("counter.start"))
    return redirect(url_for("counter.events", visit_id=visit_id))
