"""The ``madoguchi`` command line."""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

import click
import yaml
from sqlalchemy.engine import Engine

from engine import audit, outbox
from engine.config import ConfigError, Settings, load_settings
from engine.db import make_engine
from engine.definitions.errors import DefinitionErrors, did_you_mean
from engine.definitions.loader import Catalog
from engine.definitions.models import PROCEDURE_ID, DefinitionFile, ShapeFile
from engine.intake import build_intake_job, worker_handlers
from engine.machine import mermaid
from engine.migrate import upgrade
from engine.runtime import adapter_config, build_runtime, load_procedures
from forms import json_schema, validate_payload
from web.cli_clients import clients


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@contextmanager
def _database(settings: Settings) -> Iterator[Engine]:
    eng = make_engine(settings.database_url)
    try:
        yield eng
    finally:
        eng.dispose()


def _catalog(settings: Settings) -> Catalog:
    try:
        return load_procedures(settings)
    except DefinitionErrors as exc:
        for err in exc.errors:
            click.echo(str(err), err=True)
        raise click.ClickException(f"{len(exc.errors)} mistake(s) in the definitions") from None


@click.group()
def main() -> None:
    """Madoguchi: workflow engine for Japanese municipal procedures."""


@main.group()
def procedures() -> None:
    """Procedure definitions."""


@procedures.command("list")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def procedures_list(as_json: bool) -> None:
    """List every procedure."""
    cat = _catalog(_settings())
    rows: list[dict[str, Any]] = [
        {
            "id": p.id,
            "category": p.category,
            "shape": p.shape,
            "name": p.name.model_dump(),
            "office": p.office,
            "identity": p.identity,
            "channels": list(p.channels),
            "version": p.version,
        }
        for p in cat
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r['id']:<32} {r['category']:<9} {r['shape']:<16} {r['name']['ja']}")


