"""Following an application: my applications, correction (要訂正), withdrawal, draft expiry."""

from __future__ import annotations

import datetime as dt
import re

from sqlmodel import Session, select
from test_web_citizen_filing import ANSWERS, answer, file_claim, start, walk_steps
from web_citizen_support import MOVED, NEWBORN, PUBLIC, Resident, csrf, errors_of

from engine.actors import Actor
from engine.cases import fire, plain_data
from engine.drafts import Draft
from engine.models import Case
from engine.records import get_case
from engine.runtime import Runtime

STAFF = Actor.staff("s1", {"intake", "review"}, {"子育て支援課"}, "審査 担当")
ASKED = "勤務先の名称を正式名称で書いてください。"


def _request_correction(rt: Runtime, case_id: str) -> None:
    with Session(rt.db) as s:
        fire(rt, s, case_id, "receive", STAFF)
        fire(rt, s, case_id, "start_review", STAFF)
        fire(rt, s, case_id, "request_correction", STAFF, comment=ASKED)
        s.commit()


def test_a_correction_request_is_answered_and_the_case_continues(
    resident: Resident, web_rt: Runtime
) -> None:
    case_id = file_claim(resident)
    _request_correction(web_rt, case_id)
    mine = resident.client.get("/mine").text
    assert "要訂正" in mine
    page = resident.client.get(f"/cases/{case_id}").text
    assert ASKED in page
    assert "申請内容を訂正する" in page
    resp = resident.client.post(f"/cases/{case_id}/correct", data={"csrf_token": csrf(page)})
    assert resp.status_code == 302
    step = resp.headers["Location"].removeprefix(PUBLIC)
    assert ASKED in resident.client.get(step).text  # what staff asked, beside the form
    fixed = {
        **ANSWERS,
        "claimant": {**ANSWERS["claimant"], "claimant-employer": "国立商事株式会社"},
    }
    *_, check = walk_steps(resident, step, fixed)
    submit = check.replace("/check", "/submit")
    sign_page = resident.client.get(submit).text
    assert "訂正して再提出する" in sign_page
    done = resident.client.post(
        submit, data={"csrf_token": csrf(sign_page), "sign_pin": NEWBORN[2]}
    )
    assert done.status_code == 302, errors_of(done.text)
    again = resident.client.post(
        submit, data={"csrf_token": csrf(sign_page), "sign_pin": NEWBORN[2]}
    )
    assert again.status_code == 302  # a second click changes nothing
    with Session(web_rt.db) as s:
        case = get_case(s, case_id)
        assert case is not None
        assert case.state == "under_review"
        proc = web_rt.procedure_for(s, case.definition_version)
        assert plain_data(web_rt, case, proc)["claimant"]["employer"] == "国立商事株式会社"
        assert case.version == 5  # submit, receive, review, correction, one resubmission
    page = resident.client.get(f"/cases/{case_id}").text
    assert "処理中" in page
    assert "申請内容を訂正する" not in page


def test_withdrawal_asks_for_confirmation_first(resident: Resident, web_rt: Runtime) -> None:
    case_id = file_claim(resident)
    page = resident.client.get(f"/cases/{case_id}").text
    assert f"/cases/{case_id}/actions/withdraw" in page
    confirm = resident.client.get(f"/cases/{case_id}/actions/withdraw")
    assert "元に戻すことはできません" in confirm.text
    with Session(web_rt.db) as s:
        assert (get_case(s, case_id) or pytest_fail()).state == "submitted"  # not yet
    version = re.search(r'name="version" value="(\d+)"', confirm.text)
    assert version
    resp = resident.client.post(
        f"/cases/{case_id}/actions/withdraw",
        data={"csrf_token": csrf(confirm.text), "version": version.group(1), "comment": "不要"},
    )
    assert resp.status_code == 302
    with Session(web_rt.db) as s:
        assert (get_case(s, case_id) or pytest_fail()).state == "withdrawn"
    assert "取下げ済み" in resident.client.get("/mine").text
    # Only actions the resident may take are offered: staff triggers are refused.
    assert resident.client.get(f"/cases/{case_id}/actions/receive").status_code == 404


def pytest_fail() -> object:
    raise AssertionError("case not found")


