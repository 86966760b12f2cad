"""Filing online: card login, prefilled steps, errors, uploads, check answers, sign, file once."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from pypdf import PdfReader
from sqlmodel import Session, select
from web_citizen_support import NEWBORN, PUBLIC, Resident, csrf, errors_of, fill

from engine.drafts import Draft
from engine.models import Attachment, Case
from engine.runtime import Runtime

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def _draft_path(location: str) -> str:
    return location.removeprefix(PUBLIC)


def start(resident: Resident, procedure_id: str = "jidou-teate-nintei") -> str:
    page = f"/procedures/{procedure_id}"
    resp = resident.post(f"/procedures/{procedure_id}/start", {}, page=page)
    assert resp.status_code == 302, resp.text
    return _draft_path(resp.headers["Location"])


def answer(
    resident: Resident, path: str, answers: dict[str, Any], files: dict[str, Any] | None = None
) -> Any:
    """Answer a step as a browser would; when answers reveal questions, answer again."""
    html = resident.client.get(path).text
    for _ in range(2):
        values = fill(html, path, answers)
        for name, upload in (files or {}).items():
            values.add(name, upload)
        resp = resident.client.post(path, data=values)
        if resp.status_code != 200 or errors_of(resp.text):
            return resp
        html, files = resp.text, None
    return resp


BANK = {
    "bank_account-bank_code": "0005",
    "bank_account-bank_name": "三菱UFJ銀行",
    "bank_account-branch_code": "123",
    "bank_account-branch_name": "国立支店",
    "bank_account-account_type": "futsuu",
    "bank_account-account_number": "1234567",
    "bank_account-holder_kana": "タカハシ ダイスケ",
}


# The answers 高橋 大輔 types on each step (the rest is prefilled from the registry).
ANSWERS: dict[str, dict[str, Any]] = {
    "claimant": {
        "claimant-phone": "042-576-2111",
        "claimant-occupation": "会社員",
        "claimant-pension_scheme": "kousei",
    },
    "reason": {
        "claim_reason": "birth",
        "event_date": (dt.date.today() - dt.timedelta(days=5)).isoformat(),
    },
    "spouse": {"has_spouse": "yes", "spouse-occupation": "会社員", "spouse-living_together": "yes"},
    "children": {
        "children-0-relationship": "jisshi",
        "children-0-in_custody": "yes",
        "children-0-shared_livelihood": "yes",
        "has_supported_older_child": "no",
    },
    "payment": {"use_public_funds_account": "no", **BANK},
    "consent": {"consent_records": "yes"},
}


def walk_steps(resident: Resident, step: str, answers: dict[str, dict[str, Any]]) -> list[str]:
    """Answer each step until the check page; returns the step ids seen, then the check path."""
    seen = []
    while "/steps/" in step:
        step_id = step.rsplit("/", 1)[1]
        seen.append(step_id)
        files = None
        if step_id == "attachments":
            files = {"bank_book_copy": (io.BytesIO(PNG), "tsuchou.png")}
        # Every answer is offered on every step: a definition may move a question.
        flat = {k: v for group in answers.values() for k, v in group.items()}
        resp = answer(resident, step, flat, files)
        assert resp.status_code == 302, (step_id, errors_of(resp.text))
        step = _draft_path(resp.headers["Location"])
    assert step.endswith("/check")
    return [*seen, step]


def fill_child_allowance(resident: Resident) -> str:
    """Log in as 高橋 大輔 and answer every step; returns the draft's check page."""
    resident.login(NEWBORN[0], NEWBORN[1])
    *seen, check = walk_steps(resident, start(resident), ANSWERS)
    assert seen[0] == "claimant"
    assert seen[-1] == "attachments"
    return check


