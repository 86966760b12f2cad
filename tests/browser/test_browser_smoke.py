"""The app serves real pages to a real browser: the harness itself works."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page


def test_home_page_in_chromium_is_japanese_first_and_switches_to_english(
    live_server: Any, page: Page, axe: Callable[..., None]
) -> None:
    url = live_server.url
    page.goto(url + "/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert "オンライン窓口" in page.title()
    axe(page, "home")
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Online Counter" in page.title()


def test_unknown_page_is_a_japanese_404_page_not_a_stack_trace(
    live_server: Any, page: Page, screenshot: Callable[[Page, str], Path]
) -> None:
    url = live_server.url
    response = page.goto(url + "/no-such-page")
    assert response is not None
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "ページが見つかりません"
    assert "Traceback" not in page.content()
    assert screenshot(page, "404-desktop").exists()
