"""Resident screens: find a procedure, log in with the card, fill, sign, submit, follow.

Modules: :mod:`web.citizen.browse` (home, search, life events, procedure pages),
:mod:`web.citizen.login` (card login and logout), :mod:`web.citizen.filing` (steps,
check answers, signing, filing), :mod:`web.citizen.follow` (confirmation, my
applications, a case, correction, withdrawal) and :mod:`web.citizen.preentry` (a draft's
QR code to continue at the counter). Screens are described in
``docs/screens-resident.md``.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("citizen", __name__)

from web.citizen import (  # noqa: E402,F401  # register the views
    browse,
    filing,
    follow,
    login,
    preentry,
)
