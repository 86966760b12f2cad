"""Filing, reading and moving cases: ``/applications``.

Each view loads, checks access, acts (the three steps of a request), through the same
engine functions the screens call: :func:`engine.cases.submit`, :func:`engine.cases.load_case`
(which answers "not found" for a case the caller may not see, so ids cannot be probed),
:func:`engine.cases.fire`. The view owns the transaction and commits once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import replace
from typing import Any

from flask import request
from sqlmodel import Session

from adapters.signatures import Signature
from engine import api_clients
from engine.access_log import record_access
from engine.actors import Actor
from engine.api_clients import Subject
from engine.cases import fire, load_case, submit
from engine.definitions.models import Procedure
from engine.errors import EngineError, ValidationFailed
from engine.files import attachment_refs
from engine.models import utcnow
from engine.records import CaseRecord, get_case
from engine.signing import (
    SignatureRequired,
    check_applicant_number,
    identify_signer,
    require_signature,
    verify_signer,
)
from web.api import bp, present
from web.api import schemas as s
from web.api.auth import caller
from web.api.common import registry, rt, transaction, verifier
from web.api.errors import ApiError, field_problems, from_engine, problem
from web.api.spec import Header, Reply, operation

TAG = "applications"
CHANNEL = "api"
MAX_APPLICATION_BYTES = 50 * 2**20
"""The total size of the files one application may attach (as on the screens)."""

IDEMPOTENCY_KEY = Header(
    "Idempotency-Key",
    "A key the client makes for this filing, e.g. a UUID (1 to 200 printable ASCII "
    "characters). Sending the same key and body again returns the same case (200); the "
    "same key with another body is 409. Keys are the client's own: another client's key "
    "never matches.",
    required=True,
    schema={"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"},
)
IF_MATCH = Header(
    "If-Match",
    'The case\'s version as the caller last saw it: the number, or the ETag ("3").',
    required=True,
    schema={"type": "string", "pattern": '^(W/)?"?[0-9]{1,9}"?$'},
)
CASE_PARAM: dict[str, dict[str, Any]] = {"application_id": {"type": "string", "pattern": s.CASE_ID}}
_KEY = re.compile(r"^[!-~]{1,200}$")
_VERSION = re.compile(r'^(?:W/)?"?([0-9]{1,9})"?$')

NOT_FOUND = Reply(
    "No such case, or not one the caller may see (the two are not told apart).", s.Error
)
FORBIDDEN = Reply(
    "The token lacks the scope (insufficient_scope) or the caller may not do this (forbidden).",
    s.Error,
)


def etag(version: int) -> str:
    """The ETag of a case version."""
    return f'"{version}"'


def _location(case_id: str) -> str:
    return f"{present.API}/applications/{case_id}"


def _case_id(application_id: str) -> str:
    # Not a case id at all: not found, without asking the database.
    if not re.fullmatch(s.CASE_ID, application_id):
        raise ApiError(404, "not_found", "案件が見つかりません。", "Case not found.")
    return application_id


def _idempotency_key() -> str:
    raw = request.headers.get("Idempotency-Key")
    if raw is None:
        raise ApiError(
            400,
            "idempotency_key_required",
            "Idempotency-Key ヘッダーに、この申請のためのキー（UUID など）を指定してください。",
            "Send an Idempotency-Key header with a key for this filing (a UUID, say).",
        )
    if not _KEY.match(raw):
        raise ApiError(
            400,
            "idempotency_key_invalid",
            "Idempotency-Key は1〜200文字の英数字・記号にしてください。",
            "The Idempotency-Key must be 1 to 200 printable ASCII characters.",
        )
    return raw


def _engine_key(subject: Subject, client_id: str, key: str) -> str:
    # The client's own namespace: another client (or person) sending the same key never
    # finds this case.
    scoped = "\x00".join((client_id, subject.kind, subject.id, key))
    return "api:" + hashlib.sha256(scoped.encode("utf-8")).hexdigest()


def _signature(value: s.SignatureIn | None) -> Signature | None:
    if value is None:
        return None
    try:
        raw = base64.b64decode(value.value, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError.invalid(
            [problem("signature.value", "invalid", "base64 ではありません。", "Not base64.")]
        ) from None
    return Signature(raw, value.certificate_pem)


def _set_path(data: dict[str, Any], path: str, value: Any) -> bool:
    node = data
    *parents, leaf = path.split(".")
    for part in parents:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            return False
        node = child
    node[leaf] = value
    return True


def _attach(session: Any, who: Subject, proc: Procedure, body: s.FileApplication) -> None:
    """Put the caller's uploads named under ``attachments`` into ``body.data``; every file
    the application then refers to must be the caller's upload (422 otherwise)."""
    data = body.data
    attachments = body.attachments or {}
    fields = {path for path, spec in proc.form.iter_fields() if spec.type == "attachment"}
    wanted = [i for ids in attachments.values() for i in ids]
    direct = attachment_refs(proc.form, data)
    if not wanted and not direct:
        return
    owned = api_clients.owned_uploads(session, who, wanted, direct)
    by_id = {up.id: up for up in owned}
    problems: list[dict[str, Any]] = []
    for path, upload_ids in attachments.items():
        where = f"attachments.{path}"
        if path not in fields:
            problems.append(
                problem(
                    where,
                    "unknown_field",
                    "この手続にこの添付書類の項目はありません。",
                    "The procedure has no attachment field at this path.",
                )
            )
            continue
        refs = []
        for i, upload_id in enumerate(upload_ids):
            up = by_id.get(upload_id)
            if up is None or up.procedure_id != proc.id or up.field_path != path:
                problems.append(
                    problem(
                        f"{where}[{i}]",
                        "unknown_upload",
                        "このファイルは見つかりません。POST /uploads でこの手続の"
                        "この項目に送ったファイルの id を指定してください。",
                        "No such upload: give the id of a file you sent with POST "
                        "/uploads for this procedure and field.",
                    )
                )
                continue
            refs.append(up.reference())
        if not _set_path(data, path, refs):
            problems.append(
                problem(where, "invalid", "data の形と合いません。", "Does not fit data.")
            )
    sizes = {up.sha256: up.size for up in owned}
    shas = attachment_refs(proc.form, data)
    if set(shas) - set(sizes):
        problems.append(
            problem(
                "data",
                "unknown_upload",
                "添付ファイルは POST /uploads で送り、attachments にその id を指定してください。",
                "Send files with POST /uploads and give their ids under attachments.",
            )
        )
    elif sum(sizes[sha] for sha in dict.fromkeys(shas)) > MAX_APPLICATION_BYTES:
        problems.append(
            problem(
                "attachments",
                "too_large",
                f"添付ファイルの合計が{MAX_APPLICATION_BYTES // 2**20}MBを超えています。",
                f"The attachments exceed {MAX_APPLICATION_BYTES // 2**20} MB in total.",
            )
        )
    if problems:
        raise ApiError.invalid(problems)


