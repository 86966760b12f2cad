"""The OpenAPI 3.1 document, built from the registered operations and their models.

Schemas come from the same pydantic models the views validate requests with and serialise
responses from (:mod:`web.api.schemas`), so the document cannot drift from the code. Every
operation lists every response it can give, errors included; the errors shared by all
(401, 403, 429, 500) are added here.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from engine.api_clients import SCOPES
from web.api import schemas as s
from web.api.errors import HTTP_ERRORS
from web.api.spec import OPERATIONS, Operation, Reply

API_VERSION = "1.0.0"
REF = "#/components/schemas/{model}"

DESCRIPTION = """\
A JSON API for everything the resident and staff screens do: find a procedure and the
JSON Schema of its application, file (with the card's signature where the procedure needs
it), follow a case, answer a correction request, and, for staff, work the queue and decide.
Private apps, vendors' counter terminals and test harnesses use it; the screens and the
API run the same engine code.

## Authentication (OAuth 2.0)
Register a client with `madoguchi clients create NAME --kind KIND --scopes ...`; it prints
the client id and secret once.

- **integrator** clients use `client_credentials` (HTTP Basic at `POST /oauth/token`). The
  token stands for the client: it may file signed applications (the signer is the
  applicant) and read the cases it filed.
- **resident** clients send the resident to `/oauth/authorize` (authorization code with
  PKCE S256). The resident logs in with the My Number Card and agrees; the token stands
  for the resident, who sees and acts on their own cases.
- **staff** clients (counter terminals) do the same; staff log in through the municipal
  identity provider, and the token carries their roles and departments.

Send the token as `Authorization: Bearer <token>`. Access tokens of people live 15
minutes (refresh tokens 12 hours, a new one on each use); integrator tokens an hour.

## Errors
Every error is JSON: `{"error": {"code", "message": {"ja", "en"}, ...}, "errors": [...]}`.
`code` is stable; `errors` lists every problem of a request body (422), each with the
`path` in the body, a `code` and a message. The token endpoint answers errors as RFC 6749
words them (`{"error": "invalid_client"}`).

## Idempotency, versions, pages, limits
- `POST /applications` needs an `Idempotency-Key`: the same key and body give the same
  case (200), another body with that key is 409.
