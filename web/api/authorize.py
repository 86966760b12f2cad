"""``/oauth/authorize``: a resident or member of staff lets a client act for them.

The person logs in through the same login as the screens (the card through the Digital
Authentication App for residents, the municipal identity provider for staff; the login
pages send them back here), sees which client asks for what, and allows or refuses. On
"allow" the client gets an authorization code (PKCE S256 required) for its redirect URI.
Also ``/.well-known/oauth-authorization-server`` (RFC 8414 metadata).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from authlib.oauth2 import OAuth2Error
from flask import Blueprint, Response, current_app, g, redirect, render_template, request, url_for
from sqlmodel import Session

from engine.api_clients import SCOPES, Subject
from web import SECURITY_HEADERS
from web.api.common import rt
from web.api.oauth import OAuthClient, server
from web.i18n import t
from web.session import current_resident, current_staff

oauth_bp = Blueprint("oauth", __name__)

LOGIN_ENDPOINTS = {"resident": "citizen.login", "staff": "staff.login"}


def logged_in(kind: str) -> Subject | None:
    """The person logged in to the screens as a subject of ``kind`` tokens, or None."""
    if kind == "resident":
        resident = current_resident()
        if resident is not None:
            return Subject("resident", resident.resident_id, resident.name)
    elif kind == "staff":
        staff = current_staff()
        if staff is not None:
            return Subject("staff", staff.staff_id, staff.name, staff.roles, staff.departments)
    return None


def _login(kind: str) -> Response | tuple[str, int]:
    endpoint = LOGIN_ENDPOINTS[kind]
    if endpoint in current_app.view_functions:
        nxt = request.full_path if request.query_string else request.path
        resp: Response = redirect(url_for(endpoint, next=nxt))  # type: ignore[assignment]
        return resp
    return (
        render_template(
            "error.html",
            title=t("ログインしてください", "Please log in"),
            message=t(
                "この操作にはログインが必要ですが、ログイン画面がまだ用意されていません。",
                "This needs a login, but no login page is available here.",
            ),
        ),
        401,
    )


def _refused(error: OAuth2Error) -> Response | tuple[str, int]:
    if error.redirect_uri:  # a known client and redirect URI: tell the client (RFC 6749 4.1.2.1)
        resp: Response = server().handle_error_response(None, error)
        return resp
    return (
        render_template(
            "error.html",
            title=t("連携の依頼が正しくありません", "This request cannot be accepted"),
            message=t(
                "連携するアプリからの依頼に誤りがあります（"
                + error.error
                + "）。アプリの提供者にお問い合わせください。",
                "The app's request is not valid ("
                + error.error
                + "). Please contact the app's provider.",
            ),
        ),
        400,
    )


def _consent_response(page: str, redirect_uri: str) -> Response:
    """The consent page, whose form may end in a redirect to the client's redirect URI.

    Browsers apply the page's CSP ``form-action`` to the redirect that follows a form
    submission, so the client's origin is allowed there (and nowhere else).
    """
    parts = urlsplit(redirect_uri)
    origin = f"{parts.scheme}://{parts.netloc}"
    resp = Response(page, mimetype="text/html")
    resp.headers["Content-Security-Policy"] = SECURITY_HEADERS["Content-Security-Policy"].replace(
        "form-action 'self'", f"form-action 'self' {origin}"
    )
    return resp


@oauth_bp.route("/oauth/authorize", methods=["GET", "POST"])
def authorize() -> Any:
    """The consent page (GET) and the decision (POST, CSRF-protected)."""
    with Session(rt().db, expire_on_commit=False) as session:
        g.oauth_db = session
        try:
            try:
                grant = server().get_consent_grant(end_user=None)
            except OAuth2Error as error:
                return _refused(error)
            client: OAuthClient = grant.client
            subject = logged_in(client.row.kind)
            if subject is None:
                return _login(client.row.kind)
            scopes = [(name, *SCOPES[name]) for name in (grant.request.scope or "").split()]
            if request.method == "GET":
                page = render_template(
                    "api/authorize.html", client=client.row, subject=subject, scopes=scopes
                )
                return _consent_response(page, grant.redirect_uri)
            allowed = request.form.get("decision") == "allow"
            resp = server().create_authorization_response(
                grant_user=subject if allowed else None, grant=grant
            )
            session.commit()
            return resp
        finally:
            g.oauth_db = None


@oauth_bp.get("/.well-known/oauth-authorization-server")
def metadata() -> dict[str, Any]:
    """The authorization server's metadata (RFC 8414)."""
    root = request.host_url.rstrip("/")
    return {
        "issuer": root,
        "authorization_endpoint": f"{root}/oauth/authorize",
        "token_endpoint": f"{root}/api/v1/oauth/token",
        "revocation_endpoint": f"{root}/api/v1/oauth/revoke",
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "grant_types_supported": ["client_credentials", "authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "service_documentation": f"{root}/api/v1/docs",
    }
