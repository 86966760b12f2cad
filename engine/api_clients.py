"""Registered API clients and the subjects their tokens stand for.

The JSON API (``web/api``) is an OAuth 2.0 authorization server and resource server. What
it needs is kept in the database, so every process of a deployment (several gunicorn
workers, several hosts) sees the same clients and tokens:

- :class:`ApiClient` (here): a registered client. Its ``kind`` says whose tokens it gets:
  ``integrator`` (client credentials: the client acts for itself, filing signed
  applications and reading its own filings), ``resident`` (authorization code with PKCE:
  a resident who logged in with the card) or ``staff`` (authorization code: a member of
  staff who logged in through the municipal identity provider);
- tokens and authorization codes: :mod:`engine.api_tokens`;
- files uploaded through the API, owned by their sender: :mod:`engine.api_uploads`.

Secrets (client secrets, tokens, codes) are random, shown once, and stored only as
SHA-256 hashes: a copy of the database gives nobody a usable credential.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from sqlalchemy import JSON
from sqlmodel import Field, Session, SQLModel, col
from sqlmodel import select as orm_select

from adapters.exchange import STAFF_ROLES
from engine.actors import Actor
from engine.definitions.models import Role

ClientKind = Literal["integrator", "resident", "staff"]
CLIENT_KINDS: tuple[ClientKind, ...] = ("integrator", "resident", "staff")

SCOPES: dict[str, tuple[str, str]] = {
    "applications:read": ("申請の閲覧", "Read applications"),
    "applications:file": ("申請の提出と添付ファイルの送信", "File applications and upload files"),
    "applications:transition": (
        "申請の手続を進める操作（取下げ・訂正・審査など）",
        "Act on applications (withdraw, correct, review...)",
    ),
}
"""Every scope, with what it lets a client do (ja, en)."""

KIND_SCOPES: dict[ClientKind, frozenset[str]] = {
    # An integrator acts for itself: it files and reads its own filings, nothing more.
    "integrator": frozenset({"applications:read", "applications:file"}),
    "resident": frozenset(SCOPES),
    "staff": frozenset(SCOPES),
}
"""The scopes a client of each kind may be registered with."""

DEFAULT_RATE_LIMIT = "600/minute"
_RATE = re.compile(r"^[1-9][0-9]{0,6}/(second|minute|hour|day)$")
_REDIRECT = re.compile(r"^(https://|http://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]+)?/)\S+$")

CLIENT_PREFIX = "mdg_client_"
SECRET_PREFIX = "mdg_secret_"  # noqa: S105  # a prefix, not a secret
ACCESS_PREFIX = "mdg_at_"
REFRESH_PREFIX = "mdg_rt_"


# engine.models imports the API modules (so their tables are in the metadata): they import
# nothing from it, whichever of them is imported first.
def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def digest(secret: str) -> str:
    """The SHA-256 (hex) a secret is stored as."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class ApiClient(SQLModel, table=True):
    """A client registered to use the API (``madoguchi clients create``)."""

    __tablename__ = "api_clients"

    id: str = Field(primary_key=True, max_length=64, description="client_id, not secret")
    name: str = Field(max_length=100)
    kind: str = Field(max_length=12, description="integrator, resident or staff")
    secret_hash: str | None = Field(
        default=None, max_length=64, description="None: a public client (PKCE only)"
    )
    scopes: str = Field(max_length=200, description="space-separated")
    redirect_uris: list[str] = Field(sa_type=JSON, default_factory=list)
    rate_limit: str = Field(max_length=40, default=DEFAULT_RATE_LIMIT)
    created_at: dt.datetime = Field(default_factory=utcnow)
    revoked_at: dt.datetime | None = None

    @property
    def scope_set(self) -> frozenset[str]:
        """The scopes as a set."""
        return frozenset(self.scopes.split())

    @property
    def active(self) -> bool:
        """Whether the client may still get tokens."""
        return self.revoked_at is None


CLIENTS = ApiClient.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models


class ClientError(ValueError):
    """A client cannot be registered as asked; the message says why."""


