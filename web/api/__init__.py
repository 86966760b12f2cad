"""The JSON API under ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``, read at ``/api/v1/docs``).

Every operation is declared with :func:`web.api.spec.operation` (its guard, models and
documentation in one place); :func:`init_app` wires what the API needs into the app: the
OAuth 2.0 server (:mod:`web.api.auth`), the consent page (:mod:`web.api.authorize`), the
per-client rate limit, and JSON errors for everything under ``/api``.
"""

from __future__ import annotations

import time

from flask import Blueprint, Flask, Response, current_app, request
from flask_limiter import Limiter

from adapters.errors import PartnerError
from engine.errors import EngineError
from web.api.errors import (
    ApiError,
    handle_api_error,
    handle_engine_error,
    handle_partner_error,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.register_error_handler(ApiError, handle_api_error)
bp.register_error_handler(EngineError, handle_engine_error)
bp.register_error_handler(PartnerError, handle_partner_error)


def _rate_key() -> str:
    from web.api.auth import current_token

    token = current_token()
    if token is not None:
        return f"client:{token.client_id}"
    return f"addr:{request.remote_addr or '-'}"


def _rate_limit() -> str:
    from web.api.auth import current_token

    token = current_token()
    if token is not None:
        return token.rate_limit
    limit: str = current_app.extensions["madoguchi"].settings.api_public_rate_limit
    return limit


@bp.before_request
def _deny_undeclared() -> None:
    # Deny by default: a view added to the blueprint without operation() is never served.
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or not hasattr(view, "api_public"):
        raise ApiError.http(404)


@bp.after_request
def _rate_headers(resp: Response) -> Response:
    limiter: Limiter | None = current_app.extensions.get("madoguchi_limiter")
    current = limiter.current_limit if limiter is not None else None
    if current is not None:
        resp.headers["X-RateLimit-Limit"] = str(current.limit.amount)
        resp.headers["X-RateLimit-Remaining"] = str(max(0, current.remaining))
        resp.headers["X-RateLimit-Reset"] = str(current.reset_at)
    return resp


def retry_after() -> int:
    """Seconds until the caller's rate-limit window resets (for a 429)."""
    limiter: Limiter | None = current_app.extensions.get("madoguchi_limiter")
    current = limiter.current_limit if limiter is not None else None
    if current is None:
        return 60
    return max(1, int(current.reset_at - time.time()))


def init_app(app: Flask) -> None:
    """Register the API, its OAuth server, rate limit and error handling on ``app``."""
    from web.api.auth import init_oauth
    from web.api.authorize import oauth_bp

    settings = app.extensions["madoguchi"].settings
    init_oauth(app)
    limiter = Limiter(
        key_func=_rate_key,
        app=app,
        storage_uri=settings.rate_limit_storage,
        headers_enabled=False,  # ours: X-RateLimit-* always, Retry-After on 429 only
        strategy="fixed-window",
    )
    limiter.limit(_rate_limit, key_func=_rate_key, scope="api")(bp)
    app.extensions["madoguchi_limiter"] = limiter
    app.register_blueprint(bp)
    app.register_blueprint(oauth_bp)


# The operations register themselves on bp when their modules are imported.
from web.api import applications, catalog, docs, files, lists, tokens  # noqa: E402,F401
