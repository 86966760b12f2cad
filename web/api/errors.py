"""Every API error is JSON with a stable code: the bodies and the mapping from engine errors.

Body (schema ``Error``)::

    {"error": {"code": "invalid_trigger", "message": {"ja": "...", "en": "..."}, ...details},
     "errors": [{"path": "data.children[0].birth_date", "code": "required",
                 "message": {"ja": "...", "en": "..."}}]}

``errors`` lists every problem of a request body (422; empty otherwise). Paths are relative
to the request body: ``procedure_id``, ``data.<field path>``, ``inputs.<field>``,
``attachments.<field>``. Details the client can act on travel in ``error``:
``allowed_triggers`` (409 invalid_trigger), ``current_version`` (409 conflict),
``reasons`` (422 guard_failed), ``retry_after`` (429, 503).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask import Response, current_app, jsonify
from werkzeug.exceptions import HTTPException

from adapters.errors import PartnerError
from engine.errors import (
    CommentRequired,
    ConflictError,
    EngineError,
    GuardFailed,
    IdempotencyConflict,
    InvalidTrigger,
    NotFound,
    PermissionDenied,
    ProcedureNotAccepting,
    ValidationFailed,
)
from engine.files import FileRejected
from forms import FieldError

Problem = Mapping[str, Any]

# Stable codes of HTTP-level errors, with what to tell the caller (ja, en).
HTTP_ERRORS: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "リクエストの形式が正しくありません。", "The request is malformed."),
    401: (
        "unauthorized",
        "アクセストークンがないか、無効または期限切れです。トークンを取得し直してください。",
        "The access token is missing, invalid or expired. Get a new token.",
    ),
    403: ("forbidden", "この操作は許可されていません。", "You are not allowed to do this."),
    404: ("not_found", "見つかりません。", "Not found."),
    405: (
        "method_not_allowed",
        "このURLではこのメソッドは使えません。",
        "This method is not allowed on this URL.",
    ),
    406: (
        "not_acceptable",
        "この API は JSON で応答します。",
        "This API answers in JSON only.",
    ),
    413: (
        "payload_too_large",
        "送信データが大きすぎます（上限 50MB）。",
        "The request is too large (the limit is 50 MB).",
    ),
    415: (
        "unsupported_media_type",
        "Content-Type が正しくありません。",
        "The Content-Type is not supported here.",
    ),
    428: (
        "precondition_required",
        "If-Match ヘッダーに案件の版（version）を指定してください。",
        "Send the case's version in the If-Match header.",
    ),
    429: (
        "rate_limited",
        "リクエストが多すぎます。Retry-After の秒数だけ待ってから再送してください。",
        "Too many requests. Wait the seconds in Retry-After, then try again.",
    ),
    500: (
        "internal",
        "システムエラーが発生しました。時間をおいて再送してください。",
        "Something went wrong on our side. Please try again later.",
    ),
    503: (
        "partner_unavailable",
        "連携先のシステムが応答しません。しばらくしてから再送してください。",
        "A partner system did not answer. Please try again shortly.",
    ),
}


class ApiError(Exception):
    """An error answered as JSON: HTTP status, stable code, ja/en message, details."""

    def __init__(
        self,
        status: int,
        code: str,
        ja: str,
        en: str,
        *,
        problems: Sequence[Problem] = (),
        headers: Mapping[str, str] | None = None,
        **details: Any,
    ) -> None:
        super().__init__(f"{status} {code}: {en}")
        self.status = status
        self.code = code
        self.ja = ja
        self.en = en
        self.problems = list(problems)
        self.headers = dict(headers or {})
        self.details = {k: v for k, v in details.items() if v is not None}

    @classmethod
    def http(cls, status: int, **details: Any) -> ApiError:
        """The standard error of an HTTP status."""
        code, ja, en = HTTP_ERRORS.get(status, HTTP_ERRORS[500 if status >= 500 else 400])
        return cls(status, code, ja, en, **details)

    @classmethod
    def invalid(cls, problems: Sequence[Problem]) -> ApiError:
        """422 listing every problem of the request."""
        return cls(
            422,
            "validation_failed",
            f"リクエストに{len(problems)}件の誤りがあります。errors の各項目を確認してください。",
            f"The request has {len(problems)} problem(s); see each entry of errors.",
            problems=problems,
        )

    def response(self) -> Response:
        """The JSON response."""
        body = {
            "error": {"code": self.code, "message": {"ja": self.ja, "en": self.en}} | self.details,
            "errors": self.problems,
        }
        resp = jsonify(body)
        resp.status_code = self.status
        resp.headers.update(self.headers)
        return resp


def problem(path: str, code: str, ja: str, en: str) -> dict[str, Any]:
    """One entry of ``errors``."""
    return {"path": path, "code": code, "message": {"ja": ja, "en": en}}


def field_problems(errors: Iterable[FieldError], prefix: str) -> list[dict[str, Any]]:
    """Form validation errors as ``errors`` entries, their paths under ``prefix``."""
    out = []
    for e in errors:
        path = prefix if not e.path else f"{prefix}.{e.path}" if prefix else e.path
        out.append(problem(path, e.code, e.message.ja, e.message.get("en")))
    return out


def from_engine(exc: EngineError, *, data_prefix: str = "data") -> ApiError:
    """The API error for an engine refusal (status by kind, the engine's code and texts)."""
    if isinstance(exc, ValidationFailed):
        return ApiError(
            422, exc.code, exc.ja, exc.en, problems=field_problems(exc.errors, data_prefix)
        )
    if isinstance(exc, GuardFailed):
        reasons = [{"ja": ja, "en": en} for ja, en in exc.reasons]
        return ApiError(422, exc.code, exc.ja, exc.en, reasons=reasons)
    if isinstance(exc, InvalidTrigger):
        return ApiError(409, exc.code, exc.ja, exc.en, allowed_triggers=exc.allowed)
    if isinstance(exc, ConflictError):
        return ApiError(409, exc.code, exc.ja, exc.en, current_version=exc.current_version)
    status = {
        NotFound: 404,
        PermissionDenied: 403,
        IdempotencyConflict: 409,
        CommentRequired: 422,
        ProcedureNotAccepting: 422,
        FileRejected: 422,
    }.get(type(exc), 422)
    return ApiError(status, exc.code, exc.ja, exc.en)


def handle_api_error(error: ApiError) -> Response:
    """Flask error handler for :class:`ApiError`."""
    return error.response()


def handle_engine_error(error: EngineError) -> Response:
    """Flask error handler: an engine refusal that a view did not translate itself."""
    return from_engine(error).response()


def handle_partner_error(error: PartnerError) -> Response:
    """A partner system (registry, JPKI verifier) did not answer: 503, try again."""
    current_app.logger.warning("partner unavailable on the API: %s", type(error).__name__)
    return ApiError.http(503, retry_after=30, headers={"Retry-After": "30"}).response()


def http_error(error: HTTPException) -> Response:
    """Any HTTP error (404 of an unknown URL, 405, 413...) as the API's JSON body."""
    status = error.code or 500
    headers: dict[str, str] = {}
    if status == 405 and error.get_response().headers.get("Allow"):
        headers["Allow"] = error.get_response().headers["Allow"]
    return ApiError.http(status, headers=headers).response()


def internal_error() -> Response:
    """An unexpected failure: a stable code, never a stack trace."""
    return ApiError.http(500).response()
