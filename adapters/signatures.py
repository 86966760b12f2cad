"""Records of JPKI electronic signatures (電子署名) and the bytes that get signed.

A signature made with the My Number Card's signing certificate travels with the
certificate that verifies it; a check of it ends in a :class:`VerificationResult` naming the
first check that failed, with a message for staff in Japanese and English.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from adapters.partial_date import PartialDate
from adapters.records import Sex


def canonical_bytes(data: Mapping[str, object]) -> bytes:
    """The exact bytes to sign for ``data``: canonical JSON.

    Keys sorted, no insignificant whitespace, UTF-8 without escaping non-ASCII, NaN and
    infinities refused. Two equal mappings always give the same bytes, so a signature can
    be checked against data that was stored and read back. Values must be JSON types
    (str, int, float, bool, None, lists and mappings of them); anything else raises
    ``TypeError``. Keys are sorted by code point, which matches RFC 8785 ordering for
    text without characters outside the Basic Multilingual Plane.
    """
    text = json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    return text.encode("utf-8")


class CertificateKind(StrEnum):
    """The two certificates on the My Number Card."""

    SIGNING = "signing"  # 署名用電子証明書
    AUTHENTICATION = "authentication"  # 利用者証明用電子証明書


@dataclass(frozen=True)
class CertificateInfo:
    """What a JPKI certificate says about its holder.

    Only the signing certificate carries the basic four items (基本4情報: name, address,
    birth date, sex); for an authentication certificate they are None.
    """

    serial: int
    kind: CertificateKind
    issuer: str
    not_before: datetime
    not_after: datetime
    name: str | None = None
    address: str | None = None
    birth_date: PartialDate | None = None
    sex: Sex | None = None


@dataclass(frozen=True)
class Signature:
    """A signature value and the PEM certificate of the key that made it."""

    value: bytes
    certificate_pem: str


class FailedCheck(StrEnum):
    """The check that rejected a signature, in the order the checks run."""

    SIGNATURE = "signature"
    CHAIN = "chain"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    NOT_APPLICANT = "not_applicant"


@dataclass(frozen=True)
class VerificationResult:
    """The outcome of checking a signature.

    ``failed_check`` is None exactly when ``ok``. ``certificate`` describes the signer's
    certificate when it could be read.
    """

    ok: bool
    failed_check: FailedCheck | None
    message_ja: str
    message_en: str
    certificate: CertificateInfo | None = None

    def __post_init__(self) -> None:
        if self.ok != (self.failed_check is None):
            raise ValueError("a result is ok exactly when no check failed")
