"""A mock card reader: the resident enters a PIN and the card signs.

Stands in for the My Number Card and the app that drives it. Wrong entries are counted
per card as on the real card: the signing password locks after 5 wrong tries in a row,
the authentication PIN after 3; a right entry resets the count. A locked PIN stays
locked until :meth:`MockCardReader.reset` (done at the municipal counter).
"""

from __future__ import annotations

import hmac
import threading

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from adapters.errors import NoCardError, PinLockedError, WrongPinError
from adapters.mock.cards import DemoCard
from adapters.mock.jpki_authority import MockJpkiAuthority
from adapters.mock.population import Population
from adapters.records import Resident
from adapters.signatures import CertificateKind, Signature

MAX_TRIES = {CertificateKind.SIGNING: 5, CertificateKind.AUTHENTICATION: 3}
"""Wrong entries in a row that lock the signing password and the authentication PIN."""

_PIN_NAMES = {
    CertificateKind.SIGNING: ("署名用電子証明書のパスワード", "signing password"),
    CertificateKind.AUTHENTICATION: ("利用者証明用電子証明書の暗証番号", "authentication PIN"),
}


class MockCardReader:
    """Signs with the demo residents' cards after checking their PINs."""

    def __init__(self, population: Population, authority: MockJpkiAuthority) -> None:
        self._population = population
        self._authority = authority
        self._wrong: dict[tuple[str, CertificateKind], int] = {}
        self._lock = threading.Lock()

    def _card(self, resident: Resident | str) -> DemoCard:
        number = resident if isinstance(resident, str) else resident.resident_number
        card = self._population.card(number)
        if card is None:
            raise NoCardError(f"resident {number} has no My Number Card")
        return card

    def _check(self, card: DemoCard, kind: CertificateKind, entered: str) -> None:
        expected = card.signing_password if kind is CertificateKind.SIGNING else card.auth_pin
        if expected is None:
            raise NoCardError(f"resident {card.resident_number}'s card has no signing certificate")
        name_ja, name_en = _PIN_NAMES[kind]
        key = (card.resident_number, kind)
        with self._lock:
            wrong = self._wrong.get(key, 0)
            if wrong >= MAX_TRIES[kind]:
                raise PinLockedError(
                    f"{name_ja}はロックされています。市区町村の窓口で初期化してください。"
                    f" / The {name_en} is locked; have it reset at the municipal office."
                )
            if hmac.compare_digest(entered.encode("utf-8"), expected.encode("utf-8")):
                self._wrong.pop(key, None)
                return
            wrong += 1
            self._wrong[key] = wrong
            remaining = MAX_TRIES[kind] - wrong
        if remaining == 0:
            raise PinLockedError(
                f"{name_ja}を{MAX_TRIES[kind]}回続けて間違えたためロックされました。"
                "市区町村の窓口で初期化してください。"
                f" / The {name_en} was wrong {MAX_TRIES[kind]} times and is now locked;"
                " have it reset at the municipal office."
            )
        raise WrongPinError(
            f"{name_ja}が違います（残り{remaining}回）。"
            f" / Wrong {name_en} ({remaining} tries left).",
            remaining,
        )

    def _sign(self, card: DemoCard, kind: CertificateKind, payload: bytes) -> Signature:
        plan = card.current(kind)
        if plan is None:
            raise NoCardError(f"resident {card.resident_number}'s card has no {kind} certificate")
        key, certificate = self._authority.credential(plan.serial)
        value = key.sign(payload, ec.ECDSA(hashes.SHA256()))
        pem = certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
        return Signature(value=value, certificate_pem=pem)

    def sign(self, resident: Resident | str, payload: bytes, signing_password: str) -> Signature:
        """Sign ``payload`` with the resident's signing certificate.

        Raises ``NoCardError`` (no card or no signing certificate), ``WrongPinError``
        (with the tries left) or ``PinLockedError``. A revoked certificate still signs;
        the verifier is what rejects it.
        """
        card = self._card(resident)
        self._check(card, CertificateKind.SIGNING, signing_password)
        return self._sign(card, CertificateKind.SIGNING, payload)

    def authenticate(self, resident: Resident | str, challenge: bytes, auth_pin: str) -> Signature:
        """Answer a login challenge with the authentication certificate after the 4-digit PIN."""
        card = self._card(resident)
        self._check(card, CertificateKind.AUTHENTICATION, auth_pin)
        return self._sign(card, CertificateKind.AUTHENTICATION, challenge)

    def remaining_tries(self, resident: Resident | str, kind: CertificateKind) -> int:
        """Wrong entries still allowed before the PIN of ``kind`` locks."""
        card = self._card(resident)
        with self._lock:
            return MAX_TRIES[kind] - self._wrong.get((card.resident_number, kind), 0)

    def reset(self, resident: Resident | str, kind: CertificateKind) -> None:
        """Unlock the PIN of ``kind`` (初期化 at the counter)."""
        card = self._card(resident)
        with self._lock:
            self._wrong.pop((card.resident_number, kind), None)
