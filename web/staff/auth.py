"""Staff login through the municipality's identity provider (OIDC, the mock in the demo)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from adapters.errors import LoginFailedError, PartnerTimeoutError, PartnerUnavailableError
from adapters.exchange import AuthorizationRequest
from adapters.service import staff_login
from engine.runtime import Runtime
from web.i18n import t
from web.session import StaffLogin, current_staff, login_staff, logout, safe_next, staff_required
from web.staff import bp
from web.staff.common import rt

PENDING_KEY = "staff_login_pending"
SCOPES = ("openid", "profile", "roles")


def mount_mock_staff_provider(app: Flask, runtime: Runtime) -> None:
    """Serve the mock staff identity provider at its issuer's path, when it is the mock."""
    config = runtime.adapter_config
    if config.get("staff_login") != "mock":
        return
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from adapters.mock.oidc_login import staff_issuer, staff_provider_app

    path = urlsplit(staff_issuer(config)).path.rstrip("/")
    if path:
        app.wsgi_app = DispatcherMiddleware(  # type: ignore[method-assign]  # WSGI wrapping
            app.wsgi_app, {path: staff_provider_app(config)}
        )


def _redirect_uri() -> str:
    return rt().settings.public_url.rstrip("/") + url_for("staff.callback")


def _failed(ja: str, en: str, code: int) -> tuple[str, int]:
    return render_template("staff/login_failed.html", message=t(ja, en)), code


@bp.get("/login")
def login() -> WerkzeugResponse | tuple[str, int]:
    """Send the browser to the identity provider (or straight on when logged in)."""
    target = safe_next(request.args.get("next"), url_for("staff.inbox"))
    if current_staff() is not None:
        return redirect(target)
    try:
        begun = staff_login(rt().adapter_config).begin(_redirect_uri(), SCOPES)
    except (PartnerTimeoutError, PartnerUnavailableError):
        return _failed(
            "職員認証基盤に接続できません。しばらくしてからもう一度お試しください。",
            "The staff identity provider does not answer. Try again in a moment.",
            503,
        )
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session[PENDING_KEY] = {**begun.as_dict(), "next": target}
    return redirect(begun.url)


@bp.get("/login/callback")
def callback() -> WerkzeugResponse | tuple[str, int]:
    """Finish the login: check the provider's answer and start the staff session."""
    pending = session.pop(PENDING_KEY, None)
    if not isinstance(pending, dict):
        return _failed(
            "ログインの途中の情報が見つかりません。もう一度ログインしてください。",
            "The login in progress was not found. Please log in again.",
            400,
        )
    if request.args.get("error"):
        return _failed(
            "ログインが取り消されたか、完了しませんでした。もう一度ログインしてください。",
            "The login was cancelled or did not finish. Please log in again.",
            400,
        )
    try:
        who = staff_login(rt().adapter_config).complete(
            _redirect_uri(),
            request.args.get("code", ""),
            request.args.get("state", ""),
            AuthorizationRequest.from_dict(pending),
        )
    except (LoginFailedError, ValueError):
        return _failed(
            "ログインを確認できませんでした。もう一度ログインしてください。",
            "The login could not be verified. Please log in again.",
            400,
        )
    except (PartnerTimeoutError, PartnerUnavailableError):
        return _failed(
            "職員認証基盤に接続できません。しばらくしてからもう一度お試しください。",
            "The staff identity provider does not answer. Try again in a moment.",
            503,
        )
    login_staff(
        StaffLogin(
            staff_id=who.login_id,
            name=who.name,
            roles=tuple(who.roles),
            departments=tuple(who.departments),
        )
    )
    flash(t(f"{who.name}さんとしてログインしました。", f"Logged in as {who.name}."), "success")
    return redirect(safe_next(str(pending.get("next") or ""), url_for("staff.inbox")))


@bp.post("/logout")
@staff_required()
def logout_view() -> Response:
    """End the staff session."""
    logout()
    flash(t("ログアウトしました。", "You have logged out."), "success")
    return redirect(url_for("home"))  # type: ignore[return-value]
