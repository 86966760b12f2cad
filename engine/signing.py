"""Checking the card signature of a filing, and finding who signed it.

A filing made with the My Number Card carries a JPKI signature over the canonical JSON of
the application (:func:`adapters.signatures.canonical_bytes`) and the signing
certificate. The checks are the configured verifier's (signature, chain to the JPKI root,
validity, revocation, signer), then, for a signer found through the certificate's serial
number, that the applicant's own My Number in the application is the signer's, as intake
from Mynaportal checks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cryptography import x509

from adapters.base import JpkiVerifier, ResidentRegistry
from adapters.records import Resident
from adapters.signatures import Signature, VerificationResult, canonical_bytes
from engine.errors import EngineError
from forms.spec import FormSpec

OWN_MY_NUMBER = "registry.resident.my_number"
"""The prefill source of the field that holds the applicant's own My Number."""


class SignatureRejected(EngineError):
    """The card signature is missing or did not verify; the message says why and what to do."""

    code = "signature_rejected"


class SignatureRequired(SignatureRejected):
    """The procedure (or the channel) needs a card signature and none was given."""

    code = "signature_required"

    def __init__(self) -> None:
        super().__init__(
            "この手続はマイナンバーカードによる電子署名が必要です。",
            "This procedure needs an electronic signature with the My Number Card.",
        )


def _rejected(result: VerificationResult) -> SignatureRejected:
    return SignatureRejected(
        f"電子署名を確認できませんでした（{result.message_ja}）。"
        "署名用電子証明書が失効・期限切れの場合は、市役所の窓口で再発行を受けてください。",
        f"The electronic signature could not be verified ({result.message_en}). "
        "If the signing certificate was revoked or has expired, have it reissued at the "
        "city hall.",
        failed=str(result.failed_check) if result.failed_check else None,
    )


def verify_signer(
    verifier: JpkiVerifier,
    data: dict[str, Any],
    signature: Signature,
    resident_id: str,
    at: dt.datetime,
) -> None:
    """Check the signature over ``data`` and that the signer is ``resident_id``."""
    result = verifier.verify(canonical_bytes(data), signature, resident_id, at)
    if not result.ok:
        raise _rejected(result)


def identify_signer(
    verifier: JpkiVerifier,
    registry: ResidentRegistry,
    form: FormSpec,
    data: dict[str, Any],
    signature: Signature,
    at: dt.datetime,
) -> Resident:
    """Check the signature over ``data`` and return the resident who signed it.

    The signer is the resident the certificate's serial number is linked to in the
    registry; the application's own My Number (the field prefilled from
    ``registry.resident.my_number``) must be theirs.
    """
    try:
        serial = x509.load_pem_x509_certificate(
            signature.certificate_pem.encode("ascii")
        ).serial_number
    except (ValueError, UnicodeEncodeError):
        raise SignatureRejected(
            "署名用電子証明書を読み取れません。", "The signing certificate cannot be read."
        ) from None
    result = verifier.verify(canonical_bytes(data), signature, serial, at)
    if not result.ok:
        raise _rejected(result)
    resident = registry.by_certificate_serial(serial)
    if resident is None:
        raise SignatureRejected(
            "署名した電子証明書に対応する住民が見つかりません。",
            "No resident is linked to the signing certificate.",
        )
    if not signer_is_applicant(form, data, resident.my_number):
        raise SignatureRejected(
            "申請者の個人番号が、署名した方の個人番号と一致しません。",
            "The applicant's My Number is not the signer's.",
        )
    return resident


def signer_is_applicant(form: FormSpec, data: dict[str, Any], my_number: str) -> bool:
    """Whether the application's own My Number (where the form has one) is ``my_number``."""
    for path, spec in form.iter_fields():
        if spec.prefill == OWN_MY_NUMBER and "[]" not in path:
            value: Any = data
            for part in path.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if value is not None and str(value).replace("-", "").strip() != my_number:
                return False
    return True
