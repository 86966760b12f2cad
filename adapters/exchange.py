"""Records exchanged with the intake channels, the core systems, notifiers and login.

These are the shapes the interfaces in :mod:`adapters.base` promise for the intake
channels (Pittari, OSS), the core systems, notices and resident login. The core systems
and Pittari have mocks (:mod:`adapters.mock.core_systems`, :mod:`adapters.mock.pittari`);
the others will arrive with the engine work that needs them. The Pittari and OSS packages
are pydantic models with JSON Schemas (:mod:`adapters.pittari_package`,
:mod:`adapters.oss_package`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from adapters.partial_date import PartialDate
from adapters.records import Sex


class PortalStatus(StrEnum):
    """The statuses a resident sees in Mynaportal for an application.

    The values are the ids procedure definitions use (``portal_status``); ``label_ja`` is
    what the resident reads.
    """

    IN_PROGRESS = "in_progress"
    CORRECTION_REQUESTED = "correction_requested"
    INTAKE_ERROR = "intake_error"
    DONE = "done"

    @property
    def label_ja(self) -> str:
        """The Japanese label shown in Mynaportal (処理中, 要訂正, 受付エラー, 完了)."""
        return _PORTAL_STATUS_LABELS[self]


_PORTAL_STATUS_LABELS = {
    PortalStatus.IN_PROGRESS: "処理中",
    PortalStatus.CORRECTION_REQUESTED: "要訂正",
    PortalStatus.INTAKE_ERROR: "受付エラー",
    PortalStatus.DONE: "完了",
}


@dataclass(frozen=True)
class Attachment:
    """A file carried with an application: the form rendering or a supporting document."""

    filename: str
    media_type: str
    content: bytes = field(repr=False)


class CoreBusiness(StrEnum):
    """Core businesses (基幹業務) whose standard-compliant systems the engine talks to.

    The values are the ids procedure definitions give as ``core_system``. 税務 answers
    lookups only (income status for benefit checks); the others also take registrations.
    """

    CHILD_ALLOWANCE = "jidou-teate"  # 児童手当
    CHILDCARE = "kodomo-kosodate"  # 子ども・子育て支援
    CHILD_REARING_ALLOWANCE = "jidou-fuyou-teate"  # 児童扶養手当
    MATERNAL_HEALTH = "kenkou-kanri"  # 健康管理 (母子保健)
    CARE_INSURANCE = "kaigo-hoken"  # 介護保険
    RESIDENT_TAX = "zeimu"  # 税務: 個人住民税 (income status for benefit checks)
    DISASTER_SUPPORT = "hisaisha-shien"  # 被災者支援
    PREFECTURAL_CAR_TAX = "todoufuken-zei"  # 都道府県税 (自動車税)
    POLICE_PARKING = "keisatsu"  # 警察 (保管場所証明)


@dataclass(frozen=True)
class RegistrationResult:
    """The core system's answer to a registration.

    ``record_id`` is the identifier the core system gave the record (e.g. the 児童手当
    受給者番号). ``created`` is False when the idempotency key had been seen before and the
    earlier record was returned instead of a new one, and in answers to
    :meth:`adapters.base.CoreSystem.lookup`.
    """

    business: str
    idempotency_key: str
    record_id: str
    registered_at: datetime
    created: bool


class NoticeChannel(StrEnum):
    """Where a notice to a resident is delivered."""

    MYNAPORTAL = "mynaportal"  # お知らせ in the Mynaportal inbox
    EMAIL = "email"
    POST = "post"


@dataclass(frozen=True)
class Notice:
    """A notice (通知) to a resident, Japanese first.

    ``recipient_email`` is needed for the email channel only (the resident's address as
    given with the application); :mod:`adapters.notice_templates` builds notices.
    """

    recipient_resident_number: str
    channel: NoticeChannel
    subject_ja: str
    body_ja: str
    idempotency_key: str
    subject_en: str | None = None
    body_en: str | None = None
    application_id: str | None = None
    recipient_email: str | None = None


@dataclass(frozen=True)
class NoticeReceipt:
    """Proof that a notifier accepted a notice for delivery."""

    notice_id: str
    accepted_at: datetime


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where to send the browser to log in, and the values to check on return.

    Every field is a string, so the web app can keep the request in its signed session
    cookie (:meth:`as_dict`, :meth:`from_dict`) and any process can complete the login:
    the relying party keeps nothing in memory. ``code_verifier`` is the PKCE secret; it
    never leaves the server except in the (signed, HTTP-only) cookie and the token request.
    """

    url: str
    state: str
    nonce: str
    code_verifier: str = field(repr=False)

    def as_dict(self) -> dict[str, str]:
        """The fields as a JSON-serialisable mapping."""
        return {
            "url": self.url,
            "state": self.state,
            "nonce": self.nonce,
            "code_verifier": self.code_verifier,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> AuthorizationRequest:
        """The request stored by :meth:`as_dict`; ``ValueError`` when a field is missing."""
        values = {key: data.get(key) for key in ("url", "state", "nonce", "code_verifier")}
        missing = sorted(key for key, value in values.items() if not isinstance(value, str))
        if missing:
            raise ValueError(f"a stored login request lacks {', '.join(missing)}")
        return cls(
            url=str(values["url"]),
            state=str(values["state"]),
            nonce=str(values["nonce"]),
            code_verifier=str(values["code_verifier"]),
        )


@dataclass(frozen=True)
class LoginIdentity:
    """A resident identified by the Digital Authentication App (OpenID Connect).

    The basic four items are present only when their scopes were granted.
    ``subject`` is the provider's (pairwise) ``sub``; ``resident_number`` is the 宛名番号
    when the provider states it (the mock does, in a private claim), which is how the
    engine finds the resident in the registry.
    """

    subject: str
    scopes: tuple[str, ...]
    name: str | None = None
    address: str | None = None
    birth_date: PartialDate | None = None
    sex: Sex | None = None
    resident_number: str | None = None
    name_kana: str | None = None


STAFF_ROLES = ("intake", "review", "approval", "admin")
"""The roles a staff identity provider may grant (受付, 審査, 決裁, 管理)."""


@dataclass(frozen=True)
class StaffIdentity:
    """A member of staff identified by the municipality's identity provider (OIDC).

    ``subject`` is the provider's (pairwise) ``sub``; ``login_id`` its
    ``preferred_username``; ``roles`` are among :data:`STAFF_ROLES` (unknown ones are
    dropped); ``departments`` are department names as procedure definitions write them.
    """

    subject: str
    login_id: str
    name: str
    roles: tuple[str, ...]
    departments: tuple[str, ...]


def check_notice_arguments(
    title: str, body: str, application_id: str | None, resident_number: str | None
) -> None:
    """The argument rules of ``send_notice``, shared by every implementation."""
    if (application_id is None) == (resident_number is None):
        raise ValueError("give exactly one of application_id and resident_number")
    if not title.strip() or not body.strip():
        raise ValueError("a notice needs a title and a body")
