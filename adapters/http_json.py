"""The HTTP side shared by the partner clients: JSON over httpx with timeouts and retries.

:class:`JsonHttp` sends one logical call and retries it, with exponential backoff and
jitter, when the partner did not answer in time or answered a server error (5xx):
every call the clients make is safe to repeat (reads, and registrations carrying an
``Idempotency-Key``). What remains after the last try becomes the errors the interfaces
promise: :class:`adapters.errors.PartnerTimeoutError` (no reply in time, or 504),
:class:`adapters.errors.PartnerUnavailableError` (refused connection, 5xx) and
:class:`adapters.errors.MalformedReplyError` (a 2xx body that is not JSON; not retried,
since a write behind it may have taken effect: the caller reconciles). A 4xx reply is
handed back to the client, which maps it to its refusal.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from adapters.errors import MalformedReplyError, PartnerTimeoutError, PartnerUnavailableError

DEFAULT_TIMEOUT = 5.0
DEFAULT_RETRIES = 2
DEFAULT_BACKOFF = 0.2


@dataclass(frozen=True)
class Reply:
    """A 2xx or 4xx reply: its status and its JSON body (``{}`` when the body is empty)."""

    status: int
    body: Any


def settings_from(config: Mapping[str, str], prefix: str) -> dict[str, Any]:
    """``base_url``, ``timeout`` and ``retries`` from ``<prefix>_url``, ``_timeout``, ``_retries``.

    ``ValueError`` (naming the key) when the URL is missing or a number is malformed.
    """
    url = config.get(f"{prefix}_url")
    if not url:
        raise ValueError(
            f"{prefix} 'http' needs {prefix}_url (the partner's base URL)"
            f" / {prefix}_url に接続先の URL を設定してください"
        )
    try:
        timeout = float(config.get(f"{prefix}_timeout", str(DEFAULT_TIMEOUT)))
        retries = int(config.get(f"{prefix}_retries", str(DEFAULT_RETRIES)))
    except ValueError:
        raise ValueError(f"{prefix}_timeout and {prefix}_retries must be numbers") from None
    return {"base_url": url, "timeout": timeout, "retries": retries}


class JsonHttp:
    """JSON calls to one partner at ``base_url``, with timeouts and retries (module text).

    ``transport`` replaces httpx's network transport (tests); ``sleep`` spends the
    backoff (tests pass one that does not wait).
    """

    def __init__(
        self,
        partner: str,
        base_url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"{partner}: the base URL must be http(s), not {base_url!r}")
        if timeout <= 0 or retries < 0 or backoff < 0:
            raise ValueError(f"{partner}: timeout must be positive, retries and backoff >= 0")
        self.partner = partner
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self._rng = random.Random()  # noqa: S311 - jitter, not secrets
        self._http = httpx.Client(
            timeout=timeout,
            transport=transport,
            headers={"Accept": "application/json"},
        )

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def call(
        self,
        method: str,
        path: str,
        what: str,
        *,
        body: Mapping[str, object] | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """Send the call, retrying transient failures; the 2xx or 4xx reply."""
        attempt = 0
        while True:
            try:
                return self._once(method, path, what, body, params, headers)
            except (PartnerTimeoutError, PartnerUnavailableError):
                if attempt >= self.retries:
                    raise
            # Full jitter keeps many clients from retrying in step after an outage.
            self._sleep(self.backoff * 2**attempt * (0.5 + self._rng.random() / 2))
            attempt += 1

    def _once(
        self,
        method: str,
        path: str,
        what: str,
        body: Mapping[str, object] | None,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
    ) -> Reply:
        label = f"{self.partner}: {what}"
        try:
            reply = self._http.request(
                method,
                self.base_url + path,
                json=None if body is None else dict(body),
                params=None if params is None else dict(params),
                headers=None if headers is None else dict(headers),
            )
        except httpx.TimeoutException:
            raise PartnerTimeoutError(f"{label}: no reply within {self.timeout:g} s") from None
        except httpx.HTTPError as error:
            raise PartnerUnavailableError(f"{label}: {error}") from None
        if reply.status_code == 504:
            raise PartnerTimeoutError(f"{label}: HTTP 504 (the partner timed out)")
        if reply.status_code >= 500:
            raise PartnerUnavailableError(f"{label}: HTTP {reply.status_code}")
        if not reply.content:
            return Reply(reply.status_code, {})
        try:
            return Reply(reply.status_code, reply.json())
        except ValueError:
            if reply.status_code >= 400:
                return Reply(reply.status_code, {})
            raise MalformedReplyError(
                f"{label}: reply is not JSON: {reply.content[:60]!r}"
            ) from None


def field_of(reply: Reply, key: str, what: str) -> Any:
    """``reply.body[key]``; :class:`MalformedReplyError` when the body has no such field."""
    if not isinstance(reply.body, dict) or key not in reply.body:
        raise MalformedReplyError(f"{what}: reply has no {key!r}: {reply.body!r:.80}")
    return reply.body[key]


def error_code(reply: Reply) -> str:
    """The ``error`` code of an error reply, or ``""``."""
    return str(reply.body.get("error", "")) if isinstance(reply.body, dict) else ""


def error_message(reply: Reply) -> str:
    """The ``message`` of an error reply, or its status."""
    if isinstance(reply.body, dict) and isinstance(reply.body.get("message"), str):
        return str(reply.body["message"])
    return f"HTTP {reply.status}"
