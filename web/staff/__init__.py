"""Staff screens: login, work queue, case page, decisions, dashboard, access log.

Every route is guarded (``staff_required``; see tests/web/staff/test_web_staff_guard.py,
which walks the URL map): a route without a guard fails that test. Object access (is the
case in one of the staff member's departments) is checked by the engine on every load,
and a refusal is written to the access log.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

PUBLIC_ENDPOINTS = frozenset({"staff.login", "staff.callback"})
"""The only staff routes open without a login: the way in."""

from web.staff import admin as admin  # noqa: E402 - the imports register the routes
from web.staff import auth as auth  # noqa: E402
from web.staff import case as case  # noqa: E402
from web.staff import dashboard as dashboard  # noqa: E402
from web.staff import queue as queue  # noqa: E402
