"""``madoguchi allocation``: run a childcare allocation round from the command line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlmodel import Session

from engine.actors import Actor
from engine.allocation import AllocationConfig, ConfigError, load_config
from engine.allocation.rounds import PROCEDURE, confirm_round, get_round, preview, run_round
from engine.config import ConfigError as SettingsError
from engine.config import load_settings
from engine.db import make_engine
from engine.errors import EngineError
from engine.models import utcnow
from engine.runtime import Runtime, build_runtime


@click.group("allocation")
def allocation_group() -> None:
    """Childcare allocation rounds (利用調整)."""


@contextmanager
def _runtime() -> Iterator[Runtime]:
    try:
        settings = load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    eng = make_engine(settings.database_url)
    try:
        yield build_runtime(settings, eng)
    finally:
        eng.dispose()


def _staff(rt: Runtime, staff_id: str) -> Actor:
    # The command line is operations tooling: it acts as a case worker of the department.
    return Actor.staff(staff_id, {"review"}, set(rt.catalog.get(PROCEDURE).departments))


def _config(rt: Runtime, name: str) -> AllocationConfig:
    try:
        return load_config(rt.settings.procedures_dir, name)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@allocation_group.command("run")
@click.option("--config", "config_name", required=True, help="e.g. kunitachi, yokohama")
@click.option("--dry-run", is_flag=True, help="print the results, store nothing")
@click.option("--seed", default=None, help="fixes the lottery (default: a random one)")
@click.option("--staff", "staff_id", default="cli", show_default=True, help="recorded as runner")
def allocation_run(config_name: str, dry_run: bool, seed: str | None, staff_id: str) -> None:
    """Rank every waiting application and allocate places; a draft round to confirm."""
    with _runtime() as rt, Session(rt.db) as s:
        config = _config(rt, config_name)
        if dry_run:
            result = preview(rt, s, config, seed=seed or "dry-run", now=utcnow())
            for o in sorted(result.outcomes, key=lambda o: (o.position == 0, o.position)):
                ref = result.cases[o.applicant_id].reference
                click.echo(
                    f"{o.position:>4} {ref} {o.status:<10} {o.facility or '-':<8} "
                    + o.explanation_ja
                )
            click.echo(f"dry run: {len(result.outcomes)} application(s), nothing stored")
            return
        try:
            rnd = run_round(rt, s, config, _staff(rt, staff_id), seed=seed)
        except EngineError as exc:
            raise click.ClickException(f"{exc.ja} / {exc.en}") from None
        s.commit()
        click.echo(
            f"round {rnd.id} ({config.name}): {rnd.applicants} application(s), "
            f"{rnd.offered} offered, {rnd.waitlisted} waitlisted, {rnd.ineligible} not eligible; "
            f"confirm with: madoguchi allocation confirm {rnd.id} --config {config.name}"
        )


@allocation_group.command("confirm")
@click.argument("round_id")
@click.option("--config", "config_name", required=True)
@click.option("--staff", "staff_id", default="cli", show_default=True)
def allocation_confirm(round_id: str, config_name: str, staff_id: str) -> None:
    """Fire the offers and waitlist notices of a draft round on the cases."""
    with _runtime() as rt, Session(rt.db) as s:
        config = _config(rt, config_name)
        try:
            rnd, _ = get_round(s, round_id)
            if rnd.config_name != config.name:
                raise click.ClickException(
                    f"この回は設定「{rnd.config_name}」で実行されています。 "
                    f"The round was run with '{rnd.config_name}'."
                )
            done = confirm_round(rt, s, round_id, _staff(rt, staff_id), config)
        except EngineError as exc:
            raise click.ClickException(f"{exc.ja} / {exc.en}") from None
        s.commit()
    click.echo(
        f"confirmed: {len(done.offered)} offered, {len(done.waitlisted)} waitlisted, "
        f"{len(done.skipped)} skipped (changed since the run)"
    )