def _staff_only(body: s.FileApplication) -> None:
    problems = [
        problem(
            name,
            "not_allowed",
            "職員が窓口で申請するときだけ指定します。",
            "Only for staff filing at the counter.",
        )
        for name in ("applicant_id", "identity_check")
        if getattr(body, name) is not None
    ]
    if problems:
        raise ApiError.invalid(problems)


def _my_number(resident_id: str) -> str | None:
    """The resident's My Number in the registry (None when the registry does not know them)."""
    resident = registry().by_resident_number(resident_id)
    return resident.my_number if resident else None


def _applicant(
    proc: Procedure, who: Subject, body: s.FileApplication, signed: dict[str, Any], now: Any
) -> tuple[str, Actor]:
    """Who the application is for, and the actor filing it, after the checks the screens
    run (:mod:`engine.signing`): the applicant's own My Number is theirs, and the card
    signature verifies where the procedure (or an integrator) needs one."""
    sig = _signature(body.signature)
    if who.kind == "resident":
        _staff_only(body)
        check_applicant_number(proc.form, signed, _my_number(who.id))
        if proc.identity == "signature" or sig is not None:
            require_signature(sig, verifier(), signed, who.id, now)
        return who.id, who.actor()
    if who.kind == "integrator":
        _staff_only(body)
        # An integrator is nobody's login: the card signature says who applies.
        if sig is None:
            raise SignatureRequired()
        resident = identify_signer(verifier(), registry(), proc.form, signed, sig, now)
        return resident.resident_number, who.actor()
    missing = [
        problem(name, "required", "職員が申請するときは必須です。", "Required when staff file.")
        for name in ("applicant_id", "identity_check")
        if getattr(body, name) is None
    ]
    if missing:
        raise ApiError.invalid(missing)
    applicant = str(body.applicant_id)
    check_applicant_number(proc.form, signed, _my_number(applicant))
    if sig is not None:
        verify_signer(verifier(), signed, sig, applicant, now)
    return applicant, replace(
        who.actor(), on_behalf_of=applicant, identity_check=body.identity_check
    )


