"""Mock of the municipality's staff identity provider (OpenID Connect, authorization code).

The same flow as the resident mock (:mod:`adapters.mock.oidc_provider`: ``state``,
``nonce`` and PKCE S256 required, single-use codes), with a login ID and password form.
Passwords are kept only as scrypt hashes with a salt per account.

Scopes and claims:

- ``openid``: ``sub`` (pairwise per client) and ``preferred_username`` (the login ID);
- ``profile``: ``name`` (``国立　花子``);
- ``roles``: ``roles`` (any of ``intake``, ``review``, ``approval``, ``admin``) and
  ``departments`` (department names exactly as procedure definitions write them in
  ``departments``, such as ``子育て支援課``, so the engine can match them).

The demo accounts are :data:`DEMO_STAFF`; their passwords are public demo values.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import Flask, render_template_string, request

from adapters.mock.oidc_models import LoginRefused, OidcClient
from adapters.mock.oidc_provider import OidcProvider

STAFF_SCOPES = ("openid", "profile", "roles")
ROLES = ("intake", "review", "approval", "admin")

DEPARTMENTS = (
    "子育て支援課",
    "健康推進課",
    "介護保険課",
    "情報政策課",
)
"""Department ids and their Japanese names."""

_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


@dataclass(frozen=True)
class StaffAccount:
    """A demo staff account as the directory lists it (the password is a demo value)."""

    login_id: str
    name: str
    roles: tuple[str, ...]
    departments: tuple[str, ...]
    password: str = field(repr=False)


DEMO_STAFF = (
    StaffAccount(
        "kosodate-uketsuke", "国立　花子", ("intake",), ("子育て支援課",), "demo-uketsuke-1"
    ),
    StaffAccount("kosodate-shinsa", "矢川　一郎", ("review",), ("子育て支援課",), "demo-shinsa-1"),
    StaffAccount(
        "kosodate-kessai", "谷保　直子", ("approval",), ("子育て支援課",), "demo-kessai-1"
    ),
    StaffAccount("kenkou-uketsuke", "青柳　恵", ("intake",), ("健康推進課",), "demo-uketsuke-3"),
    StaffAccount("kaigo-uketsuke", "富士見　健", ("intake",), ("介護保険課",), "demo-uketsuke-2"),
    StaffAccount("kaigo-shinsa", "北　由紀", ("review",), ("介護保険課",), "demo-shinsa-2"),
    StaffAccount("admin", "中　聡", ("admin",), ("情報政策課",), "demo-admin-1"),
)
"""子育て支援課 intake/review/approval, 介護保険課 intake/review, and an administrator."""

DEFAULT_STAFF_CLIENTS = (
    OidcClient(
        client_id="madoguchi-staff",
        client_secret="madoguchi-staff-demo-secret",  # noqa: S106 - a published demo secret
        # Loopback URIs match on any port (RFC 8252 section 7.3).
        redirect_uris=(
            "http://127.0.0.1:5000/staff/login/callback",
            "http://localhost:5000/staff/login/callback",
        ),
        scopes=STAFF_SCOPES,
    ),
)
"""The demo relying party: the staff side of the web app (confidential)."""

_PAGE = """<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>職員ログイン（模擬）</title>
<style>
body { font-family: sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.7; }
.alert { border: 2px solid #b00; padding: .5rem 1rem; color: #b00; }
input, button { font-size: 1.1rem; }
:focus { outline: 3px solid #06c; outline-offset: 2px; }
</style>
</head>
<body>
<main>
<h1>国立市 職員ログイン（模擬）</h1>
<p>「{{ client_id }}」へのログインです。</p>
{% if error %}<p class="alert" role="alert" id="login-error">{{ error }}</p>{% endif %}
<form method="post">
<div>
<label for="login-id">ログインID</label>
<input type="text" name="login_id" id="login-id" autocomplete="username" required
 value="{{ login_id }}">
</div>
<div>
<label for="password">パスワード</label>
<input type="password" name="password" id="password" autocomplete="current-password"
 required{% if error %} aria-describedby="login-error"{% endif %}>
</div>
<button type="submit" name="login" value="1">ログイン</button>
<button type="submit" name="cancel" value="1" formnovalidate>キャンセル</button>
</form>
</main>
</body>
</html>
"""


def hash_password(password: str, salt: bytes | None = None) -> str:
    """``scrypt$<salt hex>$<hash hex>`` for ``password`` (a fresh salt unless given)."""
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_password(stored: str, password: str) -> bool:
    """Whether ``password`` matches a hash made by :func:`hash_password`."""
    scheme, salt_hex, digest_hex = stored.split("$")
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt_hex), **_SCRYPT)
    return hmac.compare_digest(digest.hex(), digest_hex)


@dataclass(frozen=True)
class _StoredAccount:
    account: StaffAccount
    password_hash: str


class StaffPasswordLogin:
    """The staff login backend: login ID and password against hashed demo accounts."""

    scopes = STAFF_SCOPES
    claims_supported = ("preferred_username", "name", "roles", "departments")

    def __init__(self, accounts: tuple[StaffAccount, ...] = DEMO_STAFF) -> None:
        self._accounts = {
            a.login_id: _StoredAccount(a, hash_password(a.password)) for a in accounts
        }
        # Unknown IDs are checked against a dummy hash so timing does not tell them apart.
        self._dummy_hash = hash_password(secrets.token_urlsafe(16))

    def login_page(self, client: OidcClient, scopes: tuple[str, ...], error: str | None) -> str:
        """The login ID and password form."""
        return render_template_string(
            _PAGE,
            client_id=client.client_id,
            error=error,
            login_id=request.form.get("login_id", ""),
        )

    def authenticate(self, form: Mapping[str, str]) -> str:
        """The login ID when the password matches; else :class:`LoginRefused`."""
        login_id = form.get("login_id", "").strip()
        stored = self._accounts.get(login_id)
        password_hash = self._dummy_hash if stored is None else stored.password_hash
        if not check_password(password_hash, form.get("password", "")) or stored is None:
            raise LoginRefused("ログインIDまたはパスワードが違います。")
        return login_id

    def claims(self, person: str, scopes: frozenset[str]) -> dict[str, object]:
        """``preferred_username`` and, per scope, the name, roles and departments."""
        account = self._accounts[person].account
        claims: dict[str, object] = {"preferred_username": account.login_id}
        if "profile" in scopes:
            claims["name"] = account.name
        if "roles" in scopes:
            claims["roles"] = list(account.roles)
            claims["departments"] = list(account.departments)
        return claims


def staff_provider(
    issuer: str = "http://127.0.0.1:5000/mock/staff-idp",
    clients: tuple[OidcClient, ...] = DEFAULT_STAFF_CLIENTS,
    accounts: tuple[StaffAccount, ...] = DEMO_STAFF,
) -> OidcProvider:
    """The mock staff identity provider with the demo accounts."""
    return OidcProvider(StaffPasswordLogin(accounts), issuer, clients)


def create_staff_provider_app(
    issuer: str = "http://127.0.0.1:5000/mock/staff-idp",
    clients: tuple[OidcClient, ...] = DEFAULT_STAFF_CLIENTS,
    accounts: tuple[StaffAccount, ...] = DEMO_STAFF,
) -> Flask:
    """The mock staff identity provider as a Flask app (for ``madoguchi mock-services``)."""
    return staff_provider(issuer, clients, accounts).create_app()
