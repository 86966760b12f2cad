"""Allocation rounds for staff: run one, review each result and its reason, confirm."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlmodel import Session
from werkzeug.wrappers import Response

from engine.allocation import ConfigError, available, load_config
from engine.allocation.rounds import PROCEDURE, confirm_round, get_round, latest_rounds, run_round
from engine.errors import EngineError
from engine.models import Case
from web.i18n import t
from web.kosodate import bp
from web.session import current_staff, staff_required
from web.staff.common import rt


def _department_check() -> None:
    who = current_staff()
    if who is None or not set(rt().catalog.get(PROCEDURE).departments) & set(who.departments):
        abort(403)


@bp.get("/staff/allocation")
@staff_required("review", "approval")
def allocation_rounds() -> str:
    """Recent rounds, and the form to run a new one."""
    _department_check()
    with Session(rt().db) as s:
        rounds = latest_rounds(s, rt().organisation(s).id or 0)
        s.commit()
    return render_template(
        "kosodate/allocation.html",
        rounds=rounds,
        configs=available(rt().settings.procedures_dir),
    )


@bp.post("/staff/allocation/run")
@staff_required("review")
def allocation_run() -> Response:
    """Compute a draft round under the chosen municipality configuration."""
    _department_check()
    who = current_staff()
    assert who is not None  # noqa: S101
    try:
        config = load_config(rt().settings.procedures_dir, request.form.get("config", ""))
    except ConfigError as exc:
        flash(str(exc), "error")
        return redirect(url_for("kosodate.allocation_rounds"))
    with Session(rt().db) as s:
        try:
            rnd = run_round(rt(), s, config, who.actor())
            round_id = rnd.id
            s.commit()
        except EngineError as exc:
            flash(t(exc.ja, exc.en), "error")
            return redirect(url_for("kosodate.allocation_rounds"))
    return redirect(url_for("kosodate.allocation_round", round_id=round_id))


@bp.get("/staff/allocation/<round_id>")
@staff_required("review", "approval")
def allocation_round(round_id: str) -> str:
    """Every result of a round, in priority order, with its explanation."""
    _department_check()
    with Session(rt().db) as s:
        try:
            rnd, results = get_round(s, round_id)
        except EngineError:
            abort(404)
        if rnd.organisation_id != rt().organisation(s).id:
            abort(404)
        refs = {r.case_id: s.get(Case, r.case_id) for r in results}
        config = load_config(rt().settings.procedures_dir, rnd.config_name)
        names = {f.code: f.name for f in config.facilities}
        return render_template(
            "kosodate/allocation_round.html",
            rnd=rnd,
            results=results,
            cases=refs,
            names=names,
            config=config,
        )


@bp.post("/staff/allocation/<round_id>/confirm")
@staff_required("review")
def allocation_confirm(round_id: str) -> Response:
    """Confirm a draft round: offers and waitlist notices go out on the cases."""
    _department_check()
    who = current_staff()
    assert who is not None  # noqa: S101
    with Session(rt().db) as s:
        try:
            rnd, _ = get_round(s, round_id)
            config = load_config(rt().settings.procedures_dir, rnd.config_name)
            done = confirm_round(rt(), s, round_id, who.actor(), config)
            s.commit()
        except EngineError as exc:
            s.rollback()
            flash(t(exc.ja, exc.en), "error")
            return redirect(url_for("kosodate.allocation_round", round_id=round_id))
    flash(
        t(
            f"確定しました：内定 {len(done.offered)}件、保留 {len(done.waitlisted)}件、"
            f"変更があったため対象外 {len(done.skipped)}件。",
            f"Confirmed: {len(done.offered)} offered, {len(done.waitlisted)} waitlisted, "
            f"{len(done.skipped)} skipped (changed since the run).",
        ),
        "success",
    )
    return redirect(url_for("kosodate.allocation_round", round_id=round_id))
