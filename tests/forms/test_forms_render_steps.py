"""Steps of the child allowance claim as residents see them: visibility, rows, prefill, progress."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from forms.render import (
    field_html_id,
    render_progress,
    render_step,
    step_takes_files,
    visible_steps,
)
from forms.spec import FormSpec
from procedures.samples import sample

TODAY = datetime.date(2025, 6, 1)
DEFINITIONS = Path(__file__).resolve().parents[2] / "procedures" / "kosodate"


def load_form(procedure_id: str) -> FormSpec:
    raw = yaml.safe_load((DEFINITIONS / f"{procedure_id}.yaml").read_text(encoding="utf-8"))
    return FormSpec.model_validate(raw["form"])


FORM = load_form("jidou-teate-nintei")


def claim(**changes: Any) -> dict[str, Any]:
    return sample("jidou-teate-nintei", TODAY) | changes


def soup_of(step: str, data: dict[str, Any], **kwargs: Any) -> BeautifulSoup:
    html = render_step(FORM, step, data, today=TODAY, **kwargs)
    return BeautifulSoup(str(html), "html.parser")


def by_id(soup: BeautifulSoup, html_id: str) -> Tag:
    found = soup.find(id=html_id)
    assert isinstance(found, Tag), f"no element with id {html_id!r}"
    return found


# -- conditional visibility ---------------------------------------------------------------


def test_spouse_group_is_not_rendered_without_a_spouse() -> None:
    soup = soup_of("spouse", claim(has_spouse=False))
    assert by_id(soup, "f-has_spouse--2").has_attr("checked")
    assert soup.find(id="f-spouse") is None
    assert soup.find(attrs={"name": "spouse-name"}) is None


def test_spouse_group_is_rendered_with_a_spouse() -> None:
    soup = soup_of("spouse", claim(has_spouse=True))
    assert by_id(soup, "f-spouse").name == "fieldset"
    assert by_id(soup, "f-spouse-name")["value"] == "山田 花子"


def test_spouse_group_is_not_rendered_before_the_question_is_answered() -> None:
    data = claim()
    del data["has_spouse"]
    assert soup_of("spouse", data).find(id="f-spouse") is None


def test_a_childs_address_is_asked_only_when_the_child_lives_elsewhere() -> None:
    data = claim()
    data["children"][1]["lives_with_claimant"] = False
    soup = soup_of("children", data)
    assert soup.find(id="f-children-0-address") is None
    assert by_id(soup, "f-children-1-address").name == "fieldset"
    # The address is someone else's: the browser must not fill in the claimant's.
    assert not by_id(soup, "f-children-1-address-city").has_attr("autocomplete")


def test_a_visible_if_reading_a_number_typed_as_text_is_decided_like_the_validator() -> None:
    form = FormSpec.model_validate(
        {
            "steps": [
                {
                    "id": "s",
                    "title": {"ja": "妊娠"},
                    "fields": [
                        {"id": "weeks", "type": "integer", "label": {"ja": "週数"}},
                        {
                            "id": "late_reason",
                            "type": "text",
                            "label": {"ja": "遅れた理由"},
                            "visible_if": {">": [{"var": "weeks"}, 20]},
                        },
                    ],
                }
            ]
        }
    )
    shown = BeautifulSoup(str(render_step(form, "s", {"weeks": "２４"})), "html.parser")
    hidden = BeautifulSoup(str(render_step(form, "s", {"weeks": "9"})), "html.parser")
    assert shown.find(id="f-late_reason") is not None
    assert hidden.find(id="f-late_reason") is None


def test_visible_steps_skip_the_attachments_when_none_are_needed() -> None:
    registered = {"account_number": "7654321"}
    data = claim(use_public_funds_account=True, registered_account=registered)
    assert [s.id for s in visible_steps(FORM, data, today=TODAY)] == [
        "claimant",
        "spouse",
        "children",
        "payment",
        "consent",
    ]
    assert [s.id for s in visible_steps(FORM, claim(), today=TODAY)][-1] == "attachments"


def test_only_steps_with_attachments_post_files() -> None:
    assert step_takes_files(FORM, "attachments")
    assert not step_takes_files(FORM, "children")


def test_an_unknown_step_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="no step 'nope'"):
        render_step(FORM, "nope", claim())


# -- repeating groups ---------------------------------------------------------------------


def test_each_child_is_a_fieldset_with_a_numbered_legend_and_remove_button() -> None:
    soup = soup_of("children", claim())
    rows = soup.find_all("fieldset", class_="mg-repeat__row")
    assert [row["id"] for row in rows] == ["f-children-0", "f-children-1"]
    legends = [row.find("legend").get_text(strip=True) for row in rows]
    assert legends == ["養育している児童 1", "養育している児童 2"]
    buttons = [row.find("button", attrs={"name": "_action"}) for row in rows]
    assert [b["value"] for b in buttons] == ["remove:children:0", "remove:children:1"]
    assert all(b["type"] == "submit" and b.has_attr("formnovalidate") for b in buttons)
    assert buttons[1].get_text(strip=True) == "養育している児童 2を削除する"
    add = by_id(soup, "f-children").find("button", attrs={"value": "add:children"})
    assert isinstance(add, Tag)
    assert add["type"] == "submit"
    assert by_id(soup, "f-children-1-birth_date")["name"] == "children-1-birth_date"
    rows_shown = soup.find("input", attrs={"name": "_rows-children"})
    assert isinstance(rows_shown, Tag)
    assert rows_shown["value"] == "2"


def test_at_the_minimum_rows_cannot_be_removed_and_empty_rows_are_offered() -> None:
    soup = soup_of("children", claim(children=[]))
    rows = soup.find_all("fieldset", class_="mg-repeat__row")
    assert len(rows) == 1  # repeat.min
    assert by_id(soup, "f-children-0-name")["value"] == ""
    assert soup.find("button", attrs={"value": "remove:children:0"}) is None


def test_at_the_maximum_no_row_can_be_added() -> None:
    child = claim()["children"][0]
    soup = soup_of("children", claim(children=[child] * 10))
    assert soup.find("button", attrs={"value": "add:children"}) is None
    assert "10件まで" in by_id(soup, "f-children").get_text()


def test_english_row_buttons() -> None:
    soup = soup_of("children", claim(), lang="en")
    add = soup.find("button", attrs={"value": "add:children"})
    assert isinstance(add, Tag)
    assert add.get_text(strip=True) == "Add another: Children you bring up"
    assert by_id(soup, "f-children-0").find("legend").get_text(strip=True) == (
        "Children you bring up 1"
    )


# -- prefill and read-only ----------------------------------------------------------------


def test_prefilled_answers_carry_a_badge_naming_the_source() -> None:
    soup = soup_of("claimant", claim(), prefilled={"claimant.name": True})
    name = by_id(soup, "f-claimant-name")
    badge = by_id(soup, "f-claimant-name--prefilled")
    assert badge.get_text() == "住民記録から入力済み"
    assert "f-claimant-name--prefilled" in str(name["aria-describedby"]).split()
    assert soup.find(id="f-claimant-kana--prefilled") is None
    assert not name.has_attr("readonly")


def test_answers_that_may_not_be_changed_are_read_only_and_never_posted() -> None:
    account = {
        "bank_code": "0009",
        "bank_name": "三井住友銀行",
        "branch_code": "001",
        "branch_name": "本店",
        "account_type": "futsuu",
        "account_number": "7654321",
        "holder_kana": "ヤマダ タロウ",
    }
    data = claim(use_public_funds_account=True, registered_account=account)
    prefilled = {f"registered_account.{key}": True for key in account}
    soup = soup_of("payment", data, prefilled=prefilled, lang="en")
    kind = by_id(soup, "f-registered_account-account_type")
    assert kind["readonly"] == ""
    assert kind["value"] == "Ordinary"
    assert not kind.has_attr("name")
    assert soup.find(id="f-bank_account") is None
    badge = by_id(soup, "f-registered_account-bank_code--prefilled")
    assert badge.get_text() == "Filled in from your public-funds account"
    label = soup.find("label", attrs={"for": "f-registered_account-bank_code"})
    assert isinstance(label, Tag)
    assert "Required" not in label.get_text()


def test_english_falls_back_to_marked_japanese() -> None:
    form = FormSpec.model_validate(
        {
            "steps": [
                {
                    "id": "s",
                    "title": {"ja": "入力"},
                    "fields": [{"id": "town", "type": "text", "label": {"ja": "町名"}}],
                }
            ]
        }
    )
    soup = BeautifulSoup(str(render_step(form, "s", {}, lang="en")), "html.parser")
    label = soup.find("label", attrs={"for": "f-town"})
    assert isinstance(label, Tag)
    span = label.find("span", attrs={"lang": "ja"})
    assert isinstance(span, Tag)
    assert span.get_text() == "町名"


def test_values_are_escaped() -> None:
    soup = soup_of("claimant", claim(claimant={"occupation": '"><script>alert(1)</script>'}))
    assert soup.find("script") is None
    assert by_id(soup, "f-claimant-occupation")["value"] == '"><script>alert(1)</script>'


# -- progress -----------------------------------------------------------------------------


def test_progress_marks_the_current_step_and_counts_visible_steps() -> None:
    registered = {"account_number": "7654321"}
    data = claim(use_public_funds_account=True, registered_account=registered)
    soup = BeautifulSoup(str(render_progress(FORM, "children", data, today=TODAY)), "html.parser")
    steps = soup.find("ol").find_all("li")
    assert [s.get_text(strip=True) for s in steps] == [
        "請求者",
        "配偶者",
        "児童",
        "振込先口座",
        "同意",
    ]
    assert [s.get("aria-current") for s in steps] == [None, None, "step", None, None]
    assert "ステップ 3 / 5" in soup.get_text()


def test_progress_in_english_with_the_attachments_step() -> None:
    html = render_progress(FORM, "attachments", claim(), lang="en", today=TODAY)
    soup = BeautifulSoup(str(html), "html.parser")
    assert "Step 6 of 6" in soup.get_text()
    current = soup.find("li", attrs={"aria-current": "step"})
    assert isinstance(current, Tag)
    assert current.get_text(strip=True) == "Attachments"


def test_field_ids_match_the_documented_scheme() -> None:
    assert field_html_id("children[1].birth_date") == "f-children-1-birth_date"
