"""``GET /procedures`` and ``GET /procedures/{procedure_id}``: the public catalog."""

from __future__ import annotations

import datetime as dt

from flask import current_app

from engine.runtime import Runtime
from web.api import bp
from web.api import schemas as s
from web.api.errors import ApiError
from web.api.present import procedure_detail, procedure_summary
from web.api.spec import Reply, operation

TAG = "procedures"
NOT_FOUND = Reply("No procedure has this id.", s.Error)


def _rt() -> Runtime:
    rt: Runtime = current_app.extensions["madoguchi"]
    return rt


@operation(
    bp,
    "GET",
    "/procedures",
    summary="Every procedure",
    tag=TAG,
    public=True,
    replies={200: Reply("The catalog, in the order of the definitions.", s.ProcedureList)},
)
def list_procedures() -> s.ProcedureList:
    """Every procedure this deployment accepts or lists: names in Japanese and English,
    category, handling office, identity level, channels and workflow shape."""
    today = dt.date.today()
    return s.ProcedureList(items=[procedure_summary(p, today) for p in _rt().catalog])


@operation(
    bp,
    "GET",
    "/procedures/{procedure_id}",
    summary="One procedure, with its application schema and workflow",
    tag=TAG,
    public=True,
    path_params={"procedure_id": {"type": "string", "pattern": s.PROCEDURE_ID, "maxLength": 80}},
    replies={200: Reply("The procedure.", s.ProcedureDetail), 404: NOT_FOUND},
)
def get_procedure(procedure_id: str) -> s.ProcedureDetail:
    """The procedure with ``form_schema``, the JSON Schema of the ``data`` a filing sends,
    and ``workflow``: its states and transitions, each with the roles that may fire it."""
    proc = _rt().catalog.procedures.get(procedure_id)
    if proc is None:
        raise ApiError(
            404,
            "not_found",
            f"手続「{procedure_id}」は見つかりません。",
            f"There is no procedure '{procedure_id}'.",
        )
    return procedure_detail(proc, dt.date.today())
