"""A correction request (要訂正) answered and resubmitted in Chromium; error pages pass axe."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page
from sqlmodel import Session, col, select
from test_browser_citizen_filing import file_from_home
from test_browser_citizen_flow import NEWBORN, NEWBORN_ANSWERS, answer_steps, any_checks

from engine.actors import Actor
from engine.cases import fire
from engine.models import Case

STAFF = Actor.staff("s1", {"intake", "review"}, {"子育て支援課"}, "審査 担当")
ASKED = "勤務先の名称を正式名称で書いてください。"


def test_a_correction_request_is_answered_and_resubmitted(
    live_server: Any,
    page: Page,
    axe: Callable[..., None],
    screenshot: Callable[[Page, str], Path],
    tmp_path: Path,
) -> None:
    reference = file_from_home(page, live_server.url, tmp_path, any_checks)
    rt = live_server.app.extensions["madoguchi"]
    with Session(rt.db) as s:
        case_id = s.exec(select(Case.id).where(col(Case.reference) == reference)).one()
        for trigger in ("receive", "start_review"):
            fire(rt, s, case_id, trigger, STAFF)
        fire(rt, s, case_id, "request_correction", STAFF, comment=ASKED)
        s.commit()
    page.goto(live_server.url + "/mine")
    assert "要訂正" in page.content()
    axe(page, "mine with a correction")
    page.get_by_role("link", name=re.compile("児童手当等の受給資格")).first.click()
    page.wait_for_url("**/cases/*")
    assert ASKED in page.content()
    axe(page, "case needing a correction")
    screenshot(page, "citizen-correction-1280")
    with page.expect_navigation():
        page.get_by_role("button", name="申請内容を訂正する").click()
    answers = {
        **NEWBORN_ANSWERS,
        "claimant": {**NEWBORN_ANSWERS["claimant"], "claimant-employer": "国立商事株式会社"},
    }
    answer_steps(page, answers, lambda p, label: axe(p, "correction " + label))
    assert page.url.endswith("/check")
    assert "国立商事株式会社" in page.content()
    page.get_by_role("link", name="電子署名に進む").click()
    page.wait_for_url("**/submit")
    page.get_by_label("署名用電子証明書のパスワード").fill(NEWBORN[2])
    with page.expect_navigation():
        page.get_by_role("button", name="訂正して再提出する").click()
    assert f"/cases/{case_id}" in page.url
    assert "処理中" in page.locator("#case-status").inner_text()
    axe(page, "case after resubmission")
    with Session(rt.db) as s:
        assert s.get(Case, case_id).state == "under_review"  # type: ignore[union-attr]


def test_error_pages_and_a_step_with_errors_pass_axe(
    live_server: Any,
    page: Page,
    axe: Callable[..., None],
    screenshot: Callable[[Page, str], Path],
) -> None:
    page.goto(live_server.url + "/procedures/no-such-procedure")
    axe(page, "404")
    page.goto(live_server.url + "/search?q=じどうてあて")
    assert "児童手当" in page.content()
    axe(page, "search")
    page.goto(live_server.url + "/procedures/ninshin-todoke")
    page.get_by_role("link", name="ログインして申請を始める").click()
    page.wait_for_url("**/login?**")
    page.get_by_role("button", name="デジタル認証アプリでログイン").click()
    page.locator(f"#card-{NEWBORN[0]}").check()
    page.fill("#pin", NEWBORN[1])
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_url("**/procedures/ninshin-todoke")
    with page.expect_navigation():
        page.get_by_role("button", name="申請を始める").click()
    for field in page.locator('input[type="text"]:not([readonly])').all():
        field.fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="次へ進む").click()
    assert page.title().startswith("エラー：")
    assert page.locator(".mg-error-summary a").count() > 0
    axe(page, "step with errors")
    screenshot(page, "citizen-step-errors-1280")
    page.goto(live_server.url + "/lang/en?next=" + page.url.split(live_server.url)[1])
    assert page.locator("html").get_attribute("lang") == "en"
    axe(page, "step in English")
    screenshot(page, "citizen-step-en-1280")
