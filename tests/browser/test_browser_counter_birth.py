"""The no-writing counter in Chromium: a clerk files a birth bundle for a demo family,
the resident confirms each form and signs on the tablet view; the test reports how many
answers the clerk typed against how many were filed."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page
from sqlmodel import Session

from engine.cases import plain_data
from engine.records import get_case
from engine.visits import CounterVisit
from tests.browser.test_browser_staff_review import PASSWORDS, staff_login
from tests.web.counter.counter_flow import PDF, missing_answers
from web.counter.bundles import leaves

PASSWORDS.setdefault("kosodate-uketsuke", "demo-uketsuke-1")
FATHER, FATHER_PIN = "1000000201", "3333"  # 高橋 大輔: his son was born 5 days ago
EXTRA = ["hoiku-shikyuu-nintei", "hoiku-riyou-moushikomi"]  # ticked by the clerk


def _fill(page: Page, name: str, value: Any, tmp: Path) -> bool:
    """Answer one question; False when the page does not ask it (yet)."""
    field = page.locator(f'[name="{name}"]')
    if field.count() == 0:
        return False
    kind = field.first.get_attribute("type") or field.first.evaluate("e => e.tagName.toLowerCase()")
    if isinstance(value, tuple):  # a file: the paper the resident brought, scanned
        path = tmp / value[1]
        path.write_bytes(PDF)
        field.first.set_input_files(str(path))
    elif kind == "radio":
        page.locator(f'[name="{name}"][value="{value}"]').check()
    elif kind == "checkbox":
        for v in value if isinstance(value, list) else [value]:
            page.locator(f'[name="{name}"][value="{v}"]').check()
    elif kind == "select":
        field.first.select_option(str(value))
    else:
        field.first.fill(str(value))
    return True


def test_a_clerk_files_a_birth_bundle_with_the_tablet_view(
    live_server: Any,
    page: Page,
    axe: Callable[..., None],
    screenshot: Callable[[Page, str], Path],
    tmp_path: Path,
) -> None:
    url = live_server.url
    app = live_server.app
    staff_login(page, url, "kosodate-uketsuke", "/counter/")
    assert "/counter/" in page.url
    axe(page, "counter start")
    page.select_option("#card", FATHER)
    page.fill("#pin", FATHER_PIN)
    with page.expect_navigation():
        page.get_by_role("button", name="カードで本人確認して開始").click()
    vid = re.search(r"/visits/([0-9a-f]{32})/", page.url).group(1)  # type: ignore[union-attr]
    page.get_by_label("子どもが生まれた").check()
    with page.expect_navigation():
        page.get_by_role("button", name="必要な手続を表示").click()
    assert page.locator('[name="procedure"][value="jidou-teate-nintei"]').is_checked()
    axe(page, "life events")
    for pid in EXTRA:
        page.locator(f'[name="procedure"][value="{pid}"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name="まとめて入力へ").click()
    axe(page, "bundle form")
    screenshot(page, "counter-bundle-1280")

    typed = 0
    for _round in range(6):
        answers, _count = missing_answers(app, vid)
        rows = {k: int(v) for k, v in answers.items() if k.startswith("_rows-")}
        for key, wanted in rows.items():
            group = key.removeprefix("_rows-")
            while int(page.locator(f'[name="{key}"]').get_attribute("value") or 0) < wanted:
                with page.expect_navigation():
                    page.locator(f'button[name="_action"][value="add:{group}"]').click()
        for name, value in answers.items():
            if name.startswith("_rows-"):
                continue
            done = _fill(page, name, value, tmp_path)
            typed += done
        with page.expect_navigation():
            page.get_by_role("button", name="保存して確認へ").click()
        if "/review" in page.url:
            break
        axe(page, f"bundle form, round {_round + 2}")
    assert "/review" in page.url, page.locator(".mg-error-summary").all_inner_texts()
    axe(page, "review")

    tablet = page.context.new_page()
    tablet.goto(url + f"/counter/visits/{vid}/tablet")
    axe(tablet, "tablet")
    screenshot(tablet, "counter-tablet-1280")
    for _ in range(1 + len(EXTRA)):
        with tablet.expect_navigation():
            tablet.get_by_role("button", name="これで正しい").click()
    pad = tablet.locator("#signature-pad")
    box = pad.bounding_box()
    assert box is not None
    tablet.mouse.move(box["x"] + 20, box["y"] + 40)
    tablet.mouse.down()
    for i in range(1, 12):
        tablet.mouse.move(box["x"] + 20 + i * 25, box["y"] + 40 + (i % 3) * 30)
    tablet.mouse.up()
    axe(tablet, "signature")
    with tablet.expect_navigation():
        tablet.get_by_role("button", name="署名して確定").click()
    assert "ありがとうございました" in tablet.content()

    page.reload()
    with page.expect_navigation():
        page.get_by_role("button", name="すべてまとめて申請").click()
    assert page.url.endswith("/done")
    axe(page, "filed")
    screenshot(page, "counter-done-1280")
    rt = app.extensions["madoguchi"]
    with Session(rt.db) as s:
        visit = s.get(CounterVisit, vid)
        assert visit is not None
        assert visit.status == "filed"
        assert len(visit.case_ids) >= 3
        records = [get_case(s, ref["id"]) for ref in visit.case_ids.values()]
        data = {
            r.procedure_id: plain_data(rt, r, rt.procedure_for(s, r.definition_version))
            for r in records
            if r is not None
        }
        filed = sum(len(leaves(d)) for d in data.values())
        clerk_typed = len(visit.typed)
        typed_paths = set(visit.typed)
        references = [ref["reference"] for ref in visit.case_ids.values()]
    # The phone the registry does not hold is asked once and goes to both forms.
    phone = data["jidou-teate-nintei"]["claimant"]["phone"]
    assert data["hoiku-shikyuu-nintei"]["guardian"]["phone"] == phone
    assert "guardian:guardian.phone" not in typed_paths
    # The child and the parents come from the registry in every form.
    child = data["jidou-teate-nintei"]["children"][0]
    assert data["hoiku-shikyuu-nintei"]["child"]["name"] == child["name"]
    assert data["hoiku-riyou-moushikomi"]["child_birth_date"] == child["birth_date"]
    assert [g["name"] for g in data["hoiku-riyou-moushikomi"]["guardians"]] == [
        data["jidou-teate-nintei"]["claimant"]["name"],
        data["jidou-teate-nintei"]["spouse"]["name"],
    ]
    asked_anyway = ("child:", "child_", "guardians:guardians[0].name", "has_other_parent:")
    assert not {p for p in typed_paths if p.startswith(asked_anyway)}
    for reference in references:
        assert reference in page.content()
    receipt = page.request.get(url + f"/counter/visits/{vid}/receipt.pdf")
    assert receipt.ok
    assert receipt.body().startswith(b"%PDF")
    print(
        f"\ncounter birth bundle: {len(references)} procedures filed in one visit; "
        f"the clerk typed {clerk_typed} answers (test fills: {typed}) of {filed} filed "
        f"({clerk_typed / filed:.0%})"
    )
    # The point of the counter: the registry fills the names, dates, address, My Numbers,
    # the child and the guardians of all three forms, and an answer two forms share is
    # typed once. What is left is what the city cannot know (work, hours, wishes, the
    # bank account of a father with no public-funds account): under half of what is filed.
    assert clerk_typed <= typed
    assert clerk_typed * 2 < filed, (clerk_typed, filed)
