"""The case page: the application, registry differences, timeline, diagram, actions, notes.

Three steps per request: load the case (the engine refuses cases outside the staff
member's departments, and the refusal is logged), check the role for what is asked, act.
Actions post the version the page showed; a stale version is shown as "someone changed
this case" with what the staff member typed kept on the page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlmodel import Session, select
from werkzeug.wrappers import Response as WerkzeugResponse

from adapters.service import public_funds_accounts, resident_registry
from engine.access_log import record_access
from engine.cases import allowed_triggers, fire, load_case, plain_data
from engine.documents import list_documents, read_document, render_document
from engine.errors import (
    CommentRequired,
    ConflictError,
    EngineError,
    GuardFailed,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from engine.files import read_file
from engine.machine import mermaid
from engine.models import Attachment, Document
from engine.notes import add_note, list_notes
from engine.outbox import retry
from engine.pii import sensitive_paths
from engine.records import get_case
from engine.worklist import assign, days_left
from forms import FieldError
from forms.render import parse_form_post, render_error_summary, render_step, render_summary
from forms.spec import FormSpec, StepSpec
from web.i18n import lang, t
from web.session import staff_required
from web.staff import bp
from web.staff.casedata import (
    attachments,
    events,
    partner_failures,
    registry_differences,
    signature_info,
)
from web.staff.common import UNMASK_ROLES, WORK_ROLES, actor, db_session, message, rt, staff
from web.staff.diagram import workflow_svg
from web.staff.queue import CHANNEL_LABELS


def _open(session: Session, case_id: str, action: str = "open_case", target: str = "") -> Any:
    """The case and procedure for the current staff member; 403 (logged) or 404."""
    who = actor()
    try:
        case, proc = load_case(rt(), session, case_id, who)
    except NotFound:
        if get_case(session, case_id) is None:
            abort(404)
        record_access(session, who, "denied", case_id=case_id, target=request.path)
        session.commit()
        abort(403)
    if action:
        record_access(session, who, action, case_id=case_id, target=target)
    return case, proc


def _inputs_form(spec: Any) -> FormSpec:
    return FormSpec(
        steps=(StepSpec(id=f"in_{spec.trigger}", title=spec.label, fields=spec.inputs),)
    )


def _page(
    session: Session,
    case: Any,
    proc: Any,
    *,
    unmasked: dict[str, str] | None = None,
    posted: dict[str, Any] | None = None,
    errors: dict[str, list[FieldError]] | None = None,
    problem: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    runtime = rt()
    who = actor()
    plain = plain_data(runtime, case, proc)
    registry = resident_registry(runtime.adapter_config)
    applicant = registry.by_resident_number(case.applicant_id)
    try:
        accounts = public_funds_accounts(runtime.adapter_config)
    except EngineError:  # pragma: no cover - configuration without the capability
        accounts = None
    diffs = registry_differences(proc, plain, case.applicant_id, registry, accounts)
    history = events(session, case.id)
    posted = posted or {}
    errors = errors or {}
    actions = []
    for trigger in allowed_triggers(runtime, proc, case, who):
        spec = proc.workflow.transition(trigger)
        fields = Markup("")
        if spec.inputs:
            form = _inputs_form(spec)
            fields = render_step(
                form,
                form.steps[0].id,
                posted.get(trigger, {}).get("inputs", {}),
                errors.get(trigger, ()),
                lang=lang(),
            )
        actions.append(
            {
                "trigger": trigger,
                "spec": spec,
                "fields": fields,
                "errors": render_error_summary(errors.get(trigger, ()), lang=lang()),
                "comment": posted.get(trigger, {}).get("comment", ""),
                "danger": trigger in ("reject", "reject_intake", "request_correction"),
            }
        )
    today = dt.date.today()
    summary = render_summary(
        proc.form, plain, lang=lang(), change_url=lambda _s, _f: "", heading_level=3
    )
    labels = {s.id: s.label for s in proc.workflow.states}
    trigger_labels = {tr.trigger: tr.label for tr in proc.workflow.transitions}
    return (
        render_template(
            "staff/case.html",
            case=case,
            proc=proc,
            applicant=applicant,
            summary=summary,
            diffs=diffs,
            history=history,
            labels=labels,
            trigger_labels=trigger_labels,
            actions=actions,
            notes=list_notes(session, case.id),
            files=attachments(session, case.id),
            documents=list_documents(session, case.id),
            failures=partner_failures(session, case.id),
            signature=signature_info(case, history),
            diagram=mermaid(proc, case.state),
            diagram_svg=workflow_svg(proc, case.state),
            days_left=days_left(case.due_date, today),
            may_unmask=bool(set(who.roles) & UNMASK_ROLES) and bool(sensitive_paths(proc.form)),
            unmasked=unmasked,
            problem=problem,
            me=who.id,
            channels=CHANNEL_LABELS,
            status_code=status,
        ),
        status,
    )


@bp.get("/cases/<case_id>")
@staff_required(*WORK_ROLES)
def case_page(case_id: str) -> tuple[str, int]:
    """The case as a staff member works on it (the opening is access-logged)."""
    with db_session() as session:
        case, proc = _open(session, case_id)
        return _page(session, case, proc)


def _version() -> int | None:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() else None


@bp.post("/cases/<case_id>/actions/<trigger>")
@staff_required(*WORK_ROLES)
def act(case_id: str, trigger: str) -> WerkzeugResponse | tuple[str, int]:
    """Fire a transition with what it needs (a reason, a message, decision details)."""
    comment = (request.form.get("comment") or "").strip() or None
    with db_session() as session:
        case, proc = _open(session, case_id, action="")
        spec = next((tr for tr in proc.workflow.transitions if tr.trigger == trigger), None)
        if spec is None:
            abort(404)
        inputs: dict[str, Any] = {}
        if spec.inputs:
            form = _inputs_form(spec)
            inputs = parse_form_post(form, form.steps[0].id, request.form)
        posted = {trigger: {"comment": comment or "", "inputs": inputs}}
        try:
            with session.begin_nested():
                fire(
                    rt(),
                    session,
                    case.id,
                    trigger,
                    actor(),
                    inputs=inputs or None,
                    comment=comment,
                    expected_version=_version(),
                )
        except ConflictError as exc:
            fresh, _ = load_case(rt(), session, case_id, actor())
            return _page(session, fresh, proc, posted=posted, problem=message(exc), status=409)
        except ValidationFailed as exc:
            return _page(
                session,
                case,
                proc,
                posted=posted,
                errors={trigger: exc.errors},
                problem=message(exc),
                status=422,
            )
        except (CommentRequired, GuardFailed) as exc:
            return _page(session, case, proc, posted=posted, problem=message(exc), status=422)
        except PermissionDenied as exc:
            return _page(session, case, proc, posted=posted, problem=message(exc), status=403)
        except EngineError as exc:
            return _page(session, case, proc, posted=posted, problem=message(exc), status=409)
    flash(t(f"「{spec.label.ja}」を行いました。", f"Done: {spec.label.get('en')}."), "success")
    return redirect(url_for("staff.case_page", case_id=case_id))


@bp.post("/cases/<case_id>/assign")
@staff_required(*WORK_ROLES)
def assign_case(case_id: str) -> WerkzeugResponse | tuple[str, int]:
    """Claim the case, hand it to a colleague, or release it."""
    target = (request.form.get("assignee") or "").strip()
    who = staff()
    assignee: str | None = (
        None if target == "none" else (target if target not in ("", "me") else who.staff_id)
    )
    with db_session() as session:
        case, proc = _open(session, case_id, action="")
        try:
            with session.begin_nested():
                assign(rt(), session, case.id, actor(), assignee, expected_version=_version())
        except EngineError as exc:
            fresh, _ = load_case(rt(), session, case_id, actor())
            code = 409 if isinstance(exc, ConflictError) else 403
            return _page(session, fresh, proc, problem=message(exc), status=code)
    flash(t("担当を設定しました。", "The assignee is set."), "success")
    return redirect(url_for("staff.case_page", case_id=case_id))


@bp.post("/cases/<case_id>/notes")
@staff_required(*WORK_ROLES)
def note(case_id: str) -> WerkzeugResponse | tuple[str, int]:
    """Add an internal note (never shown to the resident)."""
    with db_session() as session:
        case, proc = _open(session, case_id, action="")
        try:
            add_note(session, case.id, actor(), request.form.get("body", ""))
        except EngineError as exc:
            return _page(session, case, proc, problem=message(exc), status=422)
    flash(t("メモを追加しました。", "The note was added."), "success")
    return redirect(url_for("staff.case_page", case_id=case_id) + "#notes")


@bp.post("/cases/<case_id>/unmask")
@staff_required(*WORK_ROLES)
def unmask(case_id: str) -> tuple[str, int]:
    """Show the My Numbers of the application in full: a right, a reason, a log entry."""
    reason = (request.form.get("reason") or "").strip()
    with db_session() as session:
        case, proc = _open(session, case_id, action="")
        if not set(actor().roles) & UNMASK_ROLES:
            record_access(session, actor(), "denied", case_id=case.id, target="unmask")
            return _page(
                session,
                case,
                proc,
                status=403,
                problem=t("個人番号を表示する権限がありません。", "You may not show My Numbers."),
            )
        if len(reason) < 4:
            return _page(
                session,
                case,
                proc,
                status=422,
                problem=t(
                    "個人番号を表示する理由を4文字以上で入力してください（例：番号照合のため）。",
                    "Give the reason for showing the My Number (at least 4 characters).",
                ),
            )
        plain = plain_data(rt(), case, proc)
        shown: dict[str, str] = {}
        for path in sensitive_paths(proc.form):
            value: Any = plain
            for part in path.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if isinstance(value, str):
                shown[path] = value
        record_access(
            session,
            actor(),
            "unmask_my_number",
            case_id=case.id,
            target=",".join(shown),
            reason=reason,
        )
        return _page(session, case, proc, unmasked=shown)


@bp.get("/cases/<case_id>/attachments/<int:file_id>")
@staff_required(*WORK_ROLES)
def attachment(case_id: str, file_id: int) -> Response:
    """An attachment shown in the browser (PDF and images inline), access-logged."""
    with db_session() as session:
        row = session.get(Attachment, file_id)
        if row is None or row.case_id != case_id:
            abort(404)
        _open(session, case_id, action="view_attachment", target=row.name)
        content = read_file(rt().settings.files_dir, row.sha256)
    inline = row.content_type in ("application/pdf", "image/png", "image/jpeg")
    resp = Response(content, mimetype=row.content_type)
    resp.headers["Content-Disposition"] = (
        f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{_quote(row.name)}"
    )
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/cases/<case_id>/documents/<int:doc_id>")
@staff_required(*WORK_ROLES)
def document(case_id: str, doc_id: int) -> Response:
    """A generated document (PDF), access-logged."""
    with db_session() as session:
        row = session.get(Document, doc_id)
        if row is None or row.case_id != case_id:
            abort(404)
        _open(session, case_id, action="download_document", target=row.document_id)
        pdf = read_document(rt(), row)
    return _pdf(pdf, f"{row.document_id}.pdf")


@bp.get("/cases/<case_id>/documents/preview/<document_id>")
@staff_required(*WORK_ROLES)
def document_preview(case_id: str, document_id: str) -> Response:
    """A document of the procedure rendered now (a draft or a copy), access-logged."""
    with db_session() as session:
        _case, proc = _open(session, case_id, action="download_document", target=document_id)
        if document_id not in {d.id for d in proc.documents}:
            abort(404)
        pdf = render_document(rt(), session, case_id, document_id)
    return _pdf(pdf, f"{document_id}.pdf")


@bp.post("/cases/<case_id>/retry/<int:msg_id>")
@staff_required(*WORK_ROLES)
def retry_delivery(case_id: str, msg_id: int) -> WerkzeugResponse:
    """Deliver a failed side effect again (the worker picks it up at once)."""
    from engine.models import OutboxMessage

    with db_session() as session:
        _open(session, case_id, action="")
        msg = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.id == msg_id, OutboxMessage.case_id == case_id
            )
        ).first()
        if msg is None:
            abort(404)
    if retry(rt().db, msg_id):
        flash(t("再送を予約しました。", "The delivery will be retried now."), "success")
    else:
        flash(t("この処理は再送できません。", "This delivery cannot be retried."), "error")
    return redirect(url_for("staff.case_page", case_id=case_id) + "#partners")


def _pdf(pdf: bytes, name: str) -> Response:
    resp = Response(pdf, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f"inline; filename={name}"
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
