"""A small certification authority made with ``cryptography``: root, leaves, CRL.

Keys are EC P-256. The real JPKI uses RSA-2048; EC is a deliberate speed choice so that
certificates for a thousand demo residents are made in well under a second. The verifier
(:mod:`adapters.jpki_verify`) accepts both key types.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from adapters.jpki_profile import JST


def start_of_day(day: date) -> datetime:
    """00:00:00 JST on ``day``."""
    return datetime.combine(day, time(0, 0, 0), JST)


def end_of_day(day: date) -> datetime:
    """23:59:59 JST on ``day``: a certificate is valid through its last day."""
    return datetime.combine(day, time(23, 59, 59), JST)


def new_key() -> ec.EllipticCurvePrivateKey:
    """A fresh EC P-256 private key."""
    return ec.generate_private_key(ec.SECP256R1())


# The order of the P-256 group: private scalars lie in [1, order - 1].
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def derived_key(label: str) -> ec.EllipticCurvePrivateKey:
    """An EC P-256 key derived from ``label``: the same label gives the same key.

    For the mock CAs only, so that every process of one demo (web, worker, mock
    services, the filing simulator) trusts the same roots. Never for a real key.
    """
    digest = hashlib.sha512(f"madoguchi-mock-pki\x00{label}".encode()).digest()
    return ec.derive_private_key(int.from_bytes(digest) % (_P256_ORDER - 1) + 1, ec.SECP256R1())


@dataclass(frozen=True)
class Revocation:
    """A revoked serial and the day it was revoked."""

    serial: int
    revoked_on: date


class CertificateAuthority:
    """A self-signed root CA that issues end-entity certificates and signs CRLs."""

    def __init__(self, key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate) -> None:
        self.key = key
        self.certificate = certificate

    @classmethod
    def create(
        cls,
        common_name: str,
        valid_from: date,
        valid_until: date,
        key: ec.EllipticCurvePrivateKey | None = None,
    ) -> CertificateAuthority:
        """A new root CA named ``common_name``, valid over the given days (a fresh key
        unless ``key`` is given)."""
        key = new_key() if key is None else key
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Madoguchi demo JPKI"),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ]
        )
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start_of_day(valid_from))
            .not_valid_after(end_of_day(valid_until))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256())
        )
        return cls(key, certificate)

    def issue(
        self,
        subject: x509.Name,
        public_key: ec.EllipticCurvePublicKey,
        serial: int,
        valid_from: date,
        valid_until: date,
        signing: bool,
    ) -> x509.Certificate:
        """An end-entity certificate; ``signing`` asserts non-repudiation (signing cert)."""
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.certificate.subject)
            .public_key(public_key)
            .serial_number(serial)
            .not_valid_before(start_of_day(valid_from))
            .not_valid_after(end_of_day(valid_until))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=signing,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), False
            )
            .sign(self.key, hashes.SHA256())
        )

    def revocation_list(
        self, revocations: Iterable[Revocation], issued_on: date, next_update: date
    ) -> x509.CertificateRevocationList:
        """A CRL of ``revocations`` (reason: superseded), signed by this CA."""
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(start_of_day(issued_on))
            .next_update(start_of_day(next_update))
        )
        for revocation in revocations:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(revocation.serial)
                .revocation_date(start_of_day(revocation.revoked_on))
                .add_extension(x509.CRLReason(x509.ReasonFlags.superseded), critical=False)
                .build()
            )
        return builder.sign(self.key, hashes.SHA256())