def test_a_resident_files_the_child_allowance_claim_once(
    resident: Resident, web_rt: Runtime
) -> None:
    check = fill_child_allowance(resident)
    page = resident.client.get(check).text
    assert "入力内容の確認" in page
    assert "高橋" in page
    assert "tsuchou.png" in page
    assert "202502000219" not in page  # My Number masked on the check page
    submit = check.replace("/check", "/submit")
    sign_page = resident.client.get(submit).text
    wrong = resident.client.post(
        submit, data={"csrf_token": csrf(sign_page), "sign_pin": "WRONG123"}
    )
    assert wrong.status_code == 400
    assert "パスワードが違います" in wrong.text
    assert "エラー：" in wrong.text
    first = resident.client.post(
        submit, data={"csrf_token": csrf(sign_page), "sign_pin": NEWBORN[2]}
    )
    assert first.status_code == 302, first.text
    done = first.headers["Location"].removeprefix(PUBLIC)
    again = resident.client.post(
        submit, data={"csrf_token": csrf(sign_page), "sign_pin": NEWBORN[2]}
    )
    assert again.headers["Location"].removeprefix(PUBLIC) == done  # a double click: the same case
    confirmation = resident.client.get(done).text
    reference = re.search(r'id="reference">([0-9-]+)<', confirmation)
    assert reference
    assert "このあとの流れ" in confirmation
    with Session(web_rt.db) as s:
        cases = s.exec(select(Case)).all()
        assert len(cases) == 1
        assert cases[0].applicant_id == NEWBORN[0]
        assert cases[0].channel == "online"
        assert cases[0].reference == reference.group(1)
        draft = s.exec(select(Draft)).one()
        assert draft.status == "filed"
        assert draft.signature is not None
        assert s.exec(select(Attachment)).one().case_id == cases[0].id
    pdf = resident.client.get(done.replace("/done", "/application.pdf"))
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert reference.group(1) in text
    assert "高橋" in text
    assert "202502000219" not in text
    mine = resident.client.get("/mine").text
    assert reference.group(1) in mine
    assert "処理中" in mine


def file_claim(resident: Resident) -> str:
    """File the claim as 高橋 大輔 (signed); returns the case id."""
    check = fill_child_allowance(resident)
    submit = check.replace("/check", "/submit")
    token = csrf(resident.client.get(submit).text)
    resp = resident.client.post(submit, data={"csrf_token": token, "sign_pin": NEWBORN[2]})
    assert resp.status_code == 302, errors_of(resp.text)
    return str(resp.headers["Location"].split("/cases/")[1].split("/")[0])


def test_step_errors_are_shown_and_the_answers_kept(resident: Resident, web_rt: Runtime) -> None:
    resident.login(NEWBORN[0], NEWBORN[1])
    step = start(resident)
    resp = answer(resident, step, {"claimant-phone": "電話", "claimant-occupation": "会社員"})
    assert resp.status_code == 200
    assert "<title>エラー：" in resp.text
    messages = errors_of(resp.text)
    assert any("電話番号" in m for m in messages)
    assert any("加入している年金" in m for m in messages)
    assert 'value="電話"' in resp.text  # what was typed is shown back
    with Session(web_rt.db) as s:
        draft = s.exec(select(Draft)).one()
        assert draft.data["claimant"]["occupation"] == "会社員"  # saved despite the errors
        assert "$enc" in draft.data["claimant"]["my_number"]  # My Number encrypted at rest


def test_english_errors_for_an_english_page(resident: Resident) -> None:
    resident.login(NEWBORN[0], NEWBORN[1])
    resident.client.get("/lang/en")
    step = start(resident)
    resp = answer(resident, step, {"claimant-phone": "x"})
    assert '<html lang="en">' in resp.text
    assert "<title>Error:" in resp.text
    assert any("phone" in m.lower() for m in errors_of(resp.text))


def test_an_upload_of_the_wrong_kind_is_refused_with_a_reason(resident: Resident) -> None:
    resident.login(NEWBORN[0], NEWBORN[1])
    answers = {**ANSWERS}
    step = start(resident)
    flat = {k: v for group in answers.values() for k, v in group.items()}
    while not step.endswith("/attachments"):
        resp = answer(resident, step, flat)
        assert resp.status_code == 302, errors_of(resp.text)
        step = _draft_path(resp.headers["Location"])
    page = resident.client.get(step).text
    assert "10MB" in page  # the limit is said before choosing a file
    resp = answer(
        resident, step, {}, files={"bank_book_copy": (io.BytesIO(b"MZ\x90\x00"), "a.exe")}
    )
    assert resp.status_code == 200
    assert any("a.exe" in m for m in errors_of(resp.text))


