"""Documents as Japanese PDFs: the filed application, receipts, decision notices.

A procedure declares its documents (``documents:`` in the definition, see
``docs/definitions.md``): an id, a name, a kind (application, receipt, decision,
rejection, certificate, notice) and the triggers that produce it (``on``). When a
transition fires one of those triggers (``submit`` counts for the filing), the engine
writes an outbox row in the same transaction; the worker renders the PDF, stores it
content-addressed beside the uploads and records a :class:`engine.models.Document` row,
once per case, document and event. A document without ``on`` is rendered on demand.

Templates are Jinja HTML rendered by WeasyPrint. Each kind has a generic template in
``engine/templates/documents/<kind>.html``; a procedure may override one document with
``<procedures dir>/<category>/documents/<procedure-id>/<document-id>.html`` (extend
``documents/<kind>.html`` and fill its blocks). Values a template needs beyond the case
come from a function registered with :func:`document_context` for the procedure.

Fonts are named (IPAex Gothic / Mincho from Debian's ``fonts-ipaexfont``) and the pages
say ``lang="ja"``, so fontconfig finds them at once with no fallback scan; the font
configuration is built once per process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from engine.definitions.models import DocumentSpec, Procedure
from engine.files import _write_once, read_file
from engine.models import CaseEvent, Document, OutboxMessage, utcnow
from engine.records import CaseRecord
from engine.runtime import Runtime
from forms.render import render_summary

TEMPLATES = Path(__file__).parent / "templates"
JST = dt.timezone(dt.timedelta(hours=9))

ContextFn = Callable[["DocumentInput"], dict[str, Any]]
_contexts: dict[str, ContextFn] = {}


@dataclass(frozen=True)
class DocumentInput:
    """What a context function may read: the runtime, the case (plain data) and the spec."""

    rt: Runtime
    session: Session
    case: CaseRecord
    procedure: Procedure
    spec: DocumentSpec
    data: dict[str, Any]  # the application, decrypted (never logged)


def document_context(procedure_id: str) -> Callable[[ContextFn], ContextFn]:
    """Register the function giving extra template values for ``procedure_id``'s documents."""

    def register(fn: ContextFn) -> ContextFn:
        if procedure_id in _contexts:
            raise ValueError(f"a document context for '{procedure_id}' is already registered")
        _contexts[procedure_id] = fn
        return fn

    return register


class DocumentNotFound(LookupError):
    """The procedure declares no such document."""


def spec_of(proc: Procedure, document_id: str) -> DocumentSpec:
    """The procedure's document ``document_id``."""
    for spec in proc.documents:
        if spec.id == document_id:
            return spec
    raise DocumentNotFound(f"{proc.id} declares no document '{document_id}'")


def specs_on(proc: Procedure, trigger: str) -> list[DocumentSpec]:
    """The documents a trigger produces."""
    return [spec for spec in proc.documents if trigger in spec.on]


_env_lock = threading.Lock()
_envs: dict[Path, Environment] = {}


def _environment(procedures_dir: Path) -> Environment:
    with _env_lock:
        env = _envs.get(procedures_dir)
        if env is None:
            env = Environment(
                loader=ChoiceLoader(
                    [FileSystemLoader(str(procedures_dir)), FileSystemLoader(str(TEMPLATES))]
                ),
                autoescape=select_autoescape(default=True, default_for_string=True),
                undefined=StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
            )
            env.filters["yen"] = lambda n: f"{int(n):,}円"
            env.filters["wareki"] = wareki
            env.filters["display"] = display_value
            _envs[procedures_dir] = env
        return env


