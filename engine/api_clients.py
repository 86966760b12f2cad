"""Registered API clients, the tokens they hold, authorization codes and API uploads.

The JSON API (``web/api``) is an OAuth 2.0 authorization server and resource server. This
module keeps what it needs in the database, so every process of a deployment (several
gunicorn workers, several hosts) sees the same clients and tokens:

- :class:`ApiClient`: a registered client. Its ``kind`` says whose tokens it gets:
  ``integrator`` (client credentials: the client acts for itself, filing signed
  applications and reading its own filings), ``resident`` (authorization code with PKCE:
  a resident who logged in with the card) or ``staff`` (authorization code: a member of
  staff who logged in through the municipal identity provider).
- :class:`ApiToken`: an access token (and, for people, a refresh token) with the subject
  it stands for and its scopes.
- :class:`ApiAuthorizationCode`: a code waiting to be exchanged (once, for a short time).
- :class:`ApiUpload`: a file uploaded through the API, owned by the subject who sent it,
  so a filing can attach only its own uploads.

Secrets (client secrets, tokens, codes) are random, shown once, and stored only as
SHA-256 hashes: a copy of the database gives nobody a usable credential.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import JSON, Index, bindparam, or_, select, update
from sqlmodel import Field, Session, SQLModel, col
from sqlmodel import select as orm_select

from engine.actors import Actor
from engine.definitions.models import Role
from engine.models import Case, utcnow

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
UPLOAD_PREFIX = "upl_"


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


class ApiToken(SQLModel, table=True):
    """An access token (and refresh token) issued to a client for a subject."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_client", "client_id", "issued_at"),)

    id: int | None = Field(default=None, primary_key=True)
    access_hash: str = Field(max_length=64, unique=True)
    refresh_hash: str | None = Field(default=None, max_length=64, unique=True)
    client_id: str = Field(foreign_key="api_clients.id", max_length=64)
    subject_kind: str = Field(max_length=12)
    subject_id: str = Field(max_length=80)
    subject: dict[str, Any] = Field(sa_type=JSON, default_factory=dict)
    scope: str = Field(max_length=200)
    issued_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime
    refresh_expires_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None


class ApiAuthorizationCode(SQLModel, table=True):
    """An authorization code: valid once, for a short time, for one client and subject."""

    __tablename__ = "api_authorization_codes"

    code_hash: str = Field(primary_key=True, max_length=64)
    client_id: str = Field(foreign_key="api_clients.id", max_length=64)
    redirect_uri: str = Field(max_length=500)
    scope: str = Field(max_length=200)
    code_challenge: str = Field(max_length=128)
    code_challenge_method: str = Field(max_length=10)
    subject_kind: str = Field(max_length=12)
    subject_id: str = Field(max_length=80)
    subject: dict[str, Any] = Field(sa_type=JSON, default_factory=dict)
    expires_at: dt.datetime


class ApiUpload(SQLModel, table=True):
    """A file uploaded through the API for a field of a procedure, owned by its sender."""

    __tablename__ = "api_uploads"
    __table_args__ = (Index("ix_api_uploads_owner", "owner", "sha256"),)

    id: str = Field(primary_key=True, max_length=40)
    attachment_id: int = Field(foreign_key="attachments.id")
    owner: str = Field(max_length=200)
    procedure_id: str = Field(max_length=80)
    field_path: str = Field(max_length=200)
    sha256: str = Field(max_length=64)
    name: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int
    created_at: dt.datetime = Field(default_factory=utcnow)


TOKENS = ApiToken.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models
CLIENTS = ApiClient.__table__  # type: ignore[attr-defined]


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
            roles = frozenset(
                r for r in self.roles if r in ("intake", "review", "approval", "admin")
            )
            return Actor.staff(self.id, _roles(roles), frozenset(self.departments), self.name)
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


def _roles(roles: Iterable[str]) -> frozenset[Role]:
    out: set[Role] = set()
    for r in roles:
        if r == "intake":
            out.add("intake")
        elif r == "review":
            out.add("review")
        elif r == "approval":
            out.add("approval")
        elif r == "admin":
            out.add("admin")
    return frozenset(out)


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


