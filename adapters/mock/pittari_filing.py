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
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import ValidationError

from adapters.errors import NoCardError, PartnerUnavailableError
from adapters.exchange import Attachment
from adapters.mock.kunitachi import LG_CODE
from adapters.mock.personas import Persona
from adapters.mock.pittari import MockPittari
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

if TYPE_CHECKING:
    # Only a type here: the world builds the OSS mock, which renders with this module.
    from adapters.mock.world import DemoWorld


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


@dataclass(frozen=True)
class SignedFiling:
    """What the resident's device sends to Mynaportal: the filled form, signed.

    Mynaportal itself gives the filing its application id and time and renders the form
    (:func:`store_filing`), so a filing made in one process (the ``madoguchi pittari
    submit`` simulator) can be stored by the HTTP mock in another (``POST /v1/filings``).
    """

    procedure_code: str
    lg_code: str
    form_data: Mapping[str, object]
    attachments: tuple[PackageAttachment, ...]
    signature: PackageSignature
    signer_serial: str

    def to_json(self) -> dict[str, object]:
        """The filing as a JSON object (the body of ``POST /v1/filings``)."""
        return {
            "procedure_code": self.procedure_code,
            "lg_code": self.lg_code,
            "form_data": dict(self.form_data),
            "attachments": [a.model_dump(mode="json") for a in self.attachments],
            "signature": self.signature.model_dump(mode="json"),
            "signer_serial": self.signer_serial,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> SignedFiling:
        """A filing from :meth:`to_json`; ``ValueError`` naming what is wrong."""
        try:
            attachments = data.get("attachments", [])
            form_data = data["form_data"]
            if not isinstance(attachments, list) or not isinstance(form_data, dict):
                raise ValueError("form_data must be an object and attachments a list")
            return cls(
                procedure_code=str(data["procedure_code"]),
                lg_code=str(data["lg_code"]),
                form_data=form_data,
                attachments=tuple(PackageAttachment.model_validate(a) for a in attachments),
                signature=PackageSignature.model_validate(data["signature"]),
                signer_serial=str(data["signer_serial"]),
            )
        except KeyError as missing:
            raise ValueError(f"the filing lacks {missing.args[0]}") from None
        except ValidationError as error:
            raise ValueError(f"the filing is malformed: {error}") from None


def sign_filing(
    world: DemoWorld,
    procedure_code: str,
    applicant: Persona | Resident,
    form_data: Mapping[str, object],
    attachments: Sequence[Attachment] = (),
    *,
    signing_password: str | None = None,
    lg_code: str = LG_CODE,
) -> SignedFiling:
    """Fill and sign a filing with the applicant's card, as on the resident's device.

    Raises ``NoCardError``, ``WrongPinError`` or ``PinLockedError`` from the card reader.
    """
    resident_number, known_password = _signer(world, applicant)
    password = signing_password if signing_password is not None else known_password
    if password is None:
        raise NoCardError(f"resident {resident_number}'s card has no signing certificate")
    data = dict(form_data)
    signature = world.card_reader.sign(resident_number, canonical_bytes(data), password)
    signature_part, serial = package_signature(signature)
    return SignedFiling(
        procedure_code=procedure_code,
        lg_code=lg_code,
        form_data=data,
        attachments=tuple(package_attachment(a) for a in attachments),
        signature=signature_part,
        signer_serial=serial,
    )


def store_filing(
    pittari: MockPittari, filing: SignedFiling, submitted_at: datetime | None = None
) -> str:
    """Mynaportal's side of a filing: id, time and rendering; stores the package.

    Returns the application id; raises :class:`adapters.errors.PackageFormatError` when
    the package would be invalid (e.g. a malformed procedure code).
    """
    at = pittari.now() if submitted_at is None else submitted_at
    data = dict(filing.form_data)
    raw = {
        "format": PACKAGE_FORMAT,
        "application_id": pittari.new_application_id(at),
        "procedure_code": filing.procedure_code,
        "lg_code": filing.lg_code,
        "submitted_at": at,
        "form_data": data,
        "rendering": Rendering(
            content_type="text/html",
            content_base64=_b64(render_html(filing.procedure_code, data, at)),
        ),
        "attachments": filing.attachments,
        "signature": filing.signature,
        "signer_serial": filing.signer_serial,
    }
    return pittari.submit(parse_package(raw))


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
    filing = sign_filing(
        world,
        procedure_code,
        applicant,
        form_data,
        attachments,
        signing_password=signing_password,
        lg_code=lg_code,
    )
    return store_filing(world.pittari, filing, submitted_at)


def submit_over_http(base_url: str, filing: SignedFiling, timeout: float = 10.0) -> str:
    """File ``filing`` on the HTTP Pittari mock at ``base_url``; returns the application id.

    The resident's side of Mynaportal, for the ``madoguchi pittari submit`` simulator when
    the municipality pulls over HTTP. Raises
    :class:`adapters.errors.PartnerUnavailableError` when the mock is unreachable and
    ``ValueError`` (with the mock's message) when it refuses the filing.
    """
    try:
        reply = httpx.post(
            f"{base_url.rstrip('/')}/v1/filings", json=filing.to_json(), timeout=timeout
        )
    except httpx.HTTPError as error:
        raise PartnerUnavailableError(f"pittari: filing: {error}") from error
    if reply.status_code != 201:
        raise ValueError(f"Pittari mock refused the filing ({reply.status_code}): {reply.text}")
    application_id = reply.json().get("application_id")
    if not isinstance(application_id, str):
        raise ValueError(f"Pittari mock answered no application_id: {reply.text[:80]}")
    return application_id
