"""The interfaces: one Protocol per partner capability.

The engine and the web layer talk to partners only through these. Which implementation
stands behind each one is chosen by configuration through :mod:`adapters.registry`
(mocks are ordinary implementations registered under the id ``mock``).

Implemented so far: :class:`ResidentRegistry`, :class:`JpkiVerifier`,
:class:`PublicFundsAccounts`, :class:`CoreSystem`, :class:`PittariIntake` (mocks in
:mod:`adapters.mock`), :class:`Notifier` (Mynaportal, email and a recording mock; see
:mod:`adapters.notifiers`), :class:`ResidentLogin` and :class:`StaffLogin` (OIDC relying parties in
:mod:`adapters.oidc_login`; the mock providers in :mod:`adapters.mock.oidc_resident` and
:mod:`adapters.mock.oidc_staff`).

The intake channels are :class:`PittariIntake` and :class:`OssIntake`, both pulled with
the same API (:class:`IntakeChannel`); their mocks share :mod:`adapters.mock.portal`.

Remote implementations raise :class:`adapters.errors.PartnerError` subclasses for
timeouts, server errors and malformed replies; callers retry those. A definite refusal
(:class:`adapters.errors.PartnerRefusalError`) is never retried.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Protocol

from adapters.exchange import (
    AuthorizationRequest,
    LoginIdentity,
    Notice,
    NoticeReceipt,
    PortalStatus,
    RegistrationResult,
    StaffIdentity,
)
from adapters.oss_package import OssPackage
from adapters.partial_date import PartialDate
from adapters.pittari_package import PittariPackage
from adapters.records import (
    AccountType,
    Address,
    ForeignResidentStatus,
    Household,
    PersonName,
    PublicFundsAccount,
    Relationship,
    Resident,
    Sex,
)
from adapters.signatures import (
    CertificateInfo,
    CertificateKind,
    FailedCheck,
    Signature,
    VerificationResult,
)

# The records are re-exported so that callers can take interfaces and records from one place.
__all__ = [
    "AccountType",
    "Address",
    "AuthorizationRequest",
    "CertificateInfo",
    "CertificateKind",
    "CoreSystem",
    "FailedCheck",
    "ForeignResidentStatus",
    "Household",
    "IntakeChannel",
    "JpkiVerifier",
    "LoginIdentity",
    "Notice",
    "NoticeReceipt",
    "Notifier",
    "OssIntake",
    "OssPackage",
    "PartialDate",
    "PersonName",
    "PittariIntake",
    "PittariPackage",
    "PortalStatus",
    "PublicFundsAccount",
    "PublicFundsAccounts",
    "RegistrationResult",
    "Relationship",
    "Resident",
    "ResidentLogin",
    "ResidentRegistry",
    "Sex",
    "Signature",
    "StaffIdentity",
    "StaffLogin",
    "VerificationResult",
]


class ResidentRegistry(Protocol):
    """住民記録: the basic resident register, read-only.

    Lookups return None when nothing matches; they never raise for an unknown number.
    Returned records are immutable, so callers cannot change the register through them.
    """

    def by_resident_number(self, resident_number: str) -> Resident | None:
        """The resident with this 宛名番号."""
        ...

    def by_my_number(self, my_number: str) -> Resident | None:
        """The resident with this My Number (個人番号)."""
        ...

    def by_certificate_serial(self, serial: int) -> Resident | None:
        """The resident a card certificate was issued to (シリアル番号の紐付).

        Serials of revoked or superseded certificates stay linked to their holder, so an
        old signature can still be attributed.
        """
        ...

    def household(self, household_number: str) -> Household | None:
        """The household (世帯) with this 世帯番号, head first, with each member's 続柄."""
        ...

    def search(
        self,
        *,
        name: str | None = None,
        kana: str | None = None,
        birth_date: date | None = None,
        limit: int = 50,
    ) -> tuple[Resident, ...]:
        """Residents matching every given criterion, for the counter (窓口) search.

        ``name`` matches part of the registered name or alias (spaces ignored); ``kana``
        matches the start of the reading (hiragana, half-width and spaces accepted);
        ``birth_date`` matches recorded birth dates that agree with it, including partly
        unknown ones. At least one criterion is required (``ValueError`` otherwise).
        Results are ordered by reading, then birth date, and cut at ``limit``.
        """
        ...


