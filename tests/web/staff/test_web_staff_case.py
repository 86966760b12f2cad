"""The case page: access per department (refusals logged), actions, conflicts, notes,
My Number unmasking with a reason, documents."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from engine.access_log import AccessLogEntry
from engine.models import Case, CaseEvent
from engine.notes import CaseNote
from web import runtime

Client = Callable[[str], FlaskClient]


@pytest.fixture(autouse=True)
def _no_csrf(demo_app: Flask) -> None:
    demo_app.config["WTF_CSRF_ENABLED"] = False


def _get(app: Flask, case_id: str) -> Case:
    with Session(runtime(app).db) as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case


def _log(app: Flask, case_id: str) -> list[AccessLogEntry]:
    with Session(runtime(app).db) as s:
        return list(
            s.exec(
                select(AccessLogEntry)
                .where(AccessLogEntry.case_id == case_id)
                .order_by(col(AccessLogEntry.id))
            )
        )


def test_opening_a_case_is_logged(demo_app: Flask, staff_client: Client, claim_id: str) -> None:
    case = _get(demo_app, claim_id)
    page = staff_client("kosodate-shinsa").get(f"/staff/cases/{case.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "審査中" in text
    assert "決裁に回す" in text  # the reviewer's action now
    assert "認定（決裁）" not in text.split("いまできる操作")[1].split("申請内容")[0]
    entries = _log(demo_app, case.id)
    assert [(e.staff_id, e.action) for e in entries] == [("kosodate-shinsa", "open_case")]


def test_a_care_insurance_clerk_is_refused_and_the_refusal_is_logged(
    demo_app: Flask, staff_client: Client, claim_id: str
) -> None:
    case = _get(demo_app, claim_id)
    resp = staff_client("kaigo-shinsa").get(f"/staff/cases/{case.id}")
    assert resp.status_code == 403
    assert "許可されていません" in resp.get_data(as_text=True)
    assert [(e.staff_id, e.action) for e in _log(demo_app, case.id)] == [("kaigo-shinsa", "denied")]
    # The same clerk's queue does not list it either.
    inbox = staff_client("kaigo-shinsa").get("/staff/inbox").get_data(as_text=True)
    assert case.reference not in inbox


def test_review_to_approval_with_decision_details(
    demo_app: Flask, staff_client: Client, claim_id: str
) -> None:
    case = _get(demo_app, claim_id)
    reviewer = staff_client("kosodate-shinsa")
    resp = reviewer.post(
        f"/staff/cases/{case.id}/actions/submit_for_sign_off", data={"version": case.version}
    )
    assert resp.status_code == 302
    approver = staff_client("kosodate-kessai")
    fresh = _get(demo_app, claim_id)
    missing = approver.post(
        f"/staff/cases/{case.id}/actions/approve", data={"version": fresh.version}
    )
    assert missing.status_code == 422
    body = missing.get_data(as_text=True)
    assert "エラー：" in body
    assert "手当の月額" in body
    done = approver.post(
        f"/staff/cases/{case.id}/actions/approve",
        data={
            "version": fresh.version,
            "monthly_amount": "15000",
            "payment_start_month": "2026-12",
        },
    )
    assert done.status_code == 302
    after = _get(demo_app, claim_id)
    assert after.state == "approved"
    assert after.outcome["monthly_amount"] == 15000


def test_rejection_needs_a_reason(demo_app: Flask, staff_client: Client, claim_id: str) -> None:
    case = _get(demo_app, claim_id)
    staff_client("kosodate-shinsa").post(
        f"/staff/cases/{case.id}/actions/submit_for_sign_off", data={"version": case.version}
    )
    approver = staff_client("kosodate-kessai")
    resp = approver.post(
        f"/staff/cases/{case.id}/actions/reject", data={"version": case.version + 1}
    )
    assert resp.status_code == 422
    assert "理由またはメッセージの入力が必要です" in resp.get_data(as_text=True)
    assert _get(demo_app, claim_id).state == "awaiting_sign_off"


def test_two_staff_editing_at_once_see_someone_changed_this_case(
    demo_app: Flask, staff_client: Client, claim_id: str
) -> None:
    case = _get(demo_app, claim_id)
    first, second = staff_client("kosodate-shinsa"), staff_client("kosodate-shinsa")
    assert (
        first.post(
            f"/staff/cases/{case.id}/actions/submit_for_sign_off", data={"version": case.version}
        ).status_code
        == 302
    )
    stale = second.post(
        f"/staff/cases/{case.id}/actions/request_correction",
        data={"version": case.version, "comment": "住所の番地を確認してください。"},
    )
    assert stale.status_code == 409
    text = stale.get_data(as_text=True)
    assert "他の職員が更新しました" in text
    after = _get(demo_app, claim_id)
    assert after.state == "awaiting_sign_off"  # the first change stands, nothing overwritten
    with Session(runtime(demo_app).db) as s:
        triggers = [
            e.trigger for e in s.exec(select(CaseEvent).where(CaseEvent.case_id == case.id))
        ]
    assert "request_correction" not in triggers


def test_my_number_is_masked_and_unmasking_needs_the_right_and_a_reason(
    demo_app: Flask, staff_client: Client, claim_id: str
) -> None:
    case = _get(demo_app, claim_id)
    intake = staff_client("kosodate-uketsuke")
    page = intake.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "202501000126" not in page
    assert "********0126" in page
    assert "個人番号を表示" not in page  # intake has no right to unmask
    assert (
        intake.post(f"/staff/cases/{case.id}/unmask", data={"reason": "照合のため"}).status_code
        == 403
    )
    reviewer = staff_client("kosodate-shinsa")
    no_reason = reviewer.post(f"/staff/cases/{case.id}/unmask", data={"reason": ""})
    assert no_reason.status_code == 422
    assert "理由" in no_reason.get_data(as_text=True)
    shown = reviewer.post(f"/staff/cases/{case.id}/unmask", data={"reason": "番号照合のため"})
    assert shown.status_code == 200
    assert "202501000126" in shown.get_data(as_text=True)
    entries = [e for e in _log(demo_app, case.id) if e.action == "unmask_my_number"]
    assert len(entries) == 1
    assert entries[0].reason == "番号照合のため"
    assert "202501000126" not in (entries[0].target + (entries[0].reason or ""))


def test_notes_and_claiming(demo_app: Flask, staff_client: Client, claim_id: str) -> None:
    case = _get(demo_app, claim_id)
    reviewer = staff_client("kosodate-shinsa")
    empty = reviewer.post(f"/staff/cases/{case.id}/notes", data={"body": "  "})
    assert empty.status_code == 422
    assert (
        reviewer.post(f"/staff/cases/{case.id}/notes", data={"body": "電話で確認済み"}).status_code
        == 302
    )
    with Session(runtime(demo_app).db) as s:
        assert [n.body for n in s.exec(select(CaseNote).where(CaseNote.case_id == case.id))] == [
            "電話で確認済み"
        ]
    assert (
        reviewer.post(f"/staff/cases/{case.id}/assign", data={"version": case.version}).status_code
        == 302
    )
    assert _get(demo_app, claim_id).assignee == "kosodate-shinsa"
    stale = staff_client("kosodate-uketsuke").post(
        f"/staff/cases/{case.id}/assign", data={"version": case.version}
    )
    assert stale.status_code == 409
    assert _get(demo_app, claim_id).assignee == "kosodate-shinsa"


def test_a_document_rendered_on_demand_is_a_logged_pdf(
    demo_app: Flask, staff_client: Client, claim_id: str
) -> None:
    case = _get(demo_app, claim_id)
    resp = staff_client("kosodate-shinsa").get(
        f"/staff/cases/{case.id}/documents/preview/application_copy"
    )
    assert resp.status_code == 200
    assert resp.data.startswith(b"%PDF")
    assert [e.action for e in _log(demo_app, case.id)] == ["download_document"]


def test_the_inbox_filters_and_bulk_assigns(
    demo_app: Flask, staff_client: Client, claim_id: str
) -> None:
    client = staff_client("kosodate-uketsuke")
    page = client.get("/staff/inbox").get_data(as_text=True)
    case = _get(demo_app, claim_id)
    assert case.reference in page
    only = client.get("/staff/inbox?state=submitted").get_data(as_text=True)
    assert case.reference not in only
    resp = client.post(
        "/staff/inbox/assign", data={"case_id": [case.id], "assignee": "kosodate-shinsa"}
    )
    assert resp.status_code == 302
    assert _get(demo_app, claim_id).assignee == "kosodate-shinsa"
    mine = staff_client("kosodate-shinsa").get("/staff/inbox?assignee=me").get_data(as_text=True)
    assert case.reference in mine
    bad = client.post("/staff/inbox/assign", data={"case_id": [case.id], "assignee": "名前"})
    assert bad.status_code == 302


def test_the_access_log_is_for_administrators(
    demo_app: Flask, staff_client: Client, claim_id: str
) -> None:
    case = _get(demo_app, claim_id)
    staff_client("kaigo-shinsa").get(f"/staff/cases/{case.id}")
    page = staff_client("admin").get("/staff/access-log?action=denied")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "kaigo-shinsa" in text
    assert "アクセス拒否" in text


def test_the_dashboard_and_its_csv(demo_app: Flask, staff_client: Client, claim_id: str) -> None:
    page = staff_client("kosodate-kessai").get("/staff/dashboard")
    assert page.status_code == 200
    assert "<svg" in page.get_data(as_text=True)
    csv = staff_client("kosodate-kessai").get("/staff/dashboard.csv")
    assert csv.status_code == 200
    assert "jidou-teate-nintei,under_review,2" in csv.get_data(as_text=True)


def test_the_case_page_highlights_what_differs_from_the_registry(
    demo_app: Flask, staff_client: Client, claim_id: str
) -> None:
    matching = (
        staff_client("kosodate-shinsa").get(f"/staff/cases/{claim_id}").get_data(as_text=True)
    )
    assert "すべて一致しています" in matching  # prefilled from the registry, nothing changed
    with Session(runtime(demo_app).db) as s:
        demo = s.exec(select(Case).where(Case.applicant_id == "1000000501")).one()  # 小林 さくら
    page = staff_client("kosodate-shinsa").get(f"/staff/cases/{demo.id}").get_data(as_text=True)
    table = page.split("住民記録と異なる項目")[1].split("</table>")[0]
    assert "住所" in table
    assert "泉二丁目" in table  # the registry's address beside the filed one
    assert "202505000511" not in page


def test_errors_are_in_english_when_the_screen_is(
    demo_app: Flask, staff_client: Client, claim_id: str
) -> None:
    client = staff_client("kosodate-shinsa")
    client.get("/lang/en")
    resp = client.post(f"/staff/cases/{claim_id}/notes", data={"body": ""})
    assert resp.status_code == 422
    text = resp.get_data(as_text=True)
    assert "The note is empty. Write something." in text
    assert "Internal notes (not shown to the applicant)" in text


def test_the_workflow_diagram_marks_the_current_state(
    demo_app: Flask, staff_client: Client, claim_id: str
) -> None:
    case = _get(demo_app, claim_id)
    text = staff_client("kosodate-shinsa").get(f"/staff/cases/{case.id}").get_data(as_text=True)
    diagram = text.split('<div class="mg-diagram"')[1].split("</svg>")[0]
    assert "<svg" in diagram
    # Graphviz drew every state; the current one is filled with the key colour.
    proc = runtime(demo_app).catalog.get(case.procedure_id)
    for state in proc.workflow.states:
        assert f">{state.label.ja}</text>" in diagram
    current = proc.workflow.state(case.state).label.ja
    node = diagram.split(f"<title>{case.state}</title>")[1].split("</g>")[0]
    assert 'fill="#0017c1"' in node
    assert current in node
