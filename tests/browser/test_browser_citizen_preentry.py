"""Continue at the counter in Chromium: a resident answers at home, opens the QR code
page from "check your answers" (axe-checked, desktop and phone), and a clerk who types
the scanned code opens a visit with the resident's answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page
from sqlmodel import Session

from engine.visits import CounterVisit
from tests.browser.test_browser_citizen_flow import (
    NEWBORN,
    NEWBORN_ANSWERS,
    PNG,
    answer_steps,
    card_login,
)
from tests.browser.test_browser_staff_review import PASSWORDS, staff_login
from web.counter.bundles import unseal

PASSWORDS.setdefault("kosodate-uketsuke", "demo-uketsuke-1")
PROCEDURE = "jidou-teate-nintei"


def test_a_resident_takes_the_draft_to_the_counter(
    live_server: Any,
    page: Page,
    axe: Callable[..., None],
    screenshot: Callable[[Page, str], Path],
    tmp_path: Path,
) -> None:
    url = live_server.url
    page.goto(url + f"/procedures/{PROCEDURE}")
    page.get_by_role("link", name="ログインして申請を始める").click()
    page.wait_for_url("**/login?**")
    page.get_by_role("button", name="デジタル認証アプリでログイン").click()
    card_login(page, NEWBORN[0], NEWBORN[1])
    page.wait_for_url(f"**/procedures/{PROCEDURE}")
    with page.expect_navigation():
        page.get_by_role("button", name="申請を始める").click()
    upload = tmp_path / "tsuchou.png"
    upload.write_bytes(PNG)
    answer_steps(page, NEWBORN_ANSWERS, None, upload)
    assert page.url.endswith("/check")
    with page.expect_navigation():
        page.get_by_role("link", name="窓口で続きをする").click()
    assert page.url.endswith("/counter")
    qr = page.get_by_role("img", name="窓口用のQRコード")
    assert qr.count() == 1
    box = qr.bounding_box()
    assert box is not None
    assert box["width"] >= 150  # large enough for a counter scanner
    axe(page, "pre-entry")
    screenshot(page, "citizen-pre-entry-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    box = qr.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 360  # the whole code on a phone screen
    axe(page, "pre-entry, phone")
    screenshot(page, "citizen-pre-entry-360")
    payload = page.locator("[data-pre-entry]").get_attribute("data-pre-entry")
    assert payload is not None
    draft_id = payload.removeprefix("madoguchi:pre-entry:")
    spoken = page.locator("#pre-entry-code").inner_text()
    assert spoken.replace(" ", "") == draft_id
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():
        page.get_by_role("link", name="申請の状況へ戻る").click()
    assert page.get_by_role("link", name=re.compile("窓口で続きをする")).count() == 1
    axe(page, "my applications with a draft")

    clerk = page.context.browser.new_context(locale="ja-JP").new_page()  # type: ignore[union-attr]
    staff_login(clerk, url, "kosodate-uketsuke", "/counter/")
    clerk.fill("#qr", payload)  # what the scanner types
    clerk.fill("#qr-pin", NEWBORN[1])
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="事前入力で開始").click()
    found = re.search(r"/visits/([0-9a-f]{32})/", clerk.url)
    assert found, clerk.url
    assert clerk.locator(f'[name="procedure"][value="{PROCEDURE}"]').is_checked()
    rt = live_server.app.extensions["madoguchi"]
    with Session(rt.db) as s:
        visit = s.get(CounterVisit, found.group(1))
        assert visit is not None
        assert visit.identity_method == "qr"
        answers = unseal(rt, rt.catalog.get(PROCEDURE), visit.answers[PROCEDURE])
    assert answers["claimant"]["occupation"] == "会社員"  # typed at home
    assert answers["claim_reason"] == "birth"
    clerk.context.close()
