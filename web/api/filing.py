"""``POST /applications``: filing, the way the resident screens and the counter file.

Load, check, act: the caller's uploads are put into the answers (only the caller's own),
the checks of :mod:`engine.signing` say who applies, and :func:`engine.cases.submit`
files the case with its event in one transaction, with the client's Idempotency-Key.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from typing import Any

from flask import request

from engine import api_uploads
from engine.actors import Actor
from engine.api_clients import Subject
from engine.cases import submit
from engine.definitions.models import Procedure
from engine.errors import EngineError
from engine.files import attachment_refs
from engine.models import utcnow
from engine.signing import (
    SignatureRequired,
    check_applicant_number,
    identify_signer,
    require_signature,
    verify_signer,
)
from web.api import bp, present
from web.api import schemas as s
from web.api.applications import FORBIDDEN, TAG, etag, registry_my_number, signature_from
from web.api.auth import caller
from web.api.common import registry, rt, transaction, verifier
from web.api.errors import ApiError, from_engine, problem
from web.api.spec import Header, Reply, operation

CHANNEL = "api"
MAX_APPLICATION_BYTES = 50 * 2**20
"""The total size of the files one application may attach (as on the screens)."""


def _location(case_id: str) -> str:
    return f"{present.API}/applications/{case_id}"


IDEMPOTENCY_KEY = Header(
    "Idempotency-Key",
    "A key the client makes for this filing, e.g. a UUID (1 to 200 printable ASCII "
    "characters). Sending the same key and body again returns the same case (200); the "
    "same key with another body is 409. Keys are the client's own: another client's key "
    "never matches.",
    required=True,
    schema={"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"},
)
_KEY = re.compile(r"^[!-~]{1,200}$")


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
    owned = api_uploads.owned_uploads(session, who, wanted, direct)
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


def _applicant(
    proc: Procedure, who: Subject, body: s.FileApplication, signed: dict[str, Any], now: Any
) -> tuple[str, Actor]:
    """Who the application is for, and the actor filing it, after the checks the screens
    run (:mod:`engine.signing`): the applicant's own My Number is theirs, and the card
    signature verifies where the procedure (or an integrator) needs one."""
    sig = signature_from(body.signature)
    if who.kind == "resident":
        _staff_only(body)
        check_applicant_number(proc.form, signed, registry_my_number(who.id))
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
    check_applicant_number(proc.form, signed, registry_my_number(applicant))
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
