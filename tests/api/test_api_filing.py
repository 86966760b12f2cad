"""POST /applications: who may file for whom, idempotency, every problem listed at once."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest
from api_helpers import (
    CLAIM,
    KOSODATE,
    PDF,
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
    upload,
)
from flask import Flask
from sqlmodel import Session, col, select

from adapters.mock.world import DemoWorld
from engine.models import Attachment, Case, CaseEvent, OutboxMessage


def _case(app: Flask, case_id: str) -> Case:
    with Session(app.extensions["madoguchi"].db) as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case


def test_an_integrator_files_a_signed_claim(app: Flask, integrator: Api, world: DemoWorld) -> None:
    reply = integrator.file(signed_claim(integrator, world))
    assert reply.status_code == 201, reply.get_json()
    body = reply.get_json()
    assert set(body) == {
        "id",
        "reference",
        "procedure_id",
        "state",
        "state_label",
        "version",
        "due_date",
        "created_at",
    }
    assert body["procedure_id"] == CLAIM
    assert body["state"] == "submitted"
    assert body["version"] == 1
    assert body["due_date"] is not None
    assert reply.headers["Location"] == f"/api/v1/applications/{body['id']}"
    assert reply.headers["ETag"] == '"1"'
    case = _case(app, body["id"])
    assert case.channel == "api"
    assert case.filed_by == integrator.client_id
    # The signer is the applicant.
    assert case.applicant_id == persona(world, "newborn_family").resident_number
    with Session(app.extensions["madoguchi"].db) as s:
        events = s.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
        files = s.exec(select(Attachment).where(Attachment.case_id == case.id)).all()
    assert [(e.trigger, e.actor_kind, e.actor_id) for e in events] == [
        ("submit", "integrator", integrator.client_id)
    ]
    assert [f.name for f in files] == ["通帳.pdf"]


def test_the_same_key_and_body_return_the_same_case(integrator: Api, world: DemoWorld) -> None:
    body = signed_claim(integrator, world)
    key = str(uuid.uuid4())
    first = integrator.file(body, key)
    again = integrator.file(body, key)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers


def test_the_same_key_with_another_body_is_a_conflict(integrator: Api, world: DemoWorld) -> None:
    body = signed_claim(integrator, world)
    key = str(uuid.uuid4())
    assert integrator.file(body, key).status_code == 201
    other = copy.deepcopy(body)
    other["data"]["claimant"]["occupation"] = "自営業"
    other["signature"] = signature(world, "newborn_family", other["data"])
    reply = integrator.file(other, key)
    assert reply.status_code == 409
    assert reply.get_json()["error"]["code"] == "idempotency_conflict"


def test_keys_are_per_client(app: Flask, integrator: Api, world: DemoWorld) -> None:
    other = client_credentials(app, *register(app, name="別のアプリ"))
    key = "order-1"
    mine = integrator.file(signed_claim(integrator, world), key)
    theirs = other.file(signed_claim(other, world), key)
    assert mine.status_code == theirs.status_code == 201
    assert mine.get_json()["id"] != theirs.get_json()["id"]


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "idempotency_key_required"),
        ({"Idempotency-Key": "含む日本語"}, "idempotency_key_invalid"),
    ],
)
def test_the_idempotency_key_is_required_and_checked(
    integrator: Api, world: DemoWorld, headers: dict[str, str], code: str
) -> None:
    body = signed_claim(integrator, world)
    reply = integrator.client.post(
        "/api/v1/applications", json=body, headers=integrator.headers(headers)
    )
    assert reply.status_code == 400
    assert reply.get_json()["error"]["code"] == code


def test_every_problem_of_the_data_is_listed(integrator: Api, world: DemoWorld) -> None:
    body = signed_claim(integrator, world)
    data = body["data"]
    del data["claimant"]["occupation"]
    data["claimant"]["birth_date"] = "2100-01-01"
    data["children"][0]["kana"] = "yamada"
    data["consent_records"] = False
    body["signature"] = signature(world, "newborn_family", data)
    reply = integrator.file(body)
    assert reply.status_code == 422
    payload = reply.get_json()
    assert payload["error"]["code"] == "validation_failed"
    paths = {e["path"] for e in payload["errors"]}
    assert {
        "data.claimant.occupation",
        "data.claimant.birth_date",
        "data.children[0].kana",
        "data.consent_records",
    } <= paths
    for e in payload["errors"]:
        assert e["code"]
        assert e["message"]["ja"]
        assert e["message"]["en"]


def test_nothing_is_written_when_a_filing_is_refused(
    app: Flask, integrator: Api, world: DemoWorld
) -> None:
    body = signed_claim(integrator, world)
    body["data"]["consent_records"] = False
    body["signature"] = signature(world, "newborn_family", body["data"])
    assert integrator.file(body).status_code == 422
    with Session(app.extensions["madoguchi"].db) as s:
        assert s.exec(select(Case)).all() == []
        assert s.exec(select(OutboxMessage)).all() == []


@pytest.mark.parametrize(
    ("change", "path", "code"),
    [
        (lambda b: b.pop("procedure_id"), "procedure_id", "required"),
        (lambda b: b.update(procedure_id="no-such-thing"), "procedure_id", "unknown"),
        (lambda b: b.update(data=[1, 2]), "data", "invalid"),
        (lambda b: b.update(extra=1), "extra", "unknown_field"),
        (lambda b: b["signature"].update(value="###"), "signature.value", "invalid"),
    ],
)
def test_the_body_shape_is_checked(
    integrator: Api, world: DemoWorld, change: Any, path: str, code: str
) -> None:
    body = signed_claim(integrator, world)
    change(body)
    reply = integrator.file(body)
    assert reply.status_code == 422
    assert reply.get_json()["error"]["code"] == "validation_failed"
    assert (path, code) in {(e["path"], e["code"]) for e in reply.get_json()["errors"]}


def test_a_body_that_is_not_json(integrator: Api) -> None:
    headers = {"Idempotency-Key": "k1", "Content-Type": "application/json"}
    bad = integrator.post("/api/v1/applications", data=b"{not json", headers=headers)
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"] == "invalid_json"
    form = integrator.post(
        "/api/v1/applications", data={"a": "b"}, headers={"Idempotency-Key": "k2"}
    )
    assert form.status_code == 415
    assert form.get_json()["error"]["code"] == "unsupported_media_type"


def test_an_integrator_must_send_the_signature(integrator: Api, world: DemoWorld) -> None:
    body = signed_claim(integrator, world)
    del body["signature"]
    reply = integrator.file(body)
    assert reply.status_code == 422
    assert reply.get_json()["error"]["code"] == "signature_required"


def test_a_signature_over_other_data_is_rejected(integrator: Api, world: DemoWorld) -> None:
    body = signed_claim(integrator, world)
    body["data"]["claimant"]["phone"] = "090-0000-0000"
    reply = integrator.file(body)
    assert reply.status_code == 422
    error = reply.get_json()["error"]
    assert error["code"] == "signature_rejected"
    assert "電子署名" in error["message"]["ja"]


def test_the_signer_must_be_the_applicant(integrator: Api, world: DemoWorld) -> None:
    # single_parent signs newborn_family's claim (whose My Number is not hers).
    body = signed_claim(integrator, world)
    body["signature"] = signature(world, "single_parent", body["data"])
    reply = integrator.file(body)
    assert reply.status_code == 422
    assert reply.get_json()["error"]["code"] == "signature_rejected"


def test_a_revoked_signing_certificate_is_rejected(integrator: Api, world: DemoWorld) -> None:
    body = signed_claim(integrator, world, "recently_moved")
    reply = integrator.file(body)
    assert reply.status_code == 422
    assert reply.get_json()["error"]["code"] == "signature_rejected"


def test_a_resident_files_for_themselves_with_their_signature(app: Flask, world: DemoWorld) -> None:
    who = resident_login(world, "newborn_family")
    api = person_token(app, who)
    body = signed_claim(api, world)
    reply = api.file(body)
    assert reply.status_code == 201, reply.get_json()
    case = _case(app, reply.get_json()["id"])
    assert case.applicant_id == case.filed_by == who.resident_id
    unsigned = signed_claim(api, world)
    del unsigned["signature"]
    assert api.file(unsigned).get_json()["error"]["code"] == "signature_required"
    signed_by_another = signed_claim(api, world)
    signed_by_another["signature"] = signature(world, "single_parent", signed_by_another["data"])
    assert api.file(signed_by_another).get_json()["error"]["code"] == "signature_rejected"
    someone_elses_claim = signed_claim(api, world, "single_parent")
    assert api.file(someone_elses_claim).get_json()["error"]["code"] == "not_the_applicant"


def test_residents_and_integrators_cannot_name_another_applicant(
    integrator: Api, world: DemoWorld
) -> None:
    body = signed_claim(integrator, world)
    body["applicant_id"] = "1000000501"
    reply = integrator.file(body)
    assert reply.status_code == 422
    assert reply.get_json()["errors"][0] == {
        "path": "applicant_id",
        "code": "not_allowed",
        "message": {
            "ja": "職員が窓口で申請するときだけ指定します。",
            "en": "Only for staff filing at the counter.",
        },
    }


def test_staff_file_at_the_counter_for_a_resident(app: Flask, staff: Api, world: DemoWorld) -> None:
    resident = persona(world, "newborn_family").resident_number
    body: dict[str, Any] = {"procedure_id": CLAIM, "data": claim_data(world)}
    up = upload(staff)
    body["attachments"] = {"bank_book_copy": [up.get_json()["id"]]}
    missing = staff.file(body)
    assert missing.status_code == 422
    assert {e["path"] for e in missing.get_json()["errors"]} == {
        "applicant_id",
        "identity_check",
    }
    body |= {"applicant_id": resident, "identity_check": "マイナンバーカード"}
    reply = staff.file(body)
    assert reply.status_code == 201, reply.get_json()
    case = _case(app, reply.get_json()["id"])
    assert case.applicant_id == resident
    with Session(app.extensions["madoguchi"].db) as s:
        event = s.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).one()
    assert event.actor_kind == "staff"
    assert event.changes["counter"] == {
        "on_behalf_of": resident,
        "identity_check": "マイナンバーカード",
    }


def test_staff_without_intake_or_of_another_department_may_not_file(
    app: Flask, world: DemoWorld
) -> None:
    resident = persona(world, "newborn_family").resident_number
    for who in (
        staff_login(roles=("review",)),
        staff_login(departments=("介護保険課",)),
    ):
        api = person_token(app, who)
        body = {
            "procedure_id": CLAIM,
            "data": claim_data(world),
            "applicant_id": resident,
            "identity_check": "運転免許証",
        }
        up = upload(api)
        body["attachments"] = {"bank_book_copy": [up.get_json()["id"]]}
        reply = api.file(body)
        assert reply.status_code == 403, reply.get_json()
        assert reply.get_json()["error"]["code"] == "forbidden"


def test_a_filing_may_only_attach_the_callers_own_uploads(
    app: Flask, integrator: Api, world: DemoWorld
) -> None:
    other = client_credentials(app, *register(app, name="他社"))
    theirs = upload(other, content=PDF + b"%their own file\n").get_json()
    body = signed_claim(integrator, world)
    body["attachments"] = {"bank_book_copy": [theirs["id"]]}
    reply = integrator.file(body)
    assert reply.status_code == 422
    assert reply.get_json()["errors"][0]["path"] == "attachments.bank_book_copy[0]"
    assert reply.get_json()["errors"][0]["code"] == "unknown_upload"
    # Nor copy the other client's reference into data.
    direct = signed_claim(integrator, world)
    del direct["attachments"]
    direct["data"]["bank_book_copy"] = [theirs["reference"]]
    direct["signature"] = signature(world, "newborn_family", direct["data"])
    reply = integrator.file(direct)
    assert reply.status_code == 422
    assert reply.get_json()["errors"][0]["code"] == "unknown_upload"


def test_an_own_upload_reference_may_go_into_data(integrator: Api, world: DemoWorld) -> None:
    body = signed_claim(integrator, world)
    ref = upload(integrator).get_json()["reference"]
    del body["attachments"]
    body["data"]["bank_book_copy"] = [ref]
    body["signature"] = signature(world, "newborn_family", body["data"])
    assert integrator.file(body).status_code == 201


def test_attachments_must_name_an_attachment_field(integrator: Api, world: DemoWorld) -> None:
    body = signed_claim(integrator, world)
    body["attachments"]["claimant.name"] = body["attachments"].pop("bank_book_copy")
    reply = integrator.file(body)
    assert reply.status_code == 422
    assert reply.get_json()["errors"][0]["path"] == "attachments.claimant.name"


def test_a_procedure_not_filed_through_the_api_is_refused(
    app: Flask, integrator: Api, world: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = app.extensions["madoguchi"]
    proc = rt.catalog.procedures[CLAIM]
    closed = proc.model_copy(update={"channels": ("online", "counter")})
    monkeypatch.setitem(rt.catalog.procedures, CLAIM, closed)  # type: ignore[arg-type]
    reply = integrator.file(signed_claim(integrator, world))
    assert reply.status_code == 403
    assert "api" in reply.get_json()["error"]["message"]["en"]


def test_filing_writes_the_case_and_event_in_one_transaction(
    app: Flask, filed: dict[str, Any]
) -> None:
    with Session(app.extensions["madoguchi"].db) as s:
        events = s.exec(
            select(CaseEvent).where(CaseEvent.case_id == filed["id"]).order_by(col(CaseEvent.seq))
        ).all()
    assert [e.trigger for e in events] == ["submit"]
    assert KOSODATE in app.extensions["madoguchi"].catalog.get(CLAIM).departments


def test_a_resident_files_only_with_their_own_my_number(app: Flask, world: DemoWorld) -> None:
    api = person_token(app, resident_login(world, "newborn_family"))
    body = signed_claim(api, world)
    body["data"]["claimant"]["my_number"] = persona(world, "single_parent").my_number
    body["signature"] = signature(world, "newborn_family", body["data"])
    reply = api.file(body)
    assert reply.status_code == 422
    error = reply.get_json()["error"]
    assert error["code"] == "not_the_applicant"
    assert error["message"]["en"] == (
        "The applicant's My Number is not yours. Enter your own My Number."
    )
