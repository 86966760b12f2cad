"""The shared machinery of the portal mocks: Mynaportal Pittari and OSS.

Both portals work the same way for the organisation that receives applications: it
PULLS. :class:`MockPortal` keeps filed packages in memory and serves the pull API
(:class:`adapters.base.IntakeChannel`): list new, download, acknowledge, post status, send
notice. Each portal (:class:`adapters.mock.pittari.MockPittari`,
:class:`adapters.mock.oss.MockOss`) gives its own package format, id prefix and
resident-side filing; every organisation-side call runs through ``faults``
(:class:`adapters.mock.faults.FaultPlan`, injecting nothing by default).

Every package is validated against its format when stored and again when served, and
served as the very bytes stored, so downloads are idempotent.

How an organisation pulls reliably (the engine's intake job does this):

1. :meth:`MockPortal.list_new` its code. The list holds every application not yet
   acknowledged, including ones downloaded before: a crash between download and
   acknowledgement loses nothing.
2. :meth:`MockPortal.download` each id and store the package keyed by its application
   id (storing an id already stored changes nothing: downloads return the same package).
3. :meth:`MockPortal.acknowledge` it. On a :class:`adapters.errors.PartnerError`
   (timeout, lost reply, server error, downtime) retry later: every call here is safe to
   repeat. On an :class:`adapters.errors.UnknownApplicationError` stop and show it to staff.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from adapters.base import ResidentRegistry
from adapters.check_digits import is_valid_lg_code
from adapters.errors import (
    ApplicationStateError,
    IdempotencyConflictError,
    UnknownApplicationError,
    UnknownRecipientError,
)
from adapters.exchange import NoticeReceipt, PortalStatus, check_notice_arguments
from adapters.jpki_profile import JST
from adapters.mock.faults import FaultPlan

P = TypeVar("P", bound="PortalPackage")


class PortalPackage(Protocol):
    """What a portal mock needs of its package format."""

    @property
    def application_id(self) -> str:
        """The portal's id of the application (or of one recipient's copy)."""
        ...

    @property
    def lg_code(self) -> str:
        """The organisation the package is addressed to."""
        ...

    @property
    def signer_serial_number(self) -> int:
        """The serial of the applicant's signing certificate."""
        ...

    def to_json_bytes(self) -> bytes:
        """The package as stored and served."""
        ...


def _jst_now() -> datetime:
    return datetime.now(JST)


@dataclass(frozen=True)
class StatusPost:
    """One status shown to the resident, in the order posted."""

    application_id: str
    status: PortalStatus
    message: str | None
    posted_at: datetime


@dataclass(frozen=True)
class InboxNotice:
    """A notice (お知らせ) delivered to a resident's Mynaportal inbox."""

    notice_id: str
    resident_number: str
    application_id: str | None
    title: str
    body: str
    sent_at: datetime


@dataclass
class _Application:
    """What Mynaportal keeps about one filed application."""

    package_bytes: bytes
    lg_code: str
    signer_serial: int
    acknowledged_at: datetime | None = None
    downloads: int = 0
    statuses: list[StatusPost] = field(default_factory=list)


