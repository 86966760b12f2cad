"""Declaring API operations once: the Flask route, its guard, and its OpenAPI description.

A view is registered with :func:`operation`, which says everything a client must know: the
method and path, the scopes it needs (or ``public=True``), the request body model, the
query model, the headers, and every response with its model. The decorator

- adds the URL rule to the API blueprint;
- wraps the view so the request is authenticated and the scopes checked before it runs
  (deny by default: an operation without scopes must say ``public=True``), the body is
  parsed into its pydantic model (422 listing every problem) and the query likewise;
- records an :class:`Operation`, from which :mod:`web.api.openapi` writes the document.

Request models are strict (no ``"true"`` for ``true``, unknown keys refused), so what the
document promises is exactly what the API accepts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from flask import Blueprint, Response, jsonify, request
from pydantic import BaseModel, ValidationError

from web.api.errors import ApiError, problem

BodyKind = Literal["json", "multipart", "form"]


@dataclass(frozen=True)
class Header:
    """A request header an operation reads."""

    name: str
    description: str
    required: bool = False
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})


@dataclass(frozen=True)
class Reply:
    """One documented response: a model (JSON), raw content, or no body."""

    description: str
    model: type[BaseModel] | None = None
    content_type: str | None = None  # a non-JSON body (a file)
    headers: tuple[str, ...] = ()  # names of documented response headers


@dataclass(frozen=True)
class Operation:
    """An API operation as registered: what the OpenAPI document says about it."""

    method: str
    path: str  # OpenAPI form: /applications/{application_id}
    endpoint: str
    summary: str
    description: str
    tag: str
    scopes: tuple[str, ...] | None  # None: public
    body: type[BaseModel] | None
    body_kind: BodyKind
    query: type[BaseModel] | None
    headers: tuple[Header, ...]
    replies: dict[int, Reply]
    path_params: dict[str, dict[str, Any]]

    @property
    def public(self) -> bool:
        """Whether the operation needs no token."""
        return self.scopes is None


OPERATIONS: list[Operation] = []
_PARAM = re.compile(r"{([a-z_]+)}")


def _flask_rule(path: str) -> str:
    return _PARAM.sub(r"<\1>", path)


def _pydantic_problems(error: ValidationError, prefix: str) -> list[dict[str, Any]]:
    out = []
    for e in error.errors(include_url=False):
        parts = [str(p) for p in e["loc"] if p != "__root__"]
        path = ".".join([prefix, *parts] if prefix else parts)
        code = "required" if e["type"] == "missing" else "invalid"
        if e["type"] == "extra_forbidden":
            code = "unknown_field"
        msg = e["msg"]
        ja = {
            "required": "この項目は必須です。",
            "unknown_field": "この項目は受け付けていません。",
        }.get(code, f"値が正しくありません（{msg}）。")
        out.append(problem(path, code, ja, msg))
    return out


def parse_json_body(model: type[BaseModel]) -> BaseModel:
    """The request's JSON body as ``model``; 415 when it is not JSON, 422 when invalid."""
    if not request.is_json:
        raise ApiError.http(415)
    raw = request.get_data(cache=True)
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise ApiError(
                400,
                "invalid_json",
                "本文が JSON として読み取れません。",
                "The body is not valid JSON.",
            ) from None
        if any(e["type"] == "model_type" and not e["loc"] for e in exc.errors()):
            raise ApiError.invalid(
                [
                    problem(
                        "",
                        "invalid",
                        "本文は JSON オブジェクトにしてください。",
                        "The body must be a JSON object.",
                    )
                ]
            ) from None
        raise ApiError.invalid(_pydantic_problems(exc, "")) from None


def parse_query(model: type[BaseModel]) -> BaseModel:
    """The query string as ``model`` (422 listing every problem)."""
    values: dict[str, Any] = {}
    for key in model.model_fields:
        if key in request.args:
            values[key] = request.args[key]
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise ApiError.invalid(_pydantic_problems(exc, "")) from None


def to_response(result: Any) -> Response:
    """A view's return value as a response: a model, ``(model, status[, headers])`` or a
    ready response."""
    if isinstance(result, Response):
        return result
    status: int = 200
    headers: dict[str, str] = {}
    if isinstance(result, tuple):
        result, status, *rest = result
        headers = rest[0] if rest else {}
    if isinstance(result, BaseModel):
        resp = jsonify(result.model_dump(mode="json"))
    else:
        resp = jsonify(result)
    resp.status_code = status
    resp.headers.update(headers)
    return resp


def operation(
    bp: Blueprint,
    method: str,
    path: str,
    *,
    summary: str,
    tag: str,
    replies: dict[int, Reply],
    description: str = "",
    scopes: tuple[str, ...] | None = None,
    public: bool = False,
    body: type[BaseModel] | None = None,
    body_kind: BodyKind = "json",
    query: type[BaseModel] | None = None,
    headers: tuple[Header, ...] = (),
    path_params: dict[str, dict[str, Any]] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
    """Register an API operation on ``bp`` (see the module docstring)."""
    if public == (scopes is not None):
        raise ValueError(f"{method} {path}: give scopes (maybe ()), or public=True, not both")
    from web.api import auth  # the guard; imported here to avoid an import cycle

    def decorate(view: Callable[..., Any]) -> Callable[..., Response]:
        @functools.wraps(view)
        def wrapper(**kwargs: Any) -> Response:
            if scopes is not None:
                request.environ[auth.CALLER_KEY] = auth.authenticate(scopes)
            if body is not None and body_kind == "json":
                kwargs["body"] = parse_json_body(body)
            if query is not None:
                kwargs["query"] = parse_query(query)
            return to_response(view(**kwargs))

        wrapper.api_public = public  # type: ignore[attr-defined]  # read by the blueprint guard
        bp.add_url_rule(_flask_rule(path), view.__name__, wrapper, methods=[method])
        OPERATIONS.append(
            Operation(
                method=method.lower(),
                path=path,
                endpoint=f"{bp.name}.{view.__name__}",
                summary=summary,
                description=description or (view.__doc__ or "").strip(),
                tag=tag,
                scopes=scopes,
                body=body,
                body_kind=body_kind,
                query=query,
                headers=headers,
                replies=replies,
                path_params=path_params or {},
            )
        )
        return wrapper

    return decorate
