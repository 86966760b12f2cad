"""Per-client rate limits of the API, on the ``limits`` library (Flask-Limiter's core).

A caller with a token is counted by its client (every token of a client shares the
client's limit, ``api_clients.rate_limit``); a call without a token by its address
(``MADOGUCHI_API_PUBLIC_RATE_LIMIT``). Fixed windows; counters live where
``MADOGUCHI_RATE_LIMIT_STORAGE`` says: ``memory://`` (the default) counts per process in
:class:`LocalWindows`, any other ``limits`` storage URI (``redis://...``) counts for the
whole deployment.

Every answer carries ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and
``X-RateLimit-Reset`` (epoch seconds); over the limit the answer is 429 with
``Retry-After``. This sits on the hot path of every call, so it avoids Flask-Limiter's
request hooks (about a millisecond a request) and the ``limits`` memory storage, which
starts an expiry thread on nearly every hit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from flask import Flask, Response, current_app, request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from web.api.errors import ApiError

STATE_KEY = "madoguchi.rate_limit"


@dataclass(frozen=True)
class Window:
    """Where the caller stands in its current window (remaining < 0: over the limit)."""

    limit: int
    remaining: int
    reset_at: int  # epoch seconds


@lru_cache(maxsize=256)
def _item(value: str) -> RateLimitItem:
    return parse(value)


class Windows(Protocol):
    """Counts hits per key in fixed windows."""

    def hit(self, item: RateLimitItem, key: str) -> Window:
        """Count one hit for ``key``; the window after it (remaining < 0: over)."""
        ...


class LocalWindows:
    """Fixed-window counters in this process's memory."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._counts: dict[tuple[str, int, int], int] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def hit(self, item: RateLimitItem, key: str) -> Window:
        seconds = item.get_expiry()
        start = int(self._clock()) // seconds * seconds
        slot = (key, seconds, start)
        with self._lock:
            if len(self._counts) > 100_000:  # drop windows that are over
                self._counts = {k: v for k, v in self._counts.items() if k[2] >= start}
            count = self._counts.get(slot, 0) + 1
            self._counts[slot] = count
        return Window(item.amount, item.amount - count, start + seconds)


class SharedWindows:
    """Fixed-window counters in a ``limits`` storage shared by every process."""

    def __init__(self, storage_uri: str) -> None:
        self._limiter = FixedWindowRateLimiter(storage_from_string(storage_uri))

    def hit(self, item: RateLimitItem, key: str) -> Window:
        allowed = self._limiter.hit(item, key)
        reset_at, remaining = self._limiter.get_window_stats(item, key)
        return Window(item.amount, remaining if allowed else -1, int(reset_at))


def init_limiter(app: Flask, storage_uri: str) -> None:
    """Give ``app`` its counters (in ``storage_uri``)."""
    windows: Windows = LocalWindows() if storage_uri == "memory://" else SharedWindows(storage_uri)
    app.extensions["madoguchi_rate_limiter"] = windows


def check(key: str, limit: str) -> None:
    """Count this request for ``key``; 429 with Retry-After when over ``limit``."""
    windows: Windows = current_app.extensions["madoguchi_rate_limiter"]
    window = windows.hit(_item(limit), key)
    request.environ[STATE_KEY] = window
    if window.remaining < 0:
        wait = max(1, int(window.reset_at - time.time()))
        raise ApiError.http(429, retry_after=wait, headers={"Retry-After": str(wait)})


def add_headers(resp: Response) -> Response:
    """The caller's window, on every answer it was counted for."""
    window: Window | None = request.environ.get(STATE_KEY)
    if window is not None:
        resp.headers["X-RateLimit-Limit"] = str(window.limit)
        resp.headers["X-RateLimit-Remaining"] = str(max(0, window.remaining))
        resp.headers["X-RateLimit-Reset"] = str(window.reset_at)
    return resp
