"""Case staff in Chromium: a claim from the inbox to approval, the resident sees the
decision; a care-insurance clerk is refused a child allowance case and it is logged."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page
from sqlmodel import Session, select

from engine.access_log import AccessLogEntry
from engine.models import Case
from tests.web.staff.conftest import EXPECTING_MOTHER, file_claim_under_review

PASSWORDS = {
    "kosodate-shinsa": "demo-shinsa-1",
    "kosodate-kessai": "demo-kessai-1",
    "kaigo-shinsa": "demo-shinsa-2",
    "admin": "demo-admin-1",
}


def staff_login(page: Page, url: str, login_id: str, next_path: str = "/staff/") -> None:
    """Log in through the mock municipal identity provider (a fresh staff session)."""
    page.goto(url + "/staff/login?next=" + next_path)
    page.wait_for_url("**/mock/staff-idp/**")
    page.fill("#login-id", login_id)
    page.fill("#password", PASSWORDS[login_id])
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_load_state()


def staff_logout(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="ログアウト").click()


def _state(page: Page) -> str:
    return page.locator("#case-state").inner_text()


def test_a_reviewer_takes_a_claim_to_approval_and_the_resident_sees_the_decision(
    live_server: Any, page: Page, axe: Callable[..., None], screenshot: Callable[[Page, str], Path]
) -> None:
    url = live_server.url
    claim_id = file_claim_under_review(live_server.app)
    rt = live_server.app.extensions["madoguchi"]
    with Session(rt.db) as s:
        case = s.get(Case, claim_id)
        assert case is not None
        reference = case.reference

    staff_login(page, url, "kosodate-shinsa")
    assert "/staff/inbox" in page.url
    axe(page, "inbox")
    page.select_option("#f-state", "under_review")
    with page.expect_navigation():
        page.get_by_role("button", name="絞り込む").click()
    assert "state=under_review" in page.url
    with page.expect_navigation():
        page.get_by_role("link", name=reference).click()
    assert _state(page) == "審査中"
    assert "********0126" in page.content()  # My Number masked
    axe(page, "case under review")
    screenshot(page, "staff-case-review-1280")
    with page.expect_navigation():
        page.get_by_role("button", name="担当にする").click()
    assert page.locator("#case-assignee").inner_text() == "kosodate-shinsa"
    with page.expect_navigation():
        page.get_by_role("button", name="決裁に回す").click()
    assert _state(page) == "決裁待ち"
    staff_logout(page)

    staff_login(page, url, "kosodate-kessai", f"/staff/cases/{claim_id}")
    with page.expect_navigation():
        page.get_by_role("button", name="認定（決裁）").click()
    assert page.title().startswith("エラー：")  # the decision details are needed
    axe(page, "approval with errors")
    page.get_by_label("手当の月額（円）").fill("15000")
    page.get_by_label("支給開始月").fill("2026-12")
    with page.expect_navigation():
        page.get_by_role("button", name="認定（決裁）").click()
    assert _state(page) == "認定（通知前）"
    staff_logout(page)

    staff_login(page, url, "kosodate-shinsa", f"/staff/cases/{claim_id}")
    with page.expect_navigation():
        page.get_by_role("button", name="決定を通知").click()
    assert _state(page) == "通知済み・完了"
    staff_logout(page)

    # The resident logs in with the card and finds the decision notice.
    page.goto(url + "/login?next=/mine")
    page.get_by_role("button", name="デジタル認証アプリでログイン").click()
    page.locator(f"#card-{EXPECTING_MOTHER}").check()
    page.fill("#pin", "1357")
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_url("**/mine")
    deadline = time.monotonic() + 30
    while "児童手当の認定が決まりました" not in page.content():
        assert time.monotonic() < deadline, "the decision notice did not arrive"
        time.sleep(0.5)
        page.reload()
    axe(page, "resident with the decision notice")


def test_a_care_insurance_clerk_is_refused_and_the_refusal_is_logged(
    live_server: Any, page: Page, axe: Callable[..., None]
) -> None:
    url = live_server.url
    claim_id = file_claim_under_review(live_server.app)
    staff_login(page, url, "kaigo-shinsa")
    response = page.goto(url + f"/staff/cases/{claim_id}")
    assert response is not None
    assert response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "この操作は許可されていません"
    assert "児童手当" not in page.content()
    axe(page, "refused case")
    rt = live_server.app.extensions["madoguchi"]
    with Session(rt.db) as s:
        entries = s.exec(
            select(AccessLogEntry).where(
                AccessLogEntry.case_id == claim_id, AccessLogEntry.action == "denied"
            )
        ).all()
    assert [e.staff_id for e in entries] == ["kaigo-shinsa"]
    page.goto(url + "/staff/inbox")
    staff_logout(page)
    staff_login(page, url, "admin", "/staff/access-log?action=denied")
    assert "/staff/access-log" in page.url
    row = page.locator("tr", has_text=claim_id)
    assert re.search("kaigo-shinsa", row.first.inner_text())
    axe(page, "access log")
    page.goto(url + "/staff/dashboard")
    assert page.locator("svg.mg-chart").count() == 2
    axe(page, "dashboard")
