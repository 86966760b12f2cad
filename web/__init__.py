"""The Flask application: resident, counter, staff and API screens over the engine."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from engine.config import Settings, load_settings
from engine.db import make_engine
from engine.drafts import purge_job
from engine.intake import build_intake_job, worker_handlers
from engine.outbox import OutboxWorker, start_worker_thread
from engine.runtime import Runtime, build_runtime

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(
    settings: Settings | None = None, test_config: dict[str, Any] | None = None
) -> Flask:
    """Build the app: runtime (database, definitions, keys), blueprints, headers, worker."""
    settings = settings or load_settings()
    app = Flask(__name__, instance_path=str(settings.data_dir))
    app.config.update(
        SECRET_KEY=settings.secret("flask.key"),
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(minutes=settings.session_idle_minutes),
        MAX_CONTENT_LENGTH=50 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        MADOGUCHI_SESSION_IDLE_MINUTES=settings.session_idle_minutes,
    )
    if test_config:
        app.config.update(test_config)
    csrf = CSRFProtect(app)
    rt = build_runtime(settings, make_engine(settings.database_url))
    rt.sync_definitions()
    app.extensions["madoguchi"] = rt

    @app.after_request
    def _headers(resp: Response) -> Response:
        for k, v in SECURITY_HEADERS.items():
            resp.headers.setdefault(k, v)
        if app.config.get("SESSION_COOKIE_SECURE"):
            resp.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return resp

    @app.get("/")
    def home() -> str:
        from web.citizen.browse import home_page

        return home_page()

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        return {"status": "ok", "procedures": len(rt.catalog.procedures)}

    _register_blueprints(app, csrf)
    from web.citizen.login import mount_mock_provider

    mount_mock_provider(app, rt)
    from web.staff.auth import mount_mock_staff_provider

    mount_mock_staff_provider(app, rt)
    _register_page_support(app, settings)

    if settings.worker and not app.config.get("TESTING"):
        worker = OutboxWorker(
            rt.db,
            worker_id="web-thread",
            max_attempts=settings.outbox_max_attempts,
            kinds=worker_handlers(rt),
        )
        # The embedded default pulls Pittari and OSS applications, and deletes expired
        # drafts, in the same background threads.
        intake = build_intake_job(rt)

        def periodic() -> None:
            purge_job(rt)
            intake.run_once()

        app.extensions["madoguchi_worker_stop"] = start_worker_thread(worker, periodic=periodic)
    return app


def _register_blueprints(app: Flask, csrf: CSRFProtect) -> None:
    from web import api, citizen, counter, i18n, kosodate, staff

    app.register_blueprint(i18n.bp)
    app.register_blueprint(citizen.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(counter.bp)
    app.register_blueprint(kosodate.bp)
    # The API authenticates every call with a bearer token, never a cookie: no CSRF.
    csrf.exempt(api.bp)
    api.init_app(app)


ERROR_TEXTS = {
    400: (
        "リクエストを処理できませんでした",
        "The request could not be processed",
        "入力内容を確認して、もう一度お試しください。",
        "Please check what you entered and try again.",
    ),
    403: (
        "この操作は許可されていません",
        "You are not allowed to do this",
        "この画面を見る権限がないか、操作が許可されていません。必要な場合は担当課にお問い合わせください。",
        "You do not have the right to see this page or do this. "
        "Ask the responsible office if you need it.",
    ),
    404: (
        "ページが見つかりません",
        "Page not found",
        "アドレスが間違っているか、ページが移動または削除された可能性があります。",
        "The address may be wrong, or the page was moved or removed.",
    ),
    405: (
        "この方法では操作できません",
        "This action is not allowed here",
        "画面のボタンやリンクから操作してください。",
        "Please use the buttons and links on the page.",
    ),
    413: (
        "ファイルが大きすぎます",
        "The file is too large",
        "50MB以下のファイルを選んでください。入力した内容は保存されています。",
        "Choose a file of 50 MB or less. What you entered is kept.",
    ),
    429: (
        "アクセスが集中しています",
        "Too many requests",
        "しばらく待ってから、もう一度お試しください。",
        "Please wait a moment and try again.",
    ),
    500: (
        "システムエラーが発生しました",
        "Something went wrong",
        "ご不便をおかけしています。時間をおいて、もう一度お試しください。入力した内容は失われていません。",
        "Sorry, something went wrong on our side. Please try again later. "
        "Nothing you entered was lost.",
    ),
}


def _register_page_support(app: Flask, settings: Settings) -> None:
    """Language, login state and error pages for every screen (JSON under /api)."""
    from web import i18n, session

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            **i18n.template_globals(),
            **session.template_globals(),
            "org_name": settings.org_name,
            "org_code": settings.org_code,
        }

    app.before_request(session.check_idle_timeout)

    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> tuple[str, int]:
        title = i18n.t("画面の有効期限が切れました", "This page has expired")
        message = i18n.t(
            "安全のため、この操作は受け付けられませんでした。前の画面に戻り、ページを読み込み直してからもう一度送信してください。",
            "For your security this could not be accepted. "
            "Go back, reload the page and send it again.",
        )
        return render_template("error.html", title=title, message=message), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response | tuple[Any, int]:
        code = error.code or 500
        ja_t, en_t, ja_m, en_m = ERROR_TEXTS.get(code, ERROR_TEXTS[400 if code < 500 else 500])
        if request.path.startswith("/api/"):
            from web.api.errors import http_error

            return http_error(error)
        title, message = i18n.t(ja_t, en_t), i18n.t(ja_m, en_m)
        return render_template("error.html", title=title, message=message), code

    @app.errorhandler(Exception)
    def _crash(error: Exception) -> Response | tuple[Any, int]:
        if isinstance(error, HTTPException):  # pragma: no cover - handled above
            raise error
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        ja_t, en_t, ja_m, en_m = ERROR_TEXTS[500]
        if request.path.startswith("/api/"):
            from web.api.errors import internal_error

            return internal_error()
        title, message = i18n.t(ja_t, en_t), i18n.t(ja_m, en_m)
        return render_template("error.html", title=title, message=message), 500


def runtime(app: Flask) -> Runtime:
    """The runtime the app was built with."""
    rt: Runtime = app.extensions["madoguchi"]
    return rt
