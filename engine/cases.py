"""Filing and moving cases: ``submit`` and ``fire``.

Both run inside the caller's transaction (the boundary owns it: a request, a CLI command,
the worker) and write everything a change needs together: the case row, its hash-chained
event and its outbox rows. Nothing here commits. Both return :class:`CaseRecord`
snapshots and use the pre-built statements of :mod:`engine.records`.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from engine import calendar, documents
from engine.actors import Actor
from engine.audit import GENESIS, event_hash
from engine.definitions.models import Procedure, TransitionSpec
from engine.errors import (
    CommentRequired,
    ConflictError,
    GuardFailed,
    IdempotencyConflict,
    InvalidTrigger,
    NotFound,
    PermissionDenied,
    ProcedureNotAccepting,
    ValidationFailed,
)
from engine.files import attachment_refs, link_to_case
from engine.hooks import TransitionContext, effects, guards
from engine.models import DefinitionVersion, utcnow
from engine.pii import decrypt_data, encrypt_data, sensitive_paths
from engine.records import (
    INSERT_CASE,
    INSERT_EVENT,
    INSERT_OUTBOX,
    UPDATE_CASE,
    UPDATE_CASE_AND_DATA,
    CaseRecord,
    current_version,
    get_case,
    get_case_by_key,
)
from engine.runtime import Runtime
from forms import FieldError, validate_payload
from forms.spec import FieldSpec, FormSpec, LocalizedText, StepSpec

SUBMIT = "submit"


@dataclass(frozen=True)
class SubmitResult:
    """The case a submission made, and whether this call created it (False: a replay)."""

    case: CaseRecord
    created: bool
    # With ``accept_invalid``: the mistakes the filed data has (the caller moves the case
    # to its intake-error state).
    errors: tuple[FieldError, ...] = ()


def _canonical(obj: Any) -> bytes:
    return json.dumps(
        obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode("utf-8")


def _reference(today: dt.date) -> str:
    """A 受付番号 that can be read aloud: year, 9 random digits and a Luhn check digit."""
    digits = f"{secrets.randbelow(10**9):09d}"
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    body = digits + str((10 - total % 10) % 10)
    return f"{today.year}-{body[:5]}-{body[5:]}"


def _authorize_filing(actor: Actor, proc: Procedure, applicant_id: str) -> None:
    if actor.kind == "resident" and actor.id == applicant_id:
        return
    if (
        actor.kind == "staff"
        and "intake" in actor.roles
        and set(proc.departments) & set(actor.departments)
    ):
        return
    if actor.kind in ("integrator", "system"):
        return
    raise PermissionDenied(
        "この手続を代わりに申請する権限がありません。",
        "You may not file this procedure on this resident's behalf.",
    )


def submit(
    rt: Runtime,
    session: Session,
    procedure_id: str,
    data: dict[str, Any],
    *,
    actor: Actor,
    applicant_id: str,
    channel: str,
    idempotency_key: str,
    now: dt.datetime | None = None,
    accept_invalid: bool = False,
) -> SubmitResult:
    """File an application: validate it, create the case in the workflow's first state.

    The same ``idempotency_key`` with the same request returns the case it made (a double
    click, a retried request, a Pittari package fetched twice); with a different request
    it is an :class:`IdempotencyConflict`. Every mistake in ``data`` is reported at once.
    With ``accept_invalid`` (intake from a portal, where the filing has already happened)
    data with mistakes is stored as received and the mistakes are returned, so the case is
    kept and shown as an intake error instead of being lost.
    """
    now = now or utcnow()
    try:
        proc = rt.catalog.get(procedure_id)
    except KeyError as exc:
        raise NotFound(f"手続「{procedure_id}」は見つかりません。", str(exc.args[0])) from None
    request_hash = hashlib.sha256(
        _canonical({"procedure_id": procedure_id, "data": data, "applicant_id": applicant_id})
    ).hexdigest()
    # Authorise before looking at earlier filings, so a replayed key never hands one
    # person's case to another.
    _authorize_filing(actor, proc, applicant_id)
    org_id = rt.organisation_id(session)
    existing = get_case_by_key(session, org_id, idempotency_key)
    if existing is not None:
        return _replay(existing, request_hash)
    today = now.date()
    if not proc.accepts_filings_on(today):
        raise _not_accepting(rt, proc, today)
    if channel not in proc.channels:
        raise PermissionDenied(
            f"この手続は「{channel}」からは受け付けていません。",
            f"This procedure is not accepted through '{channel}'.",
        )
    result = validate_payload(proc.form, data, today=today)
    if not result.ok and not accept_invalid:
        raise ValidationFailed(result.errors)
    stored = copy.deepcopy(result.data if result.ok else data)
    encrypt_data(rt.secrets, stored, sensitive_paths(proc.form))
    # Filing needs its definition version stored; once this process knows it is, no query.
    if not rt.version_stored(proc.version) and session.get(DefinitionVersion, proc.version) is None:
        try:
            with session.begin_nested():  # another process may store it at the same moment
                session.add(
                    DefinitionVersion(
                        version=proc.version,
                        procedure_id=proc.id,
                        content=proc.model_dump(mode="json"),
                    )
                )
        except IntegrityError:
            pass
    due = (
        calendar.due_date(today, proc.processing.days, proc.processing.counting)
        if proc.processing
        else None
    )
    for _attempt in range(5):
        record = CaseRecord(
            id=uuid.uuid4().hex,
            organisation_id=org_id,
            procedure_id=proc.id,
            definition_version=proc.version,
            department=proc.departments[0],
            state=proc.workflow.initial,
            reference=_reference(today),
            channel=channel,
            applicant_id=applicant_id,
            filed_by=actor.id,
            idempotency_key=idempotency_key,
            request_hash=request_hash,
            data=stored,
            outcome={},
            version=1,
            due_date=due,
            paused_since=None,
            assignee=None,
            last_event_hash=GENESIS,
            created_at=now,
            updated_at=now,
        )
        ev = _event(
            record,
            1,
            now,
            actor,
            _role(actor, None),
            SUBMIT,
            proc.workflow.initial,
            {"data": stored},
            None,
        )
        record = replace(record, last_event_hash=ev["hash"])
        try:
            with session.begin_nested():
                conn = session.connection()
                conn.execute(INSERT_CASE, [record.__dict__])
                conn.execute(INSERT_EVENT, [ev])
                link_to_case(session, record.id, attachment_refs(proc.form, result.data))
                rows = documents.outbox_rows(record, proc, SUBMIT, 1, now)
                if channel in PORTAL_CHANNELS:
                    rows.append(_portal_row(record, 1, proc, now))
                if rows:
                    conn.execute(INSERT_OUTBOX, rows)
        except IntegrityError:
            # A concurrent submission with the same key won the race, or (rarely) the
            # random reference collided; the first gives its case, the second retries.
            existing = get_case_by_key(session, org_id, idempotency_key)
            if existing is not None:
                return _replay(existing, request_hash)
            continue
        return SubmitResult(record, True, () if result.ok else tuple(result.errors))
    raise RuntimeError("could not allocate a unique reference number")


def _replay(existing: CaseRecord, request_hash: str) -> SubmitResult:
    if existing.request_hash != request_hash:
        raise IdempotencyConflict(
            "同じ申請キーで内容の異なる申請が既にあります。新しい申請には新しいキーを使ってください。",
            "This idempotency key was already used for a different application.",
            case_id=existing.id,
        )
    return SubmitResult(existing, False)


def _not_accepting(rt: Runtime, proc: Procedure, today: dt.date) -> ProcedureNotAccepting:
    eff = proc.effective
    if eff.valid_from and today < eff.valid_from:
        return ProcedureNotAccepting(
            f"この手続は{eff.valid_from.isoformat()}から受け付けます。",
            f"This procedure opens on {eff.valid_from.isoformat()}.",
        )
    ja = f"この手続は{eff.valid_until}で受付を終了しました。"
    en = f"This procedure stopped accepting filings after {eff.valid_until}."
    if eff.replaced_by and eff.replaced_by in rt.catalog.procedures:
        new = rt.catalog.get(eff.replaced_by)
        ja += f"代わりに「{new.name.ja}」をご利用ください。"
        en += f" Use '{new.name.get('en')}' instead."
    if eff.retirement_note:
        ja += eff.retirement_note.ja
        en += " " + eff.retirement_note.get("en")
    return ProcedureNotAccepting(ja, en, replaced_by=eff.replaced_by)


def _role(actor: Actor, spec: TransitionSpec | None) -> str:
    if spec is None:
        return sorted(actor.roles)[0] if actor.roles else actor.kind
    usable = sorted(set(actor.roles) & set(spec.roles))
    return usable[0] if usable else ""


def _event(
    case: CaseRecord,
    seq: int,
    now: dt.datetime,
    actor: Actor,
    role: str,
    trigger: str,
    dest: str,
    changes: dict[str, Any],
    comment: str | None,
    src: str | None = None,
) -> dict[str, Any]:
    """The row of the next event of ``case``, chained to its last one."""
    if actor.on_behalf_of or actor.identity_check:
        changes = {
            **changes,
            "counter": {"on_behalf_of": actor.on_behalf_of, "identity_check": actor.identity_check},
        }
    ev: dict[str, Any] = {
        "case_id": case.id,
        "seq": seq,
        "at": now,
        "actor_kind": actor.kind,
        "actor_id": actor.id,
        "actor_role": role,
        "channel": case.channel,
        "trigger": trigger,
        "from_state": src,
        "to_state": dest,
        "changes": changes,
        "comment": comment,
        "prev_hash": case.last_event_hash if seq > 1 else GENESIS,
    }
    ev["hash"] = event_hash(ev)
    return ev


def may_access(actor: Actor, case: CaseRecord, proc: Procedure) -> bool:
    """Per-object access: the applicant, staff of the handling departments, the filer."""
    if actor.kind == "resident":
        return actor.id == case.applicant_id
    if actor.kind == "staff":
        return bool(set(proc.departments) & set(actor.departments))
    if actor.kind == "integrator":
        return actor.id == case.filed_by
    return actor.kind == "system"


def allowed_triggers(rt: Runtime, proc: Procedure, case: CaseRecord, actor: Actor) -> list[str]:
    """Triggers ``actor`` may fire on ``case`` now (before guards): for buttons and errors."""
    if not may_access(actor, case, proc):
        return []
    return [
        t
        for t in rt.machines.allowed_triggers(proc, case.state)
        if set(actor.roles) & set(proc.workflow.transition(t).roles)
    ]


def load_case(
    rt: Runtime, session: Session, case_id: str, actor: Actor, conn: Connection | None = None
) -> tuple[CaseRecord, Procedure]:
    """A case and its procedure version, or NotFound when it does not exist *or* the actor
    may not see it (so ids cannot be probed)."""
    case = get_case(conn or session, case_id)
    if case is None:
        raise NotFound("案件が見つかりません。", "Case not found.", case_id=case_id)
    proc = rt.procedure_for(session, case.definition_version)
    if not may_access(actor, case, proc):
        raise NotFound("案件が見つかりません。", "Case not found.", case_id=case_id)
    return case, proc


def plain_data(rt: Runtime, case: CaseRecord, proc: Procedure) -> dict[str, Any]:
    """The application data with personal numbers decrypted (for code that needs them)."""
    data = copy.deepcopy(case.data)
    decrypt_data(rt.secrets, data, sensitive_paths(proc.form))
    return data


def fire(
    rt: Runtime,
    session: Session,
    case_id: str,
    trigger: str,
    actor: Actor,
    *,
    inputs: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    comment: str | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> CaseRecord:
    """Fire ``trigger`` on a case for ``actor``; returns the case as it is now.

    Checks, in order: the actor may see the case and holds a role the transition allows
    (deny by default), the version the actor saw is current, the trigger is allowed in the
    current state, the comment and inputs it needs, then every guard. Then it changes the
    state with a compare-and-swap on the version, appends the hash-chained event and writes
    the outbox rows of the transition's effects, all in the caller's transaction.
    """
    now = now or utcnow()
    conn = session.connection()
    case, proc = load_case(rt, session, case_id, actor, conn)
    spec = _transition(rt, proc, case, trigger, actor)
    role = _role(actor, spec)
    if not role:
        raise PermissionDenied(
            f"「{spec.label.ja}」を行う権限がありません。",
            f"You are not allowed to '{spec.label.get('en')}'.",
            trigger=trigger,
        )
    if expected_version is not None and expected_version != case.version:
        raise ConflictError(case.id, expected_version, case.version)
    if case.state not in spec.source:
        raise InvalidTrigger(trigger, case.state, allowed_triggers(rt, proc, case, actor))
    if spec.comment == "required" and not (comment or "").strip():
        raise CommentRequired(
            f"「{spec.label.ja}」には理由またはメッセージの入力が必要です。",
            f"'{spec.label.get('en')}' needs a reason or message.",
        )
    clean_inputs = _check_inputs(spec, inputs or {}, now.date())
    changes: dict[str, Any] = {}
    new_data = case.data
    if data is not None:
        new_data, changes["data"] = _edit_application(rt, proc, spec, case, data, now.date())
    if clean_inputs:
        changes["inputs"] = clean_inputs
    ctx = TransitionContext(
        session, case, proc, actor, trigger, clean_inputs, now, spec.dest, rt.adapter_config
    )
    failures = [
        r
        for g in spec.guards
        if (r := guards.get(g.name).fn(ctx, guards.parse_params(g.name, g.params)))
    ]
    if failures:
        raise GuardFailed(failures)
    with rt.machines.attached(proc, case.state) as handle:
        handle.trigger(trigger)
        dest: str = handle.state
    due, paused = _clock(proc, case, dest, now.date())
    seq = case.version + 1
    ev = _event(case, seq, now, actor, role, trigger, dest, changes, comment, case.state)
    after = replace(
        case,
        state=dest,
        version=seq,
        data=new_data,
        outcome={**case.outcome, **clean_inputs} if clean_inputs else case.outcome,
        due_date=due,
        paused_since=paused,
        last_event_hash=ev["hash"],
        updated_at=now,
    )
    params = {
        n: getattr(after, n)
        for n in (
            "state",
            "version",
            "outcome",
            "due_date",
            "paused_since",
            "last_event_hash",
            "updated_at",
        )
    }
    if data is not None:
        params["data"] = new_data
    result = conn.execute(
        UPDATE_CASE if data is None else UPDATE_CASE_AND_DATA,
        {"b_id": case.id, "b_version": case.version, **params},
    )
    if result.rowcount != 1:
        raise ConflictError(case.id, case.version, current_version(session, case.id) or -1)
    conn.execute(INSERT_EVENT, [ev])
    rows = [
        {
            "case_id": case.id,
            "event_seq": seq,
            "kind": draft.kind,
            "payload": draft.payload,
            "idempotency_key": f"{case.id}:{seq}:{n}:{m}",
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for n, ref in enumerate(spec.effects)
        for m, draft in enumerate(
            effects.get(ref.name).fn(ctx, effects.parse_params(ref.name, ref.params))
        )
    ]
    if case.channel in PORTAL_CHANNELS and (
        proc.portal_status(dest) != proc.portal_status(case.state)
    ):
        rows.append(_portal_row(after, seq, proc, now, comment))
    rows.extend(documents.outbox_rows(after, proc, trigger, seq, now))
    if rows:
        conn.execute(INSERT_OUTBOX, rows)
    return after


# Channels whose applicants follow their case in a national portal (Mynaportal).
PORTAL_CHANNELS = frozenset({"pittari", "oss"})


def _portal_row(
    case: CaseRecord, seq: int, proc: Procedure, now: dt.datetime, comment: str | None = None
) -> dict[str, Any]:
    """An outbox row that shows the case's status to the resident in the portal.

    When the resident must act (要訂正) or the filing failed (受付エラー), the message is the
    office's comment, which says what to do.
    """
    state = proc.workflow.state(case.state)
    needs_reason = state.portal_status in ("correction_requested", "intake_error")
    message = comment if (comment and needs_reason) else state.label.ja
    return {
        "case_id": case.id,
        "event_seq": seq,
        "kind": "portal_status",
        "payload": {
            "application_id": case.idempotency_key,
            "status": state.portal_status,
            "message": message,
        },
        "idempotency_key": f"{case.id}:{seq}:portal",
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def _transition(
    rt: Runtime, proc: Procedure, case: CaseRecord, trigger: str, actor: Actor
) -> TransitionSpec:
    for t in proc.workflow.transitions:
        if t.trigger == trigger:
            return t
    raise InvalidTrigger(trigger, case.state, allowed_triggers(rt, proc, case, actor))


def _check_inputs(spec: TransitionSpec, inputs: dict[str, Any], today: dt.date) -> dict[str, Any]:
    if not spec.inputs:
        if inputs:
            raise ValidationFailed(validate_payload(_inputs_form(spec, ()), inputs).errors)
        return {}
    result = validate_payload(_inputs_form(spec, spec.inputs), inputs, today=today)
    if not result.ok:
        raise ValidationFailed(result.errors)
    return result.data


def _inputs_form(spec: TransitionSpec, fields: tuple[Any, ...]) -> FormSpec:
    if not fields:
        # A form with a single hidden field: every key given is reported as unknown.
        fields = (
            FieldSpec(
                id="none", type="text", label=LocalizedText(ja="なし"), visible_if={"==": [1, 0]}
            ),
        )
    return FormSpec(steps=(StepSpec(id="inputs", title=spec.label, fields=fields),))


def _edit_application(
    rt: Runtime,
    proc: Procedure,
    spec: TransitionSpec,
    case: CaseRecord,
    data: dict[str, Any],
    today: dt.date,
) -> tuple[dict[str, Any], dict[str, Any]]:
    if not spec.edits_application:
        raise PermissionDenied(
            f"「{spec.label.ja}」では申請内容を変更できません。",
            f"'{spec.label.get('en')}' cannot change the application.",
        )
    current = plain_data(rt, case, proc)
    merged = {**current, **data}
    result = validate_payload(proc.form, merged, today=today)
    if not result.ok:
        raise ValidationFailed(result.errors)
    stored = copy.deepcopy(result.data)
    paths = sensitive_paths(proc.form)
    encrypt_data(rt.secrets, stored, paths)
    changed_keys = sorted(
        k for k in set(result.data) | set(current) if result.data.get(k) != current.get(k)
    )
    # Re-use the existing ciphertext for unchanged values so history shows no false change.
    for k in set(stored) - set(changed_keys):
        if k in case.data:
            stored[k] = case.data[k]
    return stored, {k: stored.get(k) for k in changed_keys}


def _clock(
    proc: Procedure, case: CaseRecord, dest: str, today: dt.date
) -> tuple[dt.date | None, dt.date | None]:
    """The due date and pause start after moving to ``dest``.

    Time the case spends in a ``clock: paused`` state (the resident correcting it) does not
    count against the processing period (行政手続法 7条): on leaving such a state the due
    date moves by the business days spent there.
    """
    due, paused = case.due_date, case.paused_since
    dest_paused = proc.workflow.state(dest).clock == "paused"
    if paused is not None and not dest_paused:
        if due is not None:
            due = calendar.add_business_days(due, calendar.business_days_between(paused, today))
        paused = None
    elif paused is None and dest_paused:
        paused = today
    return due, paused