class MockPortal(Generic[P]):
    """A national portal the municipality pulls from, in memory, thread-safe.

    ``channel`` names the portal in errors and fault operations (``pittari.download``);
    ``id_prefix`` starts its application ids; ``parse`` validates a stored package of its
    format. ``resident_registry`` links a package's signer serial to the resident whose
    inbox gets notices; ``faults`` is consulted on every organisation-side call; ``clock``
    (timezone-aware, default: now in Japan) stamps filings, statuses and notices.
    """

    def __init__(
        self,
        resident_registry: ResidentRegistry,
        *,
        channel: str,
        id_prefix: str,
        parse: Callable[[bytes], P],
        faults: FaultPlan | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.channel = channel
        self.id_prefix = id_prefix
        self._parse = parse
        self.faults = FaultPlan() if faults is None else faults
        self._clock = _jst_now if clock is None else clock
        self._registry = resident_registry
        self._lock = threading.Lock()
        self._applications: dict[str, _Application] = {}
        self._sequence = 0
        self._notices: list[InboxNotice] = []
        self._notice_keys: dict[str, tuple[tuple[str, str | None, str, str], NoticeReceipt]] = {}

    def now(self) -> datetime:
        """The mock's current time (aware)."""
        return self._clock()

    # The resident's side of Mynaportal (no faults: it is not the municipality's link).

    def new_application_id(self, submitted_at: datetime) -> str:
        """A fresh id: the prefix, the filing date in Japan (8 digits), a sequence (8 digits)."""
        with self._lock:
            self._sequence += 1
            sequence = self._sequence
        return f"{self.id_prefix}{submitted_at.astimezone(JST):%Y%m%d}{sequence:08d}"

    def submit(self, package: P) -> str:
        """Store a filed package after validating it; returns its application id.

        Raises :class:`adapters.errors.PackageFormatError` for an invalid package and
        :class:`adapters.errors.ApplicationStateError` for an id already filed.
        """
        stored = package.to_json_bytes()
        checked = self._parse(stored)
        with self._lock:
            if checked.application_id in self._applications:
                raise ApplicationStateError(
                    f"{self.channel}: application {checked.application_id} was already filed"
                )
            self._applications[checked.application_id] = _Application(
                package_bytes=stored,
                lg_code=checked.lg_code,
                signer_serial=checked.signer_serial_number,
            )
        return checked.application_id

    # The municipality's side (every call through the fault plan).

    def list_new(self, lg_code: str, limit: int = 100) -> tuple[str, ...]:
        """Ids of applications to ``lg_code`` not yet acknowledged, oldest first."""
        if not is_valid_lg_code(lg_code):
            raise ValueError(f"{lg_code!r} is not a local government code")
        if limit < 1:
            raise ValueError("limit must be at least 1")

        def action() -> tuple[str, ...]:
            with self._lock:
                pending = [
                    application_id
                    for application_id, application in self._applications.items()
                    if application.lg_code == lg_code and application.acknowledged_at is None
                ]
            return tuple(pending[:limit])

        return self.faults.run(f"{self.channel}.list_new", action)

    def download(self, application_id: str) -> P:
        """The package, validated again as served; the same bytes on every call."""

        def action() -> P:
            with self._lock:
                application = self._application(application_id)
                application.downloads += 1
                served = application.package_bytes
            return self._parse(served)

        return self.faults.run(f"{self.channel}.download", action)

    def acknowledge(self, application_id: str) -> None:
        """Mark the package received; it is never listed again. Idempotent."""

        def action() -> None:
            with self._lock:
                application = self._application(application_id)
                if application.acknowledged_at is None:
                    application.acknowledged_at = self._clock()

        self.faults.run(f"{self.channel}.acknowledge", action)

    def post_status(
        self, application_id: str, status: PortalStatus, message: str | None = None
    ) -> None:
        """Show ``status`` to the resident; repeating the current one records nothing."""
        status = PortalStatus(status)

        def action() -> None:
            with self._lock:
                application = self._application(application_id)
                if application.acknowledged_at is None:
                    raise ApplicationStateError(
                        f"{self.channel}: application {application_id} is not acknowledged yet;"
                        " acknowledge it before posting a status"
                    )
                last = application.statuses[-1] if application.statuses else None
                if last is not None and (last.status, last.message) == (status, message):
                    return
                application.statuses.append(
                    StatusPost(application_id, status, message, self._clock())
                )

        self.faults.run(f"{self.channel}.post_status", action)

    def send_notice(
        self,
        *,
        title: str,
        body: str,
        idempotency_key: str,
        application_id: str | None = None,
        resident_number: str | None = None,
    ) -> NoticeReceipt:
        """Deliver a notice to the applicant of ``application_id`` or to ``resident_number``."""
        check_notice_arguments(title, body, application_id, resident_number)

        def action() -> NoticeReceipt:
            with self._lock:
                recipient = self._recipient(application_id, resident_number)
                fingerprint = (recipient, application_id, title, body)
                earlier = self._notice_keys.get(idempotency_key)
                if earlier is not None:
                    if earlier[0] != fingerprint:
                        raise IdempotencyConflictError(
                            self.channel, idempotency_key, earlier[1].notice_id
                        )
                    return earlier[1]
                notice = InboxNotice(
                    notice_id=f"N{len(self._notices) + 1:08d}",
                    resident_number=recipient,
                    application_id=application_id,
                    title=title,
                    body=body,
                    sent_at=self._clock(),
                )
                self._notices.append(notice)
                receipt = NoticeReceipt(notice.notice_id, notice.sent_at)
                self._notice_keys[idempotency_key] = (fingerprint, receipt)
                return receipt

        return self.faults.run(f"{self.channel}.send_notice", action)

    # Inspection for tests and demos (no faults: this is not part of the service).

    def package_bytes(self, application_id: str) -> bytes:
        """The stored bytes of a package, as every download serves them."""
        with self._lock:
            return self._application(application_id).package_bytes

    def is_acknowledged(self, application_id: str) -> bool:
        """True once the municipality acknowledged the package."""
        with self._lock:
            return self._application(application_id).acknowledged_at is not None

    def download_count(self, application_id: str) -> int:
        """How many times the package was served (replies lost on the way included)."""
        with self._lock:
            return self._application(application_id).downloads

    def status_history(self, application_id: str) -> tuple[StatusPost, ...]:
        """Every status posted for the application, oldest first."""
        with self._lock:
            return tuple(self._application(application_id).statuses)

    def current_status(self, application_id: str) -> StatusPost | None:
        """The status the resident sees now, or None before the first post."""
        history = self.status_history(application_id)
        return history[-1] if history else None

    def inbox(self, resident_number: str) -> tuple[InboxNotice, ...]:
        """The notices delivered to a resident, oldest first."""
        with self._lock:
            return tuple(n for n in self._notices if n.resident_number == resident_number)

    def application_ids(self) -> tuple[str, ...]:
        """Every filed application, oldest first, acknowledged or not."""
        with self._lock:
            return tuple(self._applications)

    def _application(self, application_id: str) -> _Application:
        application = self._applications.get(application_id)
        if application is None:
            raise UnknownApplicationError(self.channel, application_id)
        return application

    def _recipient(self, application_id: str | None, resident_number: str | None) -> str:
        if application_id is not None:
            serial = self._application(application_id).signer_serial
            resident = self._registry.by_certificate_serial(serial)
            if resident is None:
                raise UnknownRecipientError(
                    f"{self.channel}: the signer of {application_id} (serial {serial}) is unknown"
                )
            return resident.resident_number
        if resident_number is None or self._registry.by_resident_number(resident_number) is None:
            raise UnknownRecipientError(f"{self.channel}: no resident {resident_number!r}")
        return resident_number
