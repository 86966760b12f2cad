"""Files uploaded through the API, owned by the subject who sent them.

The file itself is stored by :func:`engine.files.store_upload` (the screens' checks); the
row here says who uploaded it for which field of which procedure, so a filing can attach
only its sender's own uploads (:func:`owned_uploads`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Index, bindparam, or_, select
from sqlmodel import Field, Session, SQLModel

from engine.api_clients import Subject, utcnow

UPLOAD_PREFIX = "upl_"


class ApiUpload(SQLModel, table=True):
    """A file uploaded through the API for a field of a procedure, owned by its sender."""

    __tablename__ = "api_uploads"
    __table_args__ = (Index("ix_api_uploads_owner", "owner", "sha256"),)

    id: str = Field(primary_key=True, max_length=40)
    attachment_id: int = Field(foreign_key="attachments.id")
    owner: str = Field(max_length=200)
    procedure_id: str = Field(max_length=80)
    field_path: str = Field(max_length=200)
    sha256: str = Field(max_length=64)
    name: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int
    created_at: dt.datetime = Field(default_factory=utcnow)


def record_upload(
    session: Session,
    owner: Subject,
    attachment_id: int,
    *,
    procedure_id: str,
    field_path: str,
    sha256: str,
    name: str,
    content_type: str,
    size: int,
    now: dt.datetime | None = None,
) -> ApiUpload:
    """Note that ``owner`` uploaded this stored file for a field of a procedure."""
    row = ApiUpload(
        id=UPLOAD_PREFIX + secrets.token_hex(16),
        attachment_id=attachment_id,
        owner=owner.owner,
        procedure_id=procedure_id,
        field_path=field_path,
        sha256=sha256,
        name=name,
        content_type=content_type,
        size=size,
        created_at=now or utcnow(),
    )
    session.add(row)
    session.flush()
    return row


UPLOADS = ApiUpload.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models


@dataclass(frozen=True)
class OwnedUpload:
    """An upload of the subject filing, as a filing needs it."""

    id: str
    procedure_id: str
    field_path: str
    sha256: str
    name: str
    content_type: str
    size: int

    def reference(self) -> dict[str, Any]:
        """The value an attachment field holds for this file."""
        return {
            "sha256": self.sha256,
            "name": self.name,
            "content_type": self.content_type,
            "size": self.size,
        }


_OWNED = select(
    *(
        UPLOADS.c[n]
        for n in ("id", "procedure_id", "field_path", "sha256", "name", "content_type", "size")
    )
).where(
    UPLOADS.c.owner == bindparam("owner"),
    or_(
        UPLOADS.c.id.in_(bindparam("ids", expanding=True)),
        UPLOADS.c.sha256.in_(bindparam("shas", expanding=True)),
    ),
)


def owned_uploads(
    session: Session, owner: Subject, ids: Iterable[str], shas: Iterable[str]
) -> list[OwnedUpload]:
    """The owner's uploads with one of ``ids`` or one of ``shas`` (others' are not found)."""
    params = {
        "owner": owner.owner,
        "ids": list(dict.fromkeys(ids)),
        "shas": list(dict.fromkeys(shas)),
    }
    if not params["ids"] and not params["shas"]:
        return []
    rows = session.connection().execute(_OWNED, params).mappings()
    return [OwnedUpload(**row) for row in rows]
