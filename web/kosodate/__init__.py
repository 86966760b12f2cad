"""Childcare screens (issue 8): interview booking for residents, bookings and allocation
rounds for staff.

Every route is guarded: residents by ``resident_required`` (and the engine's object check
that the case is theirs), staff by ``staff_required`` with the roles named on each route
and a check that they belong to the handling department. ``PUBLIC_ENDPOINTS`` is empty.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("kosodate", __name__, url_prefix="/kosodate")

PUBLIC_ENDPOINTS: frozenset[str] = frozenset()
"""No childcare route is open without a login."""

from web.citizen.follow import dedicated_page  # noqa: E402
from web.kosodate import allocation as allocation  # noqa: E402 - the imports register routes
from web.kosodate import interview as interview  # noqa: E402

# Booking and cancelling go through the slot page, which holds a seat in the same step.
dedicated_page("ninshin-todoke", "book_interview", "kosodate.interview")
dedicated_page("ninshin-todoke", "cancel_interview", "kosodate.interview")
