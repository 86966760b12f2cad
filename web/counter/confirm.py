"""The resident's confirmation and signature, filing everything at once, the papers."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlmodel import Session
from werkzeug.wrappers import Response as WerkzeugResponse

from engine.cases import allowed_triggers, fire, submit
from engine.drafts import Draft, delete_draft
from engine.errors import EngineError, ValidationFailed
from engine.files import _write_once
from engine.visits import (
    filing_actor,
)
from forms.render import (
    render_summary,
)
from web.counter import bp
from web.counter.bundles import (
    leaves,
    unseal,
)
from web.counter.common import (
    MAX_SIGNATURE,
    PRE_ENTRY_KEY,
    SIGNATURE,
    load_visit,
    pdf_response,
    procs_of,
    resident_of,
)
from web.counter.printing import paper_form_pdf, receipt_pdf
from web.i18n import lang, t
from web.session import staff_required
from web.staff.common import actor, db_session, rt


@bp.get("/visits/<visit_id>/review")
@staff_required("intake")
def review(visit_id: str) -> str:
    """The clerk's view before the resident confirms: every form, and what they said."""
    runtime = rt()
    with db_session() as session:
        visit = load_visit(session, visit_id)
        procs = procs_of(visit)
        answers = {p.id: unseal(runtime, p, visit.answers.get(p.id, {})) for p in procs}
        filed = sum(len(leaves(a)) for a in answers.values())
        return render_template(
            "counter/review.html",
            visit=visit,
            resident=resident_of(visit),
            procs=procs,
            summaries={
                p.id: render_summary(
                    p.form,
                    answers[p.id],
                    lang=lang(),
                    heading_level=3,
                    change_url=lambda _s, _f: url_for("counter.fill", visit_id=visit_id),
                )
                for p in procs
            },
            typed=len(visit.typed),
            filed=filed,
            ready=all(visit.confirmations.get(p.id) == "ok" for p in procs)
            and bool(visit.signature_sha256),
        )


@bp.route("/visits/<visit_id>/tablet", methods=["GET", "POST"])
@staff_required("intake")
def tablet(visit_id: str) -> WerkzeugResponse | str:
    """The resident's screen: one form at a time, large type, correct / wrong, then sign."""
    runtime = rt()
    with db_session() as session:
        visit = load_visit(session, visit_id)
        procs = procs_of(visit)
        if request.method == "POST":
            pid = request.form.get("procedure", "")
            verdict = request.form.get("verdict", "")
            if pid in visit.procedures and verdict in ("ok", "wrong"):
                confirmations = dict(visit.confirmations)
                confirmations[pid] = verdict
                if verdict == "wrong":
                    confirmations[f"{pid}:note"] = (request.form.get("note") or "")[:500]
                visit.confirmations = confirmations
                session.add(visit)
            return redirect(url_for("counter.tablet", visit_id=visit_id))
        pending = [p for p in procs if p.id not in visit.confirmations]
        current = pending[0] if pending else None
        answers = unseal(runtime, current, visit.answers.get(current.id, {})) if current else {}
        return render_template(
            "counter/tablet.html",
            visit=visit,
            resident=resident_of(visit),
            current=current,
            index=len(procs) - len(pending) + 1,
            count=len(procs),
            summary=render_summary(
                current.form, answers, lang=lang(), heading_level=2, change_url=lambda _s, _f: ""
            )
            if current
            else None,
            wrong=[p for p in procs if visit.confirmations.get(p.id) == "wrong"],
        )


@bp.post("/visits/<visit_id>/signature")
@staff_required("intake")
def signature(visit_id: str) -> WerkzeugResponse:
    """Store the resident's signature (a PNG from the signature pad) with the visit."""
    raw = request.form.get("signature", "")
    match = SIGNATURE.match(raw)
    if not match or len(raw) > MAX_SIGNATURE:
        flash(
            t(
                "署名欄に署名してから「署名して確定」を押してください。",
                "Sign in the box, then press the button.",
            ),
            "error",
        )
        return redirect(url_for("counter.tablet", visit_id=visit_id))
    png = base64.b64decode(match.group(1))
    if not png.startswith(b"\x89PNG"):
        abort(400)
    sha = hashlib.sha256(png).hexdigest()
    _write_once(rt().settings.files_dir, sha, png)
    with db_session() as session:
        visit = load_visit(session, visit_id)
        visit.signature_sha256 = sha
        session.add(visit)
    return redirect(url_for("counter.tablet", visit_id=visit_id))


