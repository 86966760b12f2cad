"""``GET /openapi.json`` and ``GET /docs``: the OpenAPI document and a page that reads it.

The page is rendered on the server from the same document (no JavaScript, no CDN): every
operation with its parameters, body and responses, then every schema with its fields.
"""

from __future__ import annotations

import html
import re
from typing import Any

from flask import Response, current_app, jsonify, render_template, request
from markupsafe import Markup

from web.api import bp
from web.api.openapi import document
from web.api.spec import Reply, operation

TAG = "oauth"


def _document() -> dict[str, Any]:
    cache: dict[str, dict[str, Any]] = current_app.extensions.setdefault("madoguchi_openapi", {})
    root = request.host_url
    if root not in cache:
        cache[root] = document(root)
    return cache[root]


@operation(
    bp,
    "GET",
    "/openapi.json",
    summary="This document",
    tag=TAG,
    public=True,
    replies={200: Reply("The OpenAPI 3.1 document.", content_type="application/json")},
)
def openapi_json() -> Response:
    """The OpenAPI 3.1 document of this API (a page that reads it: ``/api/v1/docs``)."""
    resp = jsonify(_document())
    resp.headers["Cache-Control"] = "public, max-age=300"
    return resp


def _type(schema: dict[str, Any]) -> str:
    """A short human name for a JSON Schema: ``string``, ``array of Problem``, ``A | null``."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(f'"{v}"' if isinstance(v, str) else str(v) for v in schema["enum"])
    if "const" in schema:
        return repr(schema["const"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"array of {_type(schema.get('items', {}))}"
    if kind == "object" and "additionalProperties" in schema:
        extra = schema["additionalProperties"]
        if isinstance(extra, dict) and extra:
            return f"object of {_type(extra)}"
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return str(kind)


def _inline(line: str) -> str:
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(line))


def prose(text: str) -> Markup:
    """The document's description (headings, lists, tables, `code`) as HTML."""
    out: list[str] = []
    items: list[str] = []
    rows: list[list[str]] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append(f"<p>{' '.join(para)}</p>")
            para.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()
        if rows:
            head, *body = rows
            out.append(
                '<div class="mg-table-wrap"><table class="mg-table"><thead><tr>'
                + "".join(f'<th scope="col">{c}</th>' for c in head)
                + "</tr></thead><tbody>"
                + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in body)
                + "</tbody></table></div>"
            )
            rows.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("## "):
            flush()
            out.append(f"<h3>{_inline(line[3:])}</h3>")
        elif line.startswith("- "):
            if para or rows:
                flush()
            items.append(_inline(line[2:]))
        elif line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not all(set(c) <= {"-"} for c in cells):
                rows.append([_inline(c) for c in cells])
        elif not line:
            flush()
        elif items:
            items[-1] += " " + _inline(line)
        else:
            para.append(_inline(line))
    flush()
    return Markup("\n".join(out))  # noqa: S704  # every piece of text is escaped above


@operation(
    bp,
    "GET",
    "/docs",
    summary="This document as a page",
    tag=TAG,
    public=True,
    replies={200: Reply("The reference, as HTML.", content_type="text/html")},
)
def docs_page() -> Response:
    """The API reference as a page: every operation, its parameters, body and answers, and
    every schema."""
    doc = _document()
    operations = [
        {"method": method.upper(), "path": path, **op}
        for path, item in doc["paths"].items()
        for method, op in item.items()
    ]
    tags = [
        {**tag, "operations": [op for op in operations if tag["name"] in op["tags"]]}
        for tag in doc["tags"]
    ]
    page = render_template(
        "api/docs.html",
        doc=doc,
        tags=tags,
        schemas=doc["components"]["schemas"],
        type_name=_type,
        prose=prose,
    )
    return Response(page, mimetype="text/html")