def test_drafts_are_resumed_from_my_applications_and_expire(
    resident: Resident, web_rt: Runtime
) -> None:
    resident.login(NEWBORN[0], NEWBORN[1])
    step = start(resident)
    resp = answer(resident, step, {**ANSWERS["claimant"], "_save": "1"})
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith("/mine")
    mine = resident.client.get("/mine").text
    assert "入力途中の申請" in mine
    assert "続きを入力する" in mine
    assert "まもなく削除されます" not in mine
    with Session(web_rt.db) as s:
        draft = s.exec(select(Draft)).one()
        draft.expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
        s.add(draft)
        s.commit()
    assert "まもなく削除されます" in resident.client.get("/mine").text
    with Session(web_rt.db) as s:
        draft = s.exec(select(Draft)).one()
        draft.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        s.add(draft)
        s.commit()
    assert "入力途中の申請" not in resident.client.get("/mine").text
    assert resident.client.get(step).status_code == 404
    with Session(web_rt.db) as s:
        assert s.exec(select(Draft)).first() is None  # deleted, personal data included


def test_the_session_times_out_and_the_draft_survives(
    citizen_app: object, resident: Resident, web_rt: Runtime
) -> None:
    resident.login(NEWBORN[0], NEWBORN[1])
    step = start(resident)
    answer(resident, step, ANSWERS["claimant"])
    with resident.client.session_transaction() as sess:
        sess["seen"] = sess["seen"] - 16 * 60
    resp = resident.client.get(step)
    assert resp.status_code == 302
    assert "/login" in resp.headers["Location"]
    login_page = resident.client.get(resp.headers["Location"].removeprefix(PUBLIC)).text
    assert "一定時間操作がなかったため" in login_page
    resident.login(NEWBORN[0], NEWBORN[1])
    assert "会社員" in resident.client.get(step).text


def test_notices_from_the_city_appear_in_my_applications(
    resident: Resident, web_rt: Runtime
) -> None:
    from engine.intake import worker_handlers
    from engine.outbox import OutboxWorker

    case_id = file_claim(resident)
    _request_correction(web_rt, case_id)
    OutboxWorker(web_rt.db, worker_id="t", kinds=worker_handlers(web_rt)).run_once()
    mine = resident.client.get("/mine").text
    assert "申請内容の訂正をお願いします" in mine
    assert "申請内容の訂正をお願いします" in resident.client.get(f"/cases/{case_id}").text


def test_a_revoked_signing_certificate_files_nothing(resident: Resident, web_rt: Runtime) -> None:
    """伊藤 拓也 moved here: his signing certificate was revoked by the move."""
    resident.login(MOVED[0], MOVED[1])
    step = start(resident)
    answers = {
        **ANSWERS,
        "claimant": {**ANSWERS["claimant"]},
        "reason": {"claim_reason": "moved_in", "event_date": ANSWERS["reason"]["event_date"]},
        "spouse": {"has_spouse": "no"},
        "children": {
            "children-0-name": "伊藤 花",
            "children-0-kana": "イトウ ハナ",
            "children-0-birth_date": "2020-04-01",
            "children-0-relationship": "jisshi",
            "children-0-lives_with_claimant": "yes",
            "children-0-in_custody": "yes",
            "children-0-shared_livelihood": "yes",
            "has_supported_older_child": "no",
        },
        "payment": {
            "use_public_funds_account": "no",
            **{k: v for k, v in ANSWERS["payment"].items() if k.startswith("bank_account")},
            "bank_account-holder_kana": "イトウ タクヤ",
        },
    }
    *_, check = walk_steps(resident, step, answers)
    submit = check.replace("/check", "/submit")
    token = csrf(resident.client.get(submit).text)
    resp = resident.client.post(submit, data={"csrf_token": token, "sign_pin": MOVED[2]})
    assert resp.status_code == 400
    assert "電子署名を確認できませんでした" in resp.text
    with Session(web_rt.db) as s:
        assert s.exec(select(Case)).first() is None
        assert s.exec(select(Draft)).one().status == "open"  # nothing lost


def test_documents_issued_for_the_case_are_listed_and_downloaded(
    citizen_app: object, resident: Resident, web_rt: Runtime
) -> None:
    from engine.documents import spec_of, store_document

    case_id = file_claim(resident)
    with Session(web_rt.db) as s:
        fire(web_rt, s, case_id, "receive", STAFF)
        case = get_case(s, case_id)
        assert case is not None
        proc = web_rt.procedure_for(s, case.definition_version)
        row = store_document(web_rt, s, case, proc, spec_of(proc, "receipt"), case.version)
        s.commit()
        link = f"/cases/{case_id}/documents/{row.id}"
    page = resident.client.get(f"/cases/{case_id}").text
    assert link in page
    assert "受付票" in page
    pdf = resident.client.get(link)
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")
    other = Resident(citizen_app.test_client())  # type: ignore[attr-defined]
    other.login("1000000102", "1357")
    assert other.client.get(link).status_code == 404
