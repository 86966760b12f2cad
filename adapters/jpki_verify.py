"""Verification of JPKI signatures: real code, trusting whatever root it is given.

The same verifier serves the mock PKI and, pointed at the real JPKI root and revocation
list, production: only the trust anchor, the CRL source and the serial-number link are
injected. Checks run in a fixed order and stop at the first failure (see
:class:`adapters.base.JpkiVerifier`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from adapters.errors import RevocationCheckError
from adapters.jpki_profile import describe_certificate
from adapters.signatures import CertificateInfo, FailedCheck, Signature, VerificationResult

CrlSource = Callable[[], x509.CertificateRevocationList]
"""Returns the current revocation list of the signing CA."""

SerialResolver = Callable[[int], str | None]
"""Maps a certificate serial to the resident number it is linked to (シリアル番号の紐付)."""

_MESSAGES: dict[FailedCheck | None, tuple[str, str]] = {
    None: ("電子署名を確認しました。", "The signature is valid."),
    FailedCheck.SIGNATURE: (
        "電子署名を検証できません。申請データが署名後に変更された可能性があります。",
        "The signature does not verify over the submitted data; it may have been altered"
        " after signing.",
    ),
    FailedCheck.CHAIN: (
        "署名用電子証明書が公的個人認証サービスの認証局から発行されたものと確認できません。",
        "The signing certificate was not issued by the JPKI certification authority.",
    ),
    FailedCheck.NOT_YET_VALID: (
        "署名用電子証明書の有効期間がまだ始まっていません。",
        "The signing certificate is not valid yet.",
    ),
    FailedCheck.EXPIRED: (
        "署名用電子証明書の有効期限が切れています。",
        "The signing certificate has expired.",
    ),
    FailedCheck.REVOKED: (
        "署名用電子証明書は失効しています（住所や氏名の変更などによるもの）。"
        "市区町村の窓口で再発行を受けてから申請し直してください。",
        "The signing certificate has been revoked (for example after a change of address or"
        " name); it must be reissued at the municipal office before signing again.",
    ),
    FailedCheck.NOT_APPLICANT: (
        "電子署名をした人が申請者本人と一致しません。",
        "The signer is not the applicant.",
    ),
}


def _result(
    failed: FailedCheck | None, certificate: CertificateInfo | None = None
) -> VerificationResult:
    message_ja, message_en = _MESSAGES[failed]
    return VerificationResult(
        ok=failed is None,
        failed_check=failed,
        message_ja=message_ja,
        message_en=message_en,
        certificate=certificate,
    )


def _signature_verifies(certificate: x509.Certificate, payload: bytes, value: bytes) -> bool:
    """True when ``value`` is the certificate key's signature over ``payload``.

    RSA keys (as on real cards) use PKCS#1 v1.5 with SHA-256; EC keys (the mock) use ECDSA
    with SHA-256. Other key types are not JPKI keys and never verify.
    """
    key = certificate.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(value, payload, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(value, payload, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except InvalidSignature:
        return False
    return True


class SignatureVerifier:
    """A :class:`adapters.base.JpkiVerifier` for one signing CA.

    ``trust_anchor`` is the JPKI signing CA's root certificate, ``crl_source`` gives its
    current revocation list, ``resolve_serial`` links serials to resident numbers.
    """

    def __init__(
        self,
        trust_anchor: x509.Certificate,
        crl_source: CrlSource,
        resolve_serial: SerialResolver,
    ) -> None:
        self._anchor = trust_anchor
        self._crl_source = crl_source
        self._resolve_serial = resolve_serial
        # Checking a signature of the anchor costs as much as checking the filing's own;
        # a certificate or a revocation list checked once need not be checked again.
        self._issued: set[bytes] = set()
        self._crl_checked: x509.CertificateRevocationList | None = None

    def verify(
        self,
        payload: bytes,
        signature: Signature,
        expected_signer: str | int,
        at: datetime,
    ) -> VerificationResult:
        """Check ``signature`` over ``payload`` as of ``at``; see the interface for the order.

        Raises ``ValueError`` for a naive ``at`` and ``RevocationCheckError`` when the
        revocation list is not signed by the trust anchor.
        """
        if at.tzinfo is None:
            raise ValueError("verification time must be timezone-aware")
        try:
            certificate = x509.load_pem_x509_certificate(signature.certificate_pem.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            return _result(FailedCheck.SIGNATURE)
        info = describe_certificate(certificate)
        if not _signature_verifies(certificate, payload, signature.value):
            return _result(FailedCheck.SIGNATURE, info)
        if not self._issued_by_anchor(certificate):
            return _result(FailedCheck.CHAIN, info)
        if at < certificate.not_valid_before_utc:
            return _result(FailedCheck.NOT_YET_VALID, info)
        if at > certificate.not_valid_after_utc:
            return _result(FailedCheck.EXPIRED, info)
        if self._revoked(certificate.serial_number, at):
            return _result(FailedCheck.REVOKED, info)
        if not self._is_expected_signer(certificate.serial_number, expected_signer):
            return _result(FailedCheck.NOT_APPLICANT, info)
        return _result(None, info)

    def _issued_by_anchor(self, certificate: x509.Certificate) -> bool:
        fingerprint = certificate.fingerprint(hashes.SHA256())
        if fingerprint in self._issued:
            return True
        try:
            certificate.verify_directly_issued_by(self._anchor)
        except (ValueError, TypeError, InvalidSignature):
            return False
        if len(self._issued) > 100_000:
            self._issued.clear()
        self._issued.add(fingerprint)
        return True

    def _revoked(self, serial: int, at: datetime) -> bool:
        crl = self._crl_source()
        anchor_key = self._anchor.public_key()
        if not isinstance(anchor_key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
            raise RevocationCheckError("the trust anchor's key cannot sign revocation lists")
        if crl is not self._crl_checked:
            if crl.issuer != self._anchor.subject or not crl.is_signature_valid(anchor_key):
                raise RevocationCheckError("the revocation list is not signed by the JPKI CA")
            self._crl_checked = crl
        entry = crl.get_revoked_certificate_by_serial_number(serial)
        return entry is not None and entry.revocation_date_utc <= at

    def _is_expected_signer(self, serial: int, expected: str | int) -> bool:
        if isinstance(expected, int):
            return serial == expected
        return self._resolve_serial(serial) == expected
