"""Email notices over SMTP (:mod:`smtplib`): one MIME message per notice, sent once per key.

Configuration keys (strings, as every adapter setting):

==================== ====================================================== ============
key                  meaning                                                default
==================== ====================================================== ============
``smtp_host``        the mail server (submission or relay host)             required
``smtp_port``        its port                                               ``25``
``smtp_sender``      the From address (``madoguchi@city.example.lg.jp``)    required
``smtp_starttls``    ``true`` to upgrade the link with STARTTLS first       ``false``
``smtp_user``        login name (with ``smtp_password``; no login if unset) none
``smtp_password``    login password                                         none
``smtp_timeout``     seconds to wait for the server on each step            ``30``
==================== ====================================================== ============

The message is UTF-8 plain text (Japanese first, English after it), with an encoded
Subject, Date, From, To and a Message-ID derived from the notice's idempotency key: a
message re-sent after an unclear failure carries the same Message-ID, so the receiving
side can drop the duplicate. The notifier itself records every key it delivered and does
not send a key twice (:meth:`EmailNotifier.send` returns the first receipt).

Errors: a 4xx reply, a refused or dropped connection raise
:class:`adapters.errors.EmailDeliveryError` and no answer in time
:class:`adapters.errors.EmailTimeoutError` (both transient, retry); a 5xx reply (an unknown
recipient, a refused login) raises :class:`adapters.errors.EmailRefusedError` (never retry).
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from adapters.errors import (
    EmailDeliveryError,
    EmailRefusedError,
    EmailTimeoutError,
    IdempotencyConflictError,
)
from adapters.exchange import Notice, NoticeChannel, NoticeReceipt
from adapters.jpki_profile import JST
from adapters.notice_templates import compose

CHANNEL = "email"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _jst_now() -> datetime:
    return datetime.now(JST)


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to submit mail; :meth:`from_config` reads the ``smtp_*`` keys."""

    host: str
    sender: str
    port: int = 25
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout_seconds: float = 30.0

    def __post_init__(self) -> None:
        if not self.host:
            raise ValueError("smtp_host is required for email notices")
        if "@" not in parseaddr(self.sender)[1]:
            raise ValueError(f"smtp_sender is not an email address: {self.sender!r}")
        if (self.user is None) != (self.password is None):
            raise ValueError("smtp_user and smtp_password are set together or not at all")
        if self.timeout_seconds <= 0:
            raise ValueError("smtp_timeout must be positive")

    @classmethod
    def from_config(cls, config: Mapping[str, str]) -> SmtpSettings:
        """Settings from the configuration mapping (``ValueError`` when malformed)."""
        starttls_text = config.get("smtp_starttls", "false").strip().lower()
        if starttls_text not in _TRUE | _FALSE:
            raise ValueError(f"smtp_starttls must be true or false, not {starttls_text!r}")
        return cls(
            host=config.get("smtp_host", ""),
            sender=config.get("smtp_sender", ""),
            port=int(config.get("smtp_port", "25")),
            starttls=starttls_text in _TRUE,
            user=config.get("smtp_user") or None,
            password=config.get("smtp_password") or None,
            timeout_seconds=float(config.get("smtp_timeout", "30")),
        )

    @property
    def domain(self) -> str:
        """The sender's domain, used on the right of Message-IDs."""
        return parseaddr(self.sender)[1].rpartition("@")[2]


