"""The API's request and response bodies as pydantic models: validation and documentation.

Request models are strict and refuse unknown keys, so a typo is a 422 naming the key, not
a silently ignored value. Response models are what the views serialise, so every response
matches the OpenAPI document built from them (:mod:`web.api.openapi`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PROCEDURE_ID = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
CASE_ID = r"^[0-9a-f]{32}$"
TRIGGER = r"^[a-z][a-z0-9_]*$"


class Request(BaseModel):
    """Base of request bodies: strict types, unknown keys refused."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Body(BaseModel):
    """Base of response bodies."""

    model_config = ConfigDict(extra="forbid")


class Text(Body):
    """A text in Japanese and English."""

    ja: str
    en: str


# Errors -------------------------------------------------------------------------------


class Problem(Body):
    """One problem of a request: where (a path in the request body), what, and the fix."""

    path: str = Field(
        description="where in the request body: procedure_id, data.children[0].birth_date, "
        "inputs.monthly_amount, attachments.bank_book_copy ... (empty: the body itself)"
    )
    code: str = Field(description="stable, for programs: required, invalid, too_long ...")
    message: Text


class ErrorDetail(BaseModel):
    """What went wrong: a stable code, a message, and details a client can act on."""

    model_config = ConfigDict(extra="allow")

    code: str = Field(description="stable: see the error codes in the API description")
    message: Text
    allowed_triggers: list[str] | None = Field(
        default=None, description="409 invalid_trigger: the triggers allowed now"
    )
    current_version: int | None = Field(
        default=None, description="409 conflict: the case's version now"
    )
    reasons: list[Text] | None = Field(
        default=None, description="422 guard_failed: every condition not met"
    )
    required_scopes: list[str] | None = Field(
        default=None, description="403 insufficient_scope: what the operation needs"
    )
    retry_after: int | None = Field(default=None, description="seconds to wait (429, 503)")


class Error(Body):
    """Every error body of the API."""

    error: ErrorDetail
    errors: list[Problem] = Field(
        description="422: every problem of the request body; empty for other errors"
    )


class OAuthError(Body):
    """An error of the token or revocation endpoint, as RFC 6749 words it."""

    model_config = ConfigDict(extra="allow")

    error: str = Field(description="invalid_client, invalid_grant, invalid_scope ...")
    error_description: str | None = None


# Procedures -----------------------------------------------------------------------------


class Processing(Body):
    """How long the office takes: a statutory deadline or a standard processing period."""

    days: int
    kind: Literal["statutory", "standard"]
    counting: Literal["business_days", "calendar_days"]


class ProcedureSummary(Body):
    """A procedure as the catalog lists it."""

    id: str = Field(pattern=PROCEDURE_ID)
    name: Text
    summary: Text
    category: str
    office: Literal["municipality", "prefecture", "police"]
    departments: list[str]
    identity: Literal["signature", "login"] = Field(
        description="signature: filing needs the My Number Card's signature; login: a login"
    )
    channels: list[str]
    shape: str
    processing: Processing | None
    accepting: bool = Field(description="whether it accepts new filings today")
    version: str = Field(description="sha256 of the definition: changes when it changes")


class ProcedureList(Body):
    """Every procedure."""

    items: list[ProcedureSummary]


class StateInfo(Body):
    """A state of the workflow."""

    id: str
    label: Text
    portal_status: Literal["in_progress", "correction_requested", "intake_error", "done"]
    terminal: bool
    clock: Literal["running", "paused"]


class TransitionInfo(Body):
    """A transition and who may fire it."""

    trigger: str
    label: Text
    source: list[str]
    dest: str
    roles: list[str] = Field(
        description="resident (the applicant), intake, review, approval, admin, system"
    )
    comment: Literal["none", "optional", "required"]
    edits_application: bool = Field(description="whether data may change the application")
    inputs_schema: dict[str, Any] | None = Field(
        description="JSON Schema of the inputs it asks for (decision details), if any"
    )


class WorkflowInfo(Body):
    """The workflow: its states and transitions."""

    initial: str
    states: list[StateInfo]
    transitions: list[TransitionInfo]


class DocumentInfo(Body):
    """A document the procedure produces."""

    id: str
    name: Text
    kind: str
    on: list[str] = Field(description="triggers that produce it (submit: the filing)")


