"""The childcare screens: interview booking (resident, staff) and allocation rounds."""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from adapters.mock.oidc_staff import DEMO_STAFF
from engine.actors import Actor
from engine.cases import fire, submit
from engine.config import Settings
from engine.records import get_case
from engine.runtime import Runtime
from procedures.samples import sample

KENKOU = "健康推進課"
KOSODATE = "子育て支援課"
RESIDENT = "1000000102"


def _rt(app: Flask) -> Runtime:
    rt: Runtime = app.extensions["madoguchi"]
    return rt


def _resident(app: Flask, resident_id: str = RESIDENT) -> FlaskClient:
    client = app.test_client()
    with client.session_transaction() as sess:
        sess.permanent = True
        sess["resident"] = {"resident_id": resident_id, "subject": "s", "name": "佐藤 美咲",
                            "name_kana": "", "can_sign": True}  # fmt: skip
        sess["seen"] = time.time()
    return client


def _staff(app: Flask, login_id: str) -> FlaskClient:
    account = next(a for a in DEMO_STAFF if a.login_id == login_id)
    client = app.test_client()
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


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def _file(rt: Runtime, proc: str, data: dict[str, Any] | None = None, who: str = RESIDENT) -> str:
    with Session(rt.db, expire_on_commit=False) as s:
        case = submit(
            rt,
            s,
            proc,
            data or sample(proc),
            actor=Actor.resident(who),
            applicant_id=who,
            channel="online",
            idempotency_key=uuid.uuid4().hex,
        ).case
        dept = KENKOU if proc == "ninshin-todoke" else KOSODATE
        fire(rt, s, case.id, "receive", Actor.staff("t", {"intake"}, {dept}))
        if proc == "ninshin-todoke":
            fire(rt, s, case.id, "record", Actor.staff("t", {"intake"}, {dept}))
        s.commit()
    return case.id