def message_id_for(idempotency_key: str, domain: str) -> str:
    """The Message-ID of the notice sent under ``idempotency_key``: the same on every retry."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:40]
    return f"<notice.{digest}@{domain}>"


def build_message(notice: Notice, settings: SmtpSettings, sent_at: datetime) -> EmailMessage:
    """The MIME message for ``notice``: UTF-8 text, encoded Subject, Message-ID from the key."""
    if not notice.recipient_email or "@" not in parseaddr(notice.recipient_email)[1]:
        raise ValueError(f"an email notice needs a recipient address: {notice.recipient_email!r}")
    text = compose(notice)
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = notice.recipient_email
    message["Subject"] = text.subject
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = message_id_for(notice.idempotency_key, settings.domain)
    message["Content-Language"] = "ja, en" if notice.body_en else "ja"
    message.set_content(text.body, charset="utf-8", cte="base64")
    return message


def _fingerprint(notice: Notice) -> tuple[str | None, str, str, str | None, str | None]:
    return (
        notice.recipient_email,
        notice.subject_ja,
        notice.body_ja,
        notice.subject_en,
        notice.body_en,
    )


def _reply_error(code: int, detail: str) -> EmailDeliveryError | EmailRefusedError:
    """The error for an SMTP reply ``code``: 5xx refuses for good, anything else is transient."""
    if 500 <= code < 600:
        return EmailRefusedError(f"{CHANNEL}: mail server refused ({code}): {detail}", code)
    return EmailDeliveryError(f"{CHANNEL}: mail server deferred ({code}): {detail}", code)


def _decode(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


class EmailNotifier:
    """A :class:`adapters.base.Notifier` sending email notices over SMTP, thread-safe.

    ``clock`` (timezone-aware; default now in Japan) stamps Date headers and receipts;
    ``ssl_context`` is used for STARTTLS (default: the system's trusted certificates).
    """

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        clock: Callable[[], datetime] | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.settings = settings
        self._clock = _jst_now if clock is None else clock
        self._ssl_context = ssl_context
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}
        self._sent: dict[str, tuple[tuple[object, ...], NoticeReceipt]] = {}

    def send(self, notice: Notice) -> NoticeReceipt:
        """Email ``notice`` unless its key was sent already; the receipt names the Message-ID.

        A repeated key with the same content returns the first receipt and sends nothing;
        with other content it raises :class:`adapters.errors.IdempotencyConflictError`.
        ``ValueError`` for a notice of another channel or without a recipient address.
        """
        if notice.channel is not NoticeChannel.EMAIL:
            raise ValueError(f"{CHANNEL}: cannot deliver a {notice.channel} notice")
        with self._lock:
            key_lock = self._key_locks.setdefault(notice.idempotency_key, threading.Lock())
        # One send per key at a time, so two concurrent retries cannot both deliver.
        with key_lock:
            earlier = self._sent.get(notice.idempotency_key)
            if earlier is not None:
                if earlier[0] != _fingerprint(notice):
                    raise IdempotencyConflictError(
                        CHANNEL, notice.idempotency_key, earlier[1].notice_id
                    )
                return earlier[1]
            sent_at = self._clock()
            message = build_message(notice, self.settings, sent_at)
            self._submit(message)
            receipt = NoticeReceipt(notice_id=str(message["Message-ID"]), accepted_at=sent_at)
            with self._lock:
                self._sent[notice.idempotency_key] = (_fingerprint(notice), receipt)
            return receipt

    def was_sent(self, idempotency_key: str) -> NoticeReceipt | None:
        """The receipt of the message sent under ``idempotency_key``, if one was sent."""
        with self._lock:
            earlier = self._sent.get(idempotency_key)
        return None if earlier is None else earlier[1]

    def _submit(self, message: EmailMessage) -> None:
        """Hand ``message`` to the server, mapping every failure to an adapter error."""
        settings = self.settings
        try:
            with smtplib.SMTP(
                settings.host, settings.port, timeout=settings.timeout_seconds
            ) as smtp:
                if settings.starttls:
                    smtp.starttls(context=self._ssl_context or ssl.create_default_context())
                if settings.user is not None and settings.password is not None:
                    smtp.login(settings.user, settings.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            # One recipient per message, so its reply decides.
            code, reply = next(iter(error.recipients.values()))
            raise _reply_error(code, _decode(reply)) from error
        except smtplib.SMTPResponseException as error:
            raise _reply_error(error.smtp_code, _decode(error.smtp_error)) from error
        except smtplib.SMTPNotSupportedError as error:
            raise EmailRefusedError(f"{CHANNEL}: {error} (check smtp_starttls)") from error
        except (smtplib.SMTPException, OSError) as error:
            # smtplib reports a timeout while reading a reply as a dropped connection.
            if isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError):
                raise EmailTimeoutError(
                    f"{CHANNEL}: no reply from {settings.host}:{settings.port} within"
                    f" {settings.timeout_seconds:g} s"
                ) from error
            raise EmailDeliveryError(
                f"{CHANNEL}: cannot reach {settings.host}:{settings.port}: {error}"
            ) from error


def email_notifier_from_config(config: Mapping[str, str]) -> EmailNotifier:
    """An :class:`EmailNotifier` with the ``smtp_*`` settings of ``config``."""
    return EmailNotifier(SmtpSettings.from_config(config))
