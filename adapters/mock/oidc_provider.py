"""The shared machinery of the mock OpenID Connect providers (authlib on Flask).

Both mocks (the resident's Digital Authentication App in :mod:`adapters.mock.oidc_resident`
and the staff identity provider in :mod:`adapters.mock.oidc_staff`) run the same flow and
differ only in how a person logs in and which claims they get. That difference is a
:class:`LoginBackend`; :class:`OidcProvider` does the rest.

Flow (authorization code only): the client sends the browser to ``/authorize`` with
``response_type=code``, ``state``, ``nonce`` and a PKCE ``S256`` challenge (all three
required; without them the client is sent back with ``error=invalid_request``). The
person logs in on the page; the browser returns to the client with a code that is valid
once, for :data:`CODE_LIFETIME_SECONDS`. ``/token`` exchanges it, with the PKCE verifier,
for an access token and an ID token signed (ES256) with a P-256 key made for this provider
instance and published at ``/jwks``. ``/userinfo`` answers the same claims to the access
token.

``sub`` is pairwise: an HMAC of the client id and the person's key, stable across logins
and provider restarts, different for each client. Backends add a private claim that names
the person in the municipality's own records.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import InvalidRequestError, OAuth2Error
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, Response, jsonify, request
from joserfc.jwk import ECKey

from adapters.mock.oidc_models import (
    AccessToken,
    IssuedCode,
    LoginBackend,
    LoginRefused,
    OidcClient,
    Person,
)

CODE_LIFETIME_SECONDS = 60
"""How long an authorization code can be exchanged."""

ID_TOKEN_LIFETIME_SECONDS = 600
ACCESS_TOKEN_LIFETIME_SECONDS = 3600
SIGNING_ALGORITHM = "ES256"
DEFAULT_PAIRWISE_SALT = b"madoguchi-mock-oidc-pairwise"


class _Server(AuthorizationServer):  # type: ignore[misc]  # authlib is untyped
    """authlib's Flask server, carrying the provider its grants need."""

    def __init__(self, app: Flask, provider: OidcProvider) -> None:
        self.provider = provider
        super().__init__(app, query_client=provider.client, save_token=provider.save_token)


class _CodeGrant(AuthorizationCodeGrant):  # type: ignore[misc]  # authlib is untyped
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = [
        "client_secret_basic",
        "client_secret_post",
        "none",
    ]

    def save_authorization_code(self, code: str, request: Any) -> None:
        provider: OidcProvider = self.server.provider
        data = request.payload.data
        provider.store_code(
            IssuedCode(
                code=code,
                client_id=request.client.get_client_id(),
                redirect_uri=request.payload.redirect_uri or "",
                scope=request.scope,
                nonce=data.get("nonce", ""),
                code_challenge=data.get("code_challenge", ""),
                code_challenge_method=data.get("code_challenge_method", ""),
                person=request.user.key,
                issued_at=provider.clock(),
            )
        )

    def query_authorization_code(self, code: str, client: OidcClient) -> IssuedCode | None:
        provider: OidcProvider = self.server.provider
        return provider.find_code(code, client.client_id)

    def delete_authorization_code(self, authorization_code: IssuedCode) -> None:
        provider: OidcProvider = self.server.provider
        provider.delete_code(authorization_code.code)

    def authenticate_user(self, authorization_code: IssuedCode) -> Person:
        return Person(authorization_code.person, authorization_code.client_id)


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


def _require_state(grant: Any) -> None:
    """Grant extension: refuse an authorization request without ``state``."""

    def check(grant: Any, redirect_uri: str) -> None:
        if not grant.request.payload.state:
            raise InvalidRequestError("'state' is required.")

    grant.register_hook("after_validate_authorization_request_payload", check)


class _OpenIDCode(OpenIDCode):  # type: ignore[misc]  # authlib is untyped
    def __init__(self, provider: OidcProvider) -> None:
        super().__init__(require_nonce=True)
        self.provider = provider

    def exists_nonce(self, nonce: str, request: Any) -> bool:
        return self.provider.nonce_used(nonce)

    def resolve_client_private_key(self, client: OidcClient) -> ECKey:
        return self.provider.key

    def get_client_algorithm(self, client: OidcClient) -> str:
        return SIGNING_ALGORITHM

    def get_encode_header(self, client: OidcClient) -> dict[str, str]:
        return {"alg": SIGNING_ALGORITHM, "kid": self.provider.key.kid or "", "typ": "JWT"}

    def get_client_claims(self, client: OidcClient) -> dict[str, object]:
        now = int(self.provider.clock())
        return {
            "iss": self.provider.issuer,
            "aud": client.client_id,
            "iat": now,
            "exp": now + ID_TOKEN_LIFETIME_SECONDS,
        }

    def generate_user_info(self, user: Person, scope: str) -> dict[str, object]:
        return self.provider.claims(user, scope)


