"""Counter visits (書かない窓口): one resident, one clerk, several procedures filed together.

A visit starts when the clerk has identified the resident (card, pre-entry QR code, or a
registry search with the ID document shown recorded). The clerk picks life events and
procedures; the answers of each procedure are kept on the visit (My Numbers encrypted as
in cases) until everything is filed at once through :func:`engine.cases.submit`, with
an actor that records who filed on whose behalf and how identity was checked.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, Session, SQLModel

from engine.actors import Actor
from engine.errors import EngineError, NotFound
from engine.models import utcnow

IDENTITY_METHODS = {
    "card": ("マイナンバーカード（ICチップ読取り）", "My Number Card (chip read)"),
    "qr": ("事前入力のQRコード＋マイナンバーカード", "Pre-entry QR code with the My Number Card"),
    "document": ("本人確認書類の提示", "Identity document shown"),
}
"""How the resident's identity was checked."""

ID_DOCUMENTS = {
    "driving_licence": ("運転免許証", "Driving licence"),
    "my_number_card": ("マイナンバーカード（券面）", "My Number Card (face)"),
    "passport": ("パスポート", "Passport"),
    "residence_card": ("在留カード", "Residence card"),
    "health_insurance": (
        "健康保険の資格確認書＋もう1点",
        "Health insurance certificate and one more",
    ),
}
"""Documents a resident may show when the card is not read."""


class VisitError(EngineError):
    code = "visit_invalid"


class CounterVisit(SQLModel, table=True):
    """A resident's visit to the counter and the bundle filed in it."""

    __tablename__ = "counter_visits"
    __table_args__ = (Index("ix_counter_visits_staff", "organisation_id", "staff_id", "status"),)

    id: str = Field(primary_key=True, max_length=32, description="random, not guessable")
    organisation_id: int = Field(foreign_key="organisations.id")
    staff_id: str = Field(max_length=80)
    staff_name: str = Field(max_length=100, default="")
    resident_id: str = Field(max_length=80, index=True)
    identity_method: str = Field(max_length=20)
    identity_document: str | None = Field(default=None, max_length=40)
    present: str = Field(max_length=200, default="", description="who came to the counter")
    life_events: list[str] = Field(sa_type=JSON, default_factory=list)
    procedures: list[str] = Field(sa_type=JSON, default_factory=list)
    answers: dict[str, Any] = Field(
        sa_type=JSON, default_factory=dict, description="per procedure, PII encrypted"
    )
    typed: list[str] = Field(sa_type=JSON, default_factory=list, description="answers typed")
    confirmations: dict[str, Any] = Field(sa_type=JSON, default_factory=dict)
    signature_sha256: str | None = Field(default=None, max_length=64)
    case_ids: dict[str, Any] = Field(sa_type=JSON, default_factory=dict)
    status: str = Field(max_length=12, default="open", description="open/filed/cancelled")
    created_at: dt.datetime = Field(default_factory=utcnow)
    filed_at: dt.datetime | None = None


def start_visit(
    session: Session,
    org_id: int,
    actor: Actor,
    resident_id: str,
    method: str,
    *,
    id_document: str | None = None,
    present: str = "",
    now: dt.datetime | None = None,
) -> CounterVisit:
    """Open a visit for an identified resident; the identity check must be recorded."""
    if method not in IDENTITY_METHODS:
        raise VisitError(
            "本人確認の方法を選んでください。", "Choose how the resident's identity was checked."
        )
    if method == "document" and id_document not in ID_DOCUMENTS:
        raise VisitError(
            "提示された本人確認書類を選んでください。",
            "Choose the identity document the resident showed.",
        )
    visit = CounterVisit(
        id=uuid.uuid4().hex,
        organisation_id=org_id,
        staff_id=actor.id,
        staff_name=actor.name[:100],
        resident_id=resident_id,
        identity_method=method,
        identity_document=id_document if method == "document" else None,
        present=present.strip()[:200],
        created_at=now or utcnow(),
    )
    session.add(visit)
    session.flush()
    return visit


def identity_check_text(visit: CounterVisit) -> str:
    """How identity was checked, as the audit trail records it (Japanese)."""
    text = IDENTITY_METHODS[visit.identity_method][0]
    if visit.identity_document:
        text += f"：{ID_DOCUMENTS[visit.identity_document][0]}"
    if visit.present:
        text += f"／来庁者：{visit.present}"
    return text + f"／窓口受付 {visit.id}"


def filing_actor(actor: Actor, visit: CounterVisit) -> Actor:
    """The clerk, filing on the resident's behalf with the identity check recorded."""
    return Actor(
        kind=actor.kind,
        id=actor.id,
        name=actor.name,
        roles=actor.roles,
        departments=actor.departments,
        on_behalf_of=visit.resident_id,
        identity_check=identity_check_text(visit),
    )


def get_visit(session: Session, visit_id: str, actor: Actor) -> CounterVisit:
    """The visit, when it is this clerk's (a clerk never opens another clerk's visit)."""
    visit = session.get(CounterVisit, visit_id)
    if visit is None or visit.staff_id != actor.id:
        raise NotFound("窓口受付が見つかりません。", "Visit not found.", visit_id=visit_id)
    return visit
