"""Helpers of the resident browser tests (no tests here): mock card login, answering steps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
NEWBORN = ("1000000201", "3333", "DAISUKE33")
EXPECTING = ("1000000102", "1357", "MISAKI31")
BANK = {
    "bank_account-bank_code": "0005",
    "bank_account-bank_name": "三菱UFJ銀行",
    "bank_account-branch_code": "123",
    "bank_account-branch_name": "国立支店",
    "bank_account-account_type": "futsuu",
    "bank_account-account_number": "1234567",
    "bank_account-holder_kana": "タカハシ ダイスケ",
}
NEWBORN_ANSWERS: dict[str, dict[str, str]] = {
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
Check = Callable[[Page, str], None]


def card_login(page: Page, number: str, pin: str) -> None:
    """On the mock Digital Authentication App: pick the card, enter the PIN."""
    page.locator(f"#card-{number}").check()
    page.fill("#pin", pin)
    page.get_by_role("button", name="ログイン", exact=True).click()


def set_answer(page: Page, name: str, value: str) -> None:
    """Type or choose one answer by its POST name."""
    first = page.locator(f'[name="{name}"]').first
    kind = first.get_attribute("type") or first.evaluate("e => e.tagName.toLowerCase()")
    if kind == "radio":
        page.locator(f'[name="{name}"][value="{value}"]').check()
    elif kind == "checkbox":
        first.check()
    elif kind == "select":
        first.select_option(value)
    else:
        first.fill(value)


def answer_steps(
    page: Page,
    answers: Mapping[str, Mapping[str, str]],
    on_page: Check | None = None,
    upload: Path | None = None,
) -> list[str]:
    """Answer each step until the check page; ``on_page(page, label)`` runs on each page."""
    seen: list[str] = []
    while "/steps/" in page.url:
        step_id = page.url.split("/steps/")[1].split("?")[0].split("#")[0]
        if on_page:
            on_page(page, f"step-{step_id}")
        for _ in range(2):
            # Every answer is offered on every step: a definition may move a question.
            for name, value in (i for group in answers.values() for i in group.items()):
                if page.locator(f'[name="{name}"]').count():
                    set_answer(page, name, value)
            if step_id == "attachments" and upload is not None:
                page.locator('input[type="file"][name="bank_book_copy"]').set_input_files(
                    str(upload)
                )
            with page.expect_navigation():
                page.get_by_role("button", name="次へ進む").click()
            if "/steps/" + step_id not in page.url or page.locator(".mg-error-summary").count():
                break
        assert page.locator(".mg-error-summary").count() == 0, page.locator(
            ".mg-error-summary"
        ).inner_text()
        seen.append(step_id)
    return seen


def any_checks(*_: Any) -> None:
    """An ``on_page`` that checks nothing."""
