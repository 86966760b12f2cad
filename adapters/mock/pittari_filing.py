"""The resident's side of the Pittari mock: filing an application as on Mynaportal.

:func:`file_application` does what a resident does on ぴったりサービス: fill the form,
attach files, sign with the My Number Card (a real signature made by the mock card
reader over ``canonical_bytes(form_data)`` with the signing password), and submit. The
package is validated and stored in ``world.pittari``, ready to be pulled.

The rendering is a small HTML page listing the form data (the real service renders the
standard form as PDF; HTML keeps the mock light and is allowed by the format).
Mynaportal does not check revocation at filing time in the mock, so a resident whose
signing certificate is revoked (the ``recently_moved`` persona) can still file: the
municipality's verification must catch it.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Mapping, Sequence
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from adapters.errors import NoCardError
from adapters.exchange import Attachment
from adapters.mock.kunitachi import LG_CODE
from adapters.mock.personas import Persona
from adapters.mock.world import DemoWorld
from adapters.pittari_package import (
    ECDSA_SHA256,
    PACKAGE_FORMAT,
    RSA_SHA256,
    PackageAttachment,
    PackageSignature,
    Rendering,
    parse_package,
)
from adapters.records import Resident
from adapters.signatures import Signature, canonical_bytes


def _b64(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


def _rows(value: object, label: str) -> list[tuple[str, str]]:
    """Flatten form data into (label, text) rows: ``children[0].name``."""
    if isinstance(value, Mapping):
        rows: list[tuple[str, str]] = []
        for key, item in value.items():
            rows += _rows(item, f"{label}.{key}" if label else str(key))
        return rows
    if isinstance(value, list):
        return [row for index, item in enumerate(value) for row in _rows(item, f"{label}[{index}]")]
    if value is None:
        return [(label, "")]
    if isinstance(value, bool):
        return [(label, "はい" if value else "いいえ")]
    return [(label, str(value))]


def render_html(procedure_code: str, form_data: Mapping[str, object], at: datetime) -> bytes:
    """A small HTML rendering of the filled form (UTF-8), every value escaped."""
    rows = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(text)}</td></tr>"
        for label, text in _rows(form_data, "")
    )
    page = (
        '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">'
        f"<title>申請内容 {html.escape(procedure_code)}</title></head><body>"
        f"<h1>申請内容</h1><p>手続: {html.escape(procedure_code)}</p>"
        f"<p>申請日時: {html.escape(at.isoformat())}</p>"
        f"<table>{rows}</table></body></html>"
    )
    return page.encode("utf-8")


def package_attachment(attachment: Attachment) -> PackageAttachment:
    """An attachment as the package carries it (size and SHA-256 computed)."""
    return PackageAttachment(
        name=attachment.filename,
        content_type=attachment.media_type,
        size=len(attachment.content),
        sha256=hashlib.sha256(attachment.content).hexdigest(),
        content_base64=_b64(attachment.content),
    )


def package_signature(signature: Signature) -> tuple[PackageSignature, str]:
    """The package's signature part and the signer's serial (decimal)."""
    certificate = x509.load_pem_x509_certificate(signature.certificate_pem.encode("ascii"))
    key = certificate.public_key()
    algorithm = ECDSA_SHA256 if isinstance(key, ec.EllipticCurvePublicKey) else RSA_SHA256
    part = PackageSignature(
        algorithm=algorithm,
        value=_b64(signature.value),
        certificate_pem=signature.certificate_pem,
    )
    return part, str(certificate.serial_number)


def _signer(world: DemoWorld, applicant: Persona | Resident) -> tuple[str, str | None]:
    """The applicant's resident number and the signing password they know."""
    if isinstance(applicant, Persona):
        return applicant.resident_number, applicant.signing_password
    card = world.population.card(applicant.resident_number)
    return applicant.resident_number, None if card is None else card.signing_password


def file_application(
    world: DemoWorld,
    procedure_code: str,
    applicant: Persona | Resident,
    form_data: Mapping[str, object],
    attachments: Sequence[Attachment] = (),
    *,
    signing_password: str | None = None,
    lg_code: str = LG_CODE,
    submitted_at: datetime | None = None,
) -> str:
    """File an application on the mock Mynaportal; returns its application id.

    ``applicant`` is a persona (its main person signs with the documented password) or
    any resident with a card; ``signing_password`` overrides the password they know (to
    show a wrong entry). Raises ``NoCardError``, ``WrongPinError`` or ``PinLockedError``
    from the card reader and :class:`adapters.errors.PackageFormatError` when the package
    would be invalid (e.g. a malformed procedure code).
    """
    resident_number, known_password = _signer(world, applicant)
    password = signing_password if signing_password is not None else known_password
    if password is None:
        raise NoCardError(f"resident {resident_number}'s card has no signing certificate")
    data = dict(form_data)
    signature = world.card_reader.sign(resident_number, canonical_bytes(data), password)
    signature_part, serial = package_signature(signature)
    pittari = world.pittari
    at = pittari.now() if submitted_at is None else submitted_at
    raw = {
        "format": PACKAGE_FORMAT,
        "application_id": pittari.new_application_id(at),
        "procedure_code": procedure_code,
        "lg_code": lg_code,
        "submitted_at": at,
        "form_data": data,
        "rendering": Rendering(
            content_type="text/html",
            content_base64=_b64(render_html(procedure_code, data, at)),
        ),
        "attachments": tuple(package_attachment(a) for a in attachments),
        "signature": signature_part,
        "signer_serial": serial,
    }
    return pittari.submit(parse_package(raw))
