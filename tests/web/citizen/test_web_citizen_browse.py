"""Finding a procedure: home page, search in kana, kanji and English, life events, login."""

from __future__ import annotations

import pytest
from flask import Flask
from web_citizen_support import NEWBORN, Resident, csrf

from engine.life_events import LifeEventsError, parse_life_events
from engine.runtime import Runtime
from engine.search import normalise


def test_home_answers_what_do_i_need_to_do(resident: Resident) -> None:
    html = resident.client.get("/").text
    assert "どの手続が必要ですか" in html
    for words in ("子どもが生まれた", "引っ越してきた", "妊娠した", "家族の介護が必要になった"):
        assert words in html
    assert "災害で家が被害を受けた" in html
    assert "車を買った" in html
    assert "/procedures/jidou-teate-nintei" in html
    assert "<style" not in html
    assert "style=" not in html
    assert "<script>" not in html


def test_search_finds_by_reading_kanji_and_english(resident: Resident) -> None:
    for query in ("じどうてあて", "ジドウテアテ", "児童手当", "child allowance", "ｼﾞﾄﾞｳﾃｱﾃ"):
        html = resident.client.get("/search", query_string={"q": query}).text
        assert "/procedures/jidou-teate-nintei" in html, query
    nothing = resident.client.get("/search", query_string={"q": "ぴよぴよ"}).text
    assert "見つかりませんでした" in nothing
    too_long = resident.client.get("/search", query_string={"q": "あ" * 101}).text
    assert "100文字以内" in too_long


def test_normalise_folds_width_and_kana() -> None:
    assert normalise("ジドウ テアテ") == normalise("じどうてあて") == normalise("ｼﾞﾄﾞｳﾃｱﾃ")


def test_a_life_event_lists_only_defined_procedures(resident: Resident, web_rt: Runtime) -> None:
    html = resident.client.get("/life-events/birth").text
    assert "/procedures/jidou-teate-nintei" in html
    assert "出生届" in html  # done at the counter, said so
    assert resident.client.get("/life-events/no-such").status_code == 404
    parsed = parse_life_events(
        {
            "life_events": [
                {
                    "id": "x",
                    "title": {"ja": "x"},
                    "description": {"ja": "y"},
                    "procedures": ["ninshin-todoke", "not-defined"],
                }
            ]
        },
        web_rt.catalog,
    )
    assert parsed.events[0].procedures == ("ninshin-todoke",)


def test_life_events_file_mistakes_are_named(web_rt: Runtime) -> None:
    with pytest.raises(LifeEventsError, match="life_event"):
        parse_life_events({"life_event": []}, web_rt.catalog)


def test_the_procedure_page_says_what_to_have_ready(resident: Resident) -> None:
    html = resident.client.get("/procedures/jidou-teate-nintei").text
    assert "用意するもの" in html
    assert "署名用電子証明書のパスワード" in html
    assert "通帳またはキャッシュカードの写し" in html
    assert "子育て支援課" in html
    assert "30日" in html
    assert "ログインして申請を始める" in html
    assert resident.client.get("/procedures/no-such").status_code == 404
    english = Resident(resident.client)
    english.client.get("/lang/en")
    assert "What you need" in english.client.get("/procedures/ninshin-todoke").text


def test_login_and_logout_with_the_mock_card(citizen_app: Flask, resident: Resident) -> None:
    page = resident.login(NEWBORN[0], NEWBORN[1])
    assert page.status_code == 200
    assert "申請の状況" in page.text
    assert resident.client.get("/mine").headers["Cache-Control"] == "no-store"
    with resident.client.session_transaction() as sess:
        assert sess["resident"]["resident_id"] == NEWBORN[0]
        assert "oidc_resident" not in sess  # the pending login is consumed
    out = resident.client.post("/logout", data={"csrf_token": csrf(page.text)})
    assert out.status_code == 302
    assert resident.client.get("/mine").status_code == 302


def test_a_callback_without_a_login_in_progress_is_refused_kindly(resident: Resident) -> None:
    resp = resident.client.get("/login/callback?code=x&state=y")
    assert resp.status_code == 400
    assert "もう一度ログインしてください" in resp.text
    begun = resident.client.post(
        "/login", data={"csrf_token": csrf(resident.client.get("/login").text)}
    )
    assert begun.status_code == 302
    forged = resident.client.get("/login/callback?code=x&state=forged")
    assert forged.status_code == 400
    assert "ログインを確認できませんでした" in forged.text
