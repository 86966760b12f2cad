"""Operating commands: migrate, demo data, worker, outbox inspection and retry."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlmodel import Session, select

from engine.db import make_engine
from engine.models import OutboxMessage
from web.cli import main


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")}
    return clean | {"MADOGUCHI_DATA_DIR": str(tmp_path / "data"), "MADOGUCHI_WORKER": "0"}


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner(env=env).invoke(main, list(args), catch_exceptions=False)


def test_demo_then_worker_then_outbox(env: dict[str, str], tmp_path: Path) -> None:
    assert run(env, "db", "upgrade").output == "database is up to date\n"
    demo = run(env, "demo", "--no-serve")
    assert demo.exit_code == 0
    assert "correction_requested" in demo.output
    assert "kosodate-uketsuke  demo-uketsuke-1" in demo.output  # where to log in as staff
    assert (tmp_path / "data" / "keys" / "data.key").stat().st_mode & 0o077 == 0
    # The correction request of the demo wrote one notice to the outbox.
    assert "\tnotice\tpending\t0\t" in run(env, "outbox", "list").output
    # The correction's notice, and the intake's: statuses posted to Pittari, the intake
    # error's notice in "my applications" and in the Mynaportal inbox (the demo files one
    # claim signed with a revoked certificate).
    # (plus the PDFs the definitions declare for those steps).
    delivered = run(env, "worker", "--once").output
    assert delivered.endswith(", retrying 0, failed 0\n")
    listed = run(env, "outbox", "list").output
    count = int(delivered.split()[1].rstrip(","))
    assert listed.count("\tdone\t1\t") == count
    assert count - listed.count("\tdocument\t") == 6
    assert listed.count("\tmynaportal_notice\t") == 1
    assert listed.count("\tportal_status\t") == 3
    assert run(env, "outbox", "list", "--failed").output == "no failed rows\n"


def test_failed_row_is_listed_and_retried(env: dict[str, str], tmp_path: Path) -> None:
    run(env, "db", "upgrade")
    db = make_engine(f"sqlite:///{tmp_path / 'data' / 'madoguchi.sqlite3'}")
    with Session(db) as s:
        s.add(
            OutboxMessage(
                kind="notice",
                payload={},
                idempotency_key="x",
                status="failed",
                attempts=8,
                last_error="KeyError: 'recipient_id'",
            )
        )
        s.commit()
    db.dispose()
    listed = run(env, "outbox", "list", "--failed").output
    assert listed.startswith("1\tnotice\tfailed\t8\t-\tKeyError")
    assert run(env, "outbox", "retry", "1").output == "outbox row 1 queued again\n"
    again = CliRunner(env=env).invoke(main, ["outbox", "retry", "1"])
    assert again.exit_code == 1
    assert "does not exist or has not failed" in again.output


def test_unknown_setting_is_refused(env: dict[str, str]) -> None:
    result = CliRunner(env=env | {"MADOGUCHI_DATABASE_ULR": "x"}).invoke(main, ["db", "upgrade"])
    assert result.exit_code == 1
    assert (
        "unknown setting MADOGUCHI_DATABASE_ULR (did you mean 'MADOGUCHI_DATABASE_URL'?)"
        in result.output
    )


def test_adapters_setting_is_parsed_and_checked() -> None:
    from engine.config import ConfigError, load_settings

    chosen = load_settings(
        {"MADOGUCHI_ADAPTERS": "core_system.jidou-teate=real, pittari_intake=http"}
    )
    assert chosen.adapters["core_system.jidou-teate"] == "real"
    assert chosen.adapters["pittari_intake"] == "http"
    assert chosen.adapters["resident_registry"] == "mock"
    with pytest.raises(ConfigError, match="'pittari' is not capability=implementation"):
        load_settings({"MADOGUCHI_ADAPTERS": "pittari"})


def test_pittari_submit_files_and_pulls(env: dict[str, str], tmp_path: Path) -> None:
    run(env, "db", "upgrade")
    out = run(
        env,
        "pittari",
        "submit",
        "--procedure",
        "ninshin-todoke",
        "--resident",
        "family_expecting",
        "--count",
        "2",
    ).output
    assert out.count("filed PT") == 2
    assert "intake: filed 2, intake errors 0" in out
    db = make_engine(f"sqlite:///{tmp_path / 'data' / 'madoguchi.sqlite3'}")
    with Session(db) as s:
        from engine.models import Case

        cases = s.exec(select(Case)).all()
    db.dispose()
    assert [(c.channel, c.state) for c in cases] == [("pittari", "submitted")] * 2
    moved = CliRunner(env=env).invoke(
        main, ["pittari", "submit", "--procedure", "ninshin-todoke", "--resident", "nobody"]
    )
    assert moved.exit_code == 1
    assert "unknown persona 'nobody'; known: family_expecting" in moved.output


def test_mock_services_serve_pittari_and_both_login_providers() -> None:
    from werkzeug.test import Client

    from web.cli import mock_services_app

    base = "http://127.0.0.1:5001"
    client = Client(mock_services_app(base, {"pittari_intake": "mock"}))
    index = client.get("/").json
    assert index == {
        "mocks": {
            "pittari": f"{base}/pittari",
            "oidc/resident": f"{base}/oidc/resident",
            "oidc/staff": f"{base}/oidc/staff",
        }
    }
    listed = client.get("/pittari/v1/applications?lg_code=132152&limit=5")
    assert listed.status_code == 200
    assert "application_ids" in listed.json
    for who in ("resident", "staff"):
        conf = client.get(f"/oidc/{who}/.well-known/openid-configuration").json
        assert conf["issuer"] == f"{base}/oidc/{who}"
        assert "S256" in conf["code_challenge_methods_supported"]
