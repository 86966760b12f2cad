"""OAuth 2.0 for the API (authlib): the authorization server.

Grants (token endpoint ``POST /api/v1/oauth/token``):

- ``client_credentials`` for integrator clients: the token stands for the client itself
  (an engine actor of kind ``integrator``), which files signed applications and reads its
  own filings;
- ``authorization_code`` with PKCE (S256, for every client) for resident and staff
  clients: the person logs in through the same login as the screens (the card through the
  Digital Authentication App, or the municipal identity provider), agrees on
  ``/oauth/authorize``, and the client gets a token that stands for that person;
- ``refresh_token`` for those person tokens (rotated on use).

Access tokens live :data:`ACCESS_LIFETIME` seconds; refresh tokens
:data:`REFRESH_LIFETIME`. Tokens, codes and secrets are stored as hashes
(:mod:`engine.api_tokens`). ``POST /api/v1/oauth/revoke`` revokes a token (RFC 7009).
The bearer-token guard of the operations is :mod:`web.api.auth`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import (
    ClientMixin,
    InvalidRequestError,
    TokenMixin,
)
from authlib.oauth2.rfc6749.grants import (
    AuthorizationCodeGrant,
    ClientCredentialsGrant,
    RefreshTokenGrant,
)
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from flask import Flask, Response, current_app, g
from sqlmodel import Session

from engine import api_clients, api_tokens
from engine.api_clients import ApiClient, Subject
from engine.api_tokens import ApiAuthorizationCode, TokenRecord
from engine.models import utcnow
from engine.runtime import Runtime
from web.api.auth import token_cache

ACCESS_LIFETIME: dict[str, int] = {"integrator": 3600, "resident": 900, "staff": 900}
"""Seconds an access token is valid, by the kind of client (people: short, with refresh)."""
REFRESH_LIFETIME = 12 * 3600
"""Seconds a refresh token (residents and staff) is valid; each use gives a new one."""
CODE_LIFETIME = 120
"""Seconds an authorization code may be exchanged."""

GRANTS: dict[str, tuple[str, ...]] = {
    "integrator": ("client_credentials",),
    "resident": ("authorization_code", "refresh_token"),
    "staff": ("authorization_code", "refresh_token"),
}
REFRESH_HINT = "refresh_token"


def _rt() -> Runtime:
    rt: Runtime = current_app.extensions["madoguchi"]
    return rt


def _db() -> Session:
    """The session the OAuth endpoints work in (opened per request, committed once)."""
    session: Session | None = g.get("oauth_db")
    if session is None:
        raise RuntimeError("OAuth callbacks run inside oauth_transaction()")
    return session


@dataclass(frozen=True)
class OAuthClient(ClientMixin):  # type: ignore[misc]  # authlib is untyped
    """An :class:`engine.api_clients.ApiClient` as authlib's grants see it."""

    row: ApiClient

    def get_client_id(self) -> str:
        return self.row.id

    def get_default_redirect_uri(self) -> str | None:
        return self.row.redirect_uris[0] if self.row.redirect_uris else None

    def get_allowed_scope(self, scope: str | None) -> str | None:
        allowed = self.row.scope_set
        if not scope:
            return " ".join(s for s in self.row.scopes.split())
        wanted = scope.split()
        if not set(wanted) <= allowed:
            return None  # invalid_scope: a client never gets more than it was registered for
        return " ".join(dict.fromkeys(wanted))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.row.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return api_clients.check_secret(self.row, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.row.secret_hash is None:
            return method == "none"
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and self.row.kind in ("resident", "staff")

    def check_grant_type(self, grant_type: str) -> bool:
        return self.row.active and grant_type in GRANTS.get(self.row.kind, ())


@dataclass(frozen=True)
class OAuthToken(TokenMixin):  # type: ignore[misc]  # authlib is untyped
    """A stored token as authlib's refresh and revocation endpoints see it."""

    record: TokenRecord

    def check_client(self, client: OAuthClient) -> bool:
        return self.record.client_id == client.get_client_id()

    def get_scope(self) -> str:
        return " ".join(sorted(self.record.scopes))

    def get_expires_in(self) -> int:
        left = self.record.expires_at - utcnow()
        return max(0, int(left.total_seconds()))

    def is_expired(self) -> bool:
        return self.record.expired()

    def is_revoked(self) -> bool:
        return self.record.revoked


def _query_client(client_id: str) -> OAuthClient | None:
    row = api_clients.get_client(_db(), client_id)
    return OAuthClient(row) if row is not None and row.active else None


def _save_token(token: dict[str, Any], oauth_request: Any) -> None:
    client: OAuthClient = oauth_request.client
    user: Subject | None = oauth_request.user
    subject = user if user is not None else Subject("integrator", client.row.id, client.row.name)
    api_tokens.store_token(
        _db(),
        client.row.id,
        subject,
        token.get("scope", ""),
        token["access_token"],
        int(token["expires_in"]),
        refresh_token=token.get("refresh_token"),
        refresh_expires_in=REFRESH_LIFETIME,
    )


def _access_token(**_: Any) -> str:
    return api_clients.ACCESS_PREFIX + secrets.token_urlsafe(32)


def _refresh_token(**_: Any) -> str:
    return api_clients.REFRESH_PREFIX + secrets.token_urlsafe(32)


class _ClientCredentials(ClientCredentialsGrant):  # type: ignore[misc]  # authlib is untyped
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = [
        "client_secret_basic",
        "client_secret_post",
    ]


class _AuthorizationCode(AuthorizationCodeGrant):  # type: ignore[misc]  # authlib is untyped
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = [
        "client_secret_basic",
        "client_secret_post",
        "none",
    ]

    def save_authorization_code(self, code: str, oauth_request: Any) -> None:
        data = oauth_request.payload.data
        api_tokens.store_code(
            _db(),
            code,
            oauth_request.client.get_client_id(),
            oauth_request.user,
            redirect_uri=oauth_request.payload.redirect_uri or "",
            scope=oauth_request.scope or "",
            code_challenge=data.get("code_challenge", ""),
            code_challenge_method=data.get("code_challenge_method", "S256"),
            lifetime=CODE_LIFETIME,
        )

    def query_authorization_code(self, code: str, client: OAuthClient) -> _StoredCode | None:
        row = api_tokens.find_code(_db(), code, client.get_client_id())
        return _StoredCode(row) if row is not None else None

    def delete_authorization_code(self, authorization_code: _StoredCode) -> None:
        api_tokens.delete_code(_db(), authorization_code.row)

    def authenticate_user(self, authorization_code: _StoredCode) -> Subject:
        row = authorization_code.row
        return Subject.from_row(row.subject_kind, row.subject_id, row.subject)


@dataclass(frozen=True)
class _StoredCode:
    """A stored authorization code as authlib's grant reads it."""

    row: ApiAuthorizationCode

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope

    def get_nonce(self) -> None:
        return None

    def get_auth_time(self) -> None:
        return None

    @property
    def code_challenge(self) -> str:
        return self.row.code_challenge

    @property
    def code_challenge_method(self) -> str:
        return self.row.code_challenge_method


class _RequiredS256(CodeChallenge):  # type: ignore[misc]  # authlib is untyped
    """PKCE with ``S256`` for every client, confidential ones included."""

    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send 'code_challenge' (S256).")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE 'code_challenge_method' must be 'S256'.")
        super().validate_code_challenge(grant, redirect_uri)

    def get_authorization_code_challenge(self, authorization_code: _StoredCode) -> str:
        return authorization_code.code_challenge

    def get_authorization_code_challenge_method(self, authorization_code: _StoredCode) -> str:
        return authorization_code.code_challenge_method


