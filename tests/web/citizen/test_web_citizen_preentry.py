"""Continue at the counter: the draft's QR code holds what the counter's scanner accepts,
only the draft's owner sees it, and the clerk who scans it opens a visit with the answers
the resident entered at home."""

from __future__ import annotations

import html
import re
import time

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session
from web_citizen_support import EXPECTING, NEWBORN, PUBLIC, Resident, csrf

from adapters.mock.oidc_staff import DEMO_STAFF
from engine.drafts import Draft, open_draft, save_answers
from engine.runtime import Runtime
from engine.visits import CounterVisit
from procedures.samples import sample
from web.citizen.preentry import pre_entry_payload, qr_svg, spoken_code
from web.counter.bundles import unseal

PROCEDURE = "jidou-teate-nintei"


def _start(resident: Resident, web_rt: Runtime, answers: dict[str, object] | None) -> str:
    """A draft of the logged-in resident, with ``answers`` saved over the prefill."""
    started = resident.post(f"/procedures/{PROCEDURE}/start", {}, page=f"/procedures/{PROCEDURE}")
    assert started.status_code == 302
    draft_id = started.headers["Location"].removeprefix(PUBLIC).split("/")[2]
    with Session(web_rt.db) as s:
        row = s.get(Draft, draft_id)
        assert row is not None
        data = open_draft(web_rt, s, row).data
        save_answers(web_rt, s, row, {**data, **(answers or {})}, "claimant")
        s.commit()
    return draft_id


def _clerk(app: Flask, login_id: str = "kosodate-uketsuke") -> FlaskClient:
    client = app.test_client()
    account = next(a for a in DEMO_STAFF if a.login_id == login_id)
    with client.session_transaction() as sess:
        sess.permanent = True
        sess["staff"] = {
            "staff_id": account.login_id,
            "name": account.name,
            "roles": list(account.roles),
            "departments": list(account.departments),
        }
        sess["seen"] = time.time()
    return client


def _scan(clerk: FlaskClient, code: str, pin: str) -> str:
    """The clerk scans ``code`` (the scanner types it) and the resident enters the PIN;
    the redirect's address."""
    start = clerk.get("/counter/")
    assert start.status_code == 200
    resp = clerk.post(
        "/counter/visits",
        data={"csrf_token": csrf(start.text), "method": "qr", "qr": code, "pin": pin},
    )
    assert resp.status_code == 302
    return resp.headers["Location"]


def test_the_qr_code_holds_what_the_counter_accepts(
    resident: Resident, web_rt: Runtime, citizen_app: Flask
) -> None:
    resident.login(NEWBORN[0], NEWBORN[1])
    draft_id = _start(resident, web_rt, None)
    mine = resident.client.get("/mine").text
    assert f'href="/drafts/{draft_id}/counter"' in mine
    assert "窓口で続きをする" in mine
    page = resident.client.get(f"/drafts/{draft_id}/counter")
    assert page.status_code == 200
    found = re.search(r'data-pre-entry="([^"]+)"', page.text)
    assert found
    payload = html.unescape(found.group(1))
    assert payload == f"madoguchi:pre-entry:{draft_id}" == pre_entry_payload(draft_id)
    # The code drawn is segno's code of that payload, and of no other.
    drawn = str(qr_svg(payload, "窓口用のQRコード"))
    assert drawn.startswith('<svg role="img"')
    assert drawn in page.text
    assert str(qr_svg(pre_entry_payload("0" * 32), "窓口用のQRコード")) not in page.text
    assert "<script" not in page.text.split("<main", 1)[1]
    assert "style=" not in drawn
    # The code to read aloud is the draft id in groups of four.
    assert spoken_code(draft_id) in page.text
    assert spoken_code(draft_id).replace(" ", "") == draft_id
    for words in ("マイナンバーカード", "QRコードを読み取ります", "暗証番号"):
        assert words in page.text
    resident.client.get("/lang/en")
    english = resident.client.get(f"/drafts/{draft_id}/counter").text
    assert "Continue at the counter" in english
    assert "My Number Card" in english


def test_only_the_owner_sees_the_code(
    resident: Resident, web_rt: Runtime, citizen_app: Flask
) -> None:
    resident.login(NEWBORN[0], NEWBORN[1])
    draft_id = _start(resident, web_rt, None)
    anonymous = citizen_app.test_client().get(f"/drafts/{draft_id}/counter")
    assert anonymous.status_code == 302
    assert "/login" in anonymous.headers["Location"]
    other = Resident(citizen_app.test_client())
    other.login(EXPECTING[0], EXPECTING[1])
    refused = other.client.get(f"/drafts/{draft_id}/counter")
    assert refused.status_code == 404
    assert "madoguchi:pre-entry" not in refused.text
    assert 'class="mg-qr"' not in refused.text
    assert other.client.get("/drafts/" + "0" * 32 + "/counter").status_code == 404


def test_the_check_page_offers_the_counter(resident: Resident, web_rt: Runtime) -> None:
    resident.login(NEWBORN[0], NEWBORN[1])
    draft_id = _start(resident, web_rt, sample(PROCEDURE))
    check = resident.client.get(f"/drafts/{draft_id}/check")
    assert "入力内容の確認" in check.text
    assert f'href="/drafts/{draft_id}/counter"' in check.text


def test_the_clerk_scanning_the_code_opens_the_visit_with_the_answers(
    resident: Resident, web_rt: Runtime, citizen_app: Flask
) -> None:
    resident.login(NEWBORN[0], NEWBORN[1])
    draft_id = _start(resident, web_rt, {"has_spouse": True, "claim_reason": "birth"})
    page = resident.client.get(f"/drafts/{draft_id}/counter").text
    found = re.search(r'data-pre-entry="([^"]+)"', page)
    assert found
    clerk = _clerk(citizen_app)
    where = _scan(clerk, html.unescape(found.group(1)), NEWBORN[1])
    vid = re.search(r"/visits/([0-9a-f]{32})/", where)
    assert vid, where
    with Session(web_rt.db) as s:
        visit = s.get(CounterVisit, vid.group(1))
        assert visit is not None
        assert visit.resident_id == NEWBORN[0]
        assert visit.identity_method == "qr"
        assert visit.procedures == [PROCEDURE]
        answers = unseal(web_rt, web_rt.catalog.get(PROCEDURE), visit.answers[PROCEDURE])
    assert answers["has_spouse"] is True
    assert answers["claim_reason"] == "birth"
    assert answers["claimant"]["name"] == "高橋\u3000大輔"
    # Read aloud and typed with or without the spaces, the code opens the same draft.
    typed = _scan(_clerk(citizen_app), spoken_code(draft_id).replace(" ", ""), NEWBORN[1])
    assert "/visits/" in typed
    spaced = _scan(_clerk(citizen_app), spoken_code(draft_id).upper(), NEWBORN[1])
    assert "/visits/" in spaced
    # A wrong PIN opens nothing: the code says who, the card proves it.
    refused = _scan(_clerk(citizen_app), pre_entry_payload(draft_id), "0000")
    assert "/visits/" not in refused