def test_pages_need_a_login_and_drafts_belong_to_their_resident(
    citizen_app: Any, resident: Resident
) -> None:
    anonymous = resident.client.get("/mine")
    assert anonymous.status_code == 302
    assert "/login?next=/mine" in anonymous.headers["Location"]
    resident.login(NEWBORN[0], NEWBORN[1])
    step = start(resident)
    other = Resident(citizen_app.test_client())
    other.login("1000000102", "1357")
    assert other.client.get(step).status_code == 404
    forged = other.client.post(step, data={"csrf_token": "x"})
    assert forged.status_code == 400  # CSRF first


def test_a_wrong_signing_password_format_is_explained(resident: Resident) -> None:
    check = fill_child_allowance(resident)
    submit = check.replace("/check", "/submit")
    token = csrf(resident.client.get(submit).text)
    resp = resident.client.post(submit, data={"csrf_token": token, "sign_pin": "abc"})
    assert resp.status_code == 400
    assert "6〜16文字" in resp.text


def test_prefilled_answers_are_marked_until_changed(resident: Resident, web_rt: Runtime) -> None:
    resident.login(NEWBORN[0], NEWBORN[1])
    step = start(resident)
    page = resident.client.get(step).text
    assert 'id="f-claimant-name--prefilled"' in page
    assert 'value="高橋' in page  # the name from the resident registry
    resp = answer(resident, step, {**ANSWERS["claimant"], "claimant-name": "高橋 大介"})
    assert resp.status_code == 302, errors_of(resp.text)
    page = resident.client.get(step).text
    assert 'id="f-claimant-name--prefilled"' not in page  # typed by the resident now
    assert 'id="f-claimant-kana--prefilled"' in page


def test_starting_again_resumes_the_open_draft(resident: Resident, web_rt: Runtime) -> None:
    resident.login(NEWBORN[0], NEWBORN[1])
    first = start(resident)
    answer(resident, first, ANSWERS["claimant"])
    again = start(resident)
    assert again.split("/steps/")[0] == first.split("/steps/")[0]
    with Session(web_rt.db) as s:
        assert len(s.exec(select(Draft)).all()) == 1


def test_a_procedure_of_another_office_says_where_to_file(
    resident: Resident, web_rt: Runtime
) -> None:
    procedures = web_rt.catalog.procedures
    police = procedures["ninshin-todoke"].model_copy(
        update={"id": "hokan-basho-shoumei", "office": "police", "channels": ("oss",)}
    )
    procedures["hokan-basho-shoumei"] = police  # type: ignore[index]  # a dict at runtime
    html = resident.client.get("/procedures/hokan-basho-shoumei").text
    assert "警察署が扱います" in html
    assert "ワンストップサービス" in html
    assert "申請を始める" not in html
    resident.login(NEWBORN[0], NEWBORN[1])
    refused = resident.post("/procedures/hokan-basho-shoumei/start", {}, page="/mine")
    assert refused.status_code == 404


def test_a_resident_cannot_file_with_someone_elses_my_number(
    resident: Resident, web_rt: Runtime
) -> None:
    resident.login(NEWBORN[0], NEWBORN[1])
    answers = {
        **ANSWERS,
        "claimant": {**ANSWERS["claimant"], "claimant-my_number": "202502000227"},  # his wife's
    }
    *_, check = walk_steps(resident, start(resident), answers)
    submit = check.replace("/check", "/submit")
    token = csrf(resident.client.get(submit).text)
    resp = resident.client.post(submit, data={"csrf_token": token, "sign_pin": NEWBORN[2]})
    assert resp.status_code == 400
    assert "個人番号が、ログインしている方の個人番号と一致しません" in resp.text
    assert "202502000227" not in resp.text
    with Session(web_rt.db) as s:
        assert s.exec(select(Case)).first() is None
