"""GET /applications/{id}, transitions and lists: per-object access, versions, the queue."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from api_helpers import (
    CLAIM,
    Api,
    claim_data,
    client_credentials,
    person_token,
    persona,
    register,
    resident_login,
    signature,
    signed_claim,
    staff_login,
)
from flask import Flask

from adapters.mock.world import DemoWorld
from engine.kosodate.guards import AmountParams, figures, filed_on_day


def _path(case_id: str) -> str:
    return f"/api/v1/applications/{case_id}"


def test_the_filer_reads_the_case_with_its_history(
    integrator: Api, filed: dict[str, Any], world: DemoWorld
) -> None:
    reply = integrator.get(_path(filed["id"]))
    assert reply.status_code == 200
    case = reply.get_json()
    assert reply.headers["ETag"] == '"1"'
    assert case["reference"] == filed["reference"]
    assert case["state"] == "submitted"
    assert case["state_label"] == {"ja": "申請済み", "en": "Submitted"}
    assert case["portal_status"] == "in_progress"
    assert case["channel"] == "api"
    assert case["procedure_name"]["ja"].startswith("児童手当")
    assert [h["trigger"] for h in case["history"]] == ["submit"]
    assert case["history"][0]["actor"]["kind"] == "integrator"
    assert case["allowed_triggers"] == []  # an integrator holds no workflow role
    assert [a["name"] for a in case["attachments"]] == ["通帳.pdf"]
    # My Numbers never leave in full.
    my_number = persona(world, "newborn_family").my_number
    assert case["data"]["claimant"]["my_number"] == "********" + my_number[-4:]
    assert my_number not in reply.get_data(as_text=True)


def test_the_applicant_reads_a_case_an_integrator_filed_for_them(
    app: Flask, filed: dict[str, Any], world: DemoWorld
) -> None:
    resident = person_token(app, resident_login(world, "newborn_family"))
    case = resident.get(_path(filed["id"])).get_json()
    assert case["id"] == filed["id"]
    assert case["allowed_triggers"] == ["withdraw"]


def test_nobody_else_can_read_it_and_cannot_tell_it_exists(
    app: Flask, filed: dict[str, Any], world: DemoWorld
) -> None:
    others = [
        person_token(app, resident_login(world, "single_parent")),
        client_credentials(app, *register(app, name="他社")),
        person_token(app, staff_login(departments=("介護保険課",))),
    ]
    for api in others:
        found = api.get(_path(filed["id"]))
        missing = api.get(_path(uuid.uuid4().hex))
        assert found.status_code == missing.status_code == 404
        assert found.get_json() == missing.get_json()
        attachment = api.get(f"{_path(filed['id'])}/attachments/1")
        assert attachment.status_code == 404


@pytest.mark.parametrize("case_id", ["1", "../../etc/passwd", "A" * 32, "0" * 31])
def test_ids_that_are_not_case_ids_are_not_found(integrator: Api, case_id: str) -> None:
    reply = integrator.get(_path(case_id))
    assert reply.status_code == 404
    assert reply.get_json()["error"]["code"] == "not_found"


def test_case_ids_are_not_guessable(filed: dict[str, Any]) -> None:
    assert len(filed["id"]) == 32
    assert int(filed["id"], 16) > 0


def test_staff_of_the_department_see_who_did_what(staff: Api, filed: dict[str, Any]) -> None:
    received = staff.fire(filed["id"], 1, "receive")
    assert received.status_code == 200, received.get_json()
    case = staff.get(_path(filed["id"])).get_json()
    assert case["history"][-1]["actor"] == {"kind": "staff", "role": "intake", "id": "s-tanaka"}
    assert "start_review" in case["allowed_triggers"]


def test_residents_do_not_see_which_member_of_staff_acted(
    app: Flask, staff: Api, filed: dict[str, Any], world: DemoWorld
) -> None:
    staff.fire(filed["id"], 1, "receive")
    resident = person_token(app, resident_login(world, "newborn_family"))
    history = resident.get(_path(filed["id"])).get_json()["history"]
    assert history[-1]["actor"] == {"kind": "staff", "role": "intake", "id": None}


def test_a_transition_moves_the_case_and_needs_the_current_version(
    staff: Api, filed: dict[str, Any]
) -> None:
    reply = staff.fire(filed["id"], 1, "receive")
    assert reply.status_code == 200
    assert reply.get_json()["state"] == "received"
    assert reply.get_json()["version"] == 2
    assert reply.headers["ETag"] == '"2"'
    stale = staff.fire(filed["id"], 1, "start_review")
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "conflict"
    assert stale.get_json()["error"]["current_version"] == 2
    etag = staff.fire(filed["id"], '"2"', "start_review")
    assert etag.status_code == 200


def test_if_match_is_required_and_must_be_a_version(staff: Api, filed: dict[str, Any]) -> None:
    path = f"{_path(filed['id'])}/transitions"
    missing = staff.post(path, json={"trigger": "receive"})
    assert missing.status_code == 428
    assert missing.get_json()["error"]["code"] == "precondition_required"
    bad = staff.post(path, json={"trigger": "receive"}, headers={"If-Match": "*"})
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"] == "if_match_invalid"


def test_a_trigger_not_allowed_now_lists_what_is(staff: Api, filed: dict[str, Any]) -> None:
    reply = staff.fire(filed["id"], 1, "approve")
    assert reply.status_code in (403, 409)
    # approve needs the approval role, which this clerk has: the state is what is wrong.
    assert reply.status_code == 409
    error = reply.get_json()["error"]
    assert error["code"] == "invalid_trigger"
    assert error["allowed_triggers"] == ["receive", "reject_intake"]
    unknown = staff.fire(filed["id"], 1, "teleport")
    assert unknown.status_code == 409
    assert unknown.get_json()["error"]["allowed_triggers"] == ["receive", "reject_intake"]


def test_a_role_the_transition_does_not_allow_is_forbidden(
    app: Flask, filed: dict[str, Any]
) -> None:
    reviewer = person_token(app, staff_login(roles=("review",)))
    reply = reviewer.fire(filed["id"], 1, "receive")
    assert reply.status_code == 403
    assert reply.get_json()["error"]["code"] == "forbidden"


def test_comments_inputs_and_guards_are_checked(
    staff: Api, filed: dict[str, Any], world: DemoWorld
) -> None:
    case_id = filed["id"]
    no_reason = staff.fire(case_id, 1, "reject_intake")
    assert no_reason.status_code == 422
    assert no_reason.get_json()["error"]["code"] == "comment_required"
    version = 1
    for trigger in ("receive", "start_review", "submit_for_sign_off"):
        reply = staff.fire(case_id, version, trigger)
        assert reply.status_code == 200, reply.get_json()
        version = reply.get_json()["version"]
    bad = staff.fire(case_id, version, "approve", inputs={"monthly_amount": -5})
    assert bad.status_code == 422
    problems = {e["path"]: e["code"] for e in bad.get_json()["errors"]}
    assert "inputs.monthly_amount" in problems
    assert "inputs.payment_start_month" in problems
    wrong = staff.fire(
        case_id, version, "approve", inputs={"monthly_amount": 1, "payment_start_month": "2000-01"}
    )
    assert wrong.status_code == 422
    error = wrong.get_json()["error"]
    assert error["code"] == "guard_failed"
    assert "1か月" not in error["reasons"][0]["ja"]
    assert "monthly amount" in error["reasons"][0]["en"]
    start, total, _ = figures(
        claim_data(world), filed_on_day(dt.datetime.now(dt.UTC)), AmountParams()
    )
    inputs = {"monthly_amount": total, "payment_start_month": start.month.strftime("%Y-%m")}
    ok = staff.fire(case_id, version, "approve", inputs=inputs)
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["state"] == "approved"
    assert ok.get_json()["outcome"] == inputs


def test_the_applicant_withdraws(app: Flask, filed: dict[str, Any], world: DemoWorld) -> None:
    resident = person_token(app, resident_login(world, "newborn_family"))
    reply = resident.fire(filed["id"], 1, "withdraw", comment="別の方法で申請します")
    assert reply.status_code == 200
    assert reply.get_json()["state"] == "withdrawn"
    assert reply.get_json()["terminal"] is True


def test_the_applicant_answers_a_correction_request_with_signed_changes(
    app: Flask, staff: Api, filed: dict[str, Any], world: DemoWorld
) -> None:
    case_id = filed["id"]
    version = staff.fire(case_id, 1, "receive").get_json()["version"]
    asked = staff.fire(case_id, version, "request_correction", comment="電話番号をご確認ください")
    assert asked.get_json()["state"] == "correction_requested"
    resident = person_token(app, resident_login(world, "newborn_family"))
    case = resident.get(_path(case_id)).get_json()
    assert case["allowed_triggers"] == ["resubmit", "withdraw"]
    assert case["history"][-1]["comment"] == "電話番号をご確認ください"
    claimant = {**signed_claim(resident, world)["data"]["claimant"], "phone": "090-1111-2222"}
    change = {"claimant": claimant}
    unsigned = resident.fire(case_id, case["version"], "resubmit", data=change)
    assert unsigned.status_code == 422
    assert unsigned.get_json()["error"]["code"] == "signature_required"
    signed = resident.fire(
        case_id,
        case["version"],
        "resubmit",
        data=change,
        signature=signature(world, "newborn_family", change),
    )
    assert signed.status_code == 200, signed.get_json()
    assert signed.get_json()["state"] == "under_review"
    assert signed.get_json()["data"]["claimant"]["phone"] == "09011112222"


def test_bad_changes_in_a_correction_are_listed_under_data(
    app: Flask, staff: Api, filed: dict[str, Any], world: DemoWorld
) -> None:
    case_id = filed["id"]
    version = staff.fire(case_id, 1, "receive").get_json()["version"]
    version = staff.fire(case_id, version, "request_correction", comment="確認").get_json()[
        "version"
    ]
    resident = person_token(app, resident_login(world, "newborn_family"))
    change = {"consent_records": False}
    reply = resident.fire(
        case_id,
        version,
        "resubmit",
        data=change,
        signature=signature(world, "newborn_family", change),
    )
    assert reply.status_code == 422
    assert reply.get_json()["errors"][0]["path"] == "data.consent_records"


def test_an_integrator_cannot_act_on_cases(integrator: Api, filed: dict[str, Any]) -> None:
    reply = integrator.fire(filed["id"], 1, "withdraw")
    assert reply.status_code == 403
    assert reply.get_json()["error"]["code"] == "insufficient_scope"


def test_a_resident_lists_their_own_cases_a_page_at_a_time(
    app: Flask, integrator: Api, world: DemoWorld
) -> None:
    ids = [integrator.file(signed_claim(integrator, world)).get_json()["id"] for _ in range(3)]
    integrator.file(signed_claim(integrator, world, "single_parent"))
    resident = person_token(app, resident_login(world, "newborn_family"))
    first = resident.get("/api/v1/applications?limit=2").get_json()
    assert [c["id"] for c in first["items"]] == ids[::-1][:2]
    assert first["next_cursor"]
    second = resident.get(f"/api/v1/applications?limit=2&cursor={first['next_cursor']}")
    body = second.get_json()
    assert [c["id"] for c in body["items"]] == [ids[0]]
    assert body["next_cursor"] is None
    assert body["items"][0]["assignee"] is None


def test_an_integrator_lists_the_cases_it_filed(
    app: Flask, integrator: Api, filed: dict[str, Any], world: DemoWorld
) -> None:
    other = client_credentials(app, *register(app, name="他社"))
    other.file(signed_claim(other, world))
    page = integrator.get("/api/v1/applications").get_json()
    assert [c["id"] for c in page["items"]] == [filed["id"]]
    assert page["items"][0]["procedure_id"] == CLAIM


@pytest.mark.parametrize(
    ("query", "path"),
    [("due=overdue", "due"), ("cursor=%%%", "cursor"), ("limit=0", "limit"), ("state=X", "state")],
)
def test_list_filters_are_checked(integrator: Api, query: str, path: str) -> None:
    reply = integrator.get(f"/api/v1/applications?{query}")
    assert reply.status_code == 422
    assert reply.get_json()["errors"][0]["path"] == path


def test_staff_get_the_work_queue_of_their_departments(
    app: Flask, staff: Api, integrator: Api, world: DemoWorld
) -> None:
    ids = [integrator.file(signed_claim(integrator, world)).get_json()["id"] for _ in range(3)]
    staff.fire(ids[0], 1, "receive")
    page = staff.get("/api/v1/applications").get_json()
    assert {c["id"] for c in page["items"]} == set(ids)
    assert page["counts"] == {"submitted": 2, "received": 1}
    row = next(c for c in page["items"] if c["id"] == ids[0])
    assert row["state"] == "received"
    assert row["state_label"] == {"ja": "受付済み", "en": "Received"}
    assert isinstance(row["days_left"], int)
    only = staff.get("/api/v1/applications?state=submitted").get_json()
    assert {c["id"] for c in only["items"]} == set(ids[1:])
    first = staff.get("/api/v1/applications?limit=2").get_json()
    rest = staff.get(f"/api/v1/applications?limit=2&cursor={first['next_cursor']}").get_json()
    assert len(first["items"]) == 2
    assert rest["counts"] is None  # counts come with the first page
    assert {c["id"] for c in first["items"] + rest["items"]} == set(ids)
    care = person_token(app, staff_login(departments=("介護保険課",)))
    assert care.get("/api/v1/applications").get_json()["items"] == []


def test_the_queue_filters_by_assignee(staff: Api, filed: dict[str, Any]) -> None:
    unassigned = staff.get("/api/v1/applications?assignee=none").get_json()["items"]
    assert [c["id"] for c in unassigned] == [filed["id"]]
    assert staff.get("/api/v1/applications?assignee=me").get_json()["items"] == []
    bad = staff.get("/api/v1/applications?assignee=%E2%9C%93")
    assert bad.status_code == 422
    assert staff.get("/api/v1/applications?cursor=garbage").status_code == 422


def test_staff_without_a_work_role_have_no_queue(app: Flask) -> None:
    admin = person_token(app, staff_login(roles=("admin",)))
    reply = admin.get("/api/v1/applications")
    assert reply.status_code == 403
    assert reply.get_json()["error"]["code"] == "forbidden"


def test_staff_reads_are_access_logged_and_refusals_too(
    app: Flask, staff: Api, filed: dict[str, Any]
) -> None:
    from sqlmodel import Session, select

    from engine.access_log import AccessLogEntry

    staff.get(_path(filed["id"]))
    assert staff.get(f"{_path(filed['id'])}/attachments/1").status_code == 200
    care = person_token(app, staff_login(departments=("介護保険課",), staff_id="s-care"))
    assert care.get(_path(filed["id"])).status_code == 404
    assert care.get(_path(uuid.uuid4().hex)).status_code == 404  # nothing there: no entry
    with Session(app.extensions["madoguchi"].db) as s:
        entries = s.exec(select(AccessLogEntry).order_by(AccessLogEntry.id)).all()  # type: ignore[arg-type]
    assert [(e.staff_id, e.action, e.case_id) for e in entries] == [
        ("s-tanaka", "open_case", filed["id"]),
        ("s-tanaka", "view_attachment", filed["id"]),
        ("s-care", "denied", filed["id"]),
    ]
    assert entries[1].target == "通帳.pdf"