@bp.post("/visits/<visit_id>/file")
@staff_required("intake")
def file_all(visit_id: str) -> WerkzeugResponse | tuple[str, int]:
    """File every procedure of the visit at once, on the resident's behalf."""
    runtime = rt()
    with Session(runtime.db) as session:
        visit = load_visit(session, visit_id)
        procs = procs_of(visit)
        if (
            not all(visit.confirmations.get(p.id) == "ok" for p in procs)
            or not visit.signature_sha256
        ):
            flash(
                t(
                    "住民の方の確認（すべての書類）と署名が済んでから申請してください。",
                    "File after the resident has confirmed every form and signed.",
                ),
                "error",
            )
            return redirect(url_for("counter.review", visit_id=visit_id))
        who = filing_actor(actor(), visit)
        case_ids: dict[str, Any] = {}
        try:
            for proc in procs:
                data = unseal(runtime, proc, visit.answers[proc.id])
                made = submit(
                    runtime,
                    session,
                    proc.id,
                    data,
                    actor=who,
                    applicant_id=visit.resident_id,
                    channel="counter",
                    idempotency_key=f"counter:{visit.id}:{proc.id}",
                )
                case = made.case
                if "receive" in allowed_triggers(runtime, proc, case, who):
                    case = fire(
                        runtime, session, case.id, "receive", who, expected_version=case.version
                    )
                case_ids[proc.id] = {"id": case.id, "reference": case.reference}
        except ValidationFailed as exc:
            session.rollback()
            flash(t(exc.ja, exc.en), "error")
            return redirect(url_for("counter.fill", visit_id=visit_id))
        except EngineError as exc:
            session.rollback()
            flash(t(exc.ja, exc.en), "error")
            return redirect(url_for("counter.review", visit_id=visit_id))
        draft_id = visit.confirmations.get(PRE_ENTRY_KEY)
        draft = session.get(Draft, draft_id) if isinstance(draft_id, str) else None
        if draft is not None and draft.resident_id == visit.resident_id:
            delete_draft(session, draft)
        visit.case_ids = case_ids
        visit.status = "filed"
        visit.filed_at = dt.datetime.now(dt.UTC)
        visit.answers = {}  # the cases hold the data now; the visit keeps no copy
        session.add(visit)
        session.commit()
    return redirect(url_for("counter.done", visit_id=visit_id))


@bp.get("/visits/<visit_id>/done")
@staff_required("intake")
def done(visit_id: str) -> str:
    """What was filed, with the references, and the receipt to print."""
    with db_session() as session:
        visit = load_visit(session, visit_id, open_only=False)
        if visit.status != "filed":
            abort(409)
        return render_template(
            "counter/done.html",
            visit=visit,
            resident=resident_of(visit),
            procs={p.id: p for p in rt().catalog if p.id in visit.case_ids},
        )


@bp.get("/visits/<visit_id>/receipt.pdf")
@staff_required("intake")
def receipt(visit_id: str) -> Response:
    """The receipt (PDF): each procedure, its reference number and what happens next."""
    with db_session() as session:
        visit = load_visit(session, visit_id, open_only=False)
        if visit.status != "filed":
            abort(409)
        pdf = receipt_pdf(rt(), visit, resident_of(visit))
    return pdf_response(pdf, "receipt.pdf")


@bp.get("/visits/<visit_id>/paper/<procedure_id>.pdf")
@staff_required("intake")
def paper(visit_id: str, procedure_id: str) -> Response:
    """A pre-filled paper form (PDF) for a resident who prefers paper."""
    runtime = rt()
    with db_session() as session:
        visit = load_visit(session, visit_id)
        if procedure_id not in visit.procedures:
            abort(404)
        proc = runtime.catalog.get(procedure_id)
        data = unseal(runtime, proc, visit.answers.get(procedure_id, {}))
        pdf = paper_form_pdf(runtime, proc, data, resident_of(visit))
    return pdf_response(pdf, f"{procedure_id}.pdf")
