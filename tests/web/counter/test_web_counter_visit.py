"""The no-writing counter: a birth bundle filed in one visit on the resident's behalf."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlmodel import Session, col, select

from engine.access_log import AccessLogEntry
from engine.audit import verify
from engine.cases import plain_data
from engine.models import Attachment, Case, CaseEvent
from engine.records import get_case
from engine.visits import CounterVisit
from tests.web.counter.counter_flow import run_visit, signature_data_url, visit_id
from web import runtime
from web.counter.bundles import leaves

Client = Callable[[str], FlaskClient]
FATHER, FATHER_PIN = "1000000201", "3333"  # 高橋 大輔, newborn_family
BIRTH = ["jidou-teate-nintei", "hoiku-shikyuu-nintei", "hoiku-riyou-moushikomi"]


@pytest.fixture(autouse=True)
def _no_csrf(demo_app: Flask) -> None:
    demo_app.config["WTF_CSRF_ENABLED"] = False


def test_a_birth_bundle_is_filed_in_one_visit(demo_app: Flask, staff_client: Client) -> None:
    client = staff_client("kosodate-uketsuke")
    vid, typed = run_visit(demo_app, client, FATHER, FATHER_PIN, BIRTH)
    rt = runtime(demo_app)
    with Session(rt.db) as s:
        visit = s.get(CounterVisit, vid)
        assert visit is not None
        assert visit.status == "filed"
        assert visit.answers == {}  # the cases hold the data; the visit keeps no copy
        assert visit.signature_sha256
        cases = s.exec(
            select(Case).where(col(Case.id).in_([c["id"] for c in visit.case_ids.values()]))
        ).all()
        assert sorted(c.procedure_id for c in cases) == sorted(BIRTH)
        assert {c.channel for c in cases} == {"counter"}
        assert {c.applicant_id for c in cases} == {FATHER}
        assert {c.filed_by for c in cases} == {"kosodate-uketsuke"}
        first = s.exec(
            select(CaseEvent).where(CaseEvent.case_id == cases[0].id, CaseEvent.seq == 1)
        ).one()
        counter = first.changes["counter"]
        assert counter["on_behalf_of"] == FATHER
        assert "マイナンバーカード" in counter["identity_check"]
        records = [get_case(s, c.id) for c in cases]
        filed = sum(
            len(leaves(plain_data(rt, r, rt.catalog.get(r.procedure_id)))) for r in records if r
        )
        clerk_typed = len(visit.typed)
    print(f"counter birth bundle: {len(cases)} procedures, typed {clerk_typed} of {filed} answers")
    assert clerk_typed <= typed
    assert clerk_typed < filed
    for c in cases:
        assert verify(rt.db, c.id)[1] == []
    done = client.get(f"/counter/visits/{vid}/done").get_data(as_text=True)
    receipt = client.get(f"/counter/visits/{vid}/receipt.pdf")
    assert receipt.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(receipt.data)).pages)
    for c in cases:
        assert c.reference in done
        assert c.reference in text.replace(" ", "")
    assert "受付票" in text.replace(" ", "")
    # The scanned certificate is on the case, and staff view it in the browser (logged).
    with Session(rt.db) as s:
        files = s.exec(
            select(Attachment).where(col(Attachment.case_id).in_([c.id for c in cases]))
        ).all()
    assert files
    reviewer = staff_client("kosodate-shinsa")
    shown = reviewer.get(f"/staff/cases/{files[0].case_id}/attachments/{files[0].id}")
    assert shown.status_code == 200
    assert shown.headers["Content-Disposition"].startswith("inline")
    with Session(rt.db) as s:
        logged = s.exec(
            select(AccessLogEntry).where(AccessLogEntry.action == "view_attachment")
        ).all()
    assert [(e.staff_id, e.case_id) for e in logged] == [("kosodate-shinsa", files[0].case_id)]


def test_a_wrong_pin_starts_no_visit(demo_app: Flask, staff_client: Client) -> None:
    client = staff_client("kosodate-uketsuke")
    resp = client.post(
        "/counter/visits",
        data={"method": "card", "resident_id": FATHER, "pin": "0000"},
        follow_redirects=True,
    )
    assert "暗証番号が違います" in resp.get_data(as_text=True) or "違います" in resp.get_data(
        as_text=True
    )
    with Session(runtime(demo_app).db) as s:
        assert s.exec(select(CounterVisit)).all() == []


def test_a_registry_search_needs_the_document_shown(demo_app: Flask, staff_client: Client) -> None:
    client = staff_client("kosodate-uketsuke")
    found = client.get("/counter/?kana=タカハシ").get_data(as_text=True)
    assert "高橋　大輔" in found
    refused = client.post(
        "/counter/visits", data={"method": "document", "resident_id": FATHER}, follow_redirects=True
    )
    assert "本人確認書類を選んでください" in refused.get_data(as_text=True)
    ok = client.post(
        "/counter/visits",
        data={
            "method": "document",
            "resident_id": FATHER,
            "id_document": "driving_licence",
            "present": "妻 高橋 彩",
        },
    )
    assert ok.status_code == 302
    with Session(runtime(demo_app).db) as s:
        visit = s.get(CounterVisit, visit_id(ok.headers["Location"]))
        assert visit is not None
        assert visit.identity_document == "driving_licence"
        assert visit.present == "妻 高橋 彩"


def test_filing_waits_for_the_residents_confirmation_and_signature(
    demo_app: Flask, staff_client: Client
) -> None:
    client = staff_client("kosodate-uketsuke")
    resp = client.post(
        "/counter/visits", data={"method": "card", "resident_id": FATHER, "pin": FATHER_PIN}
    )
    vid = visit_id(resp.headers["Location"])
    client.post(f"/counter/visits/{vid}/events", data={"procedure": ["jidou-teate-nintei"]})
    early = client.post(f"/counter/visits/{vid}/file", follow_redirects=True)
    assert "署名が済んでから申請してください" in early.get_data(as_text=True)
    client.post(
        f"/counter/visits/{vid}/tablet",
        data={"procedure": "jidou-teate-nintei", "verdict": "wrong", "note": "電話番号が古い"},
    )
    review = client.get(f"/counter/visits/{vid}/review").get_data(as_text=True)
    assert "電話番号が古い" in review
    bad = client.post(
        f"/counter/visits/{vid}/signature",
        data={"signature": "not an image"},
        follow_redirects=True,
    )
    assert "署名欄に署名してから" in bad.get_data(as_text=True)
    assert (
        client.post(
            f"/counter/visits/{vid}/signature", data={"signature": signature_data_url()}
        ).status_code
        == 302
    )
    with Session(runtime(demo_app).db) as s:
        assert s.exec(select(Case).where(Case.channel == "counter")).all() == []


def test_another_clerks_visit_is_not_found(demo_app: Flask, staff_client: Client) -> None:
    first = staff_client("kosodate-uketsuke")
    resp = first.post(
        "/counter/visits", data={"method": "card", "resident_id": FATHER, "pin": FATHER_PIN}
    )
    vid = visit_id(resp.headers["Location"])
    assert staff_client("kenkou-uketsuke").get(f"/counter/visits/{vid}/events").status_code == 404


def test_a_pre_entry_qr_code_carries_the_answers_made_at_home(
    demo_app: Flask, staff_client: Client
) -> None:
    from engine.drafts import Draft, start_draft

    rt = runtime(demo_app)
    with Session(rt.db) as s:
        draft = start_draft(rt, s, "ninshin-todoke", "1000000102", {"occupation": "図書館司書"})
        draft_id = draft.id
        s.commit()
    client = staff_client("kenkou-uketsuke")
    assert "事前入力のQRコード" in client.get("/counter/").get_data(as_text=True)
    wrong_pin = client.post(
        "/counter/visits",
        data={"method": "qr", "qr": f"madoguchi:pre-entry:{draft_id}", "pin": "0000"},
        follow_redirects=True,
    )
    assert "違います" in wrong_pin.get_data(as_text=True)
    unknown = client.post(
        "/counter/visits",
        data={"method": "qr", "qr": "madoguchi:pre-entry:" + "0" * 32, "pin": "1357"},
        follow_redirects=True,
    )
    assert "QRコードを読み取れないか" in unknown.get_data(as_text=True)
    resp = client.post(
        "/counter/visits",
        data={"method": "qr", "qr": f"madoguchi:pre-entry:{draft_id}", "pin": "1357"},
    )
    assert resp.status_code == 302
    vid = visit_id(resp.headers["Location"])
    form = client.get(f"/counter/visits/{vid}/form").get_data(as_text=True)
    assert "図書館司書" in form or 'name="occupation"' not in form
    with Session(rt.db) as s:
        visit = s.get(CounterVisit, vid)
        assert visit is not None
        assert visit.identity_method == "qr"
        assert visit.procedures == ["ninshin-todoke"]
        assert s.get(Draft, draft_id) is not None  # kept until the visit files


def test_a_prefilled_paper_form_prints_for_residents_who_prefer_paper(
    demo_app: Flask, staff_client: Client
) -> None:
    client = staff_client("kosodate-uketsuke")
    resp = client.post(
        "/counter/visits", data={"method": "card", "resident_id": FATHER, "pin": FATHER_PIN}
    )
    vid = visit_id(resp.headers["Location"])
    client.post(f"/counter/visits/{vid}/events", data={"procedure": ["jidou-teate-nintei"]})
    pdf = client.get(f"/counter/visits/{vid}/paper/jidou-teate-nintei.pdf")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "児童手当" in text
    assert "高橋" in text
    assert "202502000219" not in text  # the My Number is masked on paper too
    assert client.get(f"/counter/visits/{vid}/paper/ninshin-todoke.pdf").status_code == 404
