"""Resident screens: find a procedure, log in with the card, fill, sign, submit, follow."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("citizen", __name__)
