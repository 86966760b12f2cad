"""The OAuth endpoints of the API (token, revocation) and ``GET /me``."""

from __future__ import annotations

from typing import Any

from flask import Response

from web.api import bp
from web.api import schemas as s
from web.api.auth import caller
from web.api.oauth import oauth_transaction, server
from web.api.spec import Reply, operation

TAG = "oauth"
OAUTH_ERROR = Reply(
    "The request was refused (RFC 6749 section 5.2): invalid_request, invalid_client, "
    "invalid_grant, unauthorized_client, unsupported_grant_type, invalid_scope.",
    s.OAuthError,
)


@operation(
    bp,
    "POST",
    "/oauth/token",
    summary="Get an access token",
    tag=TAG,
    public=True,
    body=s.TokenForm,
    body_kind="form",
    replies={
        200: Reply("The token (Cache-Control: no-store).", s.TokenIssued),
        400: OAUTH_ERROR,
        401: Reply("The client could not be authenticated (invalid_client).", s.OAuthError),
    },
)
def token() -> Response:
    """The token endpoint (RFC 6749). An integrator sends ``grant_type=client_credentials``
    with its credentials (HTTP Basic). A resident or staff client exchanges the code from
    ``/oauth/authorize`` (``grant_type=authorization_code`` with ``code_verifier``), and
    later its refresh token (``grant_type=refresh_token``; each use gives a new one)."""
    resp: Response = oauth_transaction(server().create_token_response)
    return resp


@operation(
    bp,
    "POST",
    "/oauth/revoke",
    summary="Revoke a token",
    tag=TAG,
    public=True,
    body=s.RevokeForm,
    body_kind="form",
    replies={
        200: Reply("Revoked (also when the token was unknown, as RFC 7009 asks)."),
        400: OAUTH_ERROR,
        401: Reply("The client could not be authenticated (invalid_client).", s.OAuthError),
    },
)
def revoke() -> Response:
    """Revoke an access or refresh token of the authenticated client (RFC 7009); both
    tokens of the pair stop working at once."""

    def respond() -> Response:
        resp: Response = server().create_endpoint_response("revocation")
        return resp

    return oauth_transaction(respond)


@operation(
    bp,
    "GET",
    "/me",
    summary="Who the token stands for",
    tag=TAG,
    scopes=(),
    replies={200: Reply("The caller.", s.Me)},
)
def me() -> Any:
    """The client, the subject the token stands for (an integrator itself, a resident, a
    member of staff with roles and departments), the scopes and when the token expires."""
    token = caller().token
    sub = token.subject
    return s.Me(
        client_id=token.client_id,
        client_name=token.client_name,
        subject=s.SubjectInfo(
            kind=sub.kind,
            id=sub.id,
            name=sub.name,
            roles=list(sub.roles),
            departments=list(sub.departments),
        ),
        scopes=sorted(token.scopes),
        expires_at=token.expires_at,
        rate_limit=token.rate_limit,
    )
