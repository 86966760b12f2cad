"""Procedures and cases as the API shows them (the response models of web.api.schemas)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, col, select

from engine.actors import Actor
from engine.cases import allowed_triggers, plain_data
from engine.definitions.models import Procedure
from engine.documents import list_documents
from engine.models import Attachment, CaseEvent
from engine.pii import sensitive_paths, transform
from engine.records import CaseRecord
from engine.runtime import Runtime
from forms import json_schema, mask_my_number
from forms.spec import FieldSpec, FormSpec, LocalizedText, StepSpec
from web.api import schemas as s

API = "/api/v1"


def text(value: LocalizedText) -> s.Text:
    """A definition's text; English falls back to Japanese."""
    return s.Text(ja=value.ja, en=value.get("en"))


def procedure_summary(proc: Procedure, today: dt.date) -> s.ProcedureSummary:
    """A procedure as the catalog lists it."""
    return s.ProcedureSummary(**_summary_fields(proc, today))


def _summary_fields(proc: Procedure, today: dt.date) -> dict[str, Any]:
    return {
        "id": proc.id,
        "name": text(proc.name),
        "summary": text(proc.summary),
        "category": proc.category,
        "office": proc.office,
        "departments": list(proc.departments),
        "identity": proc.identity,
        "channels": list(proc.channels),
        "shape": proc.shape,
        "processing": (s.Processing(**proc.processing.model_dump()) if proc.processing else None),
        "accepting": proc.accepts_filings_on(today),
        "version": proc.version,
    }


def _inputs_schema(fields: tuple[FieldSpec, ...], label: LocalizedText) -> dict[str, Any] | None:
    if not fields:
        return None
    form = FormSpec(steps=(StepSpec(id="inputs", title=label, fields=fields),))
    return json_schema(form)


def procedure_detail(proc: Procedure, today: dt.date) -> s.ProcedureDetail:
    """A procedure with its application schema, workflow and documents."""
    wf = proc.workflow
    return s.ProcedureDetail(
        **_summary_fields(proc, today),
        form_schema=json_schema(proc.form, title=proc.name.ja),
        workflow=s.WorkflowInfo(
            initial=wf.initial,
            states=[
                s.StateInfo(
                    id=st.id,
                    label=text(st.label),
                    portal_status=st.portal_status,
                    terminal=st.terminal,
                    clock=st.clock,
                )
                for st in wf.states
            ],
            transitions=[
                s.TransitionInfo(
                    trigger=t.trigger,
                    label=text(t.label),
                    source=list(t.source),
                    dest=t.dest,
                    roles=list(t.roles),
                    comment=t.comment,
                    edits_application=t.edits_application,
                    inputs_schema=_inputs_schema(t.inputs, t.label),
                )
                for t in wf.transitions
            ],
        ),
        documents=[
            s.DocumentInfo(id=d.id, name=text(d.name), kind=d.kind, on=list(d.on))
            for d in proc.documents
        ],
    )


def masked_data(rt: Runtime, case: CaseRecord, proc: Procedure) -> dict[str, Any]:
    """The application with every My Number masked to its last four digits."""
    data = plain_data(rt, case, proc)
    transform(data, sensitive_paths(proc.form), lambda v: mask_my_number(str(v)))
    return data


def filed(case: CaseRecord, proc: Procedure) -> s.FiledApplication:
    """The short answer to a filing."""
    state = proc.workflow.state(case.state)
    return s.FiledApplication(
        id=case.id,
        reference=case.reference,
        procedure_id=case.procedure_id,
        state=case.state,
        state_label=text(state.label),
        version=case.version,
        due_date=case.due_date,
        created_at=case.created_at,
    )


def application(
    rt: Runtime, session: Session, case: CaseRecord, proc: Procedure, actor: Actor
) -> s.Application:
    """The whole case as ``actor`` may see it."""
    state = proc.workflow.state(case.state)
    staff = actor.kind == "staff"
    events = session.exec(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(col(CaseEvent.seq))
    ).all()
    files = session.exec(
        select(Attachment).where(Attachment.case_id == case.id).order_by(col(Attachment.id))
    ).all()
    base = f"{API}/applications/{case.id}"
    return s.Application(
        id=case.id,
        reference=case.reference,
        procedure_id=case.procedure_id,
        procedure_name=text(proc.name),
        state=case.state,
        state_label=text(state.label),
        portal_status=state.portal_status,
        terminal=state.terminal,
        version=case.version,
        due_date=case.due_date,
        channel=case.channel,
        assignee=case.assignee if staff else None,
        created_at=case.created_at,
        updated_at=case.updated_at,
        data=masked_data(rt, case, proc),
        outcome=dict(case.outcome),
        allowed_triggers=allowed_triggers(rt, proc, case, actor),
        history=[
            s.HistoryEntry(
                seq=e.seq,
                at=e.at,
                trigger=e.trigger,
                from_state=e.from_state,
                to_state=e.to_state,
                actor=s.ActorInfo(
                    kind=e.actor_kind,
                    role=e.actor_role,
                    # Residents and integrators see that staff acted, not which person.
                    id=e.actor_id if staff or e.actor_kind != "staff" else None,
                ),
                comment=e.comment,
            )
            for e in events
        ],
        attachments=[
            s.AttachmentInfo(
                id=a.id or 0,
                field=a.field_path,
                name=a.name,
                content_type=a.content_type,
                size=a.size,
                sha256=a.sha256,
                url=f"{base}/attachments/{a.id}",
            )
            for a in files
        ],
        documents=[
            s.DocumentRef(
                document_id=d.document_id,
                name=text(_document_name(proc, d.document_id)),
                kind=d.kind,
                event_seq=d.event_seq,
                created_at=d.created_at,
                url=f"{base}/documents/{d.id}",
            )
            for d in list_documents(session, case.id)
        ],
    )


def _document_name(proc: Procedure, document_id: str) -> LocalizedText:
    for d in proc.documents:
        if d.id == document_id:
            return d.name
    return LocalizedText(ja=document_id, en=document_id)
