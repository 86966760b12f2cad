"""Uploads with the screens' checks; downloads of a case's attachments and documents."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from api_helpers import CLAIM, PDF, Api, upload
from flask import Flask
from sqlmodel import Session, select

from engine.models import OutboxMessage
from engine.outbox import OutboxWorker


def _upload(api: Api, **form: Any) -> Any:
    return api.post("/api/v1/uploads", data=form, content_type="multipart/form-data")


def test_an_upload_is_recognised_by_its_content(integrator: Api) -> None:
    reply = upload(integrator)
    assert reply.status_code == 201
    body = reply.get_json()
    assert body["id"].startswith("upl_")
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF)
    assert body["reference"] == {
        "sha256": body["sha256"],
        "name": "通帳.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
    }


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"MZ\x90\x00 not a pdf at all", "通帳.pdf", "file_rejected"),  # a program named .pdf
        (b"", "empty.pdf", "file_rejected"),
        (b"GIF89a" + b"0" * 64, "scan.gif", "file_rejected"),  # a type the field refuses
    ],
)
def test_files_the_field_does_not_accept_are_refused(
    integrator: Api, content: bytes, name: str, code: str
) -> None:
    reply = _upload(
        integrator,
        procedure_id=CLAIM,
        field="bank_book_copy",
        file=(BytesIO(content), name),
    )
    assert reply.status_code == 422
    error = reply.get_json()["error"]
    assert error["code"] == code
    assert error["message"]["ja"]


def test_a_file_over_the_fields_limit_is_refused(integrator: Api) -> None:
    big = b"%PDF-1.4\n" + b"0" * (10240 * 1024)
    # The body is built here: the test client would spool a large file to a temporary file
    # it never closes.
    head = (
        f'--b\r\nContent-Disposition: form-data; name="procedure_id"\r\n\r\n{CLAIM}\r\n'
        '--b\r\nContent-Disposition: form-data; name="field"\r\n\r\nbank_book_copy\r\n'
        '--b\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n\r\n'
    ).encode()
    reply = integrator.post(
        "/api/v1/uploads",
        data=head + big + b"\r\n--b--\r\n",
        content_type="multipart/form-data; boundary=b",
    )
    assert reply.status_code == 422
    assert "10MB" in reply.get_json()["error"]["message"]["ja"]


def test_the_procedure_field_and_file_are_required(integrator: Api) -> None:
    reply = _upload(integrator, procedure_id="nope", field="x")
    assert reply.status_code == 422
    assert {e["path"] for e in reply.get_json()["errors"]} == {"procedure_id", "file"}
    wrong_field = _upload(
        integrator, procedure_id=CLAIM, field="claimant.name", file=(BytesIO(PDF), "a.pdf")
    )
    assert wrong_field.get_json()["errors"][0]["path"] == "field"
    not_multipart = integrator.post("/api/v1/uploads", json={"procedure_id": CLAIM})
    assert not_multipart.status_code == 415


def test_the_filer_downloads_an_attachment(integrator: Api, filed: dict[str, Any]) -> None:
    case = integrator.get(f"/api/v1/applications/{filed['id']}").get_json()
    url = case["attachments"][0]["url"]
    reply = integrator.get(url)
    assert reply.status_code == 200
    assert reply.data == PDF
    assert reply.mimetype == "application/pdf"
    assert "filename*=UTF-8''%E9%80%9A%E5%B8%B3.pdf" in reply.headers["Content-Disposition"]
    assert reply.headers["Cache-Control"] == "private, no-store"
    assert integrator.get(url.replace("/attachments/1", "/attachments/99")).status_code == 404
    assert integrator.get(url.replace("/attachments/1", "/attachments/x")).status_code == 404


def test_documents_issued_for_the_case_are_listed_and_downloadable(
    app: Flask, staff: Api, filed: dict[str, Any]
) -> None:
    assert staff.fire(filed["id"], 1, "receive").status_code == 200
    rt = app.extensions["madoguchi"]
    with Session(rt.db) as s:
        kinds = [m.kind for m in s.exec(select(OutboxMessage)).all()]
    if "document" not in kinds:
        pytest.skip("the receive transition declares no document here")
    from engine.intake import worker_handlers

    OutboxWorker(rt.db, worker_id="test", kinds=worker_handlers(rt)).run_once()
    case = staff.get(f"/api/v1/applications/{filed['id']}").get_json()
    assert case["documents"], case
    doc = case["documents"][0]
    assert doc["name"]["ja"]
    reply = staff.get(doc["url"])
    assert reply.status_code == 200
    assert reply.mimetype == "application/pdf"
    assert reply.data.startswith(b"%PDF")
