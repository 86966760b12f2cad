"""The "check your answers" page: answers as residents read them, each with a change link."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from forms.render import render_summary
from forms.spec import FormSpec
from procedures.samples import sample

TODAY = datetime.date(2025, 6, 1)
DEFINITIONS = Path(__file__).resolve().parents[2] / "procedures" / "kosodate"


def load_form(procedure_id: str) -> FormSpec:
    raw = yaml.safe_load((DEFINITIONS / f"{procedure_id}.yaml").read_text(encoding="utf-8"))
    return FormSpec.model_validate(raw["form"])


CLAIM = load_form("jidou-teate-nintei")


def change_url(step_id: str, html_id: str) -> str:
    return f"/apply/jidou-teate-nintei/{step_id}#{html_id}"


def summary(data: dict[str, Any] | None = None, **kwargs: Any) -> BeautifulSoup:
    answers = sample("jidou-teate-nintei", TODAY) if data is None else data
    html = render_summary(CLAIM, answers, change_url=change_url, today=TODAY, **kwargs)
    return BeautifulSoup(str(html), "html.parser")


def answers(soup: BeautifulSoup) -> list[tuple[str, str, str | None]]:
    """(label, value, change link) of every answer, in page order."""
    out = []
    for row in soup.find_all("div", class_="mg-summary-list__row"):
        link = row.find("a")
        href = str(link["href"]) if isinstance(link, Tag) else None
        key = row.find("dt").get_text(strip=True)
        value = row.find("dd", class_="mg-summary-list__value").get_text("\n", strip=True)
        out.append((key, value, href))
    return out


def answer(soup: BeautifulSoup, href: str) -> str:
    for _, value, link in answers(soup):
        if link == change_url(*href.split("#")):
            return value
    raise AssertionError(f"no answer linking to {href}")


def test_my_number_is_masked() -> None:
    soup = summary()
    assert answer(soup, "claimant#f-claimant-my_number") == "********9018"
    assert answer(soup, "spouse#f-spouse-my_number") == "********8640"
    assert "123456789018" not in soup.get_text()


def test_dates_are_shown_in_the_japanese_calendar_by_default() -> None:
    soup = summary()
    assert answer(soup, "claimant#f-claimant-birth_date") == "平成2年4月12日"
    western = summary(date_style="seireki")
    assert answer(western, "claimant#f-claimant-birth_date") == "1990年4月12日"
    english = summary(lang="en")
    assert answer(english, "claimant#f-claimant-birth_date") == "April 12, Heisei 2 (1990)"


def test_choices_are_shown_by_their_labels() -> None:
    soup = summary()
    assert answer(soup, "claimant#f-claimant-sex") == "男"
    assert answer(soup, "claimant#f-claimant-pension_scheme") == "厚生年金"
    assert answer(soup, "payment#f-bank_account-account_type") == "普通"
    assert answer(soup, "children#f-children-1-relationship") == "実子"
    assert answer(summary(lang="en"), "claimant#f-claimant-pension_scheme") == "Employees' pension"


def test_other_answers_in_display_form() -> None:
    soup = summary()
    assert answer(soup, "spouse#f-has_spouse") == "はい"
    assert answer(soup, "claimant#f-claimant-phone") == "090-1234-5678"
    assert (
        answer(soup, "claimant#f-claimant-address")
        == "東京都国立市富士見台2丁目5番3号\u3000コーポ富士見\u3000201"
    )
    assert answer(soup, "consent#f-consent_records") == "同意する"
    assert answer(soup, "attachments#f-bank_book_copy") == "通帳.pdf"
    assert answer(summary(lang="en"), "spouse#f-has_spouse") == "Yes"


def test_each_child_is_its_own_block_with_its_answers() -> None:
    soup = summary()
    headings = [h.get_text(strip=True) for h in soup.find_all(["h3", "h4"])]
    assert headings[:4] == ["請求者（あなた）", "配偶者", "養育している児童", "養育している児童 1"]
    assert "養育している児童 2" in headings
    assert answer(soup, "children#f-children-1-name") == "山田\u3000次郎"


def test_change_links_name_the_answer_for_screen_readers() -> None:
    soup = summary()
    link = soup.find("a", href=change_url("children", "f-children-1-name"))
    assert isinstance(link, Tag)
    assert link.get_text(strip=True) == "変更（養育している児童 2の氏名）"


def test_hidden_steps_and_fields_are_left_out() -> None:
    data = sample("jidou-teate-nintei", TODAY)
    data |= {"has_spouse": False, "use_public_funds_account": True}
    data["registered_account"] = {"account_number": "7654321", "account_type": "futsuu"}
    soup = summary(data)
    titles = [h.get_text(strip=True) for h in soup.find_all("h2")]
    assert titles == ["請求者", "配偶者", "児童", "振込先口座", "同意"]
    assert soup.find("a", href=change_url("spouse", "f-spouse-name")) is None
    assert "通帳.pdf" not in soup.get_text()
    # The registered account is shown but cannot be changed here.
    rows = {key: (value, href) for key, value, href in answers(soup)}
    assert rows["口座番号"] == ("7654321", None)


def test_money_postal_codes_and_empty_answers() -> None:
    form = FormSpec.model_validate(
        {
            "steps": [
                {
                    "id": "s",
                    "title": {"ja": "収入", "en": "Income"},
                    "fields": [
                        {"id": "income", "type": "money", "label": {"ja": "収入", "en": "Income"}},
                        {"id": "zip", "type": "postal_code", "label": {"ja": "郵便番号"}},
                        {"id": "note", "type": "text", "label": {"ja": "備考", "en": "Note"}},
                    ],
                }
            ]
        }
    )
    data = {"income": "25000", "zip": "1234567"}
    html = render_summary(form, data, change_url=change_url)
    rows = answers(BeautifulSoup(str(html), "html.parser"))
    assert [(key, value) for key, value, _ in rows] == [
        ("収入", "25,000円"),
        ("郵便番号", "123-4567"),
        ("備考", "（未入力）"),
    ]
    english = render_summary(form, data, lang="en", change_url=change_url)
    rows = answers(BeautifulSoup(str(english), "html.parser"))
    assert rows[0][1] == "¥25,000"


def test_headings_start_at_the_level_asked() -> None:
    soup = summary(heading_level=3)
    first = soup.find("h3")
    assert isinstance(first, Tag)
    assert first.get_text(strip=True) == "請求者"
    assert soup.find("h2") is None


def test_an_unknown_date_style_is_refused() -> None:
    with pytest.raises(ValueError, match="date style"):
        summary(date_style="julian")
