"""Following an application: confirmation, "my applications", a case's page, its PDFs,
answering a correction request and withdrawing (取下げ) with a confirmation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlmodel import Session, col, select

from engine import drafts
from engine.cases import allowed_triggers, fire, load_case
from engine.definitions.models import Procedure
from engine.documents import list_documents, read_document, render_document
from engine.errors import EngineError, NotFound
from engine.models import Case, CaseEvent, Notice
from engine.records import CaseRecord
from web.citizen import bp
from web.citizen.common import resident_actor, rt, session, texts
from web.i18n import lang
from web.session import resident_required

# How a resident reads a state's portal status (マイナポータルと同じ言葉).
PLAIN_STATUS = {
    "in_progress": ("処理中", "In progress", "active"),
    "correction_requested": ("要訂正", "Correction needed", "action"),
    "intake_error": ("受付エラー", "Could not be accepted", "action"),
    "done": ("完了", "Done", "done"),
}
# Comments staff write for the resident (the reason of a correction or a decision).
RESIDENT_VISIBLE_COMMENTS = frozenset({"staff", "system"})


@dataclass(frozen=True)
class CaseRow:
    """A case as "my applications" lists it."""

    case: CaseRecord
    proc: Procedure
    status: tuple[str, str, str]
    state_label: str


def plain_status(proc: Procedure, state: str) -> tuple[str, str, str]:
    """(ja, en, css modifier) of the plain status of ``state``."""
    spec = proc.workflow.state(state)
    ja, en, css = PLAIN_STATUS.get(spec.portal_status, ("処理中", "In progress", "active"))
    if spec.id == "withdrawn":
        return ("取下げ済み", "Withdrawn", "closed")
    return ja, en, css


def _load(s: Session, case_id: str) -> tuple[CaseRecord, Procedure]:
    try:
        return load_case(rt(), s, case_id, resident_actor())
    except NotFound:
        abort(404)


def _application_document(proc: Procedure) -> str | None:
    return next((d.id for d in proc.documents if d.kind == "application"), None)


@bp.get("/cases/<case_id>/done")
@resident_required
def done(case_id: str) -> str:
    """The confirmation: reference number, what happens next, when, the PDF copy."""
    with session() as s:
        case, proc = _load(s, case_id)
        return render_template(
            "citizen/done.html",
            case=case,
            proc=proc,
            pdf=_application_document(proc),
            status=plain_status(proc, case.state),
        )


@bp.get("/cases/<case_id>/application.pdf")
@resident_required
def application_pdf(case_id: str) -> Response:
    """A Japanese PDF copy of the filed application (rendered by engine.documents)."""
    with session() as s:
        case, proc = _load(s, case_id)
        doc_id = _application_document(proc)
        if doc_id is None:
            abort(404)
        pdf = render_document(rt(), s, case.id, doc_id)
    return _pdf(pdf, f"{proc.id}-{case.reference}.pdf")


def _pdf(content: bytes, filename: str) -> Response:
    resp = Response(content, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/cases/<case_id>/documents/<int:document_row>")
@resident_required
def document(case_id: str, document_row: int) -> Response:
    """A document issued for the case (decision notice, receipt...), as stored."""
    with session() as s:
        case, _ = _load(s, case_id)
        row = next((d for d in list_documents(s, case.id) if d.id == document_row), None)
        if row is None:
            abort(404)
        content = read_document(rt(), row)
    return _pdf(content, f"{row.document_id}-{case.reference}.pdf")


@bp.get("/mine")
@resident_required
def mine() -> str:
    """My applications: drafts to finish, filed cases with their status, notices."""
    actor = resident_actor()
    with session() as s:
        open_drafts = drafts.list_open_drafts(s, actor.id)
        ids = s.exec(
            select(Case.id)
            .where(Case.applicant_id == actor.id)
            .order_by(col(Case.created_at).desc())
        ).all()
        rows = []
        for case_id in ids:
            case, proc = load_case(rt(), s, case_id, actor)
            rows.append(
                CaseRow(
                    case,
                    proc,
                    plain_status(proc, case.state),
                    proc.workflow.state(case.state).label.get(lang()),
                )
            )
        notices = s.exec(
            select(Notice)
            .where(Notice.recipient_id == actor.id)
            .order_by(col(Notice.created_at).desc())
            .limit(20)
        ).all()
        references = {r.case.id: r.case.reference for r in rows}
        s.commit()  # drafts found expired were deleted
        return render_template(
            "citizen/mine.html",
            drafts=[
                (d, rt().procedure_for(s, d.definition_version), drafts.expiry_warning(d))
                for d in open_drafts
            ],
            cases=rows,
            notices=notices,
            references=references,
        )


@dataclass(frozen=True)
class HistoryItem:
    """One step of a case's history as the resident reads it."""

    at: dt.datetime
    label: str
    comment: str | None


