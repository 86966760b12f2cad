"""Recognising uploaded files by their first bytes, and naming their kinds for residents.

The upload code stores a file, sniffs its real type with :func:`sniff_content_type` and
hands the form an attachment reference; the attachment field type then checks the
reference against what the field accepts.
"""

from __future__ import annotations

# HEIF brands (ISO/IEC 23008-12): image sequences and HEVC-coded images are HEIC.
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"})
_HEIF_BRANDS = frozenset({b"mif1", b"msf1", b"heif"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})

KIND_NAMES: dict[str, str] = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/heic": "HEIC",
    "image/heif": "HEIF",
}
_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "image/x-png": "image/png"}


def sniff_content_type(head: bytes) -> str | None:
    """The MIME type of a file from its first bytes (16 or more), for PDF, JPEG, PNG, HEIC/HEIF.

    Returns None for anything else: the caller refuses what it cannot recognise rather
    than trusting the name or the type the browser declared.
    """
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        # An ISO base media file: the major brand, then (after a version) compatible brands.
        box_size = int.from_bytes(head[0:4], "big")
        end = min(box_size, len(head)) if box_size >= 16 else 12
        brands = {head[8:12]} | {head[i : i + 4] for i in range(16, end - 3, 4)}
        if brands & _HEIC_BRANDS:
            return "image/heic"
        if brands & _AVIF_BRANDS:
            return None
        if brands & _HEIF_BRANDS:
            return "image/heif"
    return None


def normalise_content_type(content_type: str) -> str:
    """A MIME type lower-cased, without parameters, common aliases resolved."""
    base = content_type.split(";", 1)[0].strip().lower()
    return _ALIASES.get(base, base)


def content_type_matches(content_type: str, accept: tuple[str, ...]) -> bool:
    """Whether ``content_type`` is one of ``accept`` (which may hold ``image/*``)."""
    kind = normalise_content_type(content_type)
    for pattern in accept:
        wanted = normalise_content_type(pattern)
        if wanted == kind or (wanted.endswith("/*") and kind.startswith(wanted[:-1])):
            return True
    return False


def kind_names(accept: tuple[str, ...]) -> str:
    """The accepted kinds as residents know them: ``PDF、JPEG``."""
    names: list[str] = []
    for pattern in accept:
        kind = normalise_content_type(pattern)
        name = "画像" if kind == "image/*" else KIND_NAMES.get(kind, kind)
        if name not in names:
            names.append(name)
    return "、".join(names)
