"""Reading and moving cases: ``/applications/{id}`` and its transitions (filing:
:mod:`web.api.filing`).

Each view loads, checks access, acts (the three steps of a request), through the same
engine functions the screens call: :func:`engine.cases.load_case` (which answers "not
found" for a case the caller may not see, so ids cannot be probed) and
:func:`engine.cases.fire`. The view owns the transaction and commits once.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from flask import request
from sqlmodel import Session

from adapters.signatures import Signature
from engine.access_log import record_access
from engine.actors import Actor
from engine.cases import fire, load_case
from engine.definitions.models import Procedure
from engine.errors import EngineError, ValidationFailed
from engine.models import utcnow
from engine.records import CaseRecord, get_case
from engine.signing import (
    check_applicant_number,
    require_signature,
)
from web.api import bp, present
from web.api import schemas as s
from web.api.auth import caller
from web.api.common import registry, rt, transaction, verifier
from web.api.errors import ApiError, field_problems, from_engine, problem
from web.api.spec import Header, Reply, operation

TAG = "applications"

IF_MATCH = Header(
    "If-Match",
    'The case\'s version as the caller last saw it: the number, or the ETag ("3").',
    required=True,
    schema={"type": "string", "pattern": '^(W/)?"?[0-9]{1,9}"?$'},
)
CASE_PARAM: dict[str, dict[str, Any]] = {"application_id": {"type": "string", "pattern": s.CASE_ID}}
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


def checked_case_id(application_id: str) -> str:
    # Not a case id at all: not found, without asking the database.
    if not re.fullmatch(s.CASE_ID, application_id):
        raise ApiError(404, "not_found", "案件が見つかりません。", "Case not found.")
    return application_id


def signature_from(value: s.SignatureIn | None) -> Signature | None:
    if value is None:
        return None
    try:
        raw = base64.b64decode(value.value, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError.invalid(
            [problem("signature.value", "invalid", "base64 ではありません。", "Not base64.")]
        ) from None
    return Signature(raw, value.certificate_pem)


def registry_my_number(resident_id: str) -> str | None:
    """The resident's My Number in the registry (None when the registry does not know them)."""
    resident = registry().by_resident_number(resident_id)
    return resident.my_number if resident else None


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
    case_id = checked_case_id(application_id)
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
    case_id = checked_case_id(application_id)
    version = _expected_version()
    who = caller().subject
    actor = who.actor()
    runtime = rt()
    now = utcnow()
    with transaction() as session:
        try:
            case, proc = load_case(runtime, session, case_id, actor)
            sig = signature_from(body.signature)
            if body.data is not None and who.kind == "resident":
                check_applicant_number(proc.form, body.data, registry_my_number(who.id))
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