- Changing a case needs `If-Match: <version>` (the case's `version`, also its `ETag`); a
  stale version is 409 with `current_version`.
- Lists are pages: pass `next_cursor` back as `cursor`.
- Each client has a rate limit (per minute); over it, 429 with `Retry-After`. Calls without
  a token are limited per address.
"""

HEADERS: dict[str, dict[str, Any]] = {
    "Location": {"description": "The URL of the case.", "schema": {"type": "string"}},
    "ETag": {
        "description": 'The case\'s version, quoted ("3"): send it in If-Match.',
        "schema": {"type": "string"},
    },
    "Idempotent-Replayed": {
        "description": "true: the answer of an earlier request with this key.",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    "WWW-Authenticate": {
        "description": "Bearer, with the reason (RFC 6750).",
        "schema": {"type": "string"},
    },
}

SHARED_REPLIES = {
    401: Reply(
        "No token, or it is invalid, expired or revoked (unauthorized).",
        s.Error,
        headers=("WWW-Authenticate",),
    ),
    403: Reply(
        "The token lacks the scope this needs (insufficient_scope), or the caller may not "
        "do this (forbidden).",
        s.Error,
    ),
    429: Reply("Over the rate limit (rate_limited).", s.Error, headers=("Retry-After",)),
    500: Reply("An unexpected failure (internal); nothing was changed.", s.Error),
}


def _models() -> list[tuple[type[BaseModel], Any]]:
    found: dict[tuple[type[BaseModel], str], None] = {(s.Error, "serialization"): None}
    for op in OPERATIONS:
        if op.body is not None:
            found[(op.body, "validation")] = None
        if op.query is not None:
            found[(op.query, "validation")] = None
        for reply in [*op.replies.values(), *SHARED_REPLIES.values()]:
            if reply.model is not None:
                found[(reply.model, "serialization")] = None
    return list(found)


def _content(reply: Reply, refs: dict[tuple[type[BaseModel], str], Any]) -> dict[str, Any]:
    if reply.model is not None:
        return {"application/json": {"schema": refs[(reply.model, "serialization")]}}
    if reply.content_type == "application/json":
        return {reply.content_type: {"schema": {"type": "object"}}}
    if reply.content_type is not None:
        return {reply.content_type: {"schema": {"type": "string", "format": "binary"}}}
    return {}


def _response(reply: Reply, refs: dict[tuple[type[BaseModel], str], Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"description": reply.description}
    content = _content(reply, refs)
    if content:
        out["content"] = content
    if reply.headers:
        out["headers"] = {h: HEADERS[h] for h in reply.headers}
    return out


def _parameters(op: Operation, defs: dict[str, Any], refs: dict[Any, Any]) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": schema}
        for name, schema in op.path_params.items()
    ]
    if op.query is not None:
        ref = refs[(op.query, "validation")]["$ref"].rsplit("/", 1)[-1]
        model = defs[ref]
        required = set(model.get("required", ()))
        for name, schema in model["properties"].items():
            param: dict[str, Any] = {
                "name": name,
                "in": "query",
                "required": name in required,
                "schema": {k: v for k, v in schema.items() if k != "description"},
            }
            if "description" in schema:
                param["description"] = schema["description"]
            params.append(param)
    for header in op.headers:
        params.append(
            {
                "name": header.name,
                "in": "header",
                "required": header.required,
                "description": header.description,
                "schema": header.schema,
            }
        )
    return params


def _request_body(op: Operation, refs: dict[Any, Any]) -> dict[str, Any] | None:
    if op.body is None:
        return None
    schema = refs[(op.body, "validation")]
    if op.body_kind == "multipart":
        media = {
            "multipart/form-data": {
                "schema": schema,
                "encoding": {"file": {"contentType": "application/octet-stream"}},
            }
        }
    elif op.body_kind == "form":
        media = {"application/x-www-form-urlencoded": {"schema": schema}}
    else:
        media = {"application/json": {"schema": schema}}
    return {"required": True, "content": media}


def _operation(op: Operation, defs: dict[str, Any], refs: dict[Any, Any]) -> dict[str, Any]:
    replies = dict(op.replies)
    shared = (429, 500) if op.public else (401, 403, 429, 500)
    for status in shared:
        replies.setdefault(status, SHARED_REPLIES[status])
    if op.body is not None and op.body_kind == "json":
        replies.setdefault(400, Reply("The body is not valid JSON (invalid_json).", s.Error))
        replies.setdefault(415, Reply("The body is not application/json.", s.Error))
        replies.setdefault(
            422, Reply("The body does not have the documented shape; see errors.", s.Error)
        )
    if op.query is not None:
        replies.setdefault(422, Reply("A query parameter is malformed; see errors.", s.Error))
    out: dict[str, Any] = {
        "operationId": op.endpoint.split(".", 1)[-1],
        "summary": op.summary,
        "description": op.description,
        "tags": [op.tag],
        "security": [] if op.public else [{"oauth2": list(op.scopes or ())}],
        "responses": {str(code): _response(reply, refs) for code, reply in sorted(replies.items())},
    }
    params = _parameters(op, defs, refs)
    if params:
        out["parameters"] = params
    body = _request_body(op, refs)
    if body is not None:
        out["requestBody"] = body
    return out


def document(root_url: str) -> dict[str, Any]:
    """The OpenAPI document; ``root_url`` is where the app is served (for the OAuth URLs)."""
    models = _models()
    refs, top = models_json_schema(models, ref_template=REF)
    defs: dict[str, Any] = top.get("$defs", {})
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op, defs, refs)
    root = root_url.rstrip("/")
    scopes = {name: f"{ja} / {en}" for name, (ja, en) in SCOPES.items()}
    codes = "\n".join(
        f"| {status} | `{code}` | {en} |" for status, (code, _ja, en) in sorted(HTTP_ERRORS.items())
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Madoguchi API",
            "version": API_VERSION,
            "summary": "Municipal procedures: file, follow and decide applications.",
            "description": DESCRIPTION
            + "\n## HTTP-level error codes\n| status | code | meaning |\n|---|---|---|\n"
            + codes,
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": "/api/v1"}],
        "tags": [
            {"name": "procedures", "description": "The catalog (public)."},
            {"name": "applications", "description": "Filing, following and deciding cases."},
            {"name": "files", "description": "Uploads and downloads."},
            {"name": "oauth", "description": "Tokens and the caller."},
        ],
        "paths": paths,
        "components": {
            "schemas": defs,
            "securitySchemes": {
                "oauth2": {
                    "type": "oauth2",
                    "description": "integrator: client credentials; resident and staff: "
                    "authorization code with PKCE (S256).",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": f"{root}/api/v1/oauth/token",
                            "scopes": scopes,
                        },
                        "authorizationCode": {
                            "authorizationUrl": f"{root}/oauth/authorize",
                            "tokenUrl": f"{root}/api/v1/oauth/token",
                            "refreshUrl": f"{root}/api/v1/oauth/token",
                            "scopes": scopes,
                        },
                    },
                }
            },
        },
    }
