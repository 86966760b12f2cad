"""Drafts of online filings: answers saved per step, resumable, expiring, filed once.

A resident's answers live in a :class:`Draft` row from the first step on, so leaving the
page, a session timeout or a closed browser loses nothing. A draft is either a new
application (``purpose="new"``) or the answer to a correction request on an existing case
(``purpose="correction"``, bound to that case and the case version it was started from).
Personal numbers in the answers are encrypted as in cases (:mod:`engine.pii`).

Filing a new draft goes through :func:`engine.cases.submit` with the draft's own
idempotency key, so a double click or a retry after a lost reply finds the case the first
request made instead of filing twice. Where the procedure's identity level is
``signature``, :func:`engine.signing.require_signature` checks the card's signature over exactly the
filed answers with the configured JPKI verifier (the same check Pittari intake runs)
before anything is filed.

Drafts expire ``settings.draft_days`` after their last change; :func:`expiry_warning`
says when the resident should be warned (:data:`WARNING_DAYS` before).
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import JSON, Index
from sqlmodel import Field, Session, SQLModel, col, select

from adapters.base import JpkiVerifier
from adapters.signatures import Signature
from engine.actors import Actor
from engine.errors import NotFound
from engine.pii import decrypt_data, encrypt_data, sensitive_paths
from engine.signing import check_applicant_number, require_signature

if TYPE_CHECKING:
    from engine.cases import SubmitResult
    from engine.records import CaseRecord
    from engine.runtime import Runtime

# engine.models imports this module (so the table is in the metadata), and engine.cases and
# engine.records import engine.models: they are imported inside the functions below.


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


WARNING_DAYS = 3
"""Days before expiry from which a draft is shown with a warning."""

ONLINE = "online"

Purpose = Literal["new", "correction"]


class Draft(SQLModel, table=True):
    """Unfiled answers of one resident for one procedure (or one correction)."""

    __tablename__ = "drafts"
    __table_args__ = (Index("ix_drafts_resident", "resident_id", "status", "updated_at"),)

    id: str = Field(primary_key=True, max_length=32, description="random, not guessable")
    resident_id: str = Field(max_length=80)
    procedure_id: str = Field(max_length=80)
    definition_version: str = Field(max_length=64)
    purpose: str = Field(max_length=12, default="new", description="new/correction")
    case_id: str | None = Field(default=None, max_length=32, index=True)
    case_version: int | None = Field(default=None, description="correction: the version seen")
    data: dict[str, Any] = Field(sa_type=JSON, default_factory=dict, description="PII encrypted")
    prefilled: list[str] = Field(sa_type=JSON, default_factory=list)
    step: str = Field(max_length=60, default="")
    idempotency_key: str = Field(max_length=64, unique=True)
    status: str = Field(max_length=12, default="open", description="open/filed")
    signature: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime = Field(default_factory=utcnow)


@dataclass(frozen=True)
class DraftView:
    """A draft with its answers decrypted, for the screens."""

    row: Draft
    data: dict[str, Any]

    @property
    def prefilled(self) -> frozenset[str]:
        """Paths of answers that came from a record."""
        return frozenset(self.row.prefilled)


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes for what was stored as UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _expiry(rt: Runtime, now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(days=rt.settings.draft_days)


def _seal(rt: Runtime, session: Session, version: str, data: dict[str, Any]) -> dict[str, Any]:
    stored = copy.deepcopy(data)
    form = rt.procedure_for(session, version).form
    encrypt_data(rt.secrets, stored, sensitive_paths(form))
    return stored


def open_draft(rt: Runtime, session: Session, row: Draft) -> DraftView:
    """The draft with personal numbers decrypted."""
    data = copy.deepcopy(row.data)
    form = rt.procedure_for(session, row.definition_version).form
    decrypt_data(rt.secrets, data, sensitive_paths(form))
    return DraftView(row, data)


def start_draft(
    rt: Runtime,
    session: Session,
    procedure_id: str,
    resident_id: str,
    data: dict[str, Any],
    prefilled: Iterable[str] = (),
    *,
    now: dt.datetime | None = None,
) -> Draft:
    """A new application draft with the prefilled answers ``data``."""
    now = now or utcnow()
    proc = rt.catalog.get(procedure_id)
    row = Draft(
        id=secrets.token_hex(16),
        resident_id=resident_id,
        procedure_id=proc.id,
        definition_version=proc.version,
        data=_seal(rt, session, proc.version, data),
        prefilled=sorted(prefilled),
        step=proc.form.steps[0].id,
        idempotency_key="online-" + secrets.token_hex(16),
        created_at=now,
        updated_at=now,
        expires_at=_expiry(rt, now),
    )
    session.add(row)
    session.flush()
    return row


def start_correction(
    rt: Runtime, session: Session, case_id: str, actor: Actor, *, now: dt.datetime | None = None
) -> Draft:
    """The open correction draft of a case (made from the filed answers on first use)."""
    from engine.cases import plain_data
    from engine.records import get_case

    now = now or utcnow()
    case = get_case(session, case_id)
    if case is None or case.applicant_id != actor.id:
        raise NotFound("案件が見つかりません。", "Case not found.", case_id=case_id)
    existing = session.exec(
        select(Draft).where(
            Draft.case_id == case_id,
            Draft.purpose == "correction",
            Draft.status == "open",
            Draft.case_version == case.version,
        )
    ).first()
    if existing is not None:
        return existing
    proc = rt.procedure_for(session, case.definition_version)
    row = Draft(
        id=secrets.token_hex(16),
        resident_id=actor.id,
        procedure_id=proc.id,
        definition_version=proc.version,
        purpose="correction",
        case_id=case.id,
        case_version=case.version,
        data=_seal(rt, session, proc.version, plain_data(rt, case, proc)),
        step=proc.form.steps[0].id,
        idempotency_key=f"correction-{case.id}-{case.version}",
        created_at=now,
        updated_at=now,
        expires_at=_expiry(rt, now),
    )
    session.add(row)
    session.flush()
    return row


def get_draft(
    rt: Runtime,
    session: Session,
    draft_id: str,
    resident_id: str,
    *,
    now: dt.datetime | None = None,
) -> Draft:
    """The resident's draft; NotFound when it is not theirs or has expired."""
    row = session.get(Draft, draft_id)
    if row is None or row.resident_id != resident_id:
        raise NotFound("下書きが見つかりません。", "Draft not found.", draft_id=draft_id)
    if row.status == "open" and _aware(row.expires_at) <= (now or utcnow()):
        raise NotFound(
            "この下書きは保存期間を過ぎたため削除されました。お手数ですが、はじめから入力してください。",
            "This draft has expired and was removed. Please start again.",
            draft_id=draft_id,
        )
    return row


