"""Resident login as an OpenID Connect relying party (:class:`adapters.base.ResidentLogin`).

Flow: :meth:`OidcResidentLogin.begin` makes a fresh ``state``, ``nonce`` and PKCE S256
verifier and returns the authorize URL; the verifier stays in this object, keyed by the
state, until :meth:`OidcResidentLogin.complete` checks the returned state, exchanges the
code (with the verifier and, for a confidential client, the secret), verifies the ID
token against the provider's JWKS (signature, ``iss``, ``aud``, ``nonce``, ``exp``) and
turns its claims into a :class:`adapters.exchange.LoginIdentity`.

The HTTP calls go through an :class:`OidcTransport`: :class:`UrllibTransport` for a
provider reached over the network, or an in-process one for the mock (see
:mod:`adapters.mock.oidc_login`). Errors: :class:`adapters.errors.LoginFailedError`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from adapters.errors import LoginFailedError
from adapters.exchange import AuthorizationRequest, LoginIdentity
from adapters.partial_date import PartialDate
from adapters.records import Sex

RESIDENT_NUMBER_CLAIM = "https://madoguchi.example/resident_number"
NAME_KANA_CLAIM = "https://madoguchi.example/name_kana"


class OidcTransport(Protocol):
    """The two kinds of HTTP call a relying party makes."""

    def get_json(self, url: str) -> Any:
        """GET ``url`` and parse the JSON body."""
        ...

    def post_form(
        self, url: str, data: Mapping[str, str], headers: Mapping[str, str]
    ) -> tuple[int, Any]:
        """POST a form; the status and the parsed JSON body."""
        ...


class UrllibTransport:
    """:class:`OidcTransport` over the standard library, for a provider on the network."""

    def __init__(self, timeout: float = 10.0) -> None:
        self._timeout = timeout

    def get_json(self, url: str) -> Any:
        """GET ``url`` and parse the JSON body."""
        with urllib.request.urlopen(url, timeout=self._timeout) as reply:  # noqa: S310 - configured issuer URL
            return json.load(reply)

    def post_form(
        self, url: str, data: Mapping[str, str], headers: Mapping[str, str]
    ) -> tuple[int, Any]:
        """POST a form; the status and the parsed JSON body (error bodies too)."""
        body = urllib.parse.urlencode(data).encode("ascii")
        request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")  # noqa: S310 - configured issuer URL
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as reply:  # noqa: S310 - configured issuer URL
                return reply.status, json.load(reply)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OidcResidentLogin:
    """A :class:`adapters.base.ResidentLogin` against one OpenID provider."""

    def __init__(
        self,
        issuer: str,
        client_id: str,
        client_secret: str | None = None,
        transport: OidcTransport | None = None,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self._secret = client_secret
        self._transport = transport or UrllibTransport()
        self._verifiers: dict[str, str] = {}
        self._lock = threading.Lock()

    def _metadata(self) -> Mapping[str, Any]:
        meta = self._transport.get_json(f"{self.issuer}/.well-known/openid-configuration")
        if not isinstance(meta, Mapping) or meta.get("issuer") != self.issuer:
            raise LoginFailedError("the provider's discovery document names another issuer")
        return meta

    def begin(self, redirect_uri: str, scopes: Sequence[str]) -> AuthorizationRequest:
        """The authorize URL with fresh ``state``, ``nonce`` and PKCE S256 challenge."""
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        verifier = secrets.token_urlsafe(48)
        with self._lock:
            self._verifiers[state] = verifier
        query = urllib.parse.urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "scope": " ".join(dict.fromkeys(["openid", *scopes])),
                "state": state,
                "nonce": nonce,
                "code_challenge": _s256(verifier),
                "code_challenge_method": "S256",
            }
        )
        url = f"{self._metadata()['authorization_endpoint']}?{query}"
        return AuthorizationRequest(url=url, state=state, nonce=nonce)

    def complete(
        self, redirect_uri: str, code: str, state: str, expected: AuthorizationRequest
    ) -> LoginIdentity:
        """Check ``state``, exchange ``code`` and verify the ID token (see the module text)."""
        if not hmac.compare_digest(state.encode(), expected.state.encode()):
            raise LoginFailedError("the returned state does not match the login that was begun")
        with self._lock:
            verifier = self._verifiers.pop(expected.state, None)
        if verifier is None:
            raise LoginFailedError("this login was not begun here or was already completed")
        meta = self._metadata()
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
            "client_id": self.client_id,
        }
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if self._secret is not None:
            data["client_secret"] = self._secret
        status, tokens = self._transport.post_form(meta["token_endpoint"], data, headers)
        if status != 200 or not isinstance(tokens, Mapping) or "id_token" not in tokens:
            error = tokens.get("error") if isinstance(tokens, Mapping) else None
            raise LoginFailedError(f"the token request was refused ({status}, {error})")
        claims = self._verified_claims(str(tokens["id_token"]), meta, expected.nonce)
        scope = str(tokens.get("scope", "openid"))
        return _identity(claims, tuple(scope.split()))

    def _verified_claims(
        self, id_token: str, meta: Mapping[str, Any], nonce: str
    ) -> Mapping[str, Any]:
        keys = KeySet.import_key_set(self._transport.get_json(meta["jwks_uri"]))
        registry = jwt.JWTClaimsRegistry(
            leeway=30,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.client_id},
            nonce={"essential": True, "value": nonce},
            exp={"essential": True},
            sub={"essential": True},
        )
        try:
            token = jwt.decode(id_token, keys, algorithms=["ES256", "RS256"])
            registry.validate(token.claims)
        except (JoseError, ValueError) as error:
            raise LoginFailedError(f"the ID token did not verify: {error}") from error
        return token.claims


def _identity(claims: Mapping[str, Any], scopes: tuple[str, ...]) -> LoginIdentity:
    address = claims.get("address")
    birthdate = claims.get("birthdate")
    gender = claims.get("gender")
    return LoginIdentity(
        subject=str(claims["sub"]),
        scopes=scopes,
        name=claims.get("name"),
        address=address.get("formatted") if isinstance(address, Mapping) else None,
        birth_date=PartialDate.parse(birthdate) if isinstance(birthdate, str) else None,
        sex=Sex(gender) if gender in ("male", "female") else None,
        resident_number=claims.get(RESIDENT_NUMBER_CLAIM),
        name_kana=claims.get(NAME_KANA_CLAIM),
    )
