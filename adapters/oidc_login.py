"""Login of residents and staff as an OpenID Connect relying party, on authlib's client.

Flow: ``begin`` makes a fresh ``state``, ``nonce`` and PKCE S256 ``code_verifier``, reads
the provider's discovery document and returns an
:class:`adapters.exchange.AuthorizationRequest` with the authorize URL and those three
values. The relying party keeps nothing: the web app stores the request (all strings) in
its signed session cookie and hands it back to ``complete``, which may run in another
process. ``complete`` checks the returned state against it, exchanges the code with
authlib's :class:`~authlib.integrations.httpx_client.OAuth2Client` (the verifier from the
request; a confidential client authenticates with HTTP Basic), verifies the ID token
against the provider's JWKS (signature, ``iss``, ``aud``, ``nonce``, ``exp``) and turns its
claims into a :class:`adapters.exchange.LoginIdentity` (residents, :class:`OidcResidentLogin`)
or a :class:`adapters.exchange.StaffIdentity` (staff, :class:`OidcStaffLogin`).

HTTP goes through httpx: over the network with timeouts to a real issuer, or through an
``httpx.WSGITransport`` into the mock provider's Flask app (see
:mod:`adapters.mock.oidc_login`). Errors: :class:`adapters.errors.LoginFailedError` when
the login must be started again; :class:`adapters.errors.PartnerTimeoutError` /
:class:`adapters.errors.PartnerUnavailableError` when the provider did not answer.
"""

from __future__ import annotations

import hmac
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.deprecate import AuthlibDeprecationWarning
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from adapters.base import ResidentLogin, StaffLogin
from adapters.capabilities import RESIDENT_LOGIN, STAFF_LOGIN
from adapters.errors import LoginFailedError, PartnerTimeoutError, PartnerUnavailableError
from adapters.exchange import STAFF_ROLES, AuthorizationRequest, LoginIdentity, StaffIdentity
from adapters.partial_date import PartialDate
from adapters.records import Sex
from adapters.registry import default_registry

with warnings.catch_warnings():
    # authlib 1.9 would rather run on the "httpx2" fork and warns when it finds httpx;
    # the project (and httpx.WSGITransport into the mock providers) uses httpx.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client, OAuthError

RESIDENT_NUMBER_CLAIM = "https://madoguchi.example/resident_number"
NAME_KANA_CLAIM = "https://madoguchi.example/name_kana"

DEFAULT_TIMEOUT = 10.0
"""Seconds to wait for the provider (connection and each read)."""

ID_TOKEN_ALGORITHMS = ["ES256", "RS256"]
_RESTART = "ログインをやり直してください。 / Please log in again."


class OidcRelyingParty:
    """The authorization code flow with PKCE against one OpenID provider, stateless.

    ``transport`` replaces httpx's network transport (the mocks pass a WSGI transport);
    ``timeout`` bounds each call to the provider.
    """

    def __init__(
        self,
        issuer: str,
        client_id: str,
        client_secret: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        if not issuer.startswith(("http://", "https://")):
            raise ValueError(f"the issuer must be an http(s) URL, not {issuer!r}")
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self._secret = client_secret
        self._transport = transport
        self.timeout = timeout

    def _client(self) -> OAuth2Client:
        options: dict[str, Any] = {"timeout": self.timeout}
        if self._transport is not None:
            options["transport"] = self._transport
        return OAuth2Client(
            client_id=self.client_id,
            client_secret=self._secret,
            token_endpoint_auth_method="none" if self._secret is None else "client_secret_basic",
            code_challenge_method="S256",
            **options,
        )

    def _get_json(self, client: OAuth2Client, url: str, what: str) -> Any:
        try:
            reply = client.request("GET", url, withhold_token=True)
            reply.raise_for_status()
            return reply.json()
        except httpx.TimeoutException as error:
            raise PartnerTimeoutError(f"login provider {self.issuer}: {what}: no reply") from error
        except httpx.HTTPError as error:
            raise PartnerUnavailableError(
                f"login provider {self.issuer}: {what}: {error}"
            ) from error
        except ValueError as error:
            raise PartnerUnavailableError(
                f"login provider {self.issuer}: {what}: the reply is not JSON"
            ) from error

    def _metadata(self, client: OAuth2Client) -> Mapping[str, Any]:
        meta = self._get_json(
            client, f"{self.issuer}/.well-known/openid-configuration", "discovery"
        )
        if not isinstance(meta, Mapping) or meta.get("issuer") != self.issuer:
            raise LoginFailedError(
                f"ログイン先の設定が誤っています（発行者 {self.issuer} と一致しません）。"
                " / the provider's discovery document names another issuer"
            )
        return meta

    def begin(self, redirect_uri: str, scopes: Sequence[str]) -> AuthorizationRequest:
        """The authorize URL with fresh ``state``, ``nonce`` and PKCE S256 challenge."""
        verifier = generate_token(64)
        nonce = generate_token(32)
        with self._client() as client:
            meta = self._metadata(client)
            url, state = client.create_authorization_url(
                meta["authorization_endpoint"],
                state=generate_token(32),
                code_verifier=verifier,
                redirect_uri=redirect_uri,
                scope=" ".join(dict.fromkeys(["openid", *scopes])),
                nonce=nonce,
            )
        return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=verifier)

    def verified_claims(
        self, redirect_uri: str, code: str, state: str, expected: AuthorizationRequest
    ) -> tuple[Mapping[str, Any], tuple[str, ...]]:
        """The ID token's verified claims and the granted scopes (see the module text)."""
        if not hmac.compare_digest(state.encode(), expected.state.encode()):
            raise LoginFailedError(
                f"ログインの照合に失敗しました（state が一致しません）。{_RESTART}"
                " (the returned state does not match the login that was begun)"
            )
        with self._client() as client:
            meta = self._metadata(client)
            try:
                tokens = client.fetch_token(
                    meta["token_endpoint"],
                    grant_type="authorization_code",
                    code=code,
                    redirect_uri=redirect_uri,
                    code_verifier=expected.code_verifier,
                )
            except OAuthError as error:
                raise LoginFailedError(
                    f"ログインを完了できませんでした。{_RESTART}"
                    f" (the token request was refused: {error.error}: {error.description})"
                ) from error
            except httpx.TimeoutException as error:
                raise PartnerTimeoutError(
                    f"login provider {self.issuer}: token: no reply"
                ) from error
            except httpx.HTTPError as error:
                raise PartnerUnavailableError(
                    f"login provider {self.issuer}: token: {error}"
                ) from error
            if "id_token" not in tokens:
                raise LoginFailedError(f"ID トークンがありません。{_RESTART} (no id_token)")
            jwks = self._get_json(client, meta["jwks_uri"], "jwks")
        claims = self._check_id_token(str(tokens["id_token"]), jwks, expected.nonce)
        return claims, tuple(str(tokens.get("scope", "openid")).split())

    def _check_id_token(self, id_token: str, jwks: Any, nonce: str) -> Mapping[str, Any]:
        registry = jwt.JWTClaimsRegistry(
            leeway=30,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.client_id},
            nonce={"essential": True, "value": nonce},
            exp={"essential": True},
            sub={"essential": True},
        )
        try:
            keys = KeySet.import_key_set(jwks)
            token = jwt.decode(id_token, keys, algorithms=ID_TOKEN_ALGORITHMS)
            registry.validate(token.claims)
        except (JoseError, ValueError, TypeError) as error:
            raise LoginFailedError(
                f"ID トークンを検証できませんでした。{_RESTART}"
                f" (the ID token did not verify: {error})"
            ) from error
        return token.claims