def revoke_client(session: Session, client: ApiClient, now: dt.datetime | None = None) -> int:
    """Revoke a client and every token it holds; returns how many tokens were revoked."""
    now = now or utcnow()
    client.revoked_at = now
    session.add(client)
    result = session.connection().execute(
        update(TOKENS)
        .where(TOKENS.c.client_id == client.id, TOKENS.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.flush()
    return int(result.rowcount or 0)


@dataclass(frozen=True)
class TokenRecord:
    """An access token as the resource server sees it (a snapshot, no ORM object)."""

    id: int
    client_id: str
    client_name: str
    rate_limit: str
    subject: Subject
    scopes: frozenset[str]
    expires_at: dt.datetime
    refresh_expires_at: dt.datetime | None
    revoked: bool

    def expired(self, now: dt.datetime | None = None) -> bool:
        """Whether the access token has expired."""
        return _aware(self.expires_at) <= (now or utcnow())


# The resource server looks a token up on every request: one pre-built join.
_BY_ACCESS = (
    select(
        TOKENS.c.id,
        TOKENS.c.client_id,
        TOKENS.c.subject_kind,
        TOKENS.c.subject_id,
        TOKENS.c.subject,
        TOKENS.c.scope,
        TOKENS.c.expires_at,
        TOKENS.c.refresh_expires_at,
        TOKENS.c.revoked_at,
        CLIENTS.c.name,
        CLIENTS.c.rate_limit,
        CLIENTS.c.revoked_at.label("client_revoked_at"),
    )
    .join(CLIENTS, CLIENTS.c.id == TOKENS.c.client_id)
    .where(TOKENS.c.access_hash == bindparam("h"))
)
_BY_REFRESH = (
    select(*_BY_ACCESS.selected_columns)
    .join_from(TOKENS, CLIENTS, CLIENTS.c.id == TOKENS.c.client_id)
    .where(TOKENS.c.refresh_hash == bindparam("r"))
)


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for values stored as UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _record(row: Any) -> TokenRecord:
    return TokenRecord(
        id=row.id,
        client_id=row.client_id,
        client_name=row.name,
        rate_limit=row.rate_limit,
        subject=Subject.from_row(row.subject_kind, row.subject_id, row.subject or {}),
        scopes=frozenset(row.scope.split()),
        expires_at=_aware(row.expires_at),
        refresh_expires_at=_aware(row.refresh_expires_at) if row.refresh_expires_at else None,
        revoked=row.revoked_at is not None or row.client_revoked_at is not None,
    )


def find_access_token(session: Session, token: str) -> TokenRecord | None:
    """The token record for an access token string, or None when there is none."""
    row = session.connection().execute(_BY_ACCESS, {"h": digest(token)}).first()
    return None if row is None else _record(row)


def find_refresh_token(session: Session, token: str) -> TokenRecord | None:
    """The token record for a refresh token string, or None when there is none."""
    row = session.connection().execute(_BY_REFRESH, {"r": digest(token)}).first()
    return None if row is None else _record(row)


def store_token(
    session: Session,
    client_id: str,
    subject: Subject,
    scope: str,
    access_token: str,
    expires_in: int,
    *,
    refresh_token: str | None = None,
    refresh_expires_in: int | None = None,
    now: dt.datetime | None = None,
) -> ApiToken:
    """Keep the hashes of a newly issued token pair."""
    now = now or utcnow()
    row = ApiToken(
        access_hash=digest(access_token),
        refresh_hash=digest(refresh_token) if refresh_token else None,
        client_id=client_id,
        subject_kind=subject.kind,
        subject_id=subject.id,
        subject=subject.as_json(),
        scope=scope,
        issued_at=now,
        expires_at=now + dt.timedelta(seconds=expires_in),
        refresh_expires_at=(
            now + dt.timedelta(seconds=refresh_expires_in)
            if refresh_token and refresh_expires_in
            else None
        ),
    )
    session.add(row)
    session.flush()
    return row


def revoke_token(session: Session, token_id: int, now: dt.datetime | None = None) -> None:
    """Revoke one token (access and refresh together)."""
    session.connection().execute(
        update(TOKENS)
        .where(TOKENS.c.id == token_id, TOKENS.c.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )


def store_code(
    session: Session,
    code: str,
    client_id: str,
    subject: Subject,
    *,
    redirect_uri: str,
    scope: str,
    code_challenge: str,
    code_challenge_method: str,
    lifetime: int,
    now: dt.datetime | None = None,
) -> None:
    """Keep an authorization code (its hash) until it is exchanged or expires."""
    now = now or utcnow()
    session.add(
        ApiAuthorizationCode(
            code_hash=digest(code),
            client_id=client_id,
            redirect_uri=redirect_uri,
            scope=scope,
            code_challenge=code_challenge,
            code_challenge_method=code_challenge_method,
            subject_kind=subject.kind,
            subject_id=subject.id,
            subject=subject.as_json(),
            expires_at=now + dt.timedelta(seconds=lifetime),
        )
    )
    session.flush()


def find_code(
    session: Session, code: str, client_id: str, now: dt.datetime | None = None
) -> ApiAuthorizationCode | None:
    """An unexpired code issued to ``client_id``, or None."""
    row = session.get(ApiAuthorizationCode, digest(code))
    if row is None or row.client_id != client_id:
        return None
    if _aware(row.expires_at) <= (now or utcnow()):
        return None
    return row


def delete_code(session: Session, row: ApiAuthorizationCode) -> None:
    """Use up a code."""
    session.delete(row)
    session.flush()


def record_upload(
    session: Session,
    owner: Subject,
    attachment_id: int,
    *,
    procedure_id: str,
    field_path: str,
    sha256: str,
    name: str,
    content_type: str,
    size: int,
    now: dt.datetime | None = None,
) -> ApiUpload:
    """Note that ``owner`` uploaded this stored file for a field of a procedure."""
    row = ApiUpload(
        id=UPLOAD_PREFIX + secrets.token_hex(16),
        attachment_id=attachment_id,
        owner=owner.owner,
        procedure_id=procedure_id,
        field_path=field_path,
        sha256=sha256,
        name=name,
        content_type=content_type,
        size=size,
        created_at=now or utcnow(),
    )
    session.add(row)
    session.flush()
    return row


UPLOADS = ApiUpload.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models


@dataclass(frozen=True)
class OwnedUpload:
    """An upload of the subject filing, as a filing needs it."""

    id: str
    procedure_id: str
    field_path: str
    sha256: str
    name: str
    content_type: str
    size: int

    def reference(self) -> dict[str, Any]:
        """The value an attachment field holds for this file."""
        return {
            "sha256": self.sha256,
            "name": self.name,
            "content_type": self.content_type,
            "size": self.size,
        }


_OWNED = select(
    *(
        UPLOADS.c[n]
        for n in ("id", "procedure_id", "field_path", "sha256", "name", "content_type", "size")
    )
).where(
    UPLOADS.c.owner == bindparam("owner"),
    or_(
        UPLOADS.c.id.in_(bindparam("ids", expanding=True)),
        UPLOADS.c.sha256.in_(bindparam("shas", expanding=True)),
    ),
)


def owned_uploads(
    session: Session, owner: Subject, ids: Iterable[str], shas: Iterable[str]
) -> list[OwnedUpload]:
    """The owner's uploads with one of ``ids`` or one of ``shas`` (others' are not found)."""
    params = {
        "owner": owner.owner,
        "ids": list(dict.fromkeys(ids)),
        "shas": list(dict.fromkeys(shas)),
    }
    if not params["ids"] and not params["shas"]:
        return []
    rows = session.connection().execute(_OWNED, params).mappings()
    return [OwnedUpload(**row) for row in rows]


_cases = Case.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models
IX_CASES_FILED_BY = Index(
    "ix_cases_filed_by", _cases.c.organisation_id, _cases.c.filed_by, _cases.c.created_at
)
"""An integrator's (or any filer's) own filings, newest first (``GET /applications``)."""