def _history(s: Session, case: CaseRecord, proc: Procedure) -> list[HistoryItem]:
    events = s.exec(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(col(CaseEvent.seq))
    ).all()
    states = {st.id for st in proc.workflow.states}
    return [
        HistoryItem(
            e.at,
            proc.workflow.state(e.to_state).label.get(lang())
            if e.to_state in states
            else e.to_state,
            e.comment if e.actor_kind in RESIDENT_VISIBLE_COMMENTS else None,
        )
        for e in events
    ]


@bp.get("/cases/<case_id>")
@resident_required
def case(case_id: str) -> str:
    """A case: status, what to do, history, documents, notices, the resident's actions."""
    from web.citizen.filing import correction_message

    actor = resident_actor()
    with session() as s:
        record, proc = _load(s, case_id)
        triggers = allowed_triggers(rt(), proc, record, actor)
        edit = [t for t in triggers if proc.workflow.transition(t).edits_application]
        others = [proc.workflow.transition(t) for t in triggers if t not in edit]
        notices = s.exec(
            select(Notice)
            .where(Notice.case_id == record.id, Notice.recipient_id == actor.id)
            .order_by(col(Notice.created_at).desc())
        ).all()
        return render_template(
            "citizen/case.html",
            case=record,
            proc=proc,
            status=plain_status(proc, record.state),
            state_label=proc.workflow.state(record.state).label.get(lang()),
            history=_history(s, record, proc),
            documents=list_documents(s, record.id),
            doc_names={d.id: d.name for d in proc.documents},
            notices=notices,
            correct=edit[0] if edit else None,
            correction=correction_message(s, record.id) if edit else None,
            actions=[(a, action_url(proc.id, record.id, a.trigger)) for a in others],
            pdf=_application_document(proc),
        )


@bp.post("/cases/<case_id>/correct")
@resident_required
def correct(case_id: str) -> Response:
    """Answer a correction request: a draft of the filed answers to edit and resubmit."""
    actor = resident_actor()
    with session() as s:
        record, proc = _load(s, case_id)
        if not any(
            proc.workflow.transition(t).edits_application
            for t in allowed_triggers(rt(), proc, record, actor)
        ):
            flash(
                texts(
                    "この申請は今は訂正できません。", "This application cannot be corrected now."
                ),
                "warning",
            )
            return redirect(url_for("citizen.case", case_id=case_id))  # type: ignore[return-value]
        row = drafts.start_correction(rt(), s, record.id, actor)
        s.commit()
        return redirect(  # type: ignore[return-value]
            url_for("citizen.step", draft_id=row.id, step_id=proc.form.steps[0].id)
        )


def _action_allowed(s: Session, case_id: str, trigger: str) -> tuple[CaseRecord, Procedure, Any]:
    record, proc = _load(s, case_id)
    triggers = allowed_triggers(rt(), proc, record, resident_actor())
    if trigger not in triggers or proc.workflow.transition(trigger).edits_application:
        abort(404)
    return record, proc, proc.workflow.transition(trigger)


DEDICATED_PAGES: dict[tuple[str, str], str] = {}
"""Transitions with a screen of their own, by (procedure id, trigger): the endpoint (taking
``case_id``) the case page links to instead of the generic confirmation, e.g. picking an
interview slot for ``ninshin-todoke``'s ``book_interview``."""


def dedicated_page(procedure_id: str, trigger: str, endpoint: str) -> None:
    """Send residents to ``endpoint`` for ``trigger`` of ``procedure_id``."""
    DEDICATED_PAGES[(procedure_id, trigger)] = endpoint


def action_url(procedure_id: str, case_id: str, trigger: str) -> str:
    """Where the case page's link for ``trigger`` goes."""
    endpoint = DEDICATED_PAGES.get((procedure_id, trigger))
    if endpoint is not None:
        return url_for(endpoint, case_id=case_id)
    return url_for("citizen.action", case_id=case_id, trigger=trigger)


@bp.route("/cases/<case_id>/actions/<trigger>", methods=["GET", "POST"])
@resident_required
def action(case_id: str, trigger: str) -> tuple[str, int] | Response:
    """Confirm, then do, an action the procedure lets the resident take (取下げ...)."""
    with session() as s:
        record, proc, spec = _action_allowed(s, case_id, trigger)
        if (proc.id, trigger) in DEDICATED_PAGES:
            return redirect(action_url(proc.id, record.id, trigger))  # type: ignore[return-value]
        error = None
        if request.method == "POST":
            comment = request.form.get("comment", "").strip()[:1000] or None
            try:
                fire(
                    rt(),
                    s,
                    record.id,
                    trigger,
                    resident_actor(),
                    comment=comment,
                    expected_version=_int(request.form.get("version")),
                )
                s.commit()
            except EngineError as exc:
                s.rollback()
                error = exc.en if lang() == "en" else exc.ja
            else:
                flash(
                    texts(
                        f"「{spec.label.ja}」を受け付けました。", f"Done: {spec.label.get('en')}."
                    ),
                    "success",
                )
                return redirect(url_for("citizen.case", case_id=case_id))  # type: ignore[return-value]
        return render_template(
            "citizen/action.html", case=record, proc=proc, spec=spec, error=error
        ), (400 if error else 200)


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None
