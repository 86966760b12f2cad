"""Resident screens: find a procedure, log in with the card, fill, sign, submit, follow.

Modules: :mod:`web.citizen.browse` (home, search, life events, procedure pages),
:mod:`web.citizen.login` (card login and logout), :mod:`web.citizen.filing` (steps,
check answers, signing, filing) and :mod:`web.citizen.follow` (confirmation, my
applications, a case, correction, withdrawal). Screens are described in
``docs/screens-resident.md``.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("citizen", __name__)

from web.citizen import browse, filing, follow, login  # noqa: E402,F401  # register the views
