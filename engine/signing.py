"""Who files: the card signature of a filing, its signer, and the applicant's own number.

One set of checks for every way in (the resident screens, Mynaportal intake, the API):

- a filing made with the My Number Card carries a JPKI signature over the canonical JSON
  of the application (:func:`signed_bytes`) and the signing certificate; the configured
  verifier checks signature, chain to the JPKI root, validity, revocation and signer
  (:func:`verify_signer` for a known resident, :func:`identify_signer` to find the
  signer through the certificate's serial number);
- the applicant's own My Number in the application (the field prefilled from
  ``registry.resident.my_number``) must be the filer's (:func:`check_applicant_number`,
  :func:`applicant_number_mismatch`).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from cryptography import x509

from adapters.base import JpkiVerifier, ResidentRegistry
from adapters.records import Resident
from adapters.signatures import Signature, VerificationResult, canonical_bytes
from engine.errors import EngineError
from forms.spec import FormSpec

APPLICANT_NUMBER_SOURCE = "registry.resident.my_number"
"""The prefill source of the field that holds the applicant's own My Number."""


def signed_bytes(data: dict[str, Any]) -> bytes:
    """The bytes a resident signs for ``data`` (the answers exactly as filed)."""
    return canonical_bytes(data)


class SignatureRejected(EngineError):
    """The card signature is missing or did not verify; the message says why and what to do."""

    code = "signature_rejected"


class SignatureRequired(SignatureRejected):
    """The procedure (or the channel) needs a card signature and none was given."""

    code = "signature_required"

    def __init__(self) -> None:
        super().__init__(
            "この手続はマイナンバーカードによる電子署名が必要です。",
            "This procedure needs an electronic signature with your My Number Card.",
        )


class NotTheApplicant(EngineError):
    """The applicant's My Number in the answers is not the filer's."""

    code = "not_the_applicant"


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
    result = verifier.verify(signed_bytes(data), signature, resident_id, at)
    if not result.ok:
        raise _rejected(result)


def require_signature(
    signature: Signature | None,
    verifier: JpkiVerifier | None,
    data: dict[str, Any],
    resident_id: str,
    at: dt.datetime,
) -> None:
    """:func:`verify_signer`, refusing a missing signature (:class:`SignatureRequired`)."""
    if signature is None or verifier is None:
        raise SignatureRequired()
    verify_signer(verifier, data, signature, resident_id, at)


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
    result = verifier.verify(signed_bytes(data), signature, serial, at)
    if not result.ok:
        raise _rejected(result)
    resident = registry.by_certificate_serial(serial)
    if resident is None:
        raise SignatureRejected(
            "署名した電子証明書に対応する住民が見つかりません。",
            "No resident is linked to the signing certificate.",
        )
    if applicant_number_mismatch(form, data, resident.my_number) is not None:
        raise SignatureRejected(
            "申請者の個人番号が、署名した方の個人番号と一致しません。",
            "The applicant's My Number is not the signer's.",
        )
    return resident


def applicant_number_mismatch(form: FormSpec, data: dict[str, Any], my_number: str) -> str | None:
    """The path of the applicant's own My Number field when it holds a number other than
    ``my_number`` (digits compared; a field left out is no mismatch), else None."""
    for path, spec in form.iter_fields():
        if spec.prefill != APPLICANT_NUMBER_SOURCE or "[]" in path:
            continue
        value: Any = data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            continue
        typed = "".join(ch for ch in unicodedata.normalize("NFKC", str(value)) if ch.isdigit())
        if typed != my_number:
            return path
    return None


def check_applicant_number(form: FormSpec, data: dict[str, Any], my_number: str | None) -> None:
    """The applicant's own My Number in the answers must be the filer's (``my_number``, from
    the registry): a resident files for themselves. Raises :class:`NotTheApplicant`."""
    if my_number is None:
        return
    path = applicant_number_mismatch(form, data, my_number)
    if path is not None:
        raise NotTheApplicant(
            "申請者の個人番号が、ログインしている方の個人番号と一致しません。"
            "ご本人の個人番号を入力してください。",
            "The applicant's My Number is not yours. Enter your own My Number.",
            path=path,
        )