class _Refresh(RefreshTokenGrant):  # type: ignore[misc]  # authlib is untyped
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = [
        "client_secret_basic",
        "client_secret_post",
        "none",
    ]
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> OAuthToken | None:
        record = api_tokens.find_refresh_token(_db(), refresh_token)
        if record is None or record.revoked or record.refresh_expires_at is None:
            return None
        if record.refresh_expires_at <= utcnow():
            return None
        return OAuthToken(record)

    def authenticate_user(self, refresh_token: OAuthToken) -> Subject:
        return refresh_token.record.subject

    def revoke_old_credential(self, refresh_token: OAuthToken) -> None:
        api_tokens.revoke_token(_db(), refresh_token.record.id)
        token_cache().clear()


class _Revocation(RevocationEndpoint):  # type: ignore[misc]  # authlib is untyped
    CLIENT_AUTH_METHODS: ClassVar[list[str]] = [
        "client_secret_basic",
        "client_secret_post",
        "none",
    ]

    def query_token(self, token_string: str, token_type_hint: str | None) -> OAuthToken | None:
        # The hint says where to look first; a wrong hint still finds the token (RFC 7009).
        session = _db()
        lookups = [api_tokens.find_access_token, api_tokens.find_refresh_token]
        if token_type_hint == REFRESH_HINT:
            lookups.reverse()
        for lookup in lookups:
            record = lookup(session, token_string)
            if record is not None:
                return OAuthToken(record)
        return None

    def revoke_token(self, token: OAuthToken, _request: Any) -> None:
        api_tokens.revoke_token(_db(), token.record.id)
        token_cache().clear()


def init_oauth(app: Flask) -> AuthorizationServer:
    """Create the authorization server of ``app`` with its grants and endpoints."""
    app.config.update(
        OAUTH2_ACCESS_TOKEN_GENERATOR=_access_token,
        OAUTH2_REFRESH_TOKEN_GENERATOR=_refresh_token,
        OAUTH2_SCOPES_SUPPORTED=list(api_clients.SCOPES),
        # Integrators get client-credentials tokens; people get code and refresh tokens.
        OAUTH2_TOKEN_EXPIRES_IN={
            "client_credentials": ACCESS_LIFETIME["integrator"],
            "authorization_code": ACCESS_LIFETIME["resident"],
            "refresh_token": ACCESS_LIFETIME["resident"],
        },
    )
    server = AuthorizationServer(app, query_client=_query_client, save_token=_save_token)
    server.register_grant(_ClientCredentials)
    server.register_grant(_AuthorizationCode, [_RequiredS256(required=True)])
    server.register_grant(_Refresh)
    server.register_endpoint(_Revocation)
    app.extensions["madoguchi_oauth"] = server
    return server


def server() -> AuthorizationServer:
    """The authorization server of the current app."""
    srv: AuthorizationServer = current_app.extensions["madoguchi_oauth"]
    return srv


def oauth_transaction(respond: Callable[[], Response]) -> Response:
    """Run an OAuth endpoint in one transaction (committed when it answered 2xx/3xx)."""
    with Session(_rt().db, expire_on_commit=False) as session:
        g.oauth_db = session
        try:
            resp = respond()
            if resp.status_code < 400:
                session.commit()
            else:
                session.rollback()
            return resp
        finally:
            g.oauth_db = None
