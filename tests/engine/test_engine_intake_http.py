"""Filing and pulling over HTTP: ``madoguchi pittari submit`` files on the HTTP Pittari mock,
a worker in another process (another demo world, other keys) pulls the filings as cases."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from adapters.mock.pittari_http import create_pittari_app
from adapters.mock.world import DemoWorld
from engine.config import load_settings
from engine.db import make_engine
from engine.intake import build_intake_job
from engine.migrate import upgrade
from engine.models import Case
from engine.runtime import build_runtime
from tests.adapters.adapters_served import ServedApp
from web.cli import main


@pytest.fixture
def portal() -> Iterator[tuple[DemoWorld, ServedApp]]:
    """``madoguchi mock-services``' Pittari: its own demo world, served on a free port."""
    world = DemoWorld.build()
    served = ServedApp(create_pittari_app(world.pittari, hang_seconds=1.0))
    try:
        yield world, served
    finally:
        served.close()


def test_filings_over_http_reach_a_separate_worker(
    portal: tuple[DemoWorld, ServedApp], tmp_path: Path
) -> None:
    world, served = portal
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")} | {
        "MADOGUCHI_DATA_DIR": str(tmp_path),
        "MADOGUCHI_WORKER": "0",
        "MADOGUCHI_ADAPTERS": f"pittari_intake=http,pittari_url={served.url}",
    }
    settings = load_settings(env)
    upgrade(settings.database_url)
    args = ["pittari", "submit", "--procedure", "ninshin-todoke", "--resident"]
    args += ["family_expecting", "--count", "2"]
    result = CliRunner(env=env).invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.count("filed PT") == 2
    assert "a worker (madoguchi worker / intake run) pulls them" in result.output
    filed = world.pittari.application_ids()
    assert len(filed) == 2  # stored by the HTTP mock, not pulled by the simulator
    assert not any(world.pittari.is_acknowledged(a) for a in filed)

    db = make_engine(settings.database_url)
    try:
        rt = build_runtime(settings, db)
        rt.sync_definitions()
        stats = build_intake_job(rt).run_once()
        assert (stats.created, stats.intake_errors, stats.acknowledged) == (2, 0, 2)
        with Session(db) as s:
            cases = s.exec(select(Case)).all()
        assert sorted((c.idempotency_key, c.state) for c in cases) == [
            (a, "submitted") for a in sorted(filed)
        ]
        assert all(world.pittari.is_acknowledged(a) for a in filed)
        assert build_intake_job(rt).run_once().listed == 0
    finally:
        db.dispose()


def test_a_filing_the_mock_refuses_is_reported(
    portal: tuple[DemoWorld, ServedApp], tmp_path: Path
) -> None:
    _, served = portal
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")} | {
        "MADOGUCHI_DATA_DIR": str(tmp_path),
        "MADOGUCHI_ADAPTERS": f"pittari_intake=http,pittari_url={served.url}/nowhere",
    }
    upgrade(load_settings(env).database_url)
    result = CliRunner(env=env).invoke(
        main, ["pittari", "submit", "--procedure", "ninshin-todoke"], catch_exceptions=False
    )
    assert result.exit_code == 1
    assert f"filing on {served.url}/nowhere failed" in result.output


def test_mock_services_serve_every_partner_to_the_http_clients() -> None:
    import httpx

    from adapters import service
    from adapters.mock.world import world_from_config
    from web.cli import mock_services_app

    base = "http://mocks.test"
    config = {"mock_today": "2025-06-02"}
    transport = httpx.WSGITransport(app=mock_services_app(base, config, partners=True))
    index = httpx.Client(transport=transport).get(f"{base}/").json()
    assert set(index["mocks"]) >= {"pittari", "resident-registry", "public-funds", "core"}

    from adapters.http_json import JsonHttp
    from adapters.partners_http import (
        HttpCoreSystem,
        HttpPublicFundsAccounts,
        HttpResidentRegistry,
    )

    def http(path: str) -> JsonHttp:
        return JsonHttp("mock-services", base + path, transport=transport, retries=0)

    world = world_from_config(config)
    persona = world.population.persona("family_expecting")
    registry = HttpResidentRegistry(http("/resident-registry"))
    assert registry.by_my_number(persona.my_number) == service.resident_registry(
        {**config, "resident_registry": "mock"}
    ).by_my_number(persona.my_number)
    assert HttpPublicFundsAccounts(http("/public-funds")).lookup(persona.my_number) is not None
    records = HttpCoreSystem(http("/core"), "kenkou-kanri").query({})
    assert records == world.core_systems["kenkou-kanri"].query({})