def save_answers(
    rt: Runtime,
    session: Session,
    row: Draft,
    data: dict[str, Any],
    step: str,
    *,
    now: dt.datetime | None = None,
    unmark: Iterable[str] = (),
) -> None:
    """Store the answers so far (all steps) and the step reached; extends the expiry.

    ``unmark``: prefilled answers the resident changed (no longer "from the registry").
    """
    now = now or utcnow()
    gone = set(unmark)
    if gone & set(row.prefilled):
        row.prefilled = [p for p in row.prefilled if p not in gone]
    row.data = _seal(rt, session, row.definition_version, data)
    row.step = step
    row.signature = None  # any change invalidates an earlier signature
    row.updated_at = now
    row.expires_at = _expiry(rt, now)
    session.add(row)
    session.flush()


def list_open_drafts(
    session: Session, resident_id: str, *, now: dt.datetime | None = None
) -> list[Draft]:
    """The resident's unexpired open drafts, latest first; expired ones are deleted."""
    now = now or utcnow()
    rows = session.exec(
        select(Draft)
        .where(Draft.resident_id == resident_id, Draft.status == "open")
        .order_by(col(Draft.updated_at).desc())
    ).all()
    for row in rows:
        if _aware(row.expires_at) <= now:
            session.delete(row)  # the caller's commit removes it (and its personal data)
    return [r for r in rows if _aware(r.expires_at) > now]


def expiry_warning(row: Draft, *, now: dt.datetime | None = None) -> bool:
    """Whether the draft expires within :data:`WARNING_DAYS` (warn the resident)."""
    return _aware(row.expires_at) - (now or utcnow()) <= dt.timedelta(days=WARNING_DAYS)


