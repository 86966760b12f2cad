"""Staff screens: login, work queue, case page, decisions, dashboard, access log."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")
