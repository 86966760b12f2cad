"""``madoguchi clients``: register, list, revoke API clients and rotate their secrets."""

from __future__ import annotations

import json

import click
from sqlalchemy.engine import Engine
from sqlmodel import Session

from engine import api_clients, api_tokens
from engine.api_clients import CLIENT_KINDS, DEFAULT_RATE_LIMIT, KIND_SCOPES, ClientError
from engine.config import ConfigError, load_settings
from engine.db import make_engine


def _engine() -> Engine:
    try:
        settings = load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    return make_engine(settings.database_url)


@click.group("clients")
def clients() -> None:
    """API clients (OAuth 2.0): integrators, resident apps, counter terminals."""


@clients.command("create")
@click.argument("name")
@click.option(
    "--kind",
    type=click.Choice(CLIENT_KINDS),
    default="integrator",
    show_default=True,
    help="integrator: client credentials for itself; resident / staff: tokens for a "
    "person who logs in (authorization code with PKCE)",
)
@click.option(
    "--scopes",
    default="",
    help="space- or comma-separated; default: every scope the kind may have "
    f"(integrator: {' '.join(sorted(KIND_SCOPES['integrator']))})",
)
@click.option("--redirect-uri", "redirect_uris", multiple=True, help="resident / staff clients")
@click.option("--rate-limit", default=DEFAULT_RATE_LIMIT, show_default=True)
@click.option("--public", is_flag=True, help="no secret (a mobile or browser app; PKCE only)")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def clients_create(
    name: str,
    kind: str,
    scopes: str,
    redirect_uris: tuple[str, ...],
    rate_limit: str,
    public: bool,
    as_json: bool,
) -> None:
    """Register a client and print its id and secret (the secret is shown only now)."""
    wanted = scopes.replace(",", " ").split() or sorted(KIND_SCOPES[kind])  # type: ignore[index]  # a CLIENT_KINDS choice
    eng = _engine()
    try:
        with Session(eng) as session:
            try:
                client, secret = api_clients.create_client(
                    session,
                    name,
                    kind,
                    wanted,
                    redirect_uris=redirect_uris,
                    rate_limit=rate_limit,
                    public=public,
                )
            except ClientError as exc:
                raise click.ClickException(str(exc)) from None
            session.commit()
            client_id, scope = client.id, client.scopes
    finally:
        eng.dispose()
    if as_json:
        out = {"client_id": client_id, "client_secret": secret, "kind": kind, "scope": scope}
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    click.echo(f"client_id:     {client_id}")
    click.echo(f"client_secret: {secret or '(none: a public client)'}")
    click.echo(f"kind:          {kind}")
    click.echo(f"scopes:        {scope}")
    click.echo(f"rate limit:    {rate_limit}")
    if secret:
        click.echo("Keep the secret safe: it is stored only as a hash and cannot be shown again.")


@clients.command("list")
def clients_list() -> None:
    """Every client: id, kind, name, scopes, rate limit, whether revoked."""
    eng = _engine()
    try:
        with Session(eng) as session:
            rows = api_clients.list_clients(session)
            lines = [
                f"{c.id}\t{c.kind}\t{c.name}\t{c.scopes}\t{c.rate_limit}\t"
                f"{'revoked ' + c.revoked_at.isoformat() if c.revoked_at else 'active'}"
                for c in rows
            ]
    finally:
        eng.dispose()
    for line in lines:
        click.echo(line)
    if not lines:
        click.echo("no clients yet: madoguchi clients create NAME")


def _load(session: Session, client_id: str) -> api_clients.ApiClient:
    client = api_clients.get_client(session, client_id)
    if client is None:
        raise click.ClickException(f"no client {client_id}")
    return client


@clients.command("revoke")
@click.argument("client_id")
def clients_revoke(client_id: str) -> None:
    """Revoke a client and every token it holds, at once."""
    eng = _engine()
    try:
        with Session(eng) as session:
            n = api_tokens.revoke_client(session, _load(session, client_id))
            session.commit()
    finally:
        eng.dispose()
    click.echo(f"revoked {client_id} and {n} token(s)")


@clients.command("rotate-secret")
@click.argument("client_id")
def clients_rotate(client_id: str) -> None:
    """Give a client a new secret; the old one stops working at once."""
    eng = _engine()
    try:
        with Session(eng) as session:
            try:
                secret = api_clients.rotate_secret(session, _load(session, client_id))
            except ClientError as exc:
                raise click.ClickException(str(exc)) from None
            session.commit()
    finally:
        eng.dispose()
    click.echo(f"client_secret: {secret}")
