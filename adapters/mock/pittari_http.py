"""The Pittari mock over HTTP: a Flask app serving a :class:`MockPittari` as JSON.

``madoguchi mock-services`` serves this app, and :class:`adapters.pittari_http.HttpPittariIntake`
talks to it exactly as it would talk to the real portal. The API is documented in
``docs/formats/pittari-http.md``:

=======  ==================================  ===========================================
GET      ``/v1/applications?lg_code&limit``  ``{"application_ids": [...]}``
GET      ``/v1/applications/{id}``           the stored package (``pittari-package/1``)
POST     ``/v1/applications/{id}/ack``       ``{"application_id", "acknowledged": true}``
POST     ``/v1/applications/{id}/status``    ``{"application_id", "status", "message"}``
POST     ``/v1/notices``                     ``{"notice_id", "accepted_at"}``
=======  ==================================  ===========================================

Errors are ``{"error": code, "message": text}``: 404 ``unknown_application`` or
``unknown_recipient``, 409 ``application_state`` or ``idempotency_conflict`` (with
``notice_id``), 422 ``invalid_request``, 503 ``unavailable``.

The mock's :class:`adapters.mock.faults.FaultPlan` decides the faults; this app turns
them into HTTP behaviour: downtime and server errors answer 503; a timeout or a lost reply
holds the request for ``hang_seconds`` (longer than the client waits) and then answers
504 to a client that has gone; a malformed reply answers 200 with a body that is not JSON.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Flask, Response, request

from adapters.errors import (
    ApplicationStateError,
    IdempotencyConflictError,
    MalformedReplyError,
    PackageFormatError,
    PartnerTimeoutError,
    PartnerUnavailableError,
    UnknownApplicationError,
    UnknownRecipientError,
)
from adapters.exchange import PortalStatus
from adapters.mock.oss import MockOss
from adapters.mock.pittari import MockPittari
from adapters.mock.pittari_filing import SignedFiling, store_filing
from adapters.mock.portal import MockPortal
from adapters.mock.world import world_from_config

T = TypeVar("T")

DEFAULT_HANG_SECONDS = 10.0
"""How long an injected timeout holds a request: past the client's default (5 s)."""

JSON_TYPE = "application/json; charset=utf-8"