@procedures.command("show")
@click.argument("procedure_id")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def procedures_show(procedure_id: str, as_json: bool) -> None:
    """Show one procedure as loaded (merged with its shape)."""
    cat = _catalog(_settings())
    try:
        p = cat.get(procedure_id)
    except KeyError as exc:
        raise click.ClickException(str(exc.args[0])) from None
    if as_json:
        click.echo(json.dumps(p.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    click.echo(f"{p.id}: {p.name.ja} ({p.name.en})")
    click.echo(
        f"  shape {p.shape}, category {p.category}, office {p.office}, "
        f"identity {p.identity}, channels {', '.join(p.channels)}"
    )
    click.echo(f"  departments {', '.join(p.departments)}; version {p.version[:12]}")
    click.echo("  states:")
    for s in p.workflow.states:
        flag = " (terminal)" if s.terminal else ""
        click.echo(f"    {s.id:<24} {s.label.ja} [{s.portal_status}]{flag}")
    click.echo("  transitions:")
    for t in p.workflow.transitions:
        click.echo(
            f"    {t.trigger:<24} {','.join(t.source)} -> {t.dest}  roles: {', '.join(t.roles)}"
        )


@procedures.command("check")
def procedures_check() -> None:
    """Check every definition; exit 1 listing every mistake."""
    cat = _catalog(_settings())
    click.echo(f"ok: {len(cat.procedures)} procedures, {len(cat.shapes)} shapes")


@procedures.command("diagram")
@click.argument("procedure_id")
@click.option("--current", help="mark this state")
def procedures_diagram(procedure_id: str, current: str | None) -> None:
    """Print the workflow as a mermaid state diagram."""
    cat = _catalog(_settings())
    try:
        proc = cat.get(procedure_id)
    except KeyError as exc:
        raise click.ClickException(str(exc.args[0])) from None
    states = [st.id for st in proc.workflow.states]
    if current is not None and current not in states:
        raise click.ClickException(
            f"'{procedure_id}' has no state '{current}'{did_you_mean(current, states)}"
        )
    click.echo(mermaid(proc, current))


@procedures.command("docs")
@click.option("--out", "out_dir", default="docs/procedures", show_default=True, help="folder")
@click.option("--check", is_flag=True, help="fail when a page is missing or out of date")
def procedures_docs(out_dir: str, check: bool) -> None:
    """Write docs/procedures/<id>.md for every procedure (--check: only verify them)."""
    from pathlib import Path

    from engine.procedure_docs import stale_docs, write_docs

    cat = _catalog(_settings())
    if check:
        problems = stale_docs(cat, Path(out_dir))
        for problem in problems:
            click.echo(problem, err=True)
        if problems:
            raise click.ClickException(
                f"{len(problems)} page(s) out of date: run madoguchi procedures docs"
            )
        click.echo(f"ok: {len(cat.procedures)} pages up to date")
        return
    written = write_docs(cat, Path(out_dir))
    click.echo(f"wrote {len(written)} page(s) to {out_dir}")


@procedures.command("schema")
@click.argument("procedure_id")
def procedures_schema(procedure_id: str) -> None:
    """Print the JSON Schema of a procedure's application payload (what the API accepts)."""
    cat = _catalog(_settings())
    try:
        proc = cat.get(procedure_id)
    except KeyError as exc:
        raise click.ClickException(str(exc.args[0])) from None
    schema = json_schema(proc.form, title=proc.name.ja)
    click.echo(json.dumps(schema, ensure_ascii=False, indent=2))


@main.group("forms")
def forms_group() -> None:
    """Application forms."""


@forms_group.command("validate")
@click.argument("procedure_id")
@click.argument("payload", type=click.File("r", encoding="utf-8"))
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def forms_validate(procedure_id: str, payload: TextIO, as_json: bool) -> None:
    """Validate a JSON payload as the web and the API do: print it normalised (exit 0) or
    every mistake with its path, code and messages (exit 1)."""
    cat = _catalog(_settings())
    try:
        proc = cat.get(procedure_id)
    except KeyError as exc:
        raise click.ClickException(str(exc.args[0])) from None
    try:
        data = json.load(payload)
    except json.JSONDecodeError as exc:
        raise click.ClickException(
            f"{payload.name} is not JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(data, dict):
        raise click.ClickException(f"{payload.name} must hold a JSON object")
    result = validate_payload(proc.form, data)
    if result.ok:
        click.echo(json.dumps(result.data, ensure_ascii=False, indent=2))
        return
    if as_json:
        errors = [
            {"path": e.path, "code": e.code, "message": {"ja": e.message.ja, "en": e.message.en}}
            for e in result.errors
        ]
        click.echo(json.dumps({"errors": errors}, ensure_ascii=False, indent=2))
    else:
        for e in result.errors:
            click.echo(f"{e.path}: [{e.code}] {e.message.ja} / {e.message.en}")
    sys.exit(1)


@procedures.command("format-schema")
@click.option("--kind", type=click.Choice(["definition", "shape"]), default="definition")
def procedures_format_schema(kind: str) -> None:
    """Print the JSON Schema of the definition (or shape) file format."""
    model = DefinitionFile if kind == "definition" else ShapeFile
    click.echo(json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2))


@procedures.command("new")
@click.argument("procedure_id")
@click.option("--shape", required=True, help="the shape to extend, e.g. application")
@click.option("--category", required=True, help="kosodate, kaigo, hisai, jidousha, ...")
def procedures_new(procedure_id: str, shape: str, category: str) -> None:
    """Write a scaffold definition that passes `check`."""
    settings = _settings()
    root = settings.procedures_dir
    if not re.fullmatch(PROCEDURE_ID, procedure_id):
        raise click.ClickException(
            f"'{procedure_id}' is not a procedure id: lower-case words joined by '-', "
            "e.g. jidou-teate-nintei"
        )
    if not re.fullmatch(r"[a-z]+", category):
        raise click.ClickException(
            f"'{category}' is not a category: lower-case letters only, e.g. kosodate, kaigo"
        )
    shapes = sorted(p.stem for p in (root / "_shapes").glob("*.yaml"))
    if shape not in shapes:
        raise click.ClickException(
            f"unknown shape '{shape}'{did_you_mean(shape, shapes)}; known: {', '.join(shapes)}"
        )
    target = root / category / f"{procedure_id}.yaml"
    clash = [p for p in root.glob(f"*/{procedure_id}.yaml") if not p.parent.name.startswith("_")]
    if clash:
        raise click.ClickException(f"{clash[0]} already defines '{procedure_id}'")
    scaffold = {
        "id": procedure_id,
        "extends": shape,
        "category": category,
        "name": {"ja": "（手続の正式名称）", "en": "(official name in English)"},
        "summary": {
            "ja": "（この手続について住民向けのやさしい説明）",
            "en": "(a plain-language summary for residents)",
        },
        "office": "municipality",
        "departments": ["（担当課）"],
        "legal_basis": [{"law": "（根拠法令）", "article": "（条）"}],
        "channels": ["online", "counter", "api"],
        "identity": "login",
        "processing": {"days": 10, "kind": "standard", "counting": "business_days"},
        "retention_years": 5,
        "form": {
            "steps": [
                {
                    "id": "applicant",
                    "title": {"ja": "申請者", "en": "Applicant"},
                    "fields": [
                        {
                            "id": "name",
                            "type": "name",
                            "label": {"ja": "氏名", "en": "Name"},
                            "required": True,
                            "prefill": "registry.resident.name",
                        }
                    ],
                }
            ]
        },
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        yaml.safe_dump(scaffold, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    click.echo(f"wrote {target}; edit it, then run `madoguchi procedures check`")


@main.group()
def db() -> None:
    """The database."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply the migrations (creating the SQLite file when needed)."""
    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    click.echo("database is up to date")


@main.command()
@click.option("--once", is_flag=True, help="deliver what is due now, then exit")
@click.option("--interval", default=1.0, show_default=True, help="seconds between polls")
def worker(once: bool, interval: float) -> None:
    """Deliver outbox rows (run several on PostgreSQL; they never take the same row)."""
    settings = _settings()
    with _database(settings) as eng:
        w = outbox.OutboxWorker(
            eng,
            worker_id=f"worker-{os.getpid()}",
            max_attempts=settings.outbox_max_attempts,
            kinds=worker_handlers(build_runtime(settings, eng)),
        )
        if once:
            s = w.run_once()
            click.echo(f"delivered {s.delivered}, retrying {s.retried}, failed {s.failed}")
            return
        stop = threading.Event()
        try:
            w.run_forever(stop, interval)
        except KeyboardInterrupt:
            stop.set()


@main.group("intake")
def intake_group() -> None:
    """Applications pulled from Mynaportal Pittari and OSS."""


@intake_group.command("run")
@click.option("--once", is_flag=True, help="one pass, then exit")
@click.option("--every", default=30.0, show_default=True, help="seconds between passes")
def intake_run(once: bool, every: float) -> None:
    """Pull new Pittari and OSS applications, verify them and file them as cases."""
    settings = _settings()
    with _database(settings) as eng:
        job = build_intake_job(build_runtime(settings, eng))
        while True:
            s = job.run_once()
            click.echo(
                f"listed {s.listed}, filed {s.created}, intake errors {s.intake_errors}, "
                f"already filed {s.replayed}, acknowledged {s.acknowledged}, "
                f"failures {s.failures}"
            )
            for reason in s.reasons:
                click.echo(f"  {reason}", err=True)
            if once:
                return
            time.sleep(every)


@main.group("pittari")
def pittari_group() -> None:
    """The mock Mynaportal Pittari (in this process)."""


@pittari_group.command("submit")
@click.option("--procedure", "procedure_id", required=True, help="procedure id")
@click.option(
    "--resident",
    "persona_key",
    default="newborn_family",
    show_default=True,
    help="persona key (adapters/mock/personas.md)",
)
@click.option("--count", default=1, show_default=True, help="how many filings")
def pittari_submit(procedure_id: str, persona_key: str, count: int) -> None:
    """File applications on the mock Mynaportal as a resident would (signed with the card).

    With the in-process mock (pittari_intake=mock) the intake job then pulls them into
    cases here. With pittari_intake=http the filings go to the HTTP mock at pittari_url
    (madoguchi mock-services), where any worker process pulls them.
    """
    from adapters.errors import PartnerError
    from adapters.mock.pittari_filing import file_application, sign_filing, submit_over_http
    from adapters.mock.world import world_from_config
    from web.demo import person_data

    settings = _settings()
    config = adapter_config(settings)
    world = world_from_config(config)
    try:
        persona = world.population.persona(persona_key)
    except KeyError:
        keys = ", ".join(p.key for p in world.population.personas)
        raise click.ClickException(f"unknown persona '{persona_key}'; known: {keys}") from None
    over_http = config.get("pittari_intake") == "http"
    url = config.get("pittari_url", "")
    if over_http and not url:
        raise click.ClickException(
            "pittari_intake=http needs pittari_url in MADOGUCHI_ADAPTERS"
            " (e.g. pittari_url=http://127.0.0.1:5001/pittari)"
        )
    with _database(settings) as eng:
        rt = build_runtime(settings, eng)
        try:
            rt.catalog.get(procedure_id)
        except KeyError as exc:
            raise click.ClickException(str(exc.args[0])) from None
        who = world.population.resident(persona.resident_number)
        data = person_data(procedure_id, who)
        for _ in range(count):
            if over_http:
                filing = sign_filing(
                    world, procedure_id, persona, data, lg_code=rt.settings.org_code
                )
                try:
                    app_id = submit_over_http(url, filing)
                except (PartnerError, ValueError) as exc:
                    raise click.ClickException(f"filing on {url} failed: {exc}") from None
            else:
                app_id = file_application(world, procedure_id, persona, data)
            click.echo(f"filed {app_id} ({procedure_id}, {who.name.full})")
        if over_http:
            click.echo(f"filed on {url}: a worker (madoguchi worker / intake run) pulls them")
            return
        s = build_intake_job(rt).run_once()
        click.echo(
            f"intake: filed {s.created}, intake errors {s.intake_errors}, "
            f"already filed {s.replayed}, failures {s.failures}"
        )


def mock_services_app(base_url: str, config: dict[str, str], *, partners: bool = False) -> Any:
    """One WSGI app mounting the HTTP mocks of the partner systems under ``base_url``:
    Pittari at /pittari, the Digital Authentication App at /oidc/resident, the staff
    identity provider at /oidc/staff (each issuer is its own mounted URL); with
    ``partners`` also OSS at /oss, the resident registry at /resident-registry, the
    public-funds accounts at /public-funds and the nine core systems at /core."""
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    if TYPE_CHECKING:
        from _typeshed.wsgi import WSGIApplication

    from adapters.mock.oidc_login import resident_provider_app
    from adapters.mock.oidc_staff import create_staff_provider_app
    from adapters.mock.partners_http import (
        core_systems_app_from_config,
        public_funds_app_from_config,
        resident_registry_app_from_config,
    )
    from adapters.mock.pittari_http import oss_app_from_config, pittari_app_from_config

    resident_issuer = f"{base_url}/oidc/resident"
    mounts: dict[str, WSGIApplication] = {
        "/pittari": pittari_app_from_config(config),
        "/oidc/resident": resident_provider_app(
            {**config, "resident_login_issuer": resident_issuer}
        ),
        "/oidc/staff": create_staff_provider_app(f"{base_url}/oidc/staff"),
    }
    if partners:
        mounts["/oss"] = oss_app_from_config(config)
        mounts["/resident-registry"] = resident_registry_app_from_config(config)
        mounts["/public-funds"] = public_funds_app_from_config(config)
        mounts["/core"] = core_systems_app_from_config(config)
    index = _index_app(base_url, list(mounts))
    return DispatcherMiddleware(index, mounts)


def _index_app(base_url: str, mounts: list[str]) -> Any:
    """A small index of what is mounted where."""
    from flask import Flask

    app = Flask("madoguchi-mock-services")

    @app.get("/")
    def index() -> dict[str, Any]:
        return {"mocks": {m.strip("/"): f"{base_url}{m}" for m in mounts}}

    return app


@main.command("mock-services")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5001, show_default=True)
def mock_services(host: str, port: int) -> None:
    """Serve the partner mocks over real HTTP: Pittari (with its resident-side filing),
    resident and staff login, the resident registry, public-funds accounts, core systems.

    Point the app at them with e.g. MADOGUCHI_ADAPTERS=pittari_intake=http,
    pittari_url=http://127.0.0.1:5001/pittari,resident_registry=http,
    resident_registry_url=http://127.0.0.1:5001/resident-registry,core_system=http,
    core_system_url=http://127.0.0.1:5001/core (docs/formats/partners-http.md)
    """
    from werkzeug.serving import run_simple

    base = f"http://{host}:{port}"
    app = mock_services_app(base, dict(_settings().adapters), partners=True)
    click.echo(
        f"mocks at {base}/pittari, {base}/oidc/resident, {base}/oidc/staff, {base}/oss, "
        f"{base}/resident-registry, {base}/public-funds, {base}/core"
    )
    run_simple(host, port, app, threaded=True)


@main.group("outbox")
def outbox_group() -> None:
    """Side effects waiting for delivery."""


@outbox_group.command("list")
@click.option("--failed", is_flag=True, help="only rows that stopped retrying")
def outbox_list(failed: bool) -> None:
    """List outbox rows (id, kind, status, attempts, case, last error)."""
    settings = _settings()
    with _database(settings) as eng:
        rows = outbox.list_messages(eng, "failed" if failed else None)
    for m in rows:
        click.echo(
            f"{m.id}\t{m.kind}\t{m.status}\t{m.attempts}\t{m.case_id or '-'}\t{m.last_error or ''}"
        )
    if not rows:
        click.echo("no failed rows" if failed else "the outbox is empty")


@outbox_group.command("retry")
@click.argument("msg_id", type=int)
def outbox_retry(msg_id: int) -> None:
    """Queue a failed row again."""
    settings = _settings()
    with _database(settings) as eng:
        done = outbox.retry(eng, msg_id)
    if not done:
        raise click.ClickException(f"outbox row {msg_id} does not exist or has not failed")
    click.echo(f"outbox row {msg_id} queued again")


@main.group("audit")
def audit_group() -> None:
    """The tamper-evident case history."""


@audit_group.command("verify")
@click.option("--case", "case_id", help="only this case")
def audit_verify(case_id: str | None) -> None:
    """Recompute every hash chain; exit 1 naming the first broken link of each case."""
    settings = _settings()
    with _database(settings) as eng:
        checked, breaks = audit.verify(eng, case_id)
    for b in breaks:
        click.echo(f"BROKEN {b}", err=True)
    if breaks:
        sys.exit(1)
    click.echo(f"ok: {checked} case(s), every chain holds")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def serve(host: str, port: int) -> None:
    """Serve the web app (development server)."""
    from web import create_app

    app = create_app(_settings())
    app.run(host=host, port=port)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--no-serve", is_flag=True, help="prepare the database and demo data only")
def demo(host: str, port: int, no_serve: bool) -> None:
    """Migrate, load the demo data, and serve the app with the worker thread."""
    from web import create_app
    from web.demo import load_demo

    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    upgrade(settings.database_url)
    app = create_app(settings)
    summary = load_demo(app)
    pulled = build_intake_job(app.extensions["madoguchi"]).run_once()
    summary.append(
        f"Pittari intake: {pulled.created} filed, {pulled.intake_errors} intake error(s) "
        "(a revoked signing certificate)"
    )
    click.echo(
        f"demo data ready in {time.monotonic() - started:.1f}s (database: {settings.database_url})"
    )
    for line in summary:
        click.echo(line)
    if no_serve:
        return
    # Development server: secure cookies would need HTTPS, which the local demo lacks.
    app.config["SESSION_COOKIE_SECURE"] = False
    click.echo(f"open http://{host}:{port}/")
    app.run(host=host, port=port)


from web.kosodate.cli import allocation_group  # noqa: E402  # childcare allocation (issue 8)

main.add_command(allocation_group)
main.add_command(clients)