def wareki(day: dt.date | str | None) -> str:
    """A date as 令和7年4月1日 (Gregorian before the Reiwa era)."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    if day >= dt.date(2019, 5, 1):
        year = day.year - 2018
        era = "令和元年" if year == 1 else f"令和{year}年"
        return f"{era}{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def display_value(value: Any) -> str:
    """An outcome value as a notice prints it: dates in 和暦, amounts with separators."""
    if isinstance(value, dt.date):
        return wareki(value)
    if isinstance(value, str) and _ISO_DATE.match(value):
        return wareki(value)
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return "、".join(display_value(v) for v in value)
    return str(value)


def _applicant(rt: Runtime, case: CaseRecord) -> dict[str, str]:
    """Name and address from the resident registry (the authority), when it knows them."""
    from adapters import service

    try:
        person = service.resident_registry(rt.adapter_config).by_resident_number(case.applicant_id)
    except Exception:  # a registry outage must not stop a notice; the template shows less
        person = None
    if person is None:
        return {"name": "", "name_kana": "", "address": "", "postal_code": ""}
    return {
        "name": person.name.full,
        "name_kana": person.name.full_kana,
        "address": person.address.one_line(),
        "postal_code": person.address.postal_code,
    }


def template_name(proc: Procedure, spec: DocumentSpec, procedures_dir: Path) -> str:
    """The procedure's own template for ``spec`` when it has one, else the kind's."""
    own = f"{proc.category}/documents/{proc.id}/{spec.id}.html"
    if (procedures_dir / own).is_file():
        return own
    return f"documents/{spec.kind}.html"


def render_html(
    rt: Runtime,
    session: Session,
    case: CaseRecord,
    proc: Procedure,
    spec: DocumentSpec,
    *,
    issued_on: dt.date | None = None,
) -> str:
    """The document as HTML (what :func:`render_pdf` prints)."""
    from engine.cases import plain_data

    data = plain_data(rt, case, proc)
    issued_on = issued_on or dt.datetime.now(JST).date()
    summary = render_summary(proc.form, data, lang="ja", change_url=_no_link, heading_level=2)
    extra = (
        _contexts[proc.id](DocumentInput(rt, session, case, proc, spec, data))
        if (proc.id in _contexts)
        else {}
    )
    env = _environment(rt.settings.procedures_dir)
    template = env.get_template(template_name(proc, spec, rt.settings.procedures_dir))
    last_comment = session.exec(
        select(CaseEvent.comment)
        .where(CaseEvent.case_id == case.id, col(CaseEvent.comment).is_not(None))
        .order_by(col(CaseEvent.seq).desc())
    ).first()
    labels = {f.id: f.label.ja for t in proc.workflow.transitions for f in t.inputs}
    return template.render(
        reason=last_comment or "",
        outcome_labels=labels,
        org={"name": rt.settings.org_name, "code": rt.settings.org_code},
        procedure=proc,
        document=spec,
        case=case,
        filed_on=case.created_at.astimezone(JST).date(),
        issued_on=issued_on,
        applicant=_applicant(rt, case),
        summary=summary,
        outcome=case.outcome,
        data=data,
        **extra,
    )


def _no_link(_step: str, _html_id: str) -> str:
    return ""


_font_lock = threading.Lock()
_font_config: Any = None


def _fonts() -> Any:
    global _font_config
    with _font_lock:
        if _font_config is None:
            from weasyprint.text.fonts import FontConfiguration

            _font_config = FontConfiguration()
        return _font_config


def html_to_pdf(html: str) -> bytes:
    """Print HTML with WeasyPrint (fonts by name, subset, no fallback scans)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=str(TEMPLATES)).write_pdf(font_config=_fonts())
    return pdf


def render_pdf(
    rt: Runtime,
    session: Session,
    case: CaseRecord,
    proc: Procedure,
    spec: DocumentSpec,
    *,
    issued_on: dt.date | None = None,
) -> bytes:
    """The document ``spec`` of ``case`` as a PDF."""
    return html_to_pdf(render_html(rt, session, case, proc, spec, issued_on=issued_on))


def render_document(rt: Runtime, session: Session, case_id: str, document_id: str) -> bytes:
    """The document ``document_id`` of a case as a PDF, rendered now (not stored).

    Callers check that the reader may see the case first (engine.cases.load_case).
    """
    from engine.records import get_case

    case = get_case(session, case_id)
    if case is None:
        raise DocumentNotFound(f"no case {case_id}")
    proc = rt.procedure_for(session, case.definition_version)
    return render_pdf(rt, session, case, proc, spec_of(proc, document_id))


def store_document(
    rt: Runtime, session: Session, case: CaseRecord, proc: Procedure, spec: DocumentSpec, seq: int
) -> Document:
    """Render and keep the document for event ``seq`` (once: a second call returns it)."""
    found = session.exec(
        select(Document).where(
            Document.case_id == case.id,
            Document.document_id == spec.id,
            Document.event_seq == seq,
        )
    ).first()
    if found is not None:
        return found
    pdf = render_pdf(rt, session, case, proc, spec)
    sha = hashlib.sha256(pdf).hexdigest()
    _write_once(rt.settings.files_dir, sha, pdf)
    row = Document(
        case_id=case.id,
        document_id=spec.id,
        kind=spec.kind,
        event_seq=seq,
        sha256=sha,
        content_type="application/pdf",
        created_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another worker stored it first
        row = session.exec(
            select(Document).where(
                Document.case_id == case.id,
                Document.document_id == spec.id,
                Document.event_seq == seq,
            )
        ).one()
    return row


def list_documents(session: Session, case_id: str) -> list[Document]:
    """The stored documents of a case, oldest first."""
    return list(
        session.exec(
            select(Document)
            .where(Document.case_id == case_id)
            .order_by(col(Document.event_seq), col(Document.id))
        )
    )


def read_document(rt: Runtime, row: Document) -> bytes:
    """The stored PDF of ``row`` (verified against its hash)."""
    return read_file(rt.settings.files_dir, row.sha256)


def outbox_rows(
    case: CaseRecord, proc: Procedure, trigger: str, seq: int, now: dt.datetime
) -> list[dict[str, Any]]:
    """Outbox rows that render the documents ``trigger`` produces (same transaction)."""
    return [
        {
            "case_id": case.id,
            "event_seq": seq,
            "kind": "document",
            "payload": {"document_id": spec.id},
            "idempotency_key": f"{case.id}:{seq}:document:{spec.id}",
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for spec in specs_on(proc, trigger)
    ]


def document_handler(rt: Runtime) -> Callable[[Session, OutboxMessage], None]:
    """The outbox handler that renders and stores a document row's PDF."""
    from engine.records import get_case

    def deliver(session: Session, msg: OutboxMessage) -> None:
        case = get_case(session, msg.case_id or "")
        if case is None:
            raise LookupError(f"document for unknown case {msg.case_id}")
        proc = rt.procedure_for(session, case.definition_version)
        spec = spec_of(proc, str(msg.payload["document_id"]))
        store_document(rt, session, case, proc, spec, msg.event_seq or case.version)

    return deliver


import engine.kosodate.documents  # noqa: E402, F401 - registers the childcare document contexts
