"""The bearer-token guard of the API operations (tokens come from :mod:`web.api.oauth`).

Every API operation that is not explicitly public runs :func:`authenticate` first: no
token or a bad one is 401 (``WWW-Authenticate: Bearer``), a token without the scope the
operation needs is 403 ``insufficient_scope``. A token looked up is trusted for
:data:`TOKEN_CACHE_SECONDS` by this process (:class:`TokenCache`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from flask import Flask, current_app, request
from sqlmodel import Session

from engine import api_clients, api_tokens
from engine.api_clients import Subject
from engine.api_tokens import TokenRecord
from engine.runtime import Runtime
from web.api.errors import ApiError

REALM = "madoguchi"
TOKEN_KEY = "madoguchi.api_token"  # noqa: S105  # an environ key, not a secret
CALLER_KEY = "madoguchi.api_caller"


def _rt() -> Runtime:
    rt: Runtime = current_app.extensions["madoguchi"]
    return rt


@dataclass(frozen=True)
class Caller:
    """Who is calling: the token, its client and the subject it stands for."""

    token: TokenRecord

    @property
    def subject(self) -> Subject:
        return self.token.subject

    @property
    def client_id(self) -> str:
        return self.token.client_id


def bearer_token() -> str | None:
    """The bearer token of the request, or None when there is none (or another scheme)."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


class TokenCache:
    """Recently looked-up access tokens of this process, for :data:`TOKEN_CACHE_SECONDS`.

    Every API call starts with a token lookup; keeping the answer a few seconds saves a
    database round trip per call. The price is that a token revoked by another process
    (``madoguchi clients revoke``) keeps working here for at most that long; revocations
    made through this process's endpoints take effect at once.
    """

    def __init__(self, seconds: float, size: int = 10_000) -> None:
        self.seconds = seconds
        self.size = size
        self._entries: dict[str, tuple[float, TokenRecord]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> TokenRecord | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key: str, record: TokenRecord) -> None:
        if self.seconds <= 0:
            return
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries.clear()
            self._entries[key] = (time.monotonic() + self.seconds, record)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


TOKEN_CACHE_SECONDS = 5.0
"""How long a process trusts a token it looked up (see :class:`TokenCache`)."""


def init_guard(app: Flask) -> None:
    """Give ``app`` its token cache."""
    app.extensions["madoguchi_token_cache"] = TokenCache(TOKEN_CACHE_SECONDS)


def token_cache() -> TokenCache:
    """This app's token cache."""
    cache: TokenCache = current_app.extensions["madoguchi_token_cache"]
    return cache


def current_token() -> TokenRecord | None:
    """The valid token of this request (looked up once per request), or None."""
    # Kept in the WSGI environ, not in g: g belongs to the app context, which a test (or
    # an app context pushed around several requests) can share between requests.
    if TOKEN_KEY in request.environ:
        found: TokenRecord | None = request.environ[TOKEN_KEY]
        return found
    token = bearer_token()
    record = None
    if token is not None and token.startswith(api_clients.ACCESS_PREFIX) and len(token) < 200:
        key = api_clients.digest(token)
        cache = token_cache()
        record = cache.get(key)
        if record is None:
            with Session(_rt().db) as session:
                record = api_tokens.find_access_token(session, token)
                session.rollback()
            if record is not None:
                cache.put(key, record)
        if record is not None and (record.revoked or record.expired()):
            record = None
    request.environ[TOKEN_KEY] = record
    return record


def _unauthorized(error: str, description: str) -> ApiError:
    challenge = f'Bearer realm="{REALM}", error="{error}", error_description="{description}"'
    return ApiError.http(401, headers={"WWW-Authenticate": challenge})


def authenticate(scopes: tuple[str, ...]) -> Caller:
    """The caller of this request, holding every scope in ``scopes``; else 401 or 403."""
    if bearer_token() is None:
        raise ApiError.http(401, headers={"WWW-Authenticate": f'Bearer realm="{REALM}"'})
    record = current_token()
    if record is None:
        raise _unauthorized("invalid_token", "The access token is invalid or has expired.")
    missing = [s for s in scopes if s not in record.scopes]
    if missing:
        challenge = (
            f'Bearer realm="{REALM}", error="insufficient_scope", scope="{" ".join(scopes)}"'
        )
        raise ApiError(
            403,
            "insufficient_scope",
            f"このトークンには必要な権限（{' '.join(missing)}）がありません。",
            f"The token lacks the scope(s) this needs: {' '.join(missing)}.",
            headers={"WWW-Authenticate": challenge},
            required_scopes=list(scopes),
        )
    return Caller(record)


def caller() -> Caller:
    """The authenticated caller of the current operation."""
    found: Caller | None = request.environ.get(CALLER_KEY)
    if found is None:  # pragma: no cover - every non-public operation authenticates first
        raise ApiError.http(401)
    return found
