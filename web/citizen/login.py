"""Card login through the Digital Authentication App (OIDC code flow with PKCE), logout.

``POST /login`` begins the flow: the relying party (:mod:`adapters.oidc_login`) makes
``state``, ``nonce`` and the PKCE verifier, which are kept in the signed, HTTP-only session
cookie (never in process memory, so any process completes the login), and the browser goes
to the provider. ``GET /login/callback`` completes it and starts a resident session. With
the mock provider (``resident_login = mock``) the provider's app is mounted inside this app
at the path of its issuer (:func:`mount_mock_provider`).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Flask, Response, flash, redirect, render_template, request, session, url_for
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from adapters.errors import LoginFailedError, PartnerError
from adapters.exchange import AuthorizationRequest
from engine.runtime import Runtime
from web.citizen import bp
from web.citizen.common import login_adapter, rt, texts
from web.session import ResidentLogin, current_resident, login_resident, logout, safe_next

log = logging.getLogger(__name__)
PENDING_KEY = "oidc_resident"
SCOPES = ("name", "address", "birthdate", "gender", "sign")


def mount_mock_provider(app: Flask, runtime: Runtime) -> None:
    """Serve the mock Digital Authentication App at its issuer's path, when it is the mock."""
    config = runtime.adapter_config
    if config.get("resident_login") != "mock":
        return
    from adapters.mock.oidc_login import resident_issuer, resident_provider_app

    path = urlsplit(resident_issuer(config)).path.rstrip("/")
    if path:
        app.wsgi_app = DispatcherMiddleware(  # type: ignore[method-assign]  # WSGI wrapping
            app.wsgi_app, {path: resident_provider_app(config)}
        )


def _redirect_uri() -> str:
    return rt().settings.public_url.rstrip("/") + url_for("citizen.login_callback")


def _page(error: str | None = None, status: int = 200) -> tuple[str, int]:
    nxt = safe_next(request.values.get("next"), url_for("citizen.mine"))
    return render_template("citizen/login.html", next=nxt, error=error), status


@bp.get("/login")
def login() -> tuple[str, int] | Response:
    """What logging in takes (card, 4-digit PIN, the app) and the button to start."""
    if current_resident() is not None:
        return redirect(safe_next(request.args.get("next"), url_for("citizen.mine")))  # type: ignore[return-value]
    return _page()


@bp.post("/login")
def login_start() -> tuple[str, int] | Response:
    """Begin the OIDC flow and send the browser to the provider."""
    nxt = safe_next(request.form.get("next"), url_for("citizen.mine"))
    try:
        auth = login_adapter().begin(_redirect_uri(), SCOPES)
    except PartnerError:
        log.warning("resident login provider unavailable")
        return _page(_unavailable(), 503)
    session[PENDING_KEY] = {**auth.as_dict(), "next": nxt}
    return redirect(auth.url)  # type: ignore[return-value]


def _unavailable() -> str:
    return texts(
        "デジタル認証アプリに接続できませんでした。しばらくしてから、もう一度お試しください。",
        "The Digital Authentication App could not be reached. Please try again in a moment.",
    )


@bp.get("/login/callback")
def login_callback() -> tuple[str, int] | Response:
    """Complete the login: check state, exchange the code, verify the ID token."""
    pending = session.pop(PENDING_KEY, None)
    if not isinstance(pending, dict):
        return _page(
            texts(
                "ログインの手続きが見つかりませんでした。時間がたちすぎたか、別の画面で始めた可能性があります。もう一度ログインしてください。",
                "We could not find the login you started (it may have taken too long). "
                "Please log in again.",
            ),
            400,
        )
    nxt = safe_next(pending.pop("next", None), url_for("citizen.mine"))
    if request.args.get("error"):
        return _page(
            texts(
                "ログインが中止されました。もう一度お試しください。",
                "The login was cancelled. Please try again.",
            ),
            400,
        )
    try:
        identity = login_adapter().complete(
            _redirect_uri(),
            request.args.get("code", ""),
            request.args.get("state", ""),
            AuthorizationRequest.from_dict(pending),
        )
    except LoginFailedError:
        return _page(
            texts(
                "ログインを確認できませんでした。もう一度ログインしてください。",
                "Your login could not be confirmed. Please log in again.",
            ),
            400,
        )
    except PartnerError:
        return _page(_unavailable(), 503)
    if not identity.resident_number:
        return _page(
            texts(
                "住民記録でご本人を確認できませんでした。市役所の窓口にお問い合わせください。",
                "You could not be found in the resident registry. Please ask at the city hall.",
            ),
            403,
        )
    login_resident(
        ResidentLogin(
            resident_id=identity.resident_number,
            subject=identity.subject,
            name=identity.name or "",
            name_kana=identity.name_kana or "",
            can_sign="sign" in identity.scopes,
        )
    )
    flash(texts("ログインしました。", "You are logged in."), "success")
    return redirect(nxt)  # type: ignore[return-value]


@bp.post("/logout")
def logout_view() -> Response:
    """End the resident session (drafts stay saved)."""
    logout()
    flash(
        texts(
            "ログアウトしました。入力途中の申請は下書きとして保存されています。",
            "You are logged out. Applications you started are kept as drafts.",
        ),
        "success",
    )
    return redirect(url_for("home"))  # type: ignore[return-value]


@bp.after_request
def _no_store(resp: Response) -> Response:
    """Pages of a logged-in resident hold personal data: never kept in a (shared) cache."""
    if current_resident() is not None:
        resp.headers.setdefault("Cache-Control", "no-store")
    return resp
