"""Serving a mock over HTTP: its faults become what a real partner's HTTP looks like.

Each HTTP mock (the resident registry, the public-funds accounts, the core systems; see
``docs/formats/partners-http.md``) answers through :meth:`MockServer.serve`, which runs one
call of the in-process mock, whose :class:`adapters.mock.faults.FaultPlan` decides the
fault, and turns the outcome into HTTP:

=================== ================================================================
fault / outcome     HTTP
=================== ================================================================
downtime, 5xx       503 ``unavailable`` at once (with ``Retry-After: 1``); no effect
timeout             held for ``hang_seconds`` (past the client's timeout), then 504
lost reply          as timeout, but the call took effect
malformed reply     200 with a body that is not JSON; the call took effect
latency             the reply is late, then normal
=================== ================================================================

Refusals become 404/409/422 JSON errors ``{"error": code, "message": text}``.
:func:`release_held_requests` ends held requests at once (before a server stops).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from typing import TypeVar

from flask import Flask, Response, request

from adapters.errors import (
    IdempotencyConflictError,
    MalformedReplyError,
    PartnerTimeoutError,
    PartnerUnavailableError,
    RecordRejectedError,
    UnknownCoreBusinessError,
)
from adapters.mock.faults import FaultPlan

T = TypeVar("T")

DEFAULT_HANG_SECONDS = 10.0
"""How long an injected timeout holds a request: past the clients' default (5 s)."""

JSON_TYPE = "application/json; charset=utf-8"
_RELEASE = "madoguchi.mock_release"


class BadRequestBody(ValueError):
    """A request that does not follow the API (answered 422 ``invalid_request``)."""


def json_reply(payload: object, status: int = 200) -> Response:
    """A JSON reply (UTF-8, Japanese kept as is)."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Response(body, status=status, content_type=JSON_TYPE)


def error_reply(status: int, code: str, message: str, **extra: object) -> Response:
    """An error reply ``{"error": code, "message": message, ...}``."""
    return json_reply({"error": code, "message": message, **extra}, status)


def body_object() -> dict[str, object]:
    """The request's JSON object body (:class:`BadRequestBody` otherwise)."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise BadRequestBody("the request body must be a JSON object")
    return payload


def text_field(payload: Mapping[str, object], key: str) -> str:
    """A required text field of a request body."""
    value = payload.get(key)
    if not isinstance(value, str) or not value:
        raise BadRequestBody(f"{key} must be non-empty text")
    return value


class MockServer:
    """A Flask app serving one or more mocks, mapping their faults to HTTP (module text)."""

    def __init__(self, name: str, *, hang_seconds: float = DEFAULT_HANG_SECONDS) -> None:
        if hang_seconds < 0:
            raise ValueError("hang_seconds cannot be negative")
        self.app = Flask(name)
        self.hang_seconds = hang_seconds
        self.released = threading.Event()
        self.app.extensions[_RELEASE] = self.released

        @self.app.errorhandler(404)
        def not_found(_: Exception) -> Response:
            return error_reply(404, "not_found", f"no such resource: {request.path}")

        @self.app.errorhandler(405)
        def method_not_allowed(_: Exception) -> Response:
            return error_reply(405, "method_not_allowed", f"{request.method} is not allowed here")

    def serve(
        self, faults: FaultPlan, call: Callable[[], T], reply: Callable[[T], Response]
    ) -> Response:
        """Run one call of a mock and turn its outcome or its fault into a reply."""
        try:
            result = call()
        except BadRequestBody as error:
            return error_reply(422, "invalid_request", str(error))
        except PartnerUnavailableError as error:
            response = error_reply(503, "unavailable", str(error))
            response.headers["Retry-After"] = "1"
            return response
        except PartnerTimeoutError as error:
            self.released.wait(self.hang_seconds)
            return error_reply(504, "timeout", str(error))
        except MalformedReplyError:
            return Response(faults.garbled_body(faults.calls), status=200, content_type=JSON_TYPE)
        except RecordRejectedError as error:
            return error_reply(422, "record_rejected", str(error), problems=list(error.problems))
        except IdempotencyConflictError as error:
            return error_reply(409, "idempotency_conflict", str(error), record_id=error.record_id)
        except UnknownCoreBusinessError as error:
            return error_reply(404, "unknown_business", str(error))
        except ValueError as error:
            return error_reply(422, "invalid_request", str(error))
        return reply(result)


def release_held_requests(app: Flask) -> None:
    """End every request an injected timeout holds now or later (before shutting down)."""
    released = app.extensions.get(_RELEASE)
    if isinstance(released, threading.Event):
        released.set()
