"""Uploaded files: checked by content, limited in size, stored by sha256, scanned.

A file is accepted only when its first bytes say it is one of the types the field
accepts (the name and the browser's declared type are not trusted), it fits the field's
size limit and the application's total, and the scanner passes it. The content is
stored once under its sha256 (content-addressed: the same file uploaded twice is kept
once), the original name is kept on the attachment row, and the payload refers to the
file as ``{"sha256", "name", "content_type", "size"}``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import Session

from engine.errors import EngineError
from engine.models import Attachment, utcnow
from forms.files import sniff_content_type
from forms.spec import FieldSpec, FormSpec

TYPE_NAMES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/heic": "HEIC",
    "image/heif": "HEIF",
}


class FileRejected(EngineError):
    """An upload was refused; the message says what to send instead."""

    code = "file_rejected"


@dataclass(frozen=True)
class ScanResult:
    """What a scanner concluded about a file."""

    clean: bool
    verdict: str


# A scanner looks at the content and the original name. The embedded default does not
# scan but records that the hook ran; a deployment plugs in its antivirus here.
Scanner = Callable[[bytes, str], ScanResult]


def noop_scanner(_content: bytes, _name: str) -> ScanResult:
    """The embedded default: no antivirus, recorded as such on the attachment."""
    return ScanResult(True, "not-scanned:noop")


@dataclass(frozen=True)
class StoredFile:
    """A stored upload and the reference the payload holds."""

    attachment_id: int
    sha256: str
    name: str
    content_type: str
    size: int

    def reference(self) -> dict[str, Any]:
        """The value that goes into the application's attachment field."""
        return {
            "sha256": self.sha256,
            "name": self.name,
            "content_type": self.content_type,
            "size": self.size,
        }


def _types(accept: tuple[str, ...] | None) -> str:
    return "・".join(TYPE_NAMES.get(t, t) for t in accept or TYPE_NAMES)


def _path(files_dir: Path, sha: str) -> Path:
    return files_dir / sha[:2] / sha[2:4] / sha


def _write_once(files_dir: Path, sha: str, content: bytes) -> None:
    target = _path(files_dir, sha)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target, then rename: a crash never leaves a half file under a hash.
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store_upload(
    session: Session,
    files_dir: Path,
    field: FieldSpec,
    field_path: str,
    name: str,
    content: bytes,
    *,
    already_attached: int = 0,
    max_application_bytes: int = 50 * 2**20,
    scanner: Scanner = noop_scanner,
) -> StoredFile:
    """Check and store one uploaded file for ``field``; raises FileRejected saying why."""
    label = field.label
    size = len(content)
    if size == 0:
        raise FileRejected(
            f"「{label.ja}」のファイルが空です。もう一度選んでください。",
            f"The file for {label.get('en')} is empty. Choose it again.",
        )
    limit = (field.max_size_kb or 10240) * 1024
    if size > limit:
        raise FileRejected(
            f"「{label.ja}」のファイルが大きすぎます（{size / 2**20:.1f}MB）。"
            f"{limit // 2**20 or 1}MB以下にしてください。",
            f"The file for {label.get('en')} is too large ({size / 2**20:.1f} MB). "
            f"The limit is {limit // 2**20 or 1} MB.",
        )
    if already_attached + size > max_application_bytes:
        raise FileRejected(
            f"添付ファイルの合計が{max_application_bytes // 2**20}MBを超えます。"
            "不要なファイルを削除するか、小さくしてください。",
            f"The attachments would exceed {max_application_bytes // 2**20} MB in total. "
            "Remove a file or make it smaller.",
        )
    sniffed = sniff_content_type(content[:64])
    if sniffed is None or (field.accept and sniffed not in field.accept):
        raise FileRejected(
            f"「{label.ja}」には{_types(field.accept)}のファイルを添付してください。"
            f"「{name}」はその形式ではありません。",
            f"Attach a {_types(field.accept)} file for {label.get('en')}; '{name}' is not one.",
        )
    result = scanner(content, name)
    if not result.clean:
        raise FileRejected(
            f"「{name}」は安全でない可能性があるため受け付けられません。",
            f"'{name}' cannot be accepted because it may be unsafe.",
            verdict=result.verdict,
        )
    sha = hashlib.sha256(content).hexdigest()
    _write_once(files_dir, sha, content)
    row = Attachment(
        sha256=sha,
        name=name,
        content_type=sniffed,
        size=size,
        field_path=field_path,
        scanned_at=utcnow(),
        scan_result=result.verdict,
    )
    session.add(row)
    session.flush()
    return StoredFile(row.id or 0, sha, name, sniffed, size)


def read_file(files_dir: Path, sha: str) -> bytes:
    """The content stored under ``sha``, verified against its hash."""
    content = _path(files_dir, sha).read_bytes()
    if hashlib.sha256(content).hexdigest() != sha:
        raise OSError(f"stored file {sha} does not match its hash")
    return content


def attachment_refs(form: FormSpec, data: dict[str, Any]) -> list[str]:
    """The sha256 of every file the payload refers to, in any attachment field."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("sha256"), str) and "content_type" in value:
                found.append(value["sha256"])
            else:
                for v in value.values():
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    if any(f.type == "attachment" for _, f in form.iter_fields()):
        walk(data)
    return found


_ATTACHMENTS = Attachment.__table__  # type: ignore[attr-defined]  # SQLModel sets it
_LINK = (
    update(_ATTACHMENTS)
    .where(
        _ATTACHMENTS.c.sha256.in_(bindparam("shas", expanding=True)),
        _ATTACHMENTS.c.case_id.is_(None),
    )
    .values(case_id=bindparam("case_id"))
)


def link_to_case(session: Session, case_id: str, shas: list[str]) -> int:
    """Attach the not-yet-linked uploads with these hashes to a new case (one statement,
    on the filing's hot path)."""
    if not shas:
        return 0
    result = session.connection().execute(_LINK, {"shas": list(shas), "case_id": case_id})
    return int(result.rowcount or 0)
