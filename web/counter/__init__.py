"""The no-writing counter (書かない窓口): visits, life events, prefilled bundles.

Every route needs a staff login with the intake role (受付); a visit is only ever opened
by the clerk who started it. The resident-facing confirmation view runs on a second
screen or tablet logged in as the same clerk.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("counter", __name__, url_prefix="/counter")

from web.counter import confirm as confirm  # noqa: E402 - the imports register the routes
from web.counter import fill as fill  # noqa: E402
from web.counter import identify as identify  # noqa: E402
