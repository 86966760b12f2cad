"""Mynaportal ぴったりサービス and OSS intake over HTTP: :class:`HttpPittariIntake`,
:class:`HttpOssIntake` (the same pull API, each with its package format).

Speaks the JSON API of ``docs/formats/pittari-http.md`` (served by the mock in
:mod:`adapters.mock.pittari_http`) with :mod:`urllib`, and turns every failure into the
errors :class:`adapters.base.PittariIntake` promises:

- no reply in time: :class:`adapters.errors.PartnerTimeoutError`;
- connection refused or a server error (5xx, 504 as a timeout):
  :class:`adapters.errors.PartnerUnavailableError`;
- a reply that is not the expected JSON (or is cut off):
  :class:`adapters.errors.MalformedReplyError`;
- 404: :class:`adapters.errors.UnknownApplicationError` (or
  :class:`adapters.errors.UnknownRecipientError`); 409:
  :class:`adapters.errors.ApplicationStateError` (or
  :class:`adapters.errors.IdempotencyConflictError` for a reused notice key); 422:
  ``ValueError``; a package that does not follow ``pittari-package/1``:
  :class:`adapters.errors.PackageFormatError`.

The client never retries: every call is idempotent, and the engine's intake job and
outbox retry transient errors with their own backoff.

Registered for the capability ``pittari_intake`` under the id ``http``; configuration:
``pittari_url`` (the base URL, required) and ``pittari_timeout`` (seconds, default 5);
likewise ``oss_intake`` with ``oss_url`` and ``oss_timeout``.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from adapters.base import OssIntake, PittariIntake
from adapters.capabilities import OSS_INTAKE, PITTARI_INTAKE
from adapters.errors import (
    ApplicationStateError,
    IdempotencyConflictError,
    MalformedReplyError,
    PartnerRefusalError,
    PartnerTimeoutError,
    PartnerUnavailableError,
    UnknownApplicationError,
    UnknownRecipientError,
)
from adapters.exchange import NoticeReceipt, PortalStatus, check_notice_arguments
from adapters.oss_package import OssPackage, parse_oss_package
from adapters.pittari_package import PittariPackage, parse_package
from adapters.registry import default_registry

CHANNEL = "pittari"
OSS_CHANNEL = "oss"

DEFAULT_TIMEOUT = 5.0
"""Seconds the client waits for a connection or for each read of a reply."""


class UrlOpener(Protocol):
    """What the client needs of :class:`urllib.request.OpenerDirector` (tests pass fakes).

    ``open`` returns a reply with ``status``, ``read()`` and ``close()``, or raises
    :class:`urllib.error.HTTPError` for an error status, as ``OpenerDirector`` does.
    """

    def open(self, fullurl: urllib.request.Request, data: None = None, timeout: float = ...) -> Any:
        """Send ``fullurl`` and return the reply."""
        ...


def _decode(raw: bytes, what: str, channel: str = CHANNEL) -> object:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise MalformedReplyError(f"{channel}: {what}: reply is not JSON: {raw[:60]!r}") from None


def _field(reply: object, key: str, what: str, channel: str = CHANNEL) -> object:
    if not isinstance(reply, dict) or key not in reply:
        raise MalformedReplyError(f"{channel}: {what}: reply has no {key!r}: {reply!r:.80}")
    return reply[key]


P = TypeVar("P", PittariPackage, OssPackage)


class HttpPortalIntake(Generic[P]):
    """The pull API of a portal (Pittari or OSS) over JSON at ``base_url``.

    ``timeout`` (seconds) bounds the connection and each read; ``opener`` replaces the
    default :func:`urllib.request.build_opener` (for tests and for proxies or TLS setup).
    Subclasses name the portal (``channel``) and read its package format (``_parse``).
    """

    channel = CHANNEL

    def _parse(self, raw: bytes) -> P:
        """The package in ``raw``, validated against the portal's format."""
        raise NotImplementedError

    def __init__(
        self, base_url: str, *, timeout: float = DEFAULT_TIMEOUT, opener: UrlOpener | None = None
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"{self.channel}_url must be an http(s) URL, not {base_url!r}")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._opener: UrlOpener = urllib.request.build_opener() if opener is None else opener

    def list_new(self, lg_code: str, limit: int = 100) -> tuple[str, ...]:
        """Ids of applications to ``lg_code`` not yet acknowledged, oldest first."""
        query = urllib.parse.urlencode({"lg_code": lg_code, "limit": str(limit)})
        what = "list_new"
        reply = self._call("GET", f"/v1/applications?{query}", what)
        ids = _field(reply, "application_ids", what, self.channel)
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise MalformedReplyError(
                f"{self.channel}: {what}: application_ids is not a string list"
            )
        return tuple(ids)

    def download(self, application_id: str) -> P:
        """The package of one application, validated against the portal's format."""
        what = f"download {application_id}"
        raw = self._send("GET", self._path(application_id), what, application_id=application_id)
        _decode(raw, what, self.channel)
        package = self._parse(raw)
        if package.application_id != application_id:
            raise MalformedReplyError(
                f"{self.channel}: {what}: the reply is the package of {package.application_id}"
            )
        return package

    def acknowledge(self, application_id: str) -> None:
        """Confirm the package is stored; idempotent."""
        what = f"acknowledge {application_id}"
        reply = self._call(
            "POST", self._path(application_id, "ack"), what, {}, application_id=application_id
        )
        if _field(reply, "acknowledged", what, self.channel) is not True:
            raise MalformedReplyError(f"{self.channel}: {what}: the reply does not confirm it")

    def post_status(
        self, application_id: str, status: PortalStatus, message: str | None = None
    ) -> None:
        """Show ``status`` to the resident; only after :meth:`acknowledge`. Idempotent."""
        status = PortalStatus(status)
        what = f"post_status {application_id}"
        reply = self._call(
            "POST",
            self._path(application_id, "status"),
            what,
            {"status": status.value, "message": message},
            application_id=application_id,
        )
        if _field(reply, "status", what, self.channel) != status.value:
            raise MalformedReplyError(f"{self.channel}: {what}: the reply names another status")

    def send_notice(
        self,
        *,
        title: str,
        body: str,
        idempotency_key: str,
        application_id: str | None = None,
        resident_number: str | None = None,
    ) -> NoticeReceipt:
        """Put a notice in an inbox; a repeated ``idempotency_key`` returns the first receipt."""
        check_notice_arguments(title, body, application_id, resident_number)
        what = f"send_notice {idempotency_key}"
        payload = {
            "title": title,
            "body": body,
            "idempotency_key": idempotency_key,
            "application_id": application_id,
            "resident_number": resident_number,
        }
        reply = self._call(
            "POST",
            "/v1/notices",
            what,
            payload,
            application_id=application_id,
            idempotency_key=idempotency_key,
        )
        notice_id = _field(reply, "notice_id", what, self.channel)
        accepted_text = _field(reply, "accepted_at", what, self.channel)
        if not isinstance(notice_id, str) or not isinstance(accepted_text, str):
            raise MalformedReplyError(f"{self.channel}: {what}: notice_id and accepted_at are text")
        try:
            accepted_at = datetime.fromisoformat(accepted_text)
        except ValueError:
            raise MalformedReplyError(f"{self.channel}: {what}: bad accepted_at") from None
        if accepted_at.tzinfo is None:
            raise MalformedReplyError(f"{self.channel}: {what}: accepted_at has no time zone")
        return NoticeReceipt(notice_id, accepted_at)

    @staticmethod
    def _path(application_id: str, action: str | None = None) -> str:
        path = f"/v1/applications/{urllib.parse.quote(application_id, safe='')}"
        return path if action is None else f"{path}/{action}"

    def _call(
        self,
        method: str,
        path: str,
        what: str,
        payload: Mapping[str, object] | None = None,
        *,
        application_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> object:
        """Send one request and return its reply decoded from JSON."""
        raw = self._send(
            method,
            path,
            what,
            payload,
            application_id=application_id,
            idempotency_key=idempotency_key,
        )
        return _decode(raw, what, self.channel)

    def _send(
        self,
        method: str,
        path: str,
        what: str,
        payload: Mapping[str, object] | None = None,
        *,
        application_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> bytes:
        """Send one request; return the body of a 2xx reply or raise the mapped error."""
        data = None if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL scheme is checked in __init__
            self.base_url + path,
            data=data,
            method=method,
            headers={"Accept": "application/json", "Content-Type": "application/json"},
        )
        try:
            reply = self._opener.open(request, timeout=self.timeout)
            try:
                status, raw = int(reply.status), bytes(reply.read())
            finally:
                reply.close()
        except urllib.error.HTTPError as error:
            try:
                raw = error.read()
            except (OSError, http.client.HTTPException):
                raw = b""
            finally:
                error.close()
            raise self._refusal(error.code, raw, what, application_id, idempotency_key) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise PartnerTimeoutError(f"{self.channel}: {what}: no reply in time") from None
            raise PartnerUnavailableError(f"{self.channel}: {what}: {error.reason}") from None
        except TimeoutError:
            raise PartnerTimeoutError(f"{self.channel}: {what}: no reply in time") from None
        except http.client.HTTPException as error:
            raise MalformedReplyError(f"{self.channel}: {what}: broken reply ({error!r})") from None
        except OSError as error:
            raise PartnerUnavailableError(f"{self.channel}: {what}: {error}") from None
        if not 200 <= status < 300:
            raise self._refusal(status, raw, what, application_id, idempotency_key)
        return raw

    def _refusal(
        self,
        status: int,
        raw: bytes,
        what: str,
        application_id: str | None,
        idempotency_key: str | None,
    ) -> Exception:
        """The error an error status means (never raised here: the caller raises it)."""
        try:
            reply = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            reply = None
        details: dict[str, object] = reply if isinstance(reply, dict) else {}
        code = str(details.get("error", ""))
        said = details.get("message", repr(raw[:80]))
        message = f"{self.channel}: {what}: HTTP {status}: {said}"
        if status == 504:
            return PartnerTimeoutError(message)
        if status >= 500:
            return PartnerUnavailableError(message)
        if status == 404 and code == "unknown_recipient":
            return UnknownRecipientError(str(details.get("message", message)))
        if status == 404 and application_id is not None and code == "unknown_application":
            return UnknownApplicationError(self.channel, application_id)
        if status == 409 and code == "idempotency_conflict" and idempotency_key is not None:
            return IdempotencyConflictError(
                self.channel, idempotency_key, str(details.get("notice_id", "?"))
            )
        if status == 409:
            return ApplicationStateError(str(details.get("message", message)))
        if status == 422:
            return ValueError(str(details.get("message", message)))
        return PartnerRefusalError(message)


class HttpPittariIntake(HttpPortalIntake[PittariPackage]):
    """A :class:`adapters.base.PittariIntake` over the JSON API at ``base_url``."""

    channel = CHANNEL

    def _parse(self, raw: bytes) -> PittariPackage:
        return parse_package(raw)


class HttpOssIntake(HttpPortalIntake[OssPackage]):
    """A :class:`adapters.base.OssIntake` over the same JSON API (``oss-package/1``)."""

    channel = OSS_CHANNEL

    def _parse(self, raw: bytes) -> OssPackage:
        return parse_oss_package(raw)


@default_registry.register(PITTARI_INTAKE, "http")
def http_pittari_intake(config: Mapping[str, str]) -> PittariIntake:
    """The HTTP client configured by ``pittari_url`` and ``pittari_timeout`` (seconds)."""
    url = config.get("pittari_url")
    if not url:
        raise ValueError("pittari_intake 'http' needs pittari_url (the API's base URL)")
    timeout = float(config.get("pittari_timeout", str(DEFAULT_TIMEOUT)))
    return HttpPittariIntake(url, timeout=timeout)


@default_registry.register(OSS_INTAKE, "http")
def http_oss_intake(config: Mapping[str, str]) -> OssIntake:
    """The OSS client configured by ``oss_url`` and ``oss_timeout`` (seconds)."""
    url = config.get("oss_url")
    if not url:
        raise ValueError("oss_intake 'http' needs oss_url (the API's base URL)")
    return HttpOssIntake(url, timeout=float(config.get("oss_timeout", str(DEFAULT_TIMEOUT))))
