"""The pregnancy interview: residents pick, see and cancel a slot; staff see each day."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from flask import abort, flash, redirect, render_template, request, url_for
from sqlmodel import Session, col, select
from werkzeug.wrappers import Response

from engine.booking import (
    JST,
    PROCEDURE,
    BookingConfig,
    BookingError,
    active_booking,
    book,
    bookings_on,
    cancel,
    free_slots,
    load_booking_config,
)
from engine.cases import load_case
from engine.errors import EngineError
from engine.models import Case
from web.i18n import t
from web.kosodate import bp
from web.session import current_resident, current_staff, resident_required, staff_required
from web.staff.common import rt


def _config_or_abort() -> BookingConfig:
    try:
        return load_booking_config(rt().settings.procedures_dir)
    except BookingError:
        abort(503)


@bp.get("/interview")
@resident_required
def interviews() -> str:
    """The resident's pregnancy notifications whose interview can be booked or is booked."""
    who = current_resident()
    assert who is not None  # noqa: S101  # resident_required guarantees it
    with Session(rt().db) as s:
        cases = s.exec(
            select(Case)
            .where(
                col(Case.procedure_id) == PROCEDURE,
                col(Case.applicant_id) == who.resident_id,
                col(Case.state).in_(("recorded", "interview_booked")),
            )
            .order_by(col(Case.created_at).desc())
        ).all()
    return render_template("kosodate/interviews.html", cases=cases)


@bp.get("/interview/<case_id>")
@resident_required
def interview(case_id: str) -> str:
    """The resident's interview: free slots to pick from, or the booking to keep or cancel."""
    who = current_resident()
    assert who is not None  # noqa: S101  # resident_required guarantees it
    config = _config_or_abort()
    with Session(rt().db) as s:
        try:
            case, proc = load_case(rt(), s, case_id, who.actor())
        except EngineError:
            abort(404)
        if proc.id != PROCEDURE:
            abort(404)
        booking = active_booking(s, case.id)
        slots = free_slots(rt(), s, config) if case.state == "recorded" else []
    days = [(day, list(items)) for day, items in groupby(slots, key=lambda x: x.start.date())]
    return render_template(
        "kosodate/interview.html", case=case, booking=booking, days=days, config=config
    )


@bp.post("/interview/<case_id>/book")
@resident_required
def interview_book(case_id: str) -> Response:
    """Book the slot the resident picked (``slot``: ``YYYY-MM-DDTHH:MM|place``)."""
    who = current_resident()
    assert who is not None  # noqa: S101
    config = _config_or_abort()
    raw = request.form.get("slot", "")
    start_text, _, place = raw.partition("|")
    try:
        start = dt.datetime.strptime(start_text, "%Y-%m-%dT%H:%M")
    except ValueError:
        flash(t("面談の日時を選んでください。", "Please pick a date and time."), "error")
        return redirect(url_for("kosodate.interview", case_id=case_id))
    with Session(rt().db) as s:
        try:
            book(rt(), s, case_id, start, place, who.actor(), config)
            s.commit()
        except EngineError as exc:
            s.rollback()
            flash(t(exc.ja, exc.en), "error")
            return redirect(url_for("kosodate.interview", case_id=case_id))
    flash(t("面談を予約しました。", "Your interview is booked."), "success")
    return redirect(url_for("kosodate.interview", case_id=case_id))


@bp.post("/interview/<case_id>/cancel")
@resident_required
def interview_cancel(case_id: str) -> Response:
    """Cancel the resident's booking; the seat is free again."""
    who = current_resident()
    assert who is not None  # noqa: S101
    with Session(rt().db) as s:
        try:
            cancel(rt(), s, case_id, who.actor())
            s.commit()
        except EngineError as exc:
            s.rollback()
            flash(t(exc.ja, exc.en), "error")
            return redirect(url_for("kosodate.interview", case_id=case_id))
    flash(t("予約を取り消しました。", "Your booking is cancelled."), "success")
    return redirect(url_for("kosodate.interview", case_id=case_id))


@bp.get("/staff/interviews")
@staff_required("intake", "review", "approval")
def staff_interviews() -> str:
    """The interview bookings of one day (default today), for the health department."""
    who = current_staff()
    assert who is not None  # noqa: S101
    if not set(rt().catalog.get(PROCEDURE).departments) & set(who.departments):
        abort(403)
    try:
        day = dt.date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        day = dt.datetime.now(JST).date()
    with Session(rt().db) as s:
        rows = bookings_on(rt(), s, day)
    config = _config_or_abort()
    places = {p.code: p for p in config.places}
    return render_template(
        "kosodate/staff_interviews.html",
        day=day,
        rows=rows,
        places=places,
        prev_day=day - dt.timedelta(days=1),
        next_day=day + dt.timedelta(days=1),
    )