ERRORS_422 = Reply(
    "The filing cannot be accepted: every problem of data is listed in errors "
    "(validation_failed), or the signature is missing or did not verify "
    "(signature_required, signature_rejected), or the procedure does not accept filings "
    "now (procedure_not_accepting).",
    s.Error,
)


@operation(
    bp,
    "POST",
    "/applications",
    summary="File an application",
    tag=TAG,
    scopes=("applications:file",),
    body=s.FileApplication,
    headers=(IDEMPOTENCY_KEY,),
    replies={
        201: Reply("Filed: the new case.", s.FiledApplication, headers=("Location", "ETag")),
        200: Reply(
            "This key and body were filed before: the same case, as it is now.",
            s.FiledApplication,
            headers=("Location", "ETag", "Idempotent-Replayed"),
        ),
        400: Reply("Idempotency-Key missing or malformed, or the body is not JSON.", s.Error),
        403: FORBIDDEN,
        409: Reply("The key was used before with another body (idempotency_conflict).", s.Error),
        415: Reply("The body is not application/json.", s.Error),
        422: ERRORS_422,
        503: Reply(
            "A partner system (registry, certificate checks) did not answer.",
            s.Error,
            headers=("Retry-After",),
        ),
    },
)
def file_application(body: s.FileApplication) -> Any:
    """File an application for a procedure, the way the resident screens and the counter
    file it (validated, signed where needed, with its event and side effects).

    Who applies depends on the token: a resident token files for that resident (with the
    card's signature over ``data`` when the procedure's identity is ``signature``); an
    integrator files signed applications, the signer being the applicant; a staff token
    files at the counter for ``applicant_id`` after checking identity (``identity_check``).
    Files go first to ``POST /uploads``; their ids go under ``attachments``."""
    key = _idempotency_key()
    who = caller()
    runtime = rt()
    proc = runtime.catalog.procedures.get(body.procedure_id)
    if proc is None:
        raise ApiError.invalid(
            [
                problem(
                    "procedure_id",
                    "unknown",
                    "この手続はありません。GET /procedures で確認してください。",
                    "There is no such procedure; see GET /procedures.",
                )
            ]
        )
    now = utcnow()
    # The signature covers data as sent, before the uploads are put in; it needs no database.
    try:
        applicant, actor = _applicant(proc, who.subject, body, body.data, now)
    except EngineError as exc:
        raise from_engine(exc) from None
    with transaction() as session:
        _attach(session, who.subject, proc, body)
        try:
            result = submit(
                runtime,
                session,
                proc.id,
                body.data,
                actor=actor,
                applicant_id=applicant,
                channel=CHANNEL,
                idempotency_key=_engine_key(who.subject, who.client_id, key),
                now=now,
            )
        except EngineError as exc:
            raise from_engine(exc) from None
        case = result.case
        case_proc = (
            proc
            if case.definition_version == proc.version
            else (runtime.procedure_for(session, case.definition_version))
        )
        session.commit()
    headers = {"Location": _location(case.id), "ETag": etag(case.version)}
    if not result.created:
        headers["Idempotent-Replayed"] = "true"
    return present.filed(case, case_proc), 201 if result.created else 200, headers


@operation(
    bp,
    "GET",
    "/applications/{application_id}",
    summary="One case, with its history",
    tag=TAG,
    scopes=("applications:read",),
    path_params=CASE_PARAM,
    replies={
        200: Reply("The case.", s.Application, headers=("ETag",)),
        403: FORBIDDEN,
        404: NOT_FOUND,
    },
)
def get_application(application_id: str) -> Any:
    """The case as the caller may see it: its state, the application (My Numbers masked),
    what the caller may fire now, its history, attachments and documents. A resident sees
    their own cases, an integrator the cases it filed, staff the cases of their
    departments' procedures."""
    case_id = _case_id(application_id)
    actor = caller().subject.actor()
    runtime = rt()
    with transaction() as session:
        case, proc = open_case(session, case_id, actor)
        body = present.application(runtime, session, case, proc, actor)
        session.commit()
    return body, 200, {"ETag": etag(case.version)}


