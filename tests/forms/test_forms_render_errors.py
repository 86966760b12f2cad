"""The error pattern: a summary linking to each field, the title prefixed with エラー."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from forms import validate_step
from forms.errors import FieldError
from forms.render import (
    error_anchor,
    field_html_id,
    field_input_name,
    page_title,
    parse_action,
    render_error_summary,
    render_step,
)
from forms.spec import FormSpec, LocalizedText
from procedures.samples import sample

TODAY = datetime.date(2025, 6, 1)
DEFINITIONS = Path(__file__).resolve().parents[2] / "procedures" / "kosodate"


def load_form(procedure_id: str) -> FormSpec:
    raw = yaml.safe_load((DEFINITIONS / f"{procedure_id}.yaml").read_text(encoding="utf-8"))
    return FormSpec.model_validate(raw["form"])


CLAIM = load_form("jidou-teate-nintei")


def mistakes() -> dict[str, Any]:
    """A claim with a mistake in every kind of control of the first three steps."""
    data = sample("jidou-teate-nintei", TODAY)
    data["claimant"] |= {"phone": "12345", "kana": "山田", "sex": "other"}
    data["claimant"]["address"] = {"prefecture": "東京", "city": "", "town": "中", "block": "1"}
    data["children"][1] |= {"birth_date": "令和99年1月1日", "lives_with_claimant": False}
    data["children"][0]["in_custody"] = False
    data["children"][1]["in_custody"] = False
    data["spouse"]["my_number"] = "123456789012"
    return data


@pytest.mark.parametrize("step", ["claimant", "spouse", "children", "payment", "attachments"])
def test_every_summary_link_lands_on_an_element_of_the_step(step: str) -> None:
    data = mistakes()
    if step == "payment":
        data["bank_account"] = {"bank_code": "5"}
    if step == "attachments":
        data["bank_book_copy"][0]["content_type"] = "text/plain"
    errors = validate_step(CLAIM, step, data, today=TODAY).errors
    assert errors
    page = BeautifulSoup(
        str(render_error_summary(errors))
        + str(render_step(CLAIM, step, data, errors, today=TODAY)),
        "html.parser",
    )
    links = page.find("div", class_="mg-error-summary").find_all("a")
    assert len(links) == len(errors)
    for link, error in zip(links, errors, strict=True):
        target = page.find(id=str(link["href"]).removeprefix("#"))
        assert isinstance(target, Tag), f"{link['href']} ({error.path}) is not on the page"
        assert link.get_text() == error.message.ja
        # The message also stands beside the field the link leads to.
        field = target.find_parent("div", class_="mg-field") or target
        assert error.message.ja in field.get_text()


def test_a_rule_about_the_children_links_to_the_group() -> None:
    data = mistakes()
    errors = validate_step(CLAIM, "children", data, today=TODAY).errors
    rule = next(e for e in errors if e.code == "rule")
    assert rule.path == "children"
    soup = BeautifulSoup(str(render_step(CLAIM, "children", data, errors)), "html.parser")
    group = soup.find(id="f-children")
    assert isinstance(group, Tag)
    assert group["tabindex"] == "-1"
    assert rule.message.ja in group.get_text()


def test_error_summary_in_japanese() -> None:
    error = FieldError(
        "claimant.phone", "invalid", LocalizedText(ja="電話番号が正しくありません。", en="Bad.")
    )
    soup = BeautifulSoup(str(render_error_summary([error])), "html.parser")
    box = soup.find("div", class_="mg-error-summary")
    assert isinstance(box, Tag)
    assert box["role"] == "alert"
    assert box["tabindex"] == "-1"
    heading = box.find(["h2"])
    assert isinstance(heading, Tag)
    assert heading.get_text() == "入力内容に誤りがあります"
    assert box["aria-labelledby"] == heading["id"]
    link = box.find("a")
    assert isinstance(link, Tag)
    assert (link["href"], link.get_text()) == ("#f-claimant-phone", "電話番号が正しくありません。")


def test_error_summary_in_english() -> None:
    error = FieldError(
        "children[1].birth_date", "in_future", LocalizedText(ja="未来", en="Future.")
    )
    soup = BeautifulSoup(str(render_error_summary([error], lang="en")), "html.parser")
    assert soup.find("h2").get_text() == "There is a problem"
    link = soup.find("a")
    assert isinstance(link, Tag)
    assert (link["href"], link.get_text()) == ("#f-children-1-birth_date", "Future.")


def test_no_errors_no_summary() -> None:
    assert str(render_error_summary([])) == ""


def test_an_error_about_the_whole_payload_has_no_link() -> None:
    error = FieldError("", "invalid", LocalizedText(ja="形が正しくありません。"))
    soup = BeautifulSoup(str(render_error_summary([error])), "html.parser")
    assert soup.find("a") is None
    assert "形が正しくありません。" in soup.get_text()


def test_page_title_is_prefixed_only_when_there_are_errors() -> None:
    error = FieldError("x", "required", LocalizedText(ja="必要です。"))
    assert page_title("請求者 | 児童手当", [error]) == "エラー：請求者 | 児童手当"
    assert page_title("Claimant", [error], lang="en") == "Error: Claimant"
    assert page_title("請求者", []) == "請求者"


@pytest.mark.parametrize(
    ("path", "html_id", "name"),
    [
        ("has_spouse", "f-has_spouse", "has_spouse"),
        ("claimant.address.city", "f-claimant-address-city", "claimant-address-city"),
        ("children[1].birth_date", "f-children-1-birth_date", "children-1-birth_date"),
        ('bad key"<', "f-bad_key__", "bad_key__"),
    ],
)
def test_ids_and_names(path: str, html_id: str, name: str) -> None:
    assert field_html_id(path) == html_id
    assert field_input_name(path) == name


def test_an_error_about_one_item_of_a_list_links_to_the_answer() -> None:
    assert error_anchor("bank_book_copy[1]") == "f-bank_book_copy"
    assert error_anchor("children[1]") == "f-children"
    assert error_anchor("children[1].name") == "f-children-1-name"
    assert error_anchor("") is None


def test_actions_are_parsed() -> None:
    assert parse_action("remove:children:2").index == 2
    assert parse_action("add:children").kind == "add"
    with pytest.raises(ValueError, match="not a form action"):
        parse_action("remove:children:")