class OidcResidentLogin(OidcRelyingParty):
    """A :class:`adapters.base.ResidentLogin` against the Digital Authentication App."""

    def complete(
        self, redirect_uri: str, code: str, state: str, expected: AuthorizationRequest
    ) -> LoginIdentity:
        """Check ``state``, exchange ``code`` and verify the ID token (see the module text)."""
        claims, scopes = self.verified_claims(redirect_uri, code, state, expected)
        return resident_identity(claims, scopes)


class OidcStaffLogin(OidcRelyingParty):
    """A :class:`adapters.base.StaffLogin` against the municipality's identity provider."""

    def complete(
        self, redirect_uri: str, code: str, state: str, expected: AuthorizationRequest
    ) -> StaffIdentity:
        """Check ``state``, exchange ``code`` and verify the ID token (see the module text)."""
        claims, _ = self.verified_claims(redirect_uri, code, state, expected)
        return staff_identity(claims)


def resident_identity(claims: Mapping[str, Any], scopes: tuple[str, ...]) -> LoginIdentity:
    """The :class:`LoginIdentity` the Digital Authentication App's claims describe."""
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


def staff_identity(claims: Mapping[str, Any]) -> StaffIdentity:
    """The :class:`StaffIdentity` a staff provider's claims describe.

    ``preferred_username`` is required (it is the login ID staff screens show); roles
    outside :data:`adapters.exchange.STAFF_ROLES` are dropped rather than trusted.
    """
    login_id = claims.get("preferred_username")
    if not isinstance(login_id, str) or not login_id:
        raise LoginFailedError(
            "職員のログインIDが ID トークンにありません。情報政策課に連絡してください。"
            " / the ID token has no preferred_username"
        )
    roles = claims.get("roles")
    departments = claims.get("departments")
    return StaffIdentity(
        subject=str(claims["sub"]),
        login_id=login_id,
        name=str(claims.get("name") or login_id),
        roles=tuple(r for r in STAFF_ROLES if isinstance(roles, list) and r in roles),
        departments=tuple(str(d) for d in departments) if isinstance(departments, list) else (),
    )


@default_registry.register(RESIDENT_LOGIN, "oidc")
def oidc_resident_login(config: Mapping[str, str]) -> ResidentLogin:
    """A relying party of a real Digital Authentication App over the network.

    Keys: ``resident_login_issuer``, ``resident_login_client_id``,
    ``resident_login_client_secret`` (omit for a public client) and
    ``resident_login_timeout`` (seconds, default 10).
    """
    issuer, client_id, secret, timeout = _network_settings(config, "resident_login")
    return OidcResidentLogin(issuer, client_id, secret, timeout=timeout)


@default_registry.register(STAFF_LOGIN, "oidc")
def oidc_staff_login(config: Mapping[str, str]) -> StaffLogin:
    """A relying party of the municipality's identity provider over the network.

    Keys as for residents, prefixed ``staff_login_``.
    """
    issuer, client_id, secret, timeout = _network_settings(config, "staff_login")
    return OidcStaffLogin(issuer, client_id, secret, timeout=timeout)


def _network_settings(config: Mapping[str, str], prefix: str) -> tuple[str, str, str | None, float]:
    issuer = config.get(f"{prefix}_issuer")
    client_id = config.get(f"{prefix}_client_id")
    if not issuer or not client_id:
        raise ValueError(
            f"{prefix} 'oidc' needs {prefix}_issuer and {prefix}_client_id"
            f" ({prefix} の発行者 URL とクライアント ID を設定してください)"
        )
    timeout = float(config.get(f"{prefix}_timeout", str(DEFAULT_TIMEOUT)))
    return issuer, client_id, config.get(f"{prefix}_client_secret") or None, timeout
