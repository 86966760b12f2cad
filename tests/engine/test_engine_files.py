"""Uploads: checked by content, limited, stored once by hash, scanned, linked on filing."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from engine.files import FileRejected, ScanResult, StoredFile, read_file, store_upload
from engine.models import Attachment
from engine.runtime import Runtime
from forms.spec import FieldSpec
from procedures.samples import sample
from tests.engine.conftest import file_sample

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + b"0" * 2000
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 500
EXE = b"MZ\x90\x00" + b"\x00" * 500


def _field(rt: Runtime, path: str = "bank_book_copy") -> FieldSpec:
    return dict(rt.catalog.get("jidou-teate-nintei").form.iter_fields())[path]


def _store(rt: Runtime, name: str, content: bytes, **kw: Any) -> StoredFile:
    with Session(rt.db) as s:
        stored = store_upload(
            s, rt.settings.files_dir, _field(rt), "bank_book_copy", name, content, **kw
        )
        s.commit()
        return stored


def test_pdf_is_stored_by_hash_with_its_name(rt: Runtime) -> None:
    stored = _store(rt, "通帳.pdf", PDF)
    assert stored.content_type == "application/pdf"
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert read_file(rt.settings.files_dir, stored.sha256) == PDF
    with Session(rt.db) as s:
        row = s.exec(select(Attachment)).one()
    assert (row.name, row.scan_result) == ("通帳.pdf", "not-scanned:noop")
    assert row.scanned_at is not None


def test_type_is_judged_by_content_not_by_name(rt: Runtime) -> None:
    with pytest.raises(FileRejected) as exc:
        _store(rt, "通帳.pdf", EXE)
    assert exc.value.ja == (
        "「通帳またはキャッシュカードの写し」にはPDF・JPEG・PNGのファイルを"
        "添付してください。「通帳.pdf」はその形式ではありません。"
    )
    assert _store(rt, "scan.pdf", PNG).content_type == "image/png"  # a PNG misnamed is fine


def test_size_limits_per_field_and_per_application(rt: Runtime) -> None:
    big = b"%PDF-1.4\n" + b"0" * (10 * 2**20)
    with pytest.raises(FileRejected) as exc:
        _store(rt, "big.pdf", big)
    assert "10MB以下にしてください" in exc.value.ja
    with pytest.raises(FileRejected) as total:
        _store(rt, "a.pdf", PDF, already_attached=50 * 2**20 - 100)
    assert "合計が50MBを超えます" in total.value.ja
    with pytest.raises(FileRejected):
        _store(rt, "empty.pdf", b"")


def test_same_content_is_kept_once(rt: Runtime) -> None:
    a = _store(rt, "1.pdf", PDF)
    b = _store(rt, "2.pdf", PDF)
    assert a.sha256 == b.sha256
    assert a.attachment_id != b.attachment_id
    stored = [p for p in Path(rt.settings.files_dir).rglob("*") if p.is_file()]
    assert len(stored) == 1


def test_scanner_verdict_is_enforced(rt: Runtime) -> None:
    def infected(_c: bytes, _n: str) -> ScanResult:
        return ScanResult(False, "EICAR-Test-Signature")

    with pytest.raises(FileRejected) as exc:
        _store(rt, "x.pdf", PDF, scanner=infected)
    assert exc.value.details["verdict"] == "EICAR-Test-Signature"
    assert not any(p.is_file() for p in Path(rt.settings.files_dir).rglob("*"))


def test_tampered_file_is_detected(rt: Runtime) -> None:
    stored = _store(rt, "1.pdf", PDF)
    path = next(p for p in Path(rt.settings.files_dir).rglob(stored.sha256))
    path.write_bytes(PDF + b"x")
    with pytest.raises(OSError, match="does not match its hash"):
        read_file(rt.settings.files_dir, stored.sha256)


def test_filing_links_the_uploads_to_the_case(rt: Runtime) -> None:
    stored = _store(rt, "通帳.pdf", PDF)
    data = sample("jidou-teate-nintei")
    data["bank_book_copy"] = [stored.reference()]
    case = file_sample(rt, data=data)
    with Session(rt.db) as s:
        row = s.exec(select(Attachment)).one()
    assert row.case_id == case.id
