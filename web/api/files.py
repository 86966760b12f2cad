"""Files: upload an attachment before filing, download a case's attachments and documents.

Uploads go through :func:`engine.files.store_upload`, the check the screens use: the type
is recognised from the content (not the name), the field's size limit and accepted types
apply, the scanner hook runs, and the content is stored once under its sha256. An upload
belongs to the subject who sent it; only its owner can attach it to a filing.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from flask import Response, request
from sqlmodel import select

from engine import api_uploads
from engine.documents import read_document
from engine.files import FileRejected, read_file, store_upload
from engine.models import Attachment, Document
from web.api import bp
from web.api import schemas as s
from web.api.applications import CASE_PARAM, FORBIDDEN, NOT_FOUND, checked_case_id, open_case
from web.api.auth import caller
from web.api.common import rt, transaction
from web.api.errors import ApiError, problem
from web.api.spec import Reply, operation

MAX_NAME = 255
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _download(content: bytes, content_type: str, name: str) -> Response:
    resp = Response(content, mimetype=content_type)
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", name) or "file"
    resp.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    )
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@operation(
    bp,
    "POST",
    "/uploads",
    summary="Upload a file for an attachment field",
    tag="files",
    scopes=("applications:file",),
    body=s.UploadForm,
    body_kind="multipart",
    replies={
        201: Reply("Stored: put the id under attachments when filing.", s.Upload),
        400: Reply("The body is not multipart/form-data with these parts.", s.Error),
        403: FORBIDDEN,
        413: Reply("The request is larger than 50 MB.", s.Error),
        415: Reply("The body is not multipart/form-data.", s.Error),
        422: Reply(
            "Unknown procedure or field (validation_failed), or the file is refused "
            "(file_rejected: empty, too large for the field, or not a type it accepts).",
            s.Error,
        ),
    },
)
def upload_file() -> Any:
    """Store one file for an attachment field of a procedure, with the same checks as the
    screens: recognised by its content (PDF, JPEG, PNG, HEIC/HEIF as the field accepts),
    within the field's size limit, scanned. The answer's ``id`` goes under ``attachments``
    in ``POST /applications`` (only the uploader can use it)."""
    who = caller().subject
    if request.mimetype != "multipart/form-data":
        raise ApiError.http(415)
    procedure_id = request.form.get("procedure_id", "")
    field_path = request.form.get("field", "")
    upload = request.files.get("file")
    problems = []
    proc = rt().catalog.procedures.get(procedure_id)
    if proc is None:
        problems.append(
            problem("procedure_id", "unknown", "この手続はありません。", "No such procedure.")
        )
    spec = None
    if proc is not None:
        spec = dict(proc.form.iter_fields()).get(field_path)
        if spec is None or spec.type != "attachment":
            problems.append(
                problem(
                    "field",
                    "unknown_field",
                    "この手続にこの添付書類の項目はありません。",
                    "The procedure has no attachment field at this path.",
                )
            )
    if upload is None:
        problems.append(problem("file", "required", "ファイルを送ってください。", "Send the file."))
    name = _CONTROL.sub("", (upload.filename or "") if upload else "").strip()[:MAX_NAME]
    if upload is not None and not name:
        problems.append(
            problem("file", "invalid", "ファイル名を付けてください。", "The file needs a name.")
        )
    if problems or proc is None or spec is None or upload is None:
        raise ApiError.invalid(problems)
    content = upload.read()
    with transaction() as session:
        try:
            stored = store_upload(session, rt().settings.files_dir, spec, field_path, name, content)
        except FileRejected as exc:
            raise ApiError(422, exc.code, exc.ja, exc.en) from None
        row = api_uploads.record_upload(
            session,
            who,
            stored.attachment_id,
            procedure_id=proc.id,
            field_path=field_path,
            sha256=stored.sha256,
            name=stored.name,
            content_type=stored.content_type,
            size=stored.size,
        )
        body = s.Upload(
            id=row.id,
            procedure_id=proc.id,
            field=field_path,
            name=stored.name,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
            reference=stored.reference(),
            created_at=row.created_at,
        )
        session.commit()
    return body, 201


FILE_PARAMS: dict[str, dict[str, Any]] = {
    **CASE_PARAM,
    "file_id": {"type": "integer", "minimum": 1},
}


@operation(
    bp,
    "GET",
    "/applications/{application_id}/attachments/{file_id}",
    summary="Download an attachment of a case",
    tag="files",
    scopes=("applications:read",),
    path_params=FILE_PARAMS,
    replies={
        200: Reply("The file.", content_type="application/octet-stream"),
        403: FORBIDDEN,
        404: NOT_FOUND,
    },
)
def download_attachment(application_id: str, file_id: str) -> Response:
    """An attachment of a case the caller may see (its ``url`` in the case)."""
    case_id = checked_case_id(application_id)
    actor = caller().subject.actor()
    with transaction() as session:
        row = session.exec(
            select(Attachment).where(Attachment.id == _int(file_id), Attachment.case_id == case_id)
        ).first()
        open_case(session, case_id, actor, "view_attachment", row.name if row else "")
        if row is None:
            raise ApiError.http(404)
        session.commit()
    return _download(read_file(rt().settings.files_dir, row.sha256), row.content_type, row.name)


@operation(
    bp,
    "GET",
    "/applications/{application_id}/documents/{file_id}",
    summary="Download a document issued for a case (PDF)",
    tag="files",
    scopes=("applications:read",),
    path_params=FILE_PARAMS,
    replies={
        200: Reply("The PDF.", content_type="application/pdf"),
        403: FORBIDDEN,
        404: NOT_FOUND,
    },
)
def download_document(application_id: str, file_id: str) -> Response:
    """A document issued for a case the caller may see: a receipt, a decision notice
    (its ``url`` in the case's ``documents``)."""
    case_id = checked_case_id(application_id)
    actor = caller().subject.actor()
    with transaction() as session:
        row = session.exec(
            select(Document).where(Document.id == _int(file_id), Document.case_id == case_id)
        ).first()
        target = row.document_id if row else ""
        open_case(session, case_id, actor, "download_document", target)
        if row is None:
            raise ApiError.http(404)
        session.commit()
    return _download(read_document(rt(), row), row.content_type, f"{row.document_id}.pdf")


def _int(value: str) -> int:
    if not value.isdigit() or len(value) > 12:
        raise ApiError.http(404)
    return int(value)