class JpkiVerifier(Protocol):
    """Checks JPKI signatures made with the My Number Card's signing certificate."""

    def verify(
        self,
        payload: bytes,
        signature: Signature,
        expected_signer: str | int,
        at: datetime,
    ) -> VerificationResult:
        """Check ``signature`` over exactly ``payload`` as of ``at`` (timezone-aware).

        The checks run in this order and the first failure is reported: the signature
        verifies over the bytes (``signature``), the certificate chains to the JPKI root
        (``chain``), ``at`` lies within its validity (``not_yet_valid``, ``expired``), it is
        not revoked at ``at`` (``revoked``), and the signer is ``expected_signer``: a
        resident number (``str``, resolved through the serial-number link) or a certificate
        serial (``int``) (``not_applicant``).
        """
        ...


class PublicFundsAccounts(Protocol):
    """公金受取口座: accounts residents registered with the Digital Agency."""

    def lookup(self, my_number: str) -> PublicFundsAccount | None:
        """The account registered for this My Number, or None when there is none."""
        ...


class IntakeChannel(Protocol):
    """A national portal the municipality pulls applications from (the common part).

    The municipality pulls: it lists new applications, downloads each package (each
    channel's :meth:`download` returns its own package format), acknowledges it once the
    package is safely stored, and later posts statuses the resident sees. A listed but
    unacknowledged application is listed again, so a failure between download and
    acknowledgement loses nothing; an acknowledged one is never listed again.

    Errors: :class:`adapters.errors.PartnerError` subclasses are transient (retry; every
    call here is safe to repeat); :class:`adapters.errors.UnknownApplicationError` and the
    other :class:`adapters.errors.PartnerRefusalError` subclasses are never retried.
    """

    def list_new(self, lg_code: str, limit: int = 100) -> tuple[str, ...]:
        """Ids of applications to ``lg_code`` not yet acknowledged, oldest first."""
        ...

    def acknowledge(self, application_id: str) -> None:
        """Confirm the package is stored; idempotent (acknowledging twice is not an error)."""
        ...

    def post_status(
        self, application_id: str, status: PortalStatus, message: str | None = None
    ) -> None:
        """Show ``status`` (and an optional message, Japanese) to the resident.

        Only after :meth:`acknowledge` (else :class:`adapters.errors.ApplicationStateError`).
        Idempotent: posting the current status and message again records nothing new.
        """
        ...


class PittariIntake(IntakeChannel, Protocol):
    """Mynaportal ぴったりサービス intake (the childcare, care and disaster procedures).

    Adds the download of a ``pittari-package/1`` package and notices (お知らせ) to the
    resident's Mynaportal inbox. ``send_notice`` takes an idempotency key, unlike a bare
    (recipient, title, body) call, because a notice whose reply was lost is retried and the
    resident must not get it twice.
    """

    def download(self, application_id: str) -> PittariPackage:
        """The package of one application, validated; the same package on every call."""
        ...

    def send_notice(
        self,
        *,
        title: str,
        body: str,
        idempotency_key: str,
        application_id: str | None = None,
        resident_number: str | None = None,
    ) -> NoticeReceipt:
        """Put a notice in the inbox of an application's applicant or of a resident.

        Exactly one of ``application_id`` and ``resident_number`` is given (``ValueError``
        otherwise). A repeated ``idempotency_key`` returns the first receipt and delivers
        nothing new. :class:`adapters.errors.UnknownRecipientError` when the resident is
        unknown, :class:`adapters.errors.UnknownApplicationError` for an unknown id.
        """
        ...


class OssIntake(IntakeChannel, Protocol):
    """自動車保有関係手続のワンストップサービス (OSS) intake: the vehicle procedures.

    One resident filing fans out to several organisations (the police for the parking
    certificate, the prefecture's tax office for the car tax): each pulls its own copy,
    an ``oss-package/1`` package addressed to its organisation code, with the pull API
    of :class:`IntakeChannel` (``list_new`` takes the organisation's code).
    """

    def download(self, application_id: str) -> OssPackage:
        """One organisation's copy of a filing, validated; the same package on every call."""
        ...

    def send_notice(
        self,
        *,
        title: str,
        body: str,
        idempotency_key: str,
        application_id: str | None = None,
        resident_number: str | None = None,
    ) -> NoticeReceipt:
        """A notice to the applicant of a copy (or a resident), as for Pittari."""
        ...


