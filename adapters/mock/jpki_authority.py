"""The mock JPKI: a signing CA and an authentication CA for the demo residents' cards.

Certificates and keys are made lazily, on first use, from the card plans in the
population (:mod:`adapters.mock.cards`), and cached; :meth:`MockJpkiAuthority.issue_all`
makes them all at once. The CA keys are derived from the population's seed and today, so
every process of one demo trusts the same roots (a package signed in one process verifies
in another); the card keys are random per instance.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from adapters.jpki_profile import authentication_subject, signing_subject
from adapters.mock.cards import IssuedCertificate
from adapters.mock.dates import add_years
from adapters.mock.pki import CertificateAuthority, Revocation, derived_key, new_key
from adapters.mock.population import Population
from adapters.signatures import CertificateKind

SIGNING_CA_NAME = "JPKI 署名用認証局 (mock)"
AUTHENTICATION_CA_NAME = "JPKI 利用者証明用認証局 (mock)"

Credential = tuple[ec.EllipticCurvePrivateKey, x509.Certificate]
"""A card's private key and its certificate."""


class MockJpkiAuthority:
    """The two mock JPKI CAs and the certificates issued to the population's cards."""

    def __init__(self, population: Population) -> None:
        today = population.today
        self.today = today
        demo = f"{population.seed}/{today.isoformat()}"
        self.signing_ca = CertificateAuthority.create(
            SIGNING_CA_NAME,
            add_years(today, -15),
            add_years(today, 20),
            derived_key(f"{demo}/signing-ca"),
        )
        self.authentication_ca = CertificateAuthority.create(
            AUTHENTICATION_CA_NAME,
            add_years(today, -15),
            add_years(today, 20),
            derived_key(f"{demo}/authentication-ca"),
        )
        self._plans = {
            certificate.serial: certificate
            for card in population.cards
            for certificate in card.certificates
        }
        self._credentials: dict[int, Credential] = {}
        self._crls: dict[CertificateKind, x509.CertificateRevocationList] = {}
        self._lock = threading.Lock()

    def plan(self, serial: int) -> IssuedCertificate:
        """The plan of the certificate with ``serial`` (``KeyError`` when unknown)."""
        return self._plans[serial]

    def credential(self, serial: int) -> Credential:
        """The key and X.509 certificate for ``serial``, made on first use."""
        with self._lock:
            found = self._credentials.get(serial)
            if found is None:
                found = self._make(self._plans[serial])
                self._credentials[serial] = found
            return found

    def _make(self, plan: IssuedCertificate) -> Credential:
        key = new_key()
        signing = plan.kind is CertificateKind.SIGNING
        if signing:
            subject = signing_subject(
                plan.holder_name, plan.holder_address, plan.birth_date, plan.sex
            )
            ca = self.signing_ca
        else:
            subject = authentication_subject(plan.serial)
            ca = self.authentication_ca
        certificate = ca.issue(
            subject, key.public_key(), plan.serial, plan.issued_on, plan.expires_on, signing
        )
        return key, certificate

    def issue_all(self) -> int:
        """Make every planned certificate now; returns how many there are."""
        for serial in self._plans:
            self.credential(serial)
        return len(self._plans)

    def revocation_list(self, kind: CertificateKind) -> x509.CertificateRevocationList:
        """The CRL of the CA for ``kind``, listing every revoked certificate it issued."""
        with self._lock:
            crl = self._crls.get(kind)
            if crl is None:
                ca = self.signing_ca if kind is CertificateKind.SIGNING else self.authentication_ca
                revocations = [
                    Revocation(plan.serial, plan.revoked_on)
                    for plan in self._plans.values()
                    if plan.kind is kind and plan.revoked_on is not None
                ]
                crl = ca.revocation_list(revocations, self.today, self.today + timedelta(days=1))
                self._crls[kind] = crl
            return crl

    def trust_anchor(self, kind: CertificateKind) -> x509.Certificate:
        """The root certificate of the CA for ``kind``."""
        ca = self.signing_ca if kind is CertificateKind.SIGNING else self.authentication_ca
        return ca.certificate
