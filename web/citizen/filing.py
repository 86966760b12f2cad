"""Filling a procedure's form step by step, checking the answers, signing and filing.

Every POST of a step saves the answers in the draft (with the errors, if any: nothing
typed is lost), so the resident can leave and resume from "my applications". Filing uses
the draft's idempotency key (:func:`engine.drafts.file_draft`): a double click or a retry
never files twice.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlmodel import Session

from adapters.errors import CardError, NoCardError, PinLockedError, WrongPinError
from adapters.signatures import Signature
from engine import drafts, signing
from engine.definitions.models import Procedure
from engine.errors import EngineError, ValidationFailed
from engine.files import FileRejected, store_upload
from engine.prefill import prefill
from engine.records import get_case
from forms import FieldError, validate_payload, validate_step
from forms.render import (
    FieldView,
    apply_row_action,
    field_input_name,
    page_title,
    parse_form_post,
    render_error_summary,
    render_progress,
    render_step,
    render_summary,
    step_takes_files,
    step_view,
    visible_steps,
)
from forms.spec import FieldSpec, FormSpec, LocalizedText
from web.citizen import bp
from web.citizen.browse import filed_here
from web.citizen.common import (
    accounts,
    card_reader,
    procedure,
    registry,
    resident_actor,
    rt,
    session,
    texts,
    today,
    verifier,
)
from web.i18n import lang
from web.session import current_resident, resident_required

SIGN_PIN_MIN, SIGN_PIN_MAX = 6, 16


def _latest_previous(s: Session, resident_id: str, procedure_id: str) -> dict[str, Any] | None:
    from sqlmodel import col, select

    from engine.cases import plain_data
    from engine.models import Case
    from engine.records import get_case as load

    row = s.exec(
        select(Case.id)
        .where(Case.applicant_id == resident_id, Case.procedure_id == procedure_id)
        .order_by(col(Case.created_at).desc())
    ).first()
    case = load(s, row) if row else None
    if case is None:
        return None
    return plain_data(rt(), case, rt().procedure_for(s, case.definition_version))


@bp.post("/procedures/<procedure_id>/start")
@resident_required
def start(procedure_id: str) -> Response:
    """Start a draft with the answers the registries already hold (ワンスオンリー)."""
    proc = procedure(procedure_id)
    if not filed_here(proc) or not proc.accepts_filings_on(today()):
        abort(404)
    actor = resident_actor()
    with session() as s:
        existing = next(
            (
                d
                for d in drafts.list_open_drafts(s, actor.id)
                if d.procedure_id == proc.id and d.purpose == "new"
            ),
            None,
        )
        if existing is not None and not request.form.get("fresh"):
            flash(
                texts(
                    "入力途中の申請があるため、その続きを表示しています。",
                    "You have already started this application: here is where you left off.",
                ),
                "info",
            )
            return redirect(  # type: ignore[return-value]
                url_for("citizen.step", draft_id=existing.id, step_id=existing.step)
            )
        filled = prefill(
            proc.form,
            actor.id,
            registry=registry(),
            accounts=accounts(),
            previous=_latest_previous(s, actor.id, proc.id),
            today=today(),
        )
        row = drafts.start_draft(rt(), s, proc.id, actor.id, filled.data, filled.prefilled)
        s.commit()
        first = proc.form.steps[0].id
        return redirect(url_for("citizen.step", draft_id=row.id, step_id=first))  # type: ignore[return-value]


def load_draft(s: Session, draft_id: str) -> tuple[drafts.DraftView, Procedure]:
    """The logged-in resident's draft and its procedure version, or 404."""
    actor = resident_actor()
    try:
        row = drafts.get_draft(rt(), s, draft_id, actor.id)
    except EngineError as exc:
        flash(exc.en if lang() == "en" else exc.ja, "warning")
        abort(404)
    return drafts.open_draft(rt(), s, row), rt().procedure_for(s, row.definition_version)


def _step_ids(form: FormSpec, data: dict[str, Any]) -> list[str]:
    return [st.id for st in visible_steps(form, data, today=today())]


