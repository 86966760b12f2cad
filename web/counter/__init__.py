"""The no-writing counter (書かない窓口): visits, life events, prefilled bundles."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("counter", __name__, url_prefix="/counter")