class OidcProvider:
    """One mock OpenID provider: clients, codes, tokens and a signing key, in memory."""

    def __init__(
        self,
        backend: LoginBackend,
        issuer: str,
        clients: tuple[OidcClient, ...],
        *,
        clock: Callable[[], float] = time.time,
        pairwise_salt: bytes = DEFAULT_PAIRWISE_SALT,
    ) -> None:
        self.backend = backend
        self.issuer = issuer.rstrip("/")
        self.clients = {c.client_id: c for c in clients}
        self.clock = clock
        self.key = ECKey.generate_key("P-256", auto_kid=True)
        self._salt = pairwise_salt
        self._codes: dict[str, IssuedCode] = {}
        self._tokens: dict[str, AccessToken] = {}
        self._nonces: set[str] = set()
        self._lock = threading.Lock()

    def client(self, client_id: str) -> OidcClient | None:
        """The registered client, or None."""
        return self.clients.get(client_id)

    def subject(self, person: str, client_id: str) -> str:
        """The pairwise ``sub`` of ``person`` for ``client_id``."""
        message = f"{client_id}\x00{person}".encode()
        return hmac.new(self._salt, message, hashlib.sha256).hexdigest()[:32]

    def claims(self, person: Person, scope: str) -> dict[str, object]:
        """``sub`` and the backend's claims for the granted ``scope``."""
        granted = frozenset(scope.split())
        return {"sub": self.subject(person.key, person.client_id)} | self.backend.claims(
            person.key, granted
        )

    def store_code(self, code: IssuedCode) -> None:
        """Keep an issued code; its nonce may not be used again."""
        with self._lock:
            self._codes[code.code] = code
            self._nonces.add(code.nonce)

    def find_code(self, code: str, client_id: str) -> IssuedCode | None:
        """The code if it exists, belongs to ``client_id`` and has not expired."""
        with self._lock:
            found = self._codes.get(code)
            if found is None or found.client_id != client_id:
                return None
            if self.clock() - found.issued_at > CODE_LIFETIME_SECONDS:
                del self._codes[code]
                return None
            return found

    def delete_code(self, code: str) -> None:
        """Forget a code once exchanged: codes are single-use."""
        with self._lock:
            self._codes.pop(code, None)

    def nonce_used(self, nonce: str) -> bool:
        """Whether a code was already issued with this nonce (a replay)."""
        with self._lock:
            return nonce in self._nonces

    def save_token(self, token: Mapping[str, Any], request: Any) -> None:
        """Remember an access token for ``/userinfo``."""
        with self._lock:
            self._tokens[token["access_token"]] = AccessToken(
                person=request.user,
                scope=token["scope"],
                expires_at=self.clock() + int(token["expires_in"]),
            )

    def userinfo_for(self, access_token: str) -> dict[str, object] | None:
        """The claims for a live access token, or None."""
        with self._lock:
            found = self._tokens.get(access_token)
        if found is None or self.clock() >= found.expires_at:
            return None
        return self.claims(found.person, found.scope)

    def discovery(self) -> dict[str, object]:
        """The OpenID Provider metadata."""
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": [SIGNING_ALGORITHM],
            "scopes_supported": list(self.backend.scopes),
            "claims_supported": [
                *("sub", "iss", "aud", "exp", "iat", "nonce", "auth_time"),
                *self.backend.claims_supported,
            ],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
            "ui_locales_supported": ["ja"],
        }

    def jwks(self) -> dict[str, object]:
        """The public signing key as a JWK set."""
        return {"keys": [self.key.as_dict(private=False, alg=SIGNING_ALGORITHM, use="sig")]}

    def create_app(self) -> Flask:
        """The provider as a Flask app (routes listed in the module docstring)."""
        app = Flask(__name__)
        app.config["OAUTH2_SCOPES_SUPPORTED"] = list(self.backend.scopes)
        app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {
            "authorization_code": ACCESS_TOKEN_LIFETIME_SECONDS
        }
        server = _Server(app, self)
        server.register_grant(
            _CodeGrant, [_RequiredS256(required=True), _require_state, _OpenIDCode(self)]
        )
        _register_routes(app, server, self)
        return app


def _register_routes(app: Flask, server: _Server, provider: OidcProvider) -> None:
    @app.get("/.well-known/openid-configuration")
    def discovery() -> Response:
        return jsonify(provider.discovery())

    @app.get("/jwks")
    def jwks() -> Response:
        return jsonify(provider.jwks())

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize() -> Response | tuple[str, int]:
        try:
            grant = server.get_consent_grant(end_user=None)
        except OAuth2Error as error:
            response: Response = server.handle_error_response(request, error)
            return response
        client: OidcClient = grant.client
        scopes = tuple(grant.request.scope.split())
        if request.method == "GET":
            return provider.backend.login_page(client, scopes, None), 200
        if "cancel" in request.form:
            cancelled: Response = server.create_authorization_response(grant_user=None, grant=grant)
            return cancelled
        try:
            person = provider.backend.authenticate(request.form)
        except LoginRefused as refused:
            return provider.backend.login_page(client, scopes, refused.message), refused.status
        granted: Response = server.create_authorization_response(
            grant_user=Person(person, client.client_id), grant=grant
        )
        return granted

    @app.post("/token")
    def token() -> Response:
        response: Response = server.create_token_response()
        return response

    @app.route("/userinfo", methods=["GET", "POST"])
    def userinfo() -> Response | tuple[Response, int, dict[str, str]]:
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        claims = provider.userinfo_for(value) if scheme.lower() == "bearer" else None
        if claims is None:
            challenge = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
            return jsonify({"error": "invalid_token"}), 401, challenge
        return jsonify(claims)
