"""The Flask application: resident, counter, staff and API screens over the engine."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, Response, render_template
from flask_wtf.csrf import CSRFProtect

from engine.config import Settings, load_settings
from engine.db import make_engine
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
        return render_template("home.html", procedures=list(rt.catalog), today=dt.date.today())

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        return {"status": "ok", "procedures": len(rt.catalog.procedures)}

    _register_blueprints(app, csrf)

    if settings.worker and not app.config.get("TESTING"):
        worker = OutboxWorker(
            rt.db,
            worker_id="web-thread",
            max_attempts=settings.outbox_max_attempts,
            kinds=worker_handlers(rt),
        )
        # The embedded default pulls Pittari applications in the same background threads.
        intake = build_intake_job(rt)
        app.extensions["madoguchi_worker_stop"] = start_worker_thread(
            worker, periodic=intake.run_once
        )
    return app


def _register_blueprints(app: Flask, csrf: CSRFProtect) -> None:
    from web import api, citizen, counter, staff

    app.register_blueprint(citizen.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(counter.bp)
    # The API authenticates every call with a bearer token, never a cookie: no CSRF.
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)


def runtime(app: Flask) -> Runtime:
    """The runtime the app was built with."""
    rt: Runtime = app.extensions["madoguchi"]
    return rt
