"""Access and refresh tokens, and authorization codes, of API clients (stored as hashes).

A token row keeps the client, the subject it stands for (:class:`engine.api_clients.Subject`)
and its scopes; the resource server reads it through one pre-built join with the client
(:func:`find_access_token`), as a :class:`TokenRecord` snapshot.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Index, bindparam, select, update
from sqlmodel import Field, Session, SQLModel

from engine.api_clients import CLIENTS, ApiClient, Subject, digest, utcnow


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


TOKENS = ApiToken.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models


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