def _neighbours(
    form: FormSpec, data: dict[str, Any], step_id: str
) -> tuple[str | None, str | None]:
    shown = _step_ids(form, data)
    order = [st.id for st in form.steps]
    here = order.index(step_id)
    before = [sid for sid in shown if order.index(sid) < here]
    after = [sid for sid in shown if order.index(sid) > here]
    return (before[-1] if before else None), (after[0] if after else None)


def _step_title(form: FormSpec, step_id: str) -> str:
    step = next(st for st in form.steps if st.id == step_id)
    return step.title.get(lang())


def correction_message(s: Session, case_id: str | None) -> str | None:
    """What staff asked for in the latest correction request of a case."""
    if case_id is None:
        return None
    from sqlmodel import col, select

    from engine.models import CaseEvent

    event = s.exec(
        select(CaseEvent)
        .where(CaseEvent.case_id == case_id, CaseEvent.actor_kind == "staff")
        .where(col(CaseEvent.comment).is_not(None))
        .order_by(col(CaseEvent.seq).desc())
    ).first()
    return event.comment if event else None


def _render_step(
    s: Session,
    view: drafts.DraftView,
    proc: Procedure,
    step_id: str,
    data: dict[str, Any],
    errors: tuple[FieldError, ...] | list[FieldError] = (),
    status: int = 200,
) -> tuple[str, int]:
    form = proc.form
    back, _ = _neighbours(form, data, step_id)
    title = _step_title(form, step_id)
    html = render_template(
        "citizen/step.html",
        proc=proc,
        draft=view.row,
        step_id=step_id,
        title=title,
        page_title=page_title(title, errors, lang=lang()),
        progress=render_progress(form, step_id, data, lang=lang(), today=today()),
        summary=render_error_summary(errors, lang=lang()),
        fields=render_step(
            form,
            step_id,
            data,
            errors,
            lang=lang(),
            prefilled=dict.fromkeys(view.prefilled, True),
            today=today(),
        ),
        multipart=step_takes_files(form, step_id),
        back=back,
        limits=_upload_limits(form, step_id),
        correction=correction_message(s, view.row.case_id),
        expiry=view.row.expires_at,
        warn_expiry=drafts.expiry_warning(view.row),
    )
    return html, status


