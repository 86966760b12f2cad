"""The demo residents' My Number Cards: which certificates each card holds, and its PINs.

This is the plan of the mock PKI: serial numbers, issue and expiry dates, revocations and
the holder data each certificate carries. The X.509 certificates and keys themselves are
made from it lazily by :mod:`adapters.mock.jpki_authority`.

Rules followed (公的個人認証法): both certificates expire on the fifth birthday after issue
(for a birth date recorded only in part, five years after issue, since the birthday is
not known), and for a foreign resident with a limited stay no later than the end of the
stay. A signing certificate is issued only to holders aged 15 or over. Moving or a change
of name revokes the signing certificate; the authentication certificate carries no
address and stays valid.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from adapters.mock.dates import add_years, nth_birthday_after, random_day_between
from adapters.partial_date import PartialDate
from adapters.records import Resident, Sex
from adapters.signatures import CertificateKind

_UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def is_valid_signing_password(value: str) -> bool:
    """JPKI signing password rule: 6-16 upper-case ASCII letters and digits, both present."""
    return (
        6 <= len(value) <= 16
        and all(c in _UPPER_ALNUM for c in value)
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
    )


def is_valid_auth_pin(value: str) -> bool:
    """Authentication PIN rule: exactly 4 ASCII digits."""
    return len(value) == 4 and value.isascii() and value.isdigit()


@dataclass(frozen=True)
class IssuedCertificate:
    """One certificate issued to a card, with the holder data written into it at issue."""

    serial: int
    kind: CertificateKind
    resident_number: str
    issued_on: date
    expires_on: date
    revoked_on: date | None
    holder_name: str
    holder_address: str
    birth_date: PartialDate
    sex: Sex


@dataclass(frozen=True)
class DemoCard:
    """A demo resident's My Number Card: its certificates and PINs (mock only).

    ``signing_password`` is None when the card has no signing certificate (holders under
    15 at issue). Superseded certificates stay listed, latest last.
    """

    resident_number: str
    auth_pin: str = field(repr=False)
    signing_password: str | None = field(repr=False)
    certificates: tuple[IssuedCertificate, ...]

    def current(self, kind: CertificateKind) -> IssuedCertificate | None:
        """The latest certificate of ``kind`` on the card (possibly revoked), or None."""
        of_kind = [c for c in self.certificates if c.kind is kind]
        return of_kind[-1] if of_kind else None


def certificate_expiry(resident: Resident, issued_on: date) -> date:
    """Last valid day of a certificate issued to ``resident`` on ``issued_on``."""
    birth = resident.birth_date.as_date()
    expiry = nth_birthday_after(birth, issued_on, 5) if birth else add_years(issued_on, 5)
    if resident.foreign is not None and resident.foreign.expires_on is not None:
        expiry = min(expiry, resident.foreign.expires_on)
    return expiry


def old_enough_to_sign(resident: Resident, on: date) -> bool:
    """True when the holder was surely 15 or over on ``on``."""
    latest = resident.birth_date.latest()
    return latest is not None and add_years(latest, 15) <= on


class CardIssuer:
    """Plans cards for the population, drawing serials and PINs from ``rng``."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self._rng = rng
        self._today = today
        self._serials: set[int] = set()

    def _serial(self) -> int:
        while True:
            serial = self._rng.getrandbits(63) | (1 << 62)
            if serial not in self._serials:
                self._serials.add(serial)
                return serial

    def _certificate(
        self,
        resident: Resident,
        kind: CertificateKind,
        issued_on: date,
        address: str,
        revoked_on: date | None = None,
    ) -> IssuedCertificate:
        return IssuedCertificate(
            serial=self._serial(),
            kind=kind,
            resident_number=resident.resident_number,
            issued_on=issued_on,
            expires_on=certificate_expiry(resident, issued_on),
            revoked_on=revoked_on,
            holder_name=resident.name.full,
            holder_address=address,
            birth_date=resident.birth_date,
            sex=resident.sex,
        )

    def issue(
        self,
        resident: Resident,
        issued_on: date,
        auth_pin: str,
        signing_password: str | None,
        signing_revoked_on: date | None = None,
        signing_address: str | None = None,
        earlier: tuple[IssuedCertificate, ...] = (),
    ) -> DemoCard:
        """A card issued on ``issued_on``; a signing certificate only if old enough.

        ``signing_address`` is the address written into the signing certificate (the
        current address by default; the old one for a certificate revoked by a move).
        """
        if not is_valid_auth_pin(auth_pin):
            raise ValueError("the authentication PIN must be 4 digits")
        auth = self._certificate(
            resident, CertificateKind.AUTHENTICATION, issued_on, resident.address.one_line()
        )
        certificates = [*earlier, auth]
        password = None
        if signing_password is not None and old_enough_to_sign(resident, issued_on):
            if not is_valid_signing_password(signing_password):
                raise ValueError("the signing password breaks the JPKI rule")
            address = signing_address or resident.address.one_line()
            certificates.append(
                self._certificate(
                    resident, CertificateKind.SIGNING, issued_on, address, signing_revoked_on
                )
            )
            password = signing_password
        return DemoCard(resident.resident_number, auth_pin, password, tuple(certificates))

    def _auth_pin(self) -> str:
        return f"{self._rng.randint(0, 9999):04d}"

    def _signing_password(self) -> str:
        letters = "".join(self._rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(4))
        digits = "".join(self._rng.choice("0123456789") for _ in range(4))
        return letters + digits

    def random_card(self, resident: Resident) -> DemoCard | None:
        """A card for about four in five residents, issued since they moved in.

        Some who moved in within the last years also had a signing certificate at their
        previous address, revoked on the day they moved.
        """
        if self._rng.random() >= 0.8:
            return None
        birth = resident.birth_date.earliest() or resident.became_resident_on
        first = max(resident.became_resident_on, birth, add_years(self._today, -4))
        last = self._today - timedelta(days=1)
        if first > last:
            return None
        issued_on = random_day_between(self._rng, first, last)
        earlier = self._revoked_history(resident)
        return self.issue(
            resident, issued_on, self._auth_pin(), self._signing_password(), earlier=earlier
        )

    def _revoked_history(self, resident: Resident) -> tuple[IssuedCertificate, ...]:
        moved = resident.became_resident_on
        previous = resident.previous_address
        if previous is None or moved <= add_years(self._today, -9) or self._rng.random() >= 0.3:
            return ()
        old_issue = random_day_between(self._rng, add_years(moved, -4), moved - timedelta(days=30))
        if not old_enough_to_sign(resident, old_issue):
            return ()
        return (
            self._certificate(
                resident, CertificateKind.SIGNING, old_issue, previous.one_line(), moved
            ),
        )