def _json(payload: Mapping[str, object], status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Response(body, status=status, content_type=JSON_TYPE)


def _error(status: int, code: str, message: str, **extra: object) -> Response:
    return _json({"error": code, "message": message, **extra}, status)


class _BadRequestBody(ValueError):
    """A request body or query that does not follow the API (answered 422)."""


def _body() -> dict[str, object]:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise _BadRequestBody("the request body must be a JSON object")
    return payload


def _text(payload: Mapping[str, object], key: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str):
        raise _BadRequestBody(f"{key} must be a string")
    return value


def _optional_text(payload: Mapping[str, object], key: str) -> str | None:
    value = payload.get(key)
    if value is not None and not isinstance(value, str):
        raise _BadRequestBody(f"{key} must be a string or null")
    return value


def create_pittari_app(
    pittari: MockPortal[Any], *, hang_seconds: float = DEFAULT_HANG_SECONDS
) -> Flask:
    """A Flask app serving a portal mock over the JSON API of ``docs/formats/pittari-http.md``.

    ``pittari`` is the Pittari mock (with the resident-side ``POST /v1/filings``) or the
    OSS mock (:func:`create_oss_app`: the same pull API, ``oss-package/1`` packages).
    ``hang_seconds`` is how long an injected timeout (or lost reply) holds the request
    before answering 504; it must exceed the client's timeout for the client to time out.
    """
    if hang_seconds < 0:
        raise ValueError("hang_seconds cannot be negative")
    app = Flask(__name__)
    released = threading.Event()
    app.extensions["madoguchi.pittari_release"] = released

    def served(call: Callable[[], T], reply: Callable[[T], Response]) -> Response:
        """Run one call of the mock and turn its outcome or its fault into a reply."""
        try:
            result = call()
        except _BadRequestBody as error:
            return _error(422, "invalid_request", str(error))
        except UnknownApplicationError as error:
            return _error(404, "unknown_application", str(error))
        except UnknownRecipientError as error:
            return _error(404, "unknown_recipient", str(error))
        except ApplicationStateError as error:
            return _error(409, "application_state", str(error))
        except IdempotencyConflictError as error:
            return _error(409, "idempotency_conflict", str(error), notice_id=error.record_id)
        except PartnerUnavailableError as error:
            response = _error(503, "unavailable", str(error))
            response.headers["Retry-After"] = "1"
            return response
        except PartnerTimeoutError as error:
            released.wait(hang_seconds)
            return _error(504, "timeout", str(error))
        except MalformedReplyError:
            garbled = pittari.faults.garbled_body(pittari.faults.calls)
            return Response(garbled, status=200, content_type=JSON_TYPE)
        except ValueError as error:
            return _error(422, "invalid_request", str(error))
        return reply(result)

    @app.get("/v1/applications")
    def list_new() -> Response:
        """Ids of applications to ``lg_code`` not yet acknowledged, oldest first."""

        def call() -> tuple[str, ...]:
            lg_code = request.args.get("lg_code")
            if lg_code is None:
                raise _BadRequestBody("the query parameter lg_code is required")
            limit_text = request.args.get("limit", "100")
            if not limit_text.isdigit():
                raise _BadRequestBody("limit must be a positive integer")
            return pittari.list_new(lg_code, int(limit_text))

        return served(call, lambda ids: _json({"application_ids": list(ids)}))

    @app.get("/v1/applications/<application_id>")
    def download(application_id: str) -> Response:
        """The stored package, byte for byte."""
        return served(
            lambda: pittari.download(application_id),
            lambda package: Response(package.to_json_bytes(), content_type=JSON_TYPE),
        )

    @app.post("/v1/applications/<application_id>/ack")
    def acknowledge(application_id: str) -> Response:
        """Acknowledge the package (idempotent)."""
        return served(
            lambda: pittari.acknowledge(application_id),
            lambda _: _json({"application_id": application_id, "acknowledged": True}),
        )

    @app.post("/v1/applications/<application_id>/status")
    def post_status(application_id: str) -> Response:
        """Post a status the resident sees (only after acknowledgement)."""

        def call() -> tuple[PortalStatus, str | None]:
            payload = _body()
            status_text = _text(payload, "status")
            try:
                status = PortalStatus(status_text)
            except ValueError:
                raise _BadRequestBody(f"unknown status {status_text!r}") from None
            message = _optional_text(payload, "message")
            pittari.post_status(application_id, status, message)
            return status, message

        return served(
            call,
            lambda posted: _json(
                {"application_id": application_id, "status": posted[0].value, "message": posted[1]}
            ),
        )

    @app.post("/v1/notices")
    def send_notice() -> Response:
        """Put a notice in an inbox; idempotent by ``idempotency_key``."""

        def call() -> tuple[str, str]:
            payload = _body()
            receipt = pittari.send_notice(
                title=_text(payload, "title"),
                body=_text(payload, "body"),
                idempotency_key=_text(payload, "idempotency_key"),
                application_id=_optional_text(payload, "application_id"),
                resident_number=_optional_text(payload, "resident_number"),
            )
            return receipt.notice_id, receipt.accepted_at.isoformat()

        return served(
            call, lambda receipt: _json({"notice_id": receipt[0], "accepted_at": receipt[1]})
        )

    if isinstance(pittari, MockPittari):
        _add_filing_route(app, pittari)

    @app.errorhandler(404)
    def not_found(_: Exception) -> Response:
        return _error(404, "not_found", f"no such resource: {request.path}")

    @app.errorhandler(405)
    def method_not_allowed(_: Exception) -> Response:
        return _error(405, "method_not_allowed", f"{request.method} is not allowed here")

    return app


def _add_filing_route(app: Flask, pittari: MockPittari) -> None:
    @app.post("/v1/filings")
    def file_filing() -> Response:
        """The resident's side: store a signed filing, answer its new application id.

        Not part of the municipality's API and never faulted (it stands for the residents'
        own connection to Mynaportal); see ``docs/formats/pittari-http.md``.
        """
        try:
            filing = SignedFiling.from_json(_body())
            application_id = store_filing(pittari, filing)
        except (_BadRequestBody, ValueError, PackageFormatError) as error:
            return _error(422, "invalid_request", str(error))
        return _json({"application_id": application_id}, 201)


def create_oss_app(oss: MockOss, *, hang_seconds: float = DEFAULT_HANG_SECONDS) -> Flask:
    """The OSS mock over the same pull API (``docs/formats/oss-package.md``)."""
    return create_pittari_app(oss, hang_seconds=hang_seconds)


def oss_app_from_config(config: Mapping[str, str]) -> Flask:
    """The app serving the configured demo world's OSS mock (for ``mock-services``)."""
    return create_oss_app(world_from_config(config).oss)


def release_hanging_requests(app: Flask) -> None:
    """End every request an injected timeout holds now or later (before shutting down)."""
    released = app.extensions.get("madoguchi.pittari_release")
    if isinstance(released, threading.Event):
        released.set()


def pittari_app_from_config(config: Mapping[str, str]) -> Flask:
    """The app serving the configured demo world's Pittari mock (for ``mock-services``)."""
    return create_pittari_app(world_from_config(config).pittari)