class CoreSystem(Protocol):
    """A standard-compliant core system (標準準拠システム) of one business.

    Each business runs its own system with its own records and identifiers, so one
    object serves one business, named by ``business`` (a
    :class:`adapters.exchange.CoreBusiness` value, as in procedure definitions).

    Errors: :class:`adapters.errors.PartnerError` subclasses are transient and the
    outcome of a write may be unknown (retry after reconciling with :meth:`lookup`);
    :class:`adapters.errors.PartnerRefusalError` subclasses are definite refusals with no
    effect (never retry: the record or the key is wrong).
    """

    @property
    def business(self) -> str:
        """The business this system keeps records for (``jidou-teate``, ...)."""
        ...

    def register(self, idempotency_key: str, record: Mapping[str, object]) -> RegistrationResult:
        """Write a decided result (a benefit record, a certification, ...).

        Idempotent: a repeated key with an equal record returns the first result with
        ``created=False`` and writes nothing new; a repeated key with a different record
        raises :class:`adapters.errors.IdempotencyConflictError`. A record of the wrong
        shape raises :class:`adapters.errors.RecordRejectedError`; so does any record
        sent to a lookup-only business (税務).
        """
        ...

    def lookup(self, idempotency_key: str) -> RegistrationResult | None:
        """The registration made under ``idempotency_key`` (``created=False``), if any.

        Used for reconciliation after a call whose outcome is unknown (a timeout, a reply
        that could not be read): if it answers a result, the write took effect.
        """
        ...

    def query(self, criteria: Mapping[str, str]) -> tuple[Mapping[str, object], ...]:
        """Records matching every criterion, oldest first, for prefill, checks and screens.

        Keys are record fields, ``kind`` or identifiers (e.g. ``resident_number``,
        ``recipient_number``); a list field matches when it contains the value. Empty
        criteria give every record. Each record carries ``kind``, its identifier field and
        ``registered_at``. An unknown key raises ``ValueError``.
        """
        ...


class Notifier(Protocol):
    """Delivers notices to residents on one channel (Mynaportal inbox, email, ...).

    Notices are built from templates by :func:`adapters.notice_templates.build_notice`.
    Errors: :class:`adapters.errors.PartnerError` subclasses are transient (retry with the
    same notice: the key keeps it from being delivered twice);
    :class:`adapters.errors.PartnerRefusalError` subclasses (an unknown recipient) are
    never retried.
    """

    def send(self, notice: Notice) -> NoticeReceipt:
        """Accept ``notice`` for delivery on its channel; idempotent per idempotency key.

        A repeated key returns the first receipt and delivers nothing new.
        """
        ...


class ResidentLogin(Protocol):
    """Resident login with the My Number Card.

    OpenID Connect authorization code flow with PKCE (S256) and nonce, with the Digital
    Authentication App (デジタル認証アプリ) or its mock; scopes ``openid`` plus ``name
    address birthdate gender`` for the basic four items. The implementation keeps no
    state between :meth:`begin` and :meth:`complete`: the caller stores the returned
    :class:`AuthorizationRequest` (strings only, see ``as_dict``), for instance in a
    signed session cookie, and passes it back. Failures raise
    :class:`adapters.errors.LoginFailedError` (start again); an unreachable provider
    raises :class:`adapters.errors.PartnerError` subclasses.
    """

    def begin(self, redirect_uri: str, scopes: Sequence[str]) -> AuthorizationRequest:
        """Start a login: the URL to redirect to, fresh ``state``, ``nonce`` and PKCE verifier."""
        ...

    def complete(
        self, redirect_uri: str, code: str, state: str, expected: AuthorizationRequest
    ) -> LoginIdentity:
        """Check ``state`` against ``expected``, exchange ``code`` with ``expected``'s
        verifier and verify the ID token (signature, iss, aud, nonce, exp)."""
        ...


class StaffLogin(Protocol):
    """Staff login through the municipality's identity provider (OpenID Connect).

    The same stateless flow as :class:`ResidentLogin` (scopes ``openid profile roles``);
    :meth:`complete` returns the member of staff with the roles (``intake``, ``review``,
    ``approval``, ``admin``) and departments the provider states.
    """

    def begin(self, redirect_uri: str, scopes: Sequence[str]) -> AuthorizationRequest:
        """Start a login: the URL to redirect to, fresh ``state``, ``nonce`` and PKCE verifier."""
        ...

    def complete(
        self, redirect_uri: str, code: str, state: str, expected: AuthorizationRequest
    ) -> StaffIdentity:
        """Check ``state``, exchange ``code`` and verify the ID token, as for residents."""
        ...
