"""Japanese first, English on request: the language of this request and text picking.

The language comes from the session (set by ``/lang/<code>``, a plain link that works
without JavaScript) and defaults to Japanese. Templates get ``lang``, ``t(ja, en)`` and
``loc(localized)`` (for definition texts with ``ja``/``en``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, request, session

from web.session import safe_next

LANGS = ("ja", "en")

bp = Blueprint("i18n", __name__)


def lang() -> str:
    """The language of the current request: ``ja`` (default) or ``en``."""
    chosen = session.get("lang")
    return chosen if chosen in LANGS else "ja"


def t(ja: str, en: str) -> str:
    """The text in the current language."""
    return en if lang() == "en" else ja


def loc(text: Any) -> str:
    """A definition's localized text (an object with ``ja``/``en`` or a mapping)."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    if isinstance(text, dict):
        return str(text.get(lang()) or text.get("ja") or "")
    value = getattr(text, lang(), None) or getattr(text, "ja", "")
    return str(value or "")


@bp.get("/lang/<code>")
def switch(code: str) -> Response:
    """Switch the language and go back to the page the link was on."""
    if code in LANGS:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")))  # type: ignore[return-value]


def template_globals() -> dict[str, Any]:
    """What every template needs for language."""
    return {"lang": lang(), "t": t, "loc": loc}