def purge_expired(session: Session, *, now: dt.datetime | None = None) -> int:
    """Delete expired open drafts; returns how many."""
    now = now or utcnow()
    rows = session.exec(select(Draft).where(Draft.status == "open")).all()
    gone = [r for r in rows if _aware(r.expires_at) <= now]
    for r in gone:
        session.delete(r)
    session.flush()
    return len(gone)


def purge_job(rt: Runtime, *, now: dt.datetime | None = None) -> int:
    """One pass of the periodic purge: expired drafts are deleted (the web process's
    background thread runs it beside the intake); returns how many."""
    with Session(rt.db) as session:
        gone = purge_expired(session, now=now)
        session.commit()
    return gone


def delete_draft(session: Session, row: Draft) -> None:
    """Discard an open draft at the resident's request."""
    if row.status == "open":
        session.delete(row)
        session.flush()


def _record_signature(row: Draft, signature: Signature | None, at: dt.datetime) -> None:
    if signature is not None:
        row.signature = {
            "value": base64.b64encode(signature.value).decode("ascii"),
            "certificate_pem": signature.certificate_pem,
            "signed_at": at.isoformat(),
        }


def file_draft(
    rt: Runtime,
    session: Session,
    row: Draft,
    actor: Actor,
    *,
    signature: Signature | None = None,
    verifier: JpkiVerifier | None = None,
    my_number: str | None = None,
    now: dt.datetime | None = None,
) -> SubmitResult:
    """File a new-application draft once; a repeat returns the case the first one made.

    A procedure whose identity level is ``signature`` needs ``signature`` and
    ``verifier``: nothing is filed unless the signature verifies over the answers.
    ``my_number`` (the filer's, from the registry) is checked against the applicant's.
    """
    from engine.cases import SubmitResult, submit
    from engine.records import get_case

    now = now or utcnow()
    if row.case_id is not None and row.status == "filed":
        case = get_case(session, row.case_id)
        if case is not None:
            return SubmitResult(case, False)
    view = open_draft(rt, session, row)
    proc = rt.procedure_for(session, row.definition_version)
    check_applicant_number(proc.form, view.data, my_number)
    if proc.identity == "signature":
        require_signature(signature, verifier, view.data, actor.id, now)
    result = submit(
        rt,
        session,
        row.procedure_id,
        view.data,
        actor=actor,
        applicant_id=actor.id,
        channel=ONLINE,
        idempotency_key=row.idempotency_key,
        now=now,
    )
    _record_signature(row, signature, now)
    row.status = "filed"
    row.case_id = result.case.id
    row.updated_at = now
    session.add(row)
    session.flush()
    return result


def resubmit_correction(
    rt: Runtime,
    session: Session,
    row: Draft,
    actor: Actor,
    trigger: str,
    *,
    signature: Signature | None = None,
    verifier: JpkiVerifier | None = None,
    my_number: str | None = None,
    now: dt.datetime | None = None,
) -> CaseRecord:
    """Resubmit a corrected case with ``trigger`` (the transition that edits the application).

    Only the answers that differ from the case are sent; the case must still be at the
    version the correction started from (a second click finds it moved on and gets the
    case as it is now).
    """
    from engine.cases import fire, plain_data
    from engine.records import get_case

    now = now or utcnow()
    if row.case_id is None:
        raise NotFound("案件が見つかりません。", "Case not found.")
    case = get_case(session, row.case_id)
    if case is None or case.applicant_id != actor.id:
        raise NotFound("案件が見つかりません。", "Case not found.", case_id=row.case_id)
    if row.status == "filed":
        return case
    view = open_draft(rt, session, row)
    proc = rt.procedure_for(session, case.definition_version)
    check_applicant_number(proc.form, view.data, my_number)
    if proc.identity == "signature":
        require_signature(signature, verifier, view.data, actor.id, now)
    current = plain_data(rt, case, proc)
    changed = {k: v for k, v in view.data.items() if current.get(k) != v}
    after = fire(
        rt,
        session,
        case.id,
        trigger,
        actor,
        data=changed,
        expected_version=row.case_version,
        now=now,
    )
    _record_signature(row, signature, now)
    row.status = "filed"
    row.updated_at = now
    session.add(row)
    session.flush()
    return after