class ProcedureDetail(ProcedureSummary):
    """A procedure with the JSON Schema of its application and its workflow."""

    form_schema: dict[str, Any] = Field(
        description="JSON Schema (2020-12) of the application data; x- keywords carry "
        "conditions, prefill sources and labels"
    )
    workflow: WorkflowInfo
    documents: list[DocumentInfo]


# Applications ---------------------------------------------------------------------------


class SignatureIn(Request):
    """A signature made with the My Number Card's signing certificate (JPKI)."""

    value: str = Field(
        min_length=1,
        max_length=4096,
        pattern=r"^[A-Za-z0-9+/]+={0,2}$",
        description="base64 of the signature over the canonical JSON of data",
    )
    certificate_pem: str = Field(
        min_length=1, max_length=16384, description="the signing certificate (PEM)"
    )


class FileApplication(Request):
    """A filing: the procedure, the answers, uploaded files and the signature."""

    procedure_id: str = Field(pattern=PROCEDURE_ID, max_length=80)
    data: dict[str, Any] = Field(
        description="the answers, as the procedure's form_schema describes them"
    )
    attachments: dict[str, list[str]] | None = Field(
        default=None,
        description="files uploaded with POST /uploads, by field path: "
        '{"bank_book_copy": ["upl_..."]}; they are put into data',
    )
    signature: SignatureIn | None = Field(
        default=None,
        description="needed when the procedure's identity is signature, and for every "
        "filing by an integrator client (the signer is the applicant)",
    )
    applicant_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=80,
        description="staff filing at the counter: the resident (宛名番号) filed for",
    )
    identity_check: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="staff filing at the counter: how identity was checked "
        "(e.g. マイナンバーカード, 運転免許証)",
    )


class FiledApplication(Body):
    """The case a filing made (201), or the same case again for a repeated key (200)."""

    id: str = Field(pattern=CASE_ID)
    reference: str = Field(description="受付番号, readable aloud: 2026-12345-67890")
    procedure_id: str
    state: str
    state_label: Text
    version: int
    due_date: dt.date | None
    created_at: dt.datetime


class ActorInfo(Body):
    """Who made a change (a staff member's id is shown to staff only)."""

    kind: Literal["resident", "staff", "system", "integrator"]
    role: str
    id: str | None


class HistoryEntry(Body):
    """One event of the case's history."""

    seq: int
    at: dt.datetime
    trigger: str
    from_state: str | None
    to_state: str
    actor: ActorInfo
    comment: str | None


class AttachmentInfo(Body):
    """A file attached to the case."""

    id: int
    field: str
    name: str
    content_type: str
    size: int
    sha256: str
    url: str


class DocumentRef(Body):
    """A document issued for the case (receipt, decision notice...)."""

    document_id: str
    name: Text
    kind: str
    event_seq: int
    created_at: dt.datetime
    url: str


class Application(Body):
    """A case: its state, the application (My Numbers masked), its history and files."""

    id: str = Field(pattern=CASE_ID)
    reference: str
    procedure_id: str
    procedure_name: Text
    state: str
    state_label: Text
    portal_status: str
    terminal: bool
    version: int = Field(description="send it in If-Match to change the case")
    due_date: dt.date | None
    channel: str
    assignee: str | None = Field(description="the member of staff handling it (staff only)")
    created_at: dt.datetime
    updated_at: dt.datetime
    data: dict[str, Any] = Field(description="the application; My Numbers masked")
    outcome: dict[str, Any] = Field(description="what staff entered on decisions")
    allowed_triggers: list[str] = Field(description="what the caller may fire now")
    history: list[HistoryEntry]
    attachments: list[AttachmentInfo]
    documents: list[DocumentRef]


class ApplicationSummary(Body):
    """A line of a list of cases."""

    id: str = Field(pattern=CASE_ID)
    reference: str
    procedure_id: str
    state: str
    state_label: Text
    portal_status: str
    version: int
    due_date: dt.date | None
    days_left: int | None = Field(
        description="business days to the due date; negative when overdue"
    )
    channel: str
    assignee: str | None
    created_at: dt.datetime


