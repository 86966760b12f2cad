"""Recognising uploaded files by their first bytes."""

from __future__ import annotations

import pytest

from forms.files import content_type_matches, kind_names, sniff_content_type


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = b"ftyp" + major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return (len(body) + 4).to_bytes(4, "big") + body + b"\x00" * 8


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
        (ftyp(b"heic", b"mif1", b"heic"), "image/heic"),
        (ftyp(b"mif1", b"mif1", b"heic"), "image/heic"),
        (ftyp(b"mif1", b"mif1"), "image/heif"),
        (ftyp(b"avif", b"mif1", b"avif"), None),
        (ftyp(b"isom", b"mp41"), None),
        (b"GIF89a\x01\x00\x01\x00", None),
        (b"PK\x03\x04", None),
        (b"", None),
    ],
)
def test_sniff_content_type(head: bytes, kind: str | None) -> None:
    assert sniff_content_type(head) == kind


def test_content_type_matches() -> None:
    assert content_type_matches("image/JPEG", ("image/jpeg",))
    assert content_type_matches("image/jpg", ("image/jpeg",))
    assert content_type_matches("image/png", ("image/*",))
    assert not content_type_matches("application/pdf", ("image/*",))


def test_kind_names() -> None:
    assert kind_names(("application/pdf", "image/jpeg", "image/jpg")) == "PDF、JPEG"