@dataclass(frozen=True)
class Subject:
    """Who a token stands for: an integrator client itself, a resident or a staff member."""

    kind: ClientKind
    id: str
    name: str = ""
    roles: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()

    def actor(self) -> Actor:
        """The engine actor of this subject."""
        if self.kind == "resident":
            return Actor.resident(self.id, self.name)
        if self.kind == "staff":
            # Only staff roles: a token never makes its holder a resident or the system.
            roles = frozenset(cast(Role, r) for r in self.roles if r in STAFF_ROLES)
            return Actor.staff(self.id, roles, frozenset(self.departments), self.name)
        return Actor("integrator", self.id, self.name)

    def as_json(self) -> dict[str, Any]:
        """What the token row keeps about the subject."""
        return {
            "name": self.name,
            "roles": list(self.roles),
            "departments": list(self.departments),
        }

    @classmethod
    def from_row(cls, kind: str, subject_id: str, extra: dict[str, Any]) -> Subject:
        """The subject stored with a token or code."""
        if kind not in CLIENT_KINDS:
            raise ValueError(f"unknown subject kind {kind!r}")
        return cls(
            kind=kind,
            id=subject_id,
            name=str(extra.get("name") or ""),
            roles=tuple(str(r) for r in extra.get("roles") or ()),
            departments=tuple(str(d) for d in extra.get("departments") or ()),
        )

    @property
    def owner(self) -> str:
        """The key that owns this subject's uploads."""
        return f"{self.kind}:{self.id}"


def create_client(
    session: Session,
    name: str,
    kind: str,
    scopes: Sequence[str],
    *,
    redirect_uris: Sequence[str] = (),
    rate_limit: str = DEFAULT_RATE_LIMIT,
    public: bool = False,
    now: dt.datetime | None = None,
) -> tuple[ApiClient, str | None]:
    """Register a client; returns it and its secret (None for a public client).

    The secret is shown once and stored only as a hash. Raises :class:`ClientError` when
    the name, kind, scopes, redirect URIs or rate limit are not acceptable.
    """
    name = name.strip()
    if not name or len(name) > 100:
        raise ClientError("the name must be 1 to 100 characters")
    if kind not in CLIENT_KINDS:
        raise ClientError(f"the kind must be one of {', '.join(CLIENT_KINDS)}, not {kind!r}")
    client_kind: ClientKind = kind
    wanted = list(dict.fromkeys(s for s in scopes if s))
    if not wanted:
        raise ClientError(f"give at least one scope: {', '.join(sorted(KIND_SCOPES[client_kind]))}")
    unknown = [s for s in wanted if s not in SCOPES]
    if unknown:
        raise ClientError(f"unknown scope(s) {', '.join(unknown)}; known: {', '.join(SCOPES)}")
    refused = [s for s in wanted if s not in KIND_SCOPES[client_kind]]
    if refused:
        raise ClientError(
            f"a {kind} client may not have {', '.join(refused)}; it may have "
            f"{', '.join(sorted(KIND_SCOPES[client_kind]))}"
        )
    if client_kind == "integrator":
        if redirect_uris:
            raise ClientError("an integrator uses client credentials: it has no redirect URIs")
        if public:
            raise ClientError("an integrator must be confidential (it authenticates itself)")
    elif not redirect_uris:
        raise ClientError(f"a {kind} client needs at least one redirect URI")
    for uri in redirect_uris:
        if not _REDIRECT.match(uri) or "#" in uri:
            raise ClientError(
                f"redirect URI {uri!r} must be https:// (or http:// on a loopback address) "
                "with no fragment"
            )
    if not _RATE.match(rate_limit):
        raise ClientError(f"rate limit {rate_limit!r} must look like 600/minute")
    secret = None if public else SECRET_PREFIX + secrets.token_urlsafe(32)
    client = ApiClient(
        id=CLIENT_PREFIX + secrets.token_hex(10),
        name=name,
        kind=client_kind,
        secret_hash=digest(secret) if secret else None,
        scopes=" ".join(wanted),
        redirect_uris=list(redirect_uris),
        rate_limit=rate_limit,
        created_at=now or utcnow(),
    )
    session.add(client)
    session.flush()
    return client, secret


def get_client(session: Session, client_id: str) -> ApiClient | None:
    """The client with this id (revoked ones too; see :attr:`ApiClient.active`)."""
    return session.get(ApiClient, client_id)


def list_clients(session: Session) -> Sequence[ApiClient]:
    """Every client, oldest first."""
    return session.exec(orm_select(ApiClient).order_by(col(ApiClient.created_at))).all()


def check_secret(client: ApiClient, secret: str) -> bool:
    """Whether ``secret`` is the client's (constant time)."""
    if client.secret_hash is None or not client.active:
        return False
    return hmac.compare_digest(client.secret_hash, digest(secret))


def rotate_secret(session: Session, client: ApiClient) -> str:
    """Give a confidential client a new secret (the old one stops working at once)."""
    if client.secret_hash is None:
        raise ClientError("a public client has no secret")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    client.secret_hash = digest(secret)
    session.add(client)
    session.flush()
    return secret
