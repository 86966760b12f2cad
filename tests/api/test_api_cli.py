"""``madoguchi clients``: register, list, rotate, revoke; the printed credentials work."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from engine.config import load_settings
from engine.migrate import upgrade
from web import create_app
from web.cli import main


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")}
    env = clean | {"MADOGUCHI_DATA_DIR": str(tmp_path / "data"), "MADOGUCHI_WORKER": "0"}
    upgrade(load_settings(env).database_url)
    return env


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner(env=env).invoke(main, list(args), catch_exceptions=False)


def _token_status(env: dict[str, str], client_id: str, secret: str) -> int:
    app = create_app(load_settings(env), {"TESTING": True})
    reply = app.test_client().post(
        "/api/v1/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )
    return reply.status_code


def test_create_prints_credentials_that_work(env: dict[str, str]) -> None:
    out = run(env, "clients", "create", "くにたち子育てアプリ", "--json")
    assert out.exit_code == 0
    created = json.loads(out.output)
    assert created["kind"] == "integrator"
    assert created["scope"] == "applications:file applications:read"
    assert created["client_secret"].startswith("mdg_secret_")
    assert _token_status(env, created["client_id"], created["client_secret"]) == 200
    listed = run(env, "clients", "list").output
    assert created["client_id"] in listed
    assert "くにたち子育てアプリ" in listed
    assert created["client_secret"] not in listed


def test_human_output_says_the_secret_is_shown_once(env: dict[str, str]) -> None:
    out = run(env, "clients", "create", "harness", "--scopes", "applications:read").output
    assert "client_id:     mdg_client_" in out
    assert "scopes:        applications:read" in out
    assert "cannot be shown again" in out


def test_rotate_and_revoke(env: dict[str, str]) -> None:
    created = json.loads(run(env, "clients", "create", "harness", "--json").output)
    rotated = run(env, "clients", "rotate-secret", created["client_id"]).output
    new_secret = rotated.split("client_secret: ")[1].strip()
    assert _token_status(env, created["client_id"], created["client_secret"]) == 401
    assert _token_status(env, created["client_id"], new_secret) == 200
    revoked = run(env, "clients", "revoke", created["client_id"])
    assert revoked.output.startswith(f"revoked {created['client_id']} and 1 token(s)")
    assert _token_status(env, created["client_id"], new_secret) == 401
    assert "\trevoked " in run(env, "clients", "list").output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scopes", "applications:transition"], "may not have applications:transition"),
        (["--scopes", "everything"], "unknown scope(s) everything"),
        (["--kind", "resident"], "needs at least one redirect URI"),
        (["--kind", "resident", "--redirect-uri", "http://evil.example/cb"], "must be https://"),
        (["--rate-limit", "lots"], "must look like 600/minute"),
        (["--public"], "must be confidential"),
    ],
)
def test_mistakes_are_explained(env: dict[str, str], args: list[str], message: str) -> None:
    result = CliRunner(env=env).invoke(main, ["clients", "create", "x", *args])
    assert result.exit_code == 1
    assert message in result.output


def test_a_resident_app_with_a_redirect_uri(env: dict[str, str]) -> None:
    out = run(
        env,
        "clients",
        "create",
        "民間アプリ",
        "--kind",
        "resident",
        "--redirect-uri",
        "https://app.example/callback",
        "--public",
        "--json",
    )
    created = json.loads(out.output)
    assert created["client_secret"] is None
    assert created["scope"].split() == sorted(
        ["applications:file", "applications:read", "applications:transition"]
    )


def test_the_demo_prints_a_working_integrator_client(env: dict[str, str]) -> None:
    from web.api.demo import demo_client_lines

    app = create_app(load_settings(env), {"TESTING": True})
    rt = app.extensions["madoguchi"]
    first = demo_client_lines(rt)
    again = demo_client_lines(rt)

    def value(lines: list[str], key: str) -> str:
        return next(line.split()[1] for line in lines if line.strip().startswith(key))

    client_id = value(again, "client_id")
    assert client_id == value(first, "client_id")  # one demo client, a new secret each run
    assert _token_status(env, client_id, value(first, "client_secret")) == 401
    assert _token_status(env, client_id, value(again, "client_secret")) == 200
    assert any("/api/v1/docs" in line for line in again)