def open_case(
    session: Session, case_id: str, actor: Actor, action: str = "open_case", target: str = ""
) -> tuple[CaseRecord, Procedure]:
    """The case and its procedure for ``actor``, or 404 (also when it is not theirs).

    As on the staff screens, a member of staff's every opening is access-logged, and so is
    a refused one (``denied``, committed at once), so administrators see probing; the
    answer to a refusal is the same 404 as for a case that does not exist.
    """
    runtime = rt()
    try:
        case, proc = load_case(runtime, session, case_id, actor)
    except EngineError as exc:
        if actor.kind == "staff" and get_case(session, case_id) is not None:
            record_access(session, actor, "denied", case_id=case_id, target=request.path)
            session.commit()
        raise from_engine(exc) from None
    if actor.kind == "staff":
        record_access(session, actor, action, case_id=case_id, target=target)
    return case, proc


def _expected_version() -> int:
    raw = request.headers.get("If-Match")
    if raw is None:
        raise ApiError.http(428)
    found = _VERSION.match(raw.strip())
    if not found:
        raise ApiError(
            400,
            "if_match_invalid",
            "If-Match には案件の版（version）の数字を指定してください。",
            "If-Match must be the case's version (a number).",
        )
    return int(found.group(1))


def _transition_problems(exc: ValidationFailed, body: s.Transition, proc: Procedure) -> ApiError:
    spec = next((t for t in proc.workflow.transitions if t.trigger == body.trigger), None)
    input_ids = {f.id for f in spec.inputs} if spec else set()

    def prefix(path: str) -> str:
        head = re.split(r"[.\[]", path, maxsplit=1)[0]
        if body.data is None or (body.inputs is not None and (head in input_ids or not path)):
            return "inputs"
        return "data"

    problems = []
    for e in exc.errors:
        problems += field_problems([e], prefix(e.path))
    return ApiError(422, exc.code, exc.ja, exc.en, problems=problems)


@operation(
    bp,
    "POST",
    "/applications/{application_id}/transitions",
    summary="Fire a transition (receive, approve, withdraw, resubmit ...)",
    tag=TAG,
    scopes=("applications:transition",),
    body=s.Transition,
    headers=(IF_MATCH,),
    path_params=CASE_PARAM,
    replies={
        200: Reply("Done: the case in its new state.", s.Application, headers=("ETag",)),
        400: Reply("If-Match is not a version, or the body is not JSON.", s.Error),
        403: FORBIDDEN,
        404: NOT_FOUND,
        409: Reply(
            "The version in If-Match is stale (conflict, with current_version), or the "
            "trigger is not allowed now (invalid_trigger, with allowed_triggers).",
            s.Error,
        ),
        415: Reply("The body is not application/json.", s.Error),
        422: Reply(
            "Bad data or inputs (validation_failed, every problem in errors), a comment "
            "the trigger needs (comment_required), a condition not met (guard_failed), or "
            "a signature missing or wrong (signature_required, signature_rejected).",
            s.Error,
        ),
        428: Reply("If-Match is missing.", s.Error),
        503: Reply("A partner system did not answer.", s.Error, headers=("Retry-After",)),
    },
)
def fire_transition(application_id: str, body: s.Transition) -> Any:
    """Fire ``trigger`` on the case for the caller, as the staff and resident screens do:
    the caller's roles must allow it (403), ``If-Match`` must be the current version
    (409 conflict), the trigger must be allowed in the current state (409 invalid_trigger,
    listing what is allowed), and what it needs must be given and valid (422). A resident
    answering a correction request sends the changed answers as ``data`` (signed when the
    procedure's identity is ``signature``)."""
    case_id = _case_id(application_id)
    version = _expected_version()
    who = caller().subject
    actor = who.actor()
    runtime = rt()
    now = utcnow()
    with transaction() as session:
        try:
            case, proc = load_case(runtime, session, case_id, actor)
            sig = _signature(body.signature)
            if body.data is not None and who.kind == "resident":
                check_applicant_number(proc.form, body.data, _my_number(who.id))
                if proc.identity == "signature" or sig is not None:
                    require_signature(sig, verifier(), body.data, who.id, now)
            after = fire(
                runtime,
                session,
                case.id,
                body.trigger,
                actor,
                inputs=body.inputs,
                data=body.data,
                comment=body.comment,
                expected_version=version,
                now=now,
            )
        except ValidationFailed as exc:
            raise _transition_problems(exc, body, proc) from None
        except EngineError as exc:
            raise from_engine(exc) from None
        result = present.application(runtime, session, after, proc, actor)
        session.commit()
    return result, 200, {"ETag": etag(after.version)}
