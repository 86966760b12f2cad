"""Where the mock JPKI certificates keep the holder's basic four items (基本4情報).

The signing certificate (署名用電子証明書) names its holder; the authentication
certificate (利用者証明用電子証明書) does not. In the mock certificates the items sit in
the subject name:

========== ============================================= ===================================
item       attribute                                      value
========== ============================================= ===================================
name       commonName (2.5.4.3)                            ``山田　花子`` as registered
address    streetAddress (2.5.4.9)                         the whole address on one line
birth date :data:`BIRTH_DATE_OID`                          ``1945-01-02``, ``1945-01``, ``1945``
sex        :data:`SEX_OID`                                 ISO/IEC 5218: ``1`` male, ``2`` female
========== ============================================= ===================================

The real JPKI certificates carry these items in their own extension format; the mock uses
a private arc under ``2.25`` (UUID-based, ITU-T X.667) so no one else's object identifier
is misused. A birth date recorded as wholly unknown is left out.

The kind of certificate is told by its key usage: a signing certificate asserts
non-repudiation (contentCommitment), an authentication certificate does not.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta, timezone

from cryptography import x509
from cryptography.x509.oid import NameOID, ObjectIdentifier

from adapters.partial_date import PartialDate
from adapters.records import Sex
from adapters.signatures import CertificateInfo, CertificateKind

JST = timezone(timedelta(hours=9), "JST")
"""Japan Standard Time, in which certificate validity dates are counted."""

_ARC = "2.25.323174796134649593278698164574986422976"
BIRTH_DATE_OID = ObjectIdentifier(f"{_ARC}.1")
"""Holder's birth date in the mock signing certificate (:meth:`PartialDate.iso` form)."""
SEX_OID = ObjectIdentifier(f"{_ARC}.2")
"""Holder's sex in the mock signing certificate (ISO/IEC 5218 digit)."""

_SEX_BY_CODE = {sex.iso5218: sex for sex in Sex}


def signing_subject(name: str, address: str, birth_date: PartialDate, sex: Sex) -> x509.Name:
    """The subject of a signing certificate carrying the basic four items."""
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
        x509.NameAttribute(NameOID.COMMON_NAME, name),
        x509.NameAttribute(NameOID.STREET_ADDRESS, address),
    ]
    if birth_date.year is not None:
        attributes.append(x509.NameAttribute(BIRTH_DATE_OID, birth_date.iso()))
    attributes.append(x509.NameAttribute(SEX_OID, sex.iso5218))
    return x509.Name(attributes)


def authentication_subject(serial: int) -> x509.Name:
    """The subject of an authentication certificate: no personal data, only its serial."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{serial:X}"),
        ]
    )


def _text(name: x509.Name, oid: ObjectIdentifier) -> str | None:
    found = name.get_attributes_for_oid(oid)
    if not found:
        return None
    value = found[0].value
    return value if isinstance(value, str) else value.decode("utf-8")


def certificate_kind(certificate: x509.Certificate) -> CertificateKind:
    """Signing when the certificate asserts non-repudiation, else authentication."""
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return CertificateKind.AUTHENTICATION
    return CertificateKind.SIGNING if usage.content_commitment else CertificateKind.AUTHENTICATION


def describe_certificate(certificate: x509.Certificate) -> CertificateInfo:
    """What ``certificate`` says about its holder, read back from the subject."""
    kind = certificate_kind(certificate)
    info = CertificateInfo(
        serial=certificate.serial_number,
        kind=kind,
        issuer=certificate.issuer.rfc4514_string(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )
    if kind is not CertificateKind.SIGNING:
        return info
    subject = certificate.subject
    birth = _text(subject, BIRTH_DATE_OID)
    sex = _text(subject, SEX_OID)
    return replace(
        info,
        name=_text(subject, NameOID.COMMON_NAME),
        address=_text(subject, NameOID.STREET_ADDRESS),
        birth_date=PartialDate() if birth is None else PartialDate.parse(birth),
        sex=None if sex is None else _SEX_BY_CODE.get(sex),
    )


def read_certificate(pem: str) -> CertificateInfo:
    """Parse a PEM certificate and describe it (``ValueError`` when it is not one)."""
    return describe_certificate(x509.load_pem_x509_certificate(pem.encode("ascii")))
