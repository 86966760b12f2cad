"""The records of the mock OpenID providers: clients, login backends, codes and tokens.

See :mod:`adapters.mock.oidc_provider` for the flow they take part in.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit


@dataclass(frozen=True)
class OidcClient:
    """A registered relying party.

    A confidential client has a ``client_secret`` and authenticates at ``/token`` with
    HTTP Basic or form fields; a public one has none and relies on PKCE alone. Both must
    use PKCE.
    """

    client_id: str
    redirect_uris: tuple[str, ...]
    scopes: tuple[str, ...]
    client_secret: str | None = field(default=None, repr=False)

    @property
    def is_public(self) -> bool:
        """True when the client has no secret."""
        return self.client_secret is None

    # The methods below are authlib's ClientMixin contract.

    def get_client_id(self) -> str:
        """The client id."""
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        """The first registered redirect URI."""
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        """The requested scopes this client may have, space-separated."""
        return " ".join(s for s in scope.split() if s in self.scopes)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        """Exact match against the registered URIs, except for the port of loopback ones.

        A native or test app listens on whatever port is free, so a registered loopback
        URI (``http://127.0.0.1/...`` or ``http://localhost/...``) accepts any port with
        the same host, path and query (RFC 8252 section 7.3). Any other URI must match
        exactly.
        """
        if redirect_uri in self.redirect_uris:
            return True
        asked = loopback_key(redirect_uri)
        return asked is not None and any(loopback_key(u) == asked for u in self.redirect_uris)

    def check_client_secret(self, client_secret: str) -> bool:
        """Constant-time comparison with the registered secret."""
        if self.client_secret is None:
            return False
        return hmac.compare_digest(client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        """Public clients use ``none``; confidential ones a secret."""
        if self.is_public:
            return method == "none"
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        """Only the authorization code flow."""
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        """Only the authorization code grant."""
        return grant_type == "authorization_code"


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def loopback_key(uri: str) -> tuple[str, str, str] | None:
    """(host, path, query) of an ``http`` loopback URI, the port left out; else None."""
    try:
        split = urlsplit(uri)
        split.port  # noqa: B018 - a malformed port raises ValueError here
    except ValueError:
        return None
    host = split.hostname
    if split.scheme != "http" or host is None or host not in LOOPBACK_HOSTS:
        return None
    if split.username is not None or split.password is not None or split.fragment:
        return None
    return host, split.path, split.query


class LoginRefused(Exception):
    """The person could not log in; ``message`` (Japanese) is shown on the login page."""

    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class LoginBackend(Protocol):
    """How people log in to one provider and which claims they get."""

    @property
    def scopes(self) -> tuple[str, ...]:
        """The scopes this provider offers (``openid`` first)."""
        ...

    @property
    def claims_supported(self) -> tuple[str, ...]:
        """The claims the discovery document lists."""
        ...

    def login_page(self, client: OidcClient, scopes: tuple[str, ...], error: str | None) -> str:
        """The HTML login page (lang="ja"); ``error`` is the last refusal, if any."""
        ...

    def authenticate(self, form: Mapping[str, str]) -> str:
        """The person's key from the posted form; raises :class:`LoginRefused`."""
        ...

    def claims(self, person: str, scopes: frozenset[str]) -> dict[str, object]:
        """The claims of ``person`` for the granted ``scopes`` (``sub`` is added later)."""
        ...


@dataclass(frozen=True)
class Person:
    """The authlib "user": who logged in, for which client."""

    key: str
    client_id: str


@dataclass(frozen=True)
class IssuedCode:
    """An issued authorization code (authlib's AuthorizationCodeMixin contract)."""

    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str
    code_challenge: str
    code_challenge_method: str
    person: str
    issued_at: float

    def get_redirect_uri(self) -> str:
        """The redirect URI the code was issued for."""
        return self.redirect_uri

    def get_scope(self) -> str:
        """The granted scopes, space-separated."""
        return self.scope

    def get_nonce(self) -> str:
        """The client's nonce, echoed in the ID token."""
        return self.nonce

    def get_auth_time(self) -> int:
        """When the person logged in (seconds since the epoch)."""
        return int(self.issued_at)

    def get_acr(self) -> str | None:
        """No authentication context class is claimed."""
        return None

    def get_amr(self) -> list[str] | None:
        """No authentication methods are claimed."""
        return None


@dataclass(frozen=True)
class AccessToken:
    """An issued access token's holder, scopes and expiry, for ``/userinfo``."""

    person: Person
    scope: str
    expires_at: float