def test_anonymous_visitors_are_sent_to_login(app: Flask) -> None:
    client = app.test_client()
    for path in (
        "/kosodate/interview/" + "0" * 32,
        "/kosodate/staff/interviews",
        "/kosodate/staff/allocation",
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert "login" in response.headers["Location"]
    assert client.post("/kosodate/staff/allocation/run").status_code in (302, 400)


def test_resident_books_and_cancels_the_interview(app: Flask) -> None:
    rt = _rt(app)
    case_id = _file(rt, "ninshin-todoke")
    client = _resident(app)
    listing = client.get("/kosodate/interview")
    assert f"/kosodate/interview/{case_id}" in listing.text
    assert "面談の日時を予約してください" in listing.text
    page = client.get(f"/kosodate/interview/{case_id}")
    assert page.status_code == 200
    assert "日時を選んでください" in page.text
    slot = re.search(r'name="slot" value="([^"]+)"', page.text)
    assert slot
    done = client.post(f"/kosodate/interview/{case_id}/book",
                       data={"csrf_token": _csrf(page.text), "slot": slot.group(1)})  # fmt: skip
    assert done.status_code == 302
    booked = client.get(f"/kosodate/interview/{case_id}")
    assert "予約している面談" in booked.text
    assert "予約を取り消す" in booked.text
    # Staff of the health department see it on that day's list.
    day = slot.group(1)[:10]
    listing = _staff(app, "kenkou-uketsuke").get(f"/kosodate/staff/interviews?day={day}")
    assert listing.status_code == 200
    with Session(rt.db) as s:
        reference = get_case(s.connection(), case_id).reference  # type: ignore[union-attr]
    assert reference in listing.text
    # Another department's staff may not see the bookings.
    assert _staff(app, "kosodate-uketsuke").get("/kosodate/staff/interviews").status_code == 403
    # Another resident cannot see or cancel the booking.
    stranger = _resident(app, "1000000201")
    assert stranger.get(f"/kosodate/interview/{case_id}").status_code == 404
    cancelled = client.post(
        f"/kosodate/interview/{case_id}/cancel", data={"csrf_token": _csrf(booked.text)}
    )
    assert cancelled.status_code == 302
    assert "日時を選んでください" in client.get(f"/kosodate/interview/{case_id}").text


def test_booking_without_csrf_token_is_refused(app: Flask) -> None:
    case_id = _file(_rt(app), "ninshin-todoke")
    response = _resident(app).post(f"/kosodate/interview/{case_id}/book", data={"slot": "x"})
    assert response.status_code == 400


def test_staff_run_review_and_confirm_a_round(app: Flask) -> None:
    rt = _rt(app)
    ids = [_file(rt, "hoiku-riyou-moushikomi") for _ in range(3)]
    assert _staff(app, "kosodate-uketsuke").get("/kosodate/staff/allocation").status_code == 403
    client = _staff(app, "kosodate-shinsa")
    page = client.get("/kosodate/staff/allocation")
    assert page.status_code == 200
    assert "yokohama" in page.text
    ran = client.post(
        "/kosodate/staff/allocation/run",
        data={"csrf_token": _csrf(page.text), "config": "kunitachi"},
    )
    assert ran.status_code == 302
    review = client.get(ran.headers["Location"])
    assert "下書き（案件には未反映）" in review.text
    assert "第1希望の「くにたち中央保育園」に内定しました" in review.text
    confirm_path = re.search(r'action="([^"]+/confirm)"', review.text)
    assert confirm_path
    confirmed = client.post(confirm_path.group(1), data={"csrf_token": _csrf(review.text)})
    assert confirmed.status_code == 302
    with Session(rt.db) as s:
        states = [get_case(s.connection(), i).state for i in ids]  # type: ignore[union-attr]
    assert states == ["offered"] * 3  # K01 has 3 places in the 0-year class


def test_allocation_command_dry_run_and_run(app: Flask, settings: Settings) -> None:
    from web.cli import main

    _file(_rt(app), "hoiku-riyou-moushikomi")
    env = {"MADOGUCHI_DATA_DIR": str(settings.data_dir), "MADOGUCHI_WORKER": "0"}
    dry = CliRunner().invoke(
        main, ["allocation", "run", "--config", "yokohama", "--dry-run"], env=env
    )
    assert dry.exit_code == 0, dry.output
    assert "dry run: 1 application(s), nothing stored" in dry.output
    assert "第1希望の施設コード「K01」は、この利用調整の施設にありません" in dry.output
    real = CliRunner().invoke(
        main, ["allocation", "run", "--config", "kunitachi", "--seed", "x"], env=env
    )
    assert real.exit_code == 0, real.output
    round_id = re.search(r"round ([0-9a-f]{32})", real.output)
    assert round_id
    assert "1 offered" in real.output
    ok = CliRunner().invoke(
        main, ["allocation", "confirm", round_id.group(1), "--config", "kunitachi"], env=env
    )
    assert ok.exit_code == 0
    assert "confirmed: 1 offered" in ok.output
    unknown = CliRunner().invoke(main, ["allocation", "run", "--config", "nagoya"], env=env)
    assert unknown.exit_code != 0
    assert "kunitachi, yokohama" in unknown.output


@pytest.mark.parametrize("when", [dt.date(2026, 1, 1)])
def test_staff_interview_day_parameter_tolerates_nonsense(app: Flask, when: dt.date) -> None:
    client = _staff(app, "kenkou-uketsuke")
    assert client.get("/kosodate/staff/interviews?day=not-a-date").status_code == 200
    assert "予約はありません" in client.get(f"/kosodate/staff/interviews?day={when}").text


def test_the_case_page_sends_the_resident_to_the_slot_page_to_book(app: Flask) -> None:
    case_id = _file(_rt(app), "ninshin-todoke")
    client = _resident(app)
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert f'href="/kosodate/interview/{case_id}"' in page.text
    assert f"/cases/{case_id}/actions/book_interview" not in page.text
    # The generic action screen forwards there too, instead of booking around capacity.
    forwarded = client.get(f"/cases/{case_id}/actions/book_interview")
    assert forwarded.status_code == 302
    assert forwarded.headers["Location"].endswith(f"/kosodate/interview/{case_id}")
