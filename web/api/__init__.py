"""The JSON API under ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``, read at ``/api/v1/docs``).

Every operation is declared with :func:`web.api.spec.operation` (its guard, models and
documentation in one place); :func:`init_app` wires what the API needs into the app: the
OAuth 2.0 server (:mod:`web.api.auth`), the consent page (:mod:`web.api.authorize`), the
per-client rate limit, and JSON errors for everything under ``/api``.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, request

from adapters.errors import PartnerError
from engine.errors import EngineError
from web.api import ratelimit
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


@bp.before_request
def _guard() -> None:
    """Deny by default, then count the request against its client's (or address's) limit."""
    from web.api.auth import current_token

    # A view added to the blueprint without operation() is never served.
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or not hasattr(view, "api_public"):
        raise ApiError.http(404)
    token = current_token()
    if token is not None:
        ratelimit.check(f"client:{token.client_id}", token.rate_limit)
    else:
        limit = current_app.extensions["madoguchi"].settings.api_public_rate_limit
        ratelimit.check(f"addr:{request.remote_addr or '-'}", limit)


bp.after_request(ratelimit.add_headers)


def init_app(app: Flask) -> None:
    """Register the API, its OAuth server, rate limit and error handling on ``app``."""
    from web.api.auth import init_guard
    from web.api.authorize import oauth_bp
    from web.api.oauth import init_oauth

    init_guard(app)
    init_oauth(app)
    ratelimit.init_limiter(app, app.extensions["madoguchi"].settings.rate_limit_storage)
    app.register_blueprint(bp)
    app.register_blueprint(oauth_bp)


# The operations register themselves on bp when their modules are imported.
from web.api import applications, catalog, docs, files, filing, lists, tokens  # noqa: E402,F401
