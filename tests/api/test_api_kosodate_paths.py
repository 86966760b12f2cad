"""Every childcare procedure through the JSON API: the resident files (signed with the
card), staff take it to its outcome by transitions with If-Match, the resident reads it.

The flows (who files, what the deciding staff enter) are the engine tests' own
(tests/engine/test_engine_kosodate_workflows.py): the same paths, through the API.
"""

from __future__ import annotations

import base64
from io import BytesIO
from typing import Any

import pytest
from api_helpers import PDF, Api, person_token, staff_login
from flask import Flask

from adapters.mock.world import DemoWorld
from adapters.signatures import canonical_bytes
from engine.runtime import Runtime
from tests.engine.test_engine_kosodate_workflows import (
    FINAL,
    FLOWS,
    IDS,
    Flow,
    _applicant,
    make_recipient,
    member_number,
    payload,
    registry_person,
    sample,
)
from web.session import ResidentLogin

DEPARTMENTS = {"ninshin-todoke": "健康推進課"}


def _data(rt: Runtime, flow: Flow, applicant: str) -> dict[str, Any]:
    changes = dict(flow.changes)
    if flow.procedure_id in ("hoiku-shikyuu-nintei", "hoiku-genkyou"):
        child = registry_person(member_number("family_expecting", "佐藤\u3000陽菜"))
        if flow.procedure_id == "hoiku-genkyou":
            child.pop("kana")
        changes["child"] = {**sample(flow.procedure_id)["child"], **child}
    return payload(rt, flow.procedure_id, applicant, **changes)


def _attachments(rt: Runtime, api: Api, procedure_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """Upload a file for each top-level attachment answer; the body names the uploads."""
    form = rt.catalog.get(procedure_id).form
    found: dict[str, Any] = {}
    for path, spec in form.iter_fields():
        if "." in path or "[]" in path or spec.type != "attachment":
            continue
        if data.pop(path, None) in (None, [], ""):
            continue
        up = api.post(
            "/api/v1/uploads",
            data={"procedure_id": procedure_id, "field": path, "file": (BytesIO(PDF), "書類.pdf")},
            content_type="multipart/form-data",
        )
        assert up.status_code == 201, up.get_json()
        found[path] = [up.get_json()["id"]]
    return found


def _signature(world: DemoWorld, number: str, data: dict[str, Any]) -> dict[str, str]:
    card = world.population.card(number)
    assert card is not None
    assert card.signing_password is not None
    sig = world.card_reader.sign(number, canonical_bytes(data), card.signing_password)
    return {
        "value": base64.b64encode(sig.value).decode("ascii"),
        "certificate_pem": sig.certificate_pem,
    }


def _resident(app: Flask, world: DemoWorld, number: str) -> Api:
    who = world.population.resident(number)
    login = ResidentLogin(resident_id=number, subject=f"sub-{number}", name=who.name.full)
    return person_token(app, login, name="子育てアプリ")


def _go(staff: Api, case: dict[str, Any], trigger: str, **body: Any) -> dict[str, Any]:
    reply = staff.fire(case["id"], case["version"], trigger, **body)
    assert reply.status_code == 200, (trigger, reply.get_json())
    after: dict[str, Any] = reply.get_json()
    return after


@pytest.mark.parametrize("flow", FLOWS, ids=IDS)
def test_filed_and_decided_through_the_api(app: Flask, world: DemoWorld, flow: Flow) -> None:
    rt: Runtime = app.extensions["madoguchi"]
    if flow.recipient:
        make_recipient(flow.persona, flow.recipient)
    applicant = _applicant(flow)
    resident = _resident(app, world, applicant)
    data = _data(rt, flow, applicant)
    attachments = _attachments(rt, resident, flow.procedure_id, data)
    body = {
        "procedure_id": flow.procedure_id,
        "data": data,
        "attachments": attachments,
        "signature": _signature(world, applicant, data),
    }
    filed = resident.file(body)
    assert filed.status_code == 201, filed.get_json()
    case = filed.get_json()
    department = DEPARTMENTS.get(flow.procedure_id, "子育て支援課")
    staff = person_token(app, staff_login(departments=(department,)), name="窓口端末")
    case = _go(staff, case, "receive")
    if flow.shape == "application":
        case = _go(staff, case, "start_review")
        case = _go(staff, case, "submit_for_sign_off")
        record = rt_case(rt, case["id"])
        case = _go(staff, case, "approve", inputs=flow.inputs(record, data))
        case = _go(staff, case, "notify")
    elif flow.shape == "notification":
        case = _go(staff, case, "record")
        case = _go(staff, case, "close")
    else:
        case = _go(staff, case, "check")
        record = rt_case(rt, case["id"])
        case = _go(staff, case, "continue_benefit", inputs=flow.inputs(record, data))
    assert case["state"] == FINAL[flow.shape]
    # The resident reads the outcome and the history of their own case.
    mine = resident.get(f"/api/v1/applications/{case['id']}")
    assert mine.status_code == 200
    got = mine.get_json()
    assert got["state"] == FINAL[flow.shape]
    assert got["history"][-1]["to_state"] == FINAL[flow.shape]


def rt_case(rt: Runtime, case_id: str) -> Any:
    from sqlmodel import Session

    from engine.records import get_case

    with Session(rt.db) as s:
        return get_case(s, case_id)


def _file_sample(
    app: Flask, world: DemoWorld, procedure_id: str, *, prefilled: bool = True
) -> tuple[Api, dict[str, Any]]:
    rt: Runtime = app.extensions["madoguchi"]
    applicant = world.population.persona("family_expecting").resident_number
    resident = _resident(app, world, applicant)
    # The sample, prefilled from the registry as the form would be (or as written).
    data = payload(rt, procedure_id, applicant) if prefilled else sample(procedure_id)
    attachments = _attachments(rt, resident, procedure_id, data)
    body = {
        "procedure_id": procedure_id,
        "data": data,
        "attachments": attachments,
        "signature": _signature(world, applicant, data),
    }
    filed = resident.file(body)
    assert filed.status_code == 201, filed.get_json()
    case: dict[str, Any] = filed.get_json()
    return resident, case


def test_a_pregnancy_notification_is_recorded_and_closed_through_the_api(
    app: Flask, world: DemoWorld
) -> None:
    _resident_api, case = _file_sample(app, world, "ninshin-todoke")
    staff = person_token(app, staff_login(departments=("健康推進課",)), name="保健センター端末")
    case = _go(staff, case, "receive")
    case = _go(staff, case, "record")
    assert case["state"] == "recorded"
    # Closing without the handbook needs a reason: the API says so, then accepts it.
    refused = staff.fire(case["id"], case["version"], "close")
    assert refused.status_code == 422
    case = _go(staff, case, "close", comment="転出のため転出先で交付")
    assert case["state"] == "closed"


def test_a_childcare_place_application_is_withdrawn_by_the_resident_through_the_api(
    app: Flask, world: DemoWorld
) -> None:
    resident, case = _file_sample(app, world, "hoiku-riyou-moushikomi", prefilled=False)
    staff = person_token(app, staff_login(), name="窓口端末")
    case = _go(staff, case, "receive")
    # Staff may not withdraw for the resident; the resident may.
    assert staff.fire(case["id"], case["version"], "withdraw").status_code == 403
    case = _go(resident, case, "withdraw")
    assert case["state"] == "withdrawn"