class ApplicationPage(Body):
    """A page of cases; pass next_cursor as cursor for the next one."""

    items: list[ApplicationSummary]
    next_cursor: str | None
    counts: dict[str, int] | None = Field(
        description="staff: cases per state for the same filters (first page only)"
    )


class ApplicationQuery(BaseModel):
    """Filters of ``GET /applications`` (staff: the same as the inbox)."""

    model_config = ConfigDict(extra="forbid")

    procedure: str | None = Field(default=None, pattern=PROCEDURE_ID, max_length=80)
    state: str | None = Field(default=None, pattern=TRIGGER, max_length=60)
    channel: Literal["online", "pittari", "oss", "counter", "api"] | None = None
    assignee: str | None = Field(
        default=None,
        min_length=1,
        max_length=80,
        description='staff: a staff id, "me", or "none" for unassigned',
    )
    due: Literal["overdue", "soon"] | None = Field(
        default=None, description="staff: overdue, or due within five business days"
    )
    include_closed: bool = Field(default=False, description="staff: closed cases too")
    cursor: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=50, ge=1, le=200)


class Transition(Request):
    """Fire a transition: the trigger, and what it needs."""

    trigger: str = Field(pattern=TRIGGER, max_length=60)
    comment: str | None = Field(
        default=None,
        max_length=4000,
        description="a reason or a message to the applicant (required by some triggers)",
    )
    data: dict[str, Any] | None = Field(
        default=None,
        description="changes to the application, on a transition that edits it "
        "(a correction): only the answers that change",
    )
    inputs: dict[str, Any] | None = Field(
        default=None, description="what the transition asks for (its inputs_schema)"
    )
    signature: SignatureIn | None = Field(
        default=None,
        description="the applicant's card signature over the canonical JSON of data, "
        "when a signature procedure's application changes",
    )


# Files ----------------------------------------------------------------------------------


class UploadForm(BaseModel):
    """``multipart/form-data``: the file and where it goes."""

    procedure_id: str = Field(pattern=PROCEDURE_ID, max_length=80)
    field: str = Field(
        max_length=200, description="the attachment field's path, e.g. bank_book_copy"
    )
    file: bytes = Field(
        description="PDF, JPEG, PNG or HEIC/HEIF, as the field accepts; recognised by "
        "content, not by name"
    )


class Upload(Body):
    """A stored upload: put its id under attachments when filing."""

    id: str
    procedure_id: str
    field: str
    name: str
    content_type: str = Field(description="as recognised from the content")
    size: int
    sha256: str
    reference: dict[str, Any] = Field(
        description="the value the field holds in data: {sha256, name, content_type, size}"
    )
    created_at: dt.datetime


# OAuth and the caller -------------------------------------------------------------------


class TokenForm(BaseModel):
    """``application/x-www-form-urlencoded`` (RFC 6749); client credentials in HTTP Basic
    (or client_id and client_secret in the form)."""

    grant_type: Literal["client_credentials", "authorization_code", "refresh_token"]
    scope: str | None = Field(default=None, description="space-separated; default: all")
    code: str | None = Field(default=None, description="authorization_code")
    redirect_uri: str | None = Field(default=None, description="authorization_code")
    code_verifier: str | None = Field(default=None, description="authorization_code (PKCE)")
    refresh_token: str | None = Field(default=None, description="refresh_token")
    client_id: str | None = None
    client_secret: str | None = None


class TokenIssued(Body):
    """An access token (RFC 6749 section 5.1)."""

    model_config = ConfigDict(extra="allow")

    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    scope: str
    refresh_token: str | None = None


class RevokeForm(BaseModel):
    """``application/x-www-form-urlencoded`` (RFC 7009), with client authentication."""

    token: str
    token_type_hint: Literal["access_token", "refresh_token"] | None = None
    client_id: str | None = None
    client_secret: str | None = None


class SubjectInfo(Body):
    """Who the token stands for."""

    kind: Literal["integrator", "resident", "staff"]
    id: str
    name: str
    roles: list[str]
    departments: list[str]


class Me(Body):
    """The caller: the client, the subject and what the token allows."""

    client_id: str
    client_name: str
    subject: SubjectInfo
    scopes: list[str]
    expires_at: dt.datetime
    rate_limit: str