def _upload_limits(form: FormSpec, step_id: str) -> list[tuple[LocalizedText, int, int]]:
    step = next(st for st in form.steps if st.id == step_id)
    return [
        (f.label, (f.max_size_kb or 10240) // 1024, f.max_files or 1)
        for f in step.fields
        if f.type == "attachment"
    ]


@bp.route("/drafts/<draft_id>/steps/<step_id>", methods=["GET", "POST"])
@resident_required
def step(draft_id: str, step_id: str) -> tuple[str, int] | Response:
    """One step of the form: shown, then saved and checked on POST."""
    with session() as s:
        view, proc = load_draft(s, draft_id)
        if view.row.status != "open":
            return _after_filing(view.row)
        form = proc.form
        if step_id not in [st.id for st in form.steps]:
            abort(404)
        if request.method == "GET":
            return _render_step(s, view, proc, step_id, view.data)
        shown = _shown_paths(form, step_id, view.data)
        data, upload_errors = _posted(s, form, step_id, view.data, shown)
        action = request.form.get("_action")
        if action:
            try:
                data = apply_row_action(form, data, action)
            except ValueError:
                abort(400)
            drafts.save_answers(rt(), s, view.row, data, step_id)
            s.commit()
            return _render_step(s, view, proc, step_id, data, upload_errors)
        result = validate_step(form, step_id, data, today=today())
        # Questions an answer has just revealed were never shown: ask them without errors.
        revealed = [e for e in result.errors if _top_path(e.path) not in shown]
        errors = [*upload_errors, *(e for e in result.errors if e not in revealed)]
        if result.ok and not upload_errors:
            data = {**data, **result.data}
        drafts.save_answers(
            rt(), s, view.row, data, step_id, unmark=_changed(form, view, data, step_id)
        )
        s.commit()
        if request.form.get("_save"):
            flash(
                texts(
                    f"入力内容を保存しました。{_date(view.row.expires_at)}まで「申請の状況」から続きを入力できます。",
                    f"Your answers are saved. You can continue from 'My applications' "
                    f"until {_date(view.row.expires_at)}.",
                ),
                "success",
            )
            return redirect(url_for("citizen.mine"))  # type: ignore[return-value]
        if errors or revealed:
            if revealed and not errors:
                flash(
                    texts(
                        "回答に応じて質問が追加されました。入力して「次へ進む」を押してください。",
                        "Your answers added questions. Answer them and press 'Continue'.",
                    ),
                    "info",
                )
            return _render_step(s, view, proc, step_id, data, errors)
        _, following = _neighbours(form, data, step_id)
        if following is None:
            return redirect(url_for("citizen.check", draft_id=draft_id))  # type: ignore[return-value]
        return redirect(url_for("citizen.step", draft_id=draft_id, step_id=following))  # type: ignore[return-value]


def _dig(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _changed(
    form: FormSpec, view: drafts.DraftView, data: dict[str, Any], step_id: str
) -> list[str]:
    """Prefilled single answers of this step that the resident changed."""
    mine = {f.id for f in _step_fields(form, step_id)}
    return [
        path
        for path in view.prefilled
        if path.split(".")[0] in mine
        and not isinstance(_dig(view.data, path), dict | list)
        and _dig(view.data, path) != _dig(data, path)
    ]


def _date(value: dt.datetime) -> str:
    local = value.astimezone(dt.timezone(dt.timedelta(hours=9)))
    if lang() == "en":
        return local.strftime("%d %b %Y")
    return f"{local.year}年{local.month}月{local.day}日"


def _step_fields(form: FormSpec, step_id: str) -> tuple[FieldSpec, ...]:
    return next(st for st in form.steps if st.id == step_id).fields


def _shown_paths(form: FormSpec, step_id: str, data: dict[str, Any]) -> set[str]:
    """The paths of the answers the step showed for ``data`` (rows and parts included)."""
    paths: set[str] = set()

    def walk(views: tuple[FieldView, ...]) -> None:
        for v in views:
            paths.add(v.path)
            walk(v.fields)
            walk(v.parts)
            for row in v.rows:
                walk(row.fields)

    walk(tuple(step_view(form, step_id, data, lang=lang(), today=today())))
    return paths


def _top_path(path: str) -> str:
    """The answer an error is about (``children[0]`` for an item of a list answer)."""
    return re.sub(r"\[\d+\]$", "", path) if path.endswith("]") and "." not in path else path


def _posted(
    s: Session, form: FormSpec, step_id: str, previous: dict[str, Any], shown: set[str]
) -> tuple[dict[str, Any], list[FieldError]]:
    """The answers after this POST (the shown answers of this step replaced), upload errors.

    Answers the page did not show (a group hidden by an earlier answer) keep their stored
    value, so a prefilled spouse is still there when "has a spouse" is answered.
    """
    parsed = parse_form_post(form, step_id, request.form, previous=previous)
    data = dict(previous)
    for spec in _step_fields(form, step_id):
        if spec.id not in shown:
            continue  # not on the page: a browser cannot have answered it
        if spec.id in parsed:
            data[spec.id] = parsed[spec.id]
        else:
            data.pop(spec.id, None)
    errors: list[FieldError] = []
    for path, spec in _attachments(_step_fields(form, step_id), ""):
        name = field_input_name(path)
        for upload in request.files.getlist(name):
            if not upload or not upload.filename:
                continue
            content = upload.read()
            try:
                stored = store_upload(
                    s,
                    rt().settings.files_dir,
                    spec,
                    path,
                    upload.filename,
                    content,
                    already_attached=_attached_bytes(data),
                )
            except FileRejected as exc:
                errors.append(
                    FieldError(path, "file_rejected", LocalizedText(ja=exc.ja, en=exc.en))
                )
                continue
            _append(data, path, stored.reference())
    return data, errors


def _attachments(fields: tuple[FieldSpec, ...], prefix: str) -> list[tuple[str, FieldSpec]]:
    found: list[tuple[str, FieldSpec]] = []
    for f in fields:
        path = prefix + f.id
        if f.type == "attachment":
            found.append((path, f))
        elif f.fields and f.repeat is None:
            found.extend(_attachments(f.fields, path + "."))
    return found


def _append(data: dict[str, Any], path: str, ref: dict[str, Any]) -> None:
    *parents, leaf = path.split(".")
    node = data
    for part in parents:
        nxt = node.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            node[part] = nxt
        node = nxt
    items = node.get(leaf)
    node[leaf] = [*(items if isinstance(items, list) else []), ref]


def _attached_bytes(value: Any) -> int:
    if isinstance(value, dict):
        if isinstance(value.get("sha256"), str) and isinstance(value.get("size"), int):
            return int(value["size"])
        return sum(_attached_bytes(v) for v in value.values())
    if isinstance(value, list):
        return sum(_attached_bytes(v) for v in value)
    return 0


def _first_step_with_errors(
    form: FormSpec, data: dict[str, Any]
) -> tuple[str, tuple[FieldError, ...]] | None:
    for step_id in _step_ids(form, data):
        result = validate_step(form, step_id, data, today=today())
        if not result.ok:
            return step_id, result.errors
    return None


def _summary(form: FormSpec, draft_id: str, data: dict[str, Any]) -> Markup:
    return render_summary(
        form,
        data,
        lang=lang(),
        today=today(),
        change_url=lambda step_id, html_id: url_for(
            "citizen.step", draft_id=draft_id, step_id=step_id, _anchor=html_id
        ),
    )


@bp.get("/drafts/<draft_id>/check")
@resident_required
def check(draft_id: str) -> tuple[str, int] | Response:
    """Check your answers: every answer, with a link to change it."""
    with session() as s:
        view, proc = load_draft(s, draft_id)
        if view.row.status != "open":
            return _after_filing(view.row)
        result = validate_payload(proc.form, view.data, today=today())
        if not result.ok:
            bad = _first_step_with_errors(proc.form, view.data)
            step_id, errors = bad if bad else (proc.form.steps[0].id, result.errors)
            return _render_step(s, view, proc, step_id, view.data, errors)
        if result.data != view.data:
            drafts.save_answers(rt(), s, view.row, result.data, view.row.step)
            s.commit()
        return render_template(
            "citizen/check.html",
            proc=proc,
            draft=view.row,
            summary=_summary(proc.form, draft_id, result.data),
            correction=correction_message(s, view.row.case_id),
        ), 200


def _sign_page(
    s: Session, view: drafts.DraftView, proc: Procedure, error: str | None = None, status: int = 200
) -> tuple[str, int]:
    errors = [FieldError("sign_pin", "sign", LocalizedText(ja=error, en=error))] if error else []
    return render_template(
        "citizen/submit.html",
        proc=proc,
        draft=view.row,
        needs_signature=proc.identity == "signature",
        summary=render_error_summary(errors, lang=lang()),
        error=error,
        page_title=page_title(_submit_title(proc), errors, lang=lang()),
        title=_submit_title(proc),
        pin_min=SIGN_PIN_MIN,
        pin_max=SIGN_PIN_MAX,
        correction=view.row.purpose == "correction",
    ), status


def _submit_title(proc: Procedure) -> str:
    if proc.identity == "signature":
        return texts("電子署名をして申請する", "Sign and send")
    return texts("申請する", "Send the application")


@bp.route("/drafts/<draft_id>/submit", methods=["GET", "POST"])
@resident_required
def submit(draft_id: str) -> tuple[str, int] | Response:
    """Sign (where the procedure needs it) and file, once."""
    with session() as s:
        view, proc = load_draft(s, draft_id)
        if view.row.status != "open":
            return _after_filing(view.row)
        if not validate_payload(proc.form, view.data, today=today()).ok:
            return redirect(url_for("citizen.check", draft_id=draft_id))  # type: ignore[return-value]
        if request.method == "GET":
            return _sign_page(s, view, proc)
        signature: Signature | None = None
        if proc.identity == "signature":
            # Full-width or lower-case entry is the same password on the card.
            pin = unicodedata.normalize("NFKC", request.form.get("sign_pin", "")).upper()
            problem = _pin_problem(pin)
            if problem:
                return _sign_page(s, view, proc, problem, 400)
            try:
                signature = _sign(view.data, pin)
            except CardError as exc:
                return _sign_page(s, view, proc, _card_message(exc), 400)
        actor = resident_actor()
        try:
            if view.row.purpose == "correction":
                trigger = correction_trigger(s, view.row.case_id)
                if trigger is None:
                    abort(409)
                drafts.resubmit_correction(
                    rt(),
                    s,
                    view.row,
                    actor,
                    trigger,
                    signature=signature,
                    verifier=verifier(),
                    my_number=_my_number(actor.id),
                )
                case_id = view.row.case_id or ""
            else:
                result = drafts.file_draft(
                    rt(),
                    s,
                    view.row,
                    actor,
                    signature=signature,
                    verifier=verifier(),
                    my_number=_my_number(actor.id),
                )
                case_id = result.case.id
        except ValidationFailed:
            s.rollback()
            return redirect(url_for("citizen.check", draft_id=draft_id))  # type: ignore[return-value]
        except EngineError as exc:
            s.rollback()
            return _sign_page(s, view, proc, exc.en if lang() == "en" else exc.ja, 400)
        s.commit()
        if view.row.purpose == "correction":
            flash(
                texts(
                    "訂正した申請を再提出しました。審査を再開します。",
                    "Your corrected application was sent. The review continues.",
                ),
                "success",
            )
            return redirect(url_for("citizen.case", case_id=case_id))  # type: ignore[return-value]
        return redirect(url_for("citizen.done", case_id=case_id))  # type: ignore[return-value]


def _my_number(resident_id: str) -> str | None:
    person = registry().by_resident_number(resident_id)
    return person.my_number if person else None


def correction_trigger(s: Session, case_id: str | None) -> str | None:
    """The trigger by which the resident resubmits a corrected application, if allowed now."""
    from engine.cases import allowed_triggers

    if case_id is None:
        return None
    case = get_case(s, case_id)
    if case is None:
        return None
    proc = rt().procedure_for(s, case.definition_version)
    for trigger in allowed_triggers(rt(), proc, case, resident_actor()):
        if proc.workflow.transition(trigger).edits_application:
            return trigger
    return None


def _pin_problem(pin: str) -> str | None:
    if not pin:
        return texts(
            "署名用電子証明書のパスワードを入力してください。",
            "Enter the password of your signing certificate.",
        )
    if not (SIGN_PIN_MIN <= len(pin) <= SIGN_PIN_MAX) or not pin.isascii() or not pin.isalnum():
        return texts(
            f"署名用電子証明書のパスワードは、英字（大文字）と数字の{SIGN_PIN_MIN}〜{SIGN_PIN_MAX}文字です。",
            f"The signing password is {SIGN_PIN_MIN} to {SIGN_PIN_MAX} capital letters and digits.",
        )
    return None


def _sign(data: dict[str, Any], pin: str) -> Signature:
    reader = card_reader()
    who = current_resident()
    if reader is None or who is None:
        raise NoCardError("no card reader")
    return reader.sign(who.resident_id, signing.signed_bytes(data), pin)


def _card_message(exc: CardError) -> str:
    if isinstance(exc, WrongPinError):
        return texts(
            f"署名用電子証明書のパスワードが違います。あと{exc.remaining_attempts}回間違えるとロックされます。",
            f"The signing password is wrong. {exc.remaining_attempts} tries left before it locks.",
        )
    if isinstance(exc, PinLockedError):
        return texts(
            "署名用電子証明書のパスワードがロックされています。マイナンバーカードを持って市役所の窓口で初期化してください。入力した内容は下書きに保存されています。",
            "Your signing password is locked. Have it reset at the city hall with your card. "
            "Your answers are kept as a draft.",
        )
    return texts(
        "マイナンバーカードの署名用電子証明書が使えません。市役所の窓口にお問い合わせください。",
        "The signing certificate of your My Number Card cannot be used. "
        "Please ask at the city hall.",
    )


def _after_filing(row: drafts.Draft) -> Response:
    if row.case_id:
        target = "citizen.done" if row.purpose == "new" else "citizen.case"
        return redirect(url_for(target, case_id=row.case_id))  # type: ignore[return-value]
    return redirect(url_for("citizen.mine"))  # type: ignore[return-value]


@bp.post("/drafts/<draft_id>/delete")
@resident_required
def delete(draft_id: str) -> Response:
    """Discard a draft (after the confirmation the form asks for)."""
    with session() as s:
        view, _ = load_draft(s, draft_id)
        drafts.delete_draft(s, view.row)
        s.commit()
    flash(texts("下書きを削除しました。", "The draft was deleted."), "success")
    return redirect(url_for("citizen.mine"))  # type: ignore[return-value]
