"""A new resident files the child allowance claim in Chromium, from the home page to the PDF
copy and "my applications"; with the mouse at 1280 px and 360 px, and with the keyboard only.
axe-core checks every resident page on the way; screenshots go to tests/artifacts/."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page
from pypdf import PdfReader
from test_browser_citizen_flow import (
    EXPECTING,
    NEWBORN,
    NEWBORN_ANSWERS,
    PNG,
    answer_steps,
    card_login,
)


def file_from_home(
    page: Page,
    base: str,
    tmp_path: Path,
    check: Callable[[Page, str], None],
) -> str:
    """高橋 大輔 finds the claim through a life event, logs in, answers, signs, files."""
    page.goto(base + "/")
    check(page, "home")
    page.get_by_role("link", name="子どもが生まれた").click()
    page.wait_for_url("**/life-events/birth")
    check(page, "life-event")
    page.get_by_role("link", name=re.compile("児童手当等の受給資格")).click()
    page.wait_for_url("**/procedures/jidou-teate-nintei")
    check(page, "procedure")
    page.get_by_role("link", name="ログインして申請を始める").click()
    page.wait_for_url("**/login?**")
    check(page, "login")
    page.get_by_role("button", name="デジタル認証アプリでログイン").click()
    card_login(page, NEWBORN[0], NEWBORN[1])
    page.wait_for_url("**/procedures/jidou-teate-nintei")
    with page.expect_navigation():
        page.get_by_role("button", name="申請を始める").click()
    upload = tmp_path / "tsuchou.png"
    upload.write_bytes(PNG)
    seen = answer_steps(page, NEWBORN_ANSWERS, check, upload)
    assert seen[0] == "claimant"
    assert "attachments" in seen
    assert page.url.endswith("/check")
    check(page, "check")
    assert "tsuchou.png" in page.content()
    page.get_by_role("link", name="電子署名に進む").click()
    page.wait_for_url("**/submit")
    check(page, "sign")
    page.get_by_label("署名用電子証明書のパスワード").fill("WRONG1234")
    with page.expect_navigation():
        page.get_by_role("button", name="署名して申請する").click()
    assert page.title().startswith("エラー：")
    check(page, "sign-error")
    page.get_by_label("署名用電子証明書のパスワード").fill(NEWBORN[2])
    page.get_by_role("button", name="署名して申請する").click()
    page.wait_for_url("**/done")
    check(page, "done")
    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"\d{4}-\d{5}-\d{5}", reference)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("申請書の控え")).click()
    pdf = Path(download.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert reference in text
    page.get_by_role("link", name="申請の状況を見る").click()
    page.wait_for_url("**/mine")
    check(page, "mine")
    assert reference in page.content()
    assert "処理中" in page.content()
    page.get_by_role("link", name=re.compile("児童手当等の受給資格")).first.click()
    page.wait_for_url("**/cases/*")
    check(page, "case")
    return reference


def test_a_new_resident_files_on_a_desktop(
    live_server: Any,
    page: Page,
    axe: Callable[..., None],
    screenshot: Callable[[Page, str], Path],
    tmp_path: Path,
) -> None:
    def check(p: Page, label: str) -> None:
        axe(p, label)
        screenshot(p, f"citizen-{label}-1280")

    file_from_home(page, live_server.url, tmp_path, check)


def test_a_new_resident_files_on_a_phone(
    live_server: Any,
    phone_page: Page,
    axe: Callable[..., None],
    screenshot: Callable[[Page, str], Path],
    tmp_path: Path,
) -> None:
    def check(p: Page, label: str) -> None:
        axe(p, label + " (360 px)")
        width = p.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{label}: the page is {width} px wide at 360 px"
        screenshot(p, f"citizen-{label}-360")

    file_from_home(phone_page, live_server.url, tmp_path, check)


def _tab_to(page: Page, selector: str, text: str | None = None, limit: int = 120) -> None:
    """Press Tab until the focused element matches ``selector`` (and reads ``text``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "([s, t]) => { const e = document.activeElement;"
            " return !!e && e.matches(s) && (t === null || e.textContent.trim() === t); }",
            [selector, text],
        ):
            return
    raise AssertionError(f"Tab never reached {selector} {text or ''}")


def _type(page: Page, name: str, text: str) -> None:
    _tab_to(page, f'[name="{name}"]')
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def _choose(page: Page, name: str, value: str) -> None:
    _tab_to(page, f'[name="{name}"]')
    page.keyboard.press("Space")
    for _ in range(10):
        if page.locator(f'[name="{name}"][value="{value}"]').is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not choose {value} for {name}")


def _press_button(page: Page, name: str) -> None:
    _tab_to(page, "button, a", name)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_same_with_the_keyboard_only(live_server: Any, page: Page) -> None:
    """佐藤 美咲 (public-funds account, no attachments) files without touching the mouse."""
    page.goto(live_server.url + "/procedures/jidou-teate-nintei")
    _press_button(page, "ログインして申請を始める")
    _press_button(page, "デジタル認証アプリでログイン")
    _choose(page, "resident_number", EXPECTING[0])
    _type(page, "pin", EXPECTING[1])
    with page.expect_navigation(url=re.compile("/procedures/")):
        page.keyboard.press("Enter")
    _press_button(page, "申請を始める")
    plan: dict[str, list[tuple[str, str, str]]] = {
        "claimant": [
            ("type", "claimant-phone", "042-576-2111"),
            ("type", "claimant-occupation", "パート"),
            ("choose", "claimant-pension_scheme", "kousei"),
        ],
        "reason": [("choose", "claim_reason", "other")],
        "spouse": [
            ("choose", "has_spouse", "yes"),
            ("type", "spouse-occupation", "会社員"),
            ("choose", "spouse-living_together", "yes"),
        ],
        "children": [
            ("choose", "children-0-relationship", "jisshi"),
            ("choose", "children-0-in_custody", "yes"),
            ("choose", "children-0-shared_livelihood", "yes"),
            ("choose", "has_supported_older_child", "no"),
        ],
        "payment": [("choose", "use_public_funds_account", "yes")],
        "consent": [("tick", "consent_records", "")],
    }
    while "/steps/" in page.url:
        step_id = page.url.split("/steps/")[1].split("#")[0]
        for _ in range(2):
            page.locator("body").focus()
            for kind, name, value in (item for group in plan.values() for item in group):
                if not page.locator(f'[name="{name}"]').count():
                    continue
                if kind == "type":
                    _type(page, name, value)
                elif kind == "choose":
                    _choose(page, name, value)
                elif not page.locator(f'[name="{name}"]').is_checked():
                    _tab_to(page, f'[name="{name}"]')
                    page.keyboard.press("Space")
            _press_button(page, "次へ進む")
            if f"/steps/{step_id}" not in page.url:
                break
        assert page.locator(".mg-error-summary").count() == 0, page.content()[:3000]
    assert page.url.endswith("/check")
    _press_button(page, "電子署名に進む")
    _type(page, "sign_pin", EXPECTING[2])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/done" in page.url
    reference = page.locator("#reference").inner_text()
    _press_button(page, "申請の状況を見る")
    assert reference in page.content()
