"""Who is logged in: residents and staff in the signed session cookie, with an idle timeout.

The session holds only identifiers and the claims the screens need, never My Numbers.
A resident login and a staff login are separate (a counter clerk may also be a resident,
but never both in one browser session at once). A login expires after
``settings.session_idle_minutes`` without a request; the next request finds it gone,
and the page says so (drafts are in the database and survive).

Decorators ``resident_required`` and ``staff_required`` deny by default: an anonymous
request to a resident page is sent to the login page (with ``next``), a staff request
without the role gets 403. Object checks (is this case the resident's, is it in the
staff member's department) stay with the engine (:func:`engine.cases.may_access`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar, cast

from flask import abort, current_app, flash, g, redirect, request, session, url_for

from engine.actors import Actor
from engine.definitions.models import Role

P = ParamSpec("P")
R = TypeVar("R")

RESIDENT_KEY = "resident"
STAFF_KEY = "staff"
SEEN_KEY = "seen"
TIMED_OUT_KEY = "timed_out"


@dataclass(frozen=True)
class ResidentLogin:
    """A resident logged in with the card (from the Digital Authentication App's claims)."""

    resident_id: str  # 宛名番号: how the engine and the registry know the resident
    subject: str  # the provider's pairwise sub
    name: str = ""
    name_kana: str = ""
    can_sign: bool = False  # the ``sign`` scope was granted

    def actor(self) -> Actor:
        """The engine actor for this resident."""
        return Actor.resident(self.resident_id, self.name)


@dataclass(frozen=True)
class StaffLogin:
    """A staff member from the municipal identity provider's claims."""

    staff_id: str
    name: str
    roles: tuple[str, ...]
    departments: tuple[str, ...]

    def actor(self) -> Actor:
        """The engine actor for this staff member."""
        return Actor.staff(
            self.staff_id,
            frozenset(cast(Role, r) for r in self.roles),
            frozenset(self.departments),
            self.name,
        )


def login_resident(who: ResidentLogin) -> None:
    """Start a resident session (a fresh session: no fixation of an earlier one)."""
    session.clear()
    session.permanent = True
    session[RESIDENT_KEY] = {
        "resident_id": who.resident_id,
        "subject": who.subject,
        "name": who.name,
        "name_kana": who.name_kana,
        "can_sign": who.can_sign,
    }
    _touch()


def login_staff(who: StaffLogin) -> None:
    """Start a staff session (a fresh session)."""
    session.clear()
    session.permanent = True
    session[STAFF_KEY] = {
        "staff_id": who.staff_id,
        "name": who.name,
        "roles": list(who.roles),
        "departments": list(who.departments),
    }
    _touch()


def logout() -> None:
    """End whatever login this browser has."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def current_resident() -> ResidentLogin | None:
    """The logged-in resident, or None."""
    raw = session.get(RESIDENT_KEY)
    return ResidentLogin(**raw) if isinstance(raw, dict) else None


def current_staff() -> StaffLogin | None:
    """The logged-in staff member, or None."""
    raw = session.get(STAFF_KEY)
    if not isinstance(raw, dict):
        return None
    return StaffLogin(
        staff_id=raw["staff_id"],
        name=raw["name"],
        roles=tuple(raw["roles"]),
        departments=tuple(raw["departments"]),
    )


def _touch() -> None:
    session[SEEN_KEY] = dt.datetime.now(dt.UTC).timestamp()


def check_idle_timeout() -> None:
    """Before each request: drop a login idle for too long and remember to say so."""
    if RESIDENT_KEY not in session and STAFF_KEY not in session:
        return
    idle = dt.timedelta(minutes=current_app.config["MADOGUCHI_SESSION_IDLE_MINUTES"])
    seen = session.get(SEEN_KEY)
    now = dt.datetime.now(dt.UTC).timestamp()
    if not isinstance(seen, int | float) or now - seen > idle.total_seconds():
        kind = "staff" if STAFF_KEY in session else "resident"
        logout()
        session[TIMED_OUT_KEY] = kind
        g.timed_out = kind
        return
    # Only refresh the cookie every half minute, not on every asset request.
    if now - seen > 30:
        _touch()


def resident_required(view: Callable[P, R]) -> Callable[P, R]:
    """Send an anonymous visitor to the card login, then back to this page."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if current_resident() is None:
            if getattr(g, "timed_out", None) or session.get(TIMED_OUT_KEY):
                flash(_timed_out_message(), "warning")
            return cast(R, redirect(url_for("citizen.login", next=_local_next())))
        return view(*args, **kwargs)

    return wrapper


def staff_required(*roles: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Require a staff login, and one of ``roles`` when given (403 otherwise)."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            who = current_staff()
            if who is None:
                if getattr(g, "timed_out", None) or session.get(TIMED_OUT_KEY):
                    flash(_timed_out_message(), "warning")
                return cast(R, redirect(url_for("staff.login", next=_local_next())))
            if roles and not has_any_role(who, roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def has_any_role(who: StaffLogin, roles: Iterable[str]) -> bool:
    """Whether the staff member holds one of ``roles``."""
    return bool(set(who.roles) & set(roles))


def _local_next() -> str:
    """The current path, for coming back after login (never an absolute URL)."""
    path = request.full_path if request.query_string else request.path
    return path if path.startswith("/") and not path.startswith("//") else "/"


def safe_next(target: str | None, default: str = "/") -> str:
    """``target`` when it is a local path, else ``default`` (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def _timed_out_message() -> str:
    from web.i18n import t

    return t(
        "一定時間操作がなかったため、安全のためログアウトしました。入力中の内容は下書きとして保存されています。もう一度ログインしてください。",
        "You were logged out after a period of inactivity, for your security. "
        "Your answers are kept as a draft. Please log in again.",
    )


def template_globals() -> dict[str, Any]:
    """Login state for every template."""
    return {"current_resident": current_resident(), "current_staff": current_staff()}
