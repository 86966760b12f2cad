"""Each field type drawn accessibly: label, hint, error beside it, ARIA, autocomplete."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from forms import default_registry
from forms.errors import FieldError
from forms.render import field_html_id, render_step
from forms.spec import FormSpec, LocalizedText

TODAY = datetime.date(2025, 6, 1)
PDF = {
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "name": "通帳.pdf",
    "content_type": "application/pdf",
    "size": 48213,
}


def label(ja: str, en: str = "") -> dict[str, str]:
    return {"ja": ja, "en": en}


def options(*codes: str) -> list[dict[str, Any]]:
    return [{"code": c, "label": label(f"選択肢{c}", f"Option {c}")} for c in codes]


# One field of every built-in type: (type, id, extra declaration).
FIELDS: list[tuple[str, str, dict[str, Any]]] = [
    ("text", "occupation", {"max_length": 50}),
    ("textarea", "wishes", {"max_length": 400}),
    ("email", "email", {}),
    ("phone", "phone", {}),
    ("name", "name", {}),
    ("kana", "kana", {}),
    ("bank_holder_kana", "holder_kana", {}),
    ("date", "birth_date", {"rules": ["not_future"]}),
    ("postal_code", "postal_code", {}),
    ("address", "address", {}),
    ("my_number", "my_number", {}),
    ("insured_number", "insured_number", {}),
    ("lg_code", "lg_code", {}),
    ("bank_code", "bank_code", {}),
    ("branch_code", "branch_code", {}),
    ("account_type", "account_type", {}),
    ("account_number", "account_number", {}),
    ("money", "income", {"min": 0}),
    ("integer", "weeks", {"min": 1, "max": 45}),
    ("yes_no", "has_spouse", {}),
    ("choice", "sex", {"options": options("male", "female")}),
    ("multi_choice", "reasons", {"options": options("work", "illness", "care")}),
    (
        "consent",
        "consent",
        {"wording": label("所得の情報を確認することに同意します。", "I agree.")},
    ),
    ("attachment", "documents", {"accept": ["application/pdf"], "max_files": 2}),
    ("group", "spouse", {"fields": [{"id": "name", "type": "name", "label": label("氏名")}]}),
    ("computed", "age", {"compute": {"age": [{"var": "birth_date"}]}}),
]
TYPE_OF = {field_id: type_name for type_name, field_id, _ in FIELDS}


def field_label(field_id: str) -> str:
    return f"{field_id}の項目"


def declaration(type_name: str, field_id: str, extra: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": field_id,
        "type": type_name,
        "label": label(field_label(field_id), f"The {field_id}"),
        "hint": label(f"{field_id}の説明", f"About {field_id}"),
        **extra,
    }
    if type_name not in ("group", "computed"):
        out["required"] = True
    return out


FORM = FormSpec.model_validate(
    {
        "steps": [
            {
                "id": "all",
                "title": label("すべての型", "Every type"),
                "fields": [declaration(*field) for field in FIELDS],
            }
        ]
    }
)
DATA: dict[str, Any] = {
    "occupation": "会社員",
    "wishes": "平日の午前\n通訳が必要",
    "email": "taro@example.jp",
    "phone": "090-1234-5678",
    "name": "山田 太郎",
    "kana": "ヤマダ タロウ",
    "holder_kana": "ヤマダ タロウ",
    "birth_date": "1990-04-12",
    "postal_code": "1234567",
    "address": {"prefecture": "東京都", "city": "国立市", "town": "富士見台", "block": "2-5-3"},
    "my_number": "123456789018",
    "insured_number": "0123456789",
    "lg_code": "132152",
    "bank_code": "0005",
    "branch_code": "123",
    "account_type": "futsuu",
    "account_number": "1234567",
    "income": 25000,
    "weeks": 9,
    "has_spouse": True,
    "sex": "female",
    "reasons": ["work", "care"],
    "consent": {"agreed": True, "wording": "所得の情報を確認することに同意します。"},
    "documents": [PDF],
    "spouse": {"name": "山田 花子"},
}


def error_at(path: str, ja: str = "", en: str = "") -> FieldError:
    return FieldError(
        path, "invalid", LocalizedText(ja=ja or f"{path}が正しくありません。", en=en or f"{path}?")
    )


def render(
    errors: tuple[FieldError, ...] = (), data: dict[str, Any] | None = None, lang: str = "ja"
) -> BeautifulSoup:
    html = render_step(FORM, "all", DATA if data is None else data, errors, lang=lang, today=TODAY)
    return BeautifulSoup(str(html), "html.parser")


def by_id(soup: BeautifulSoup, html_id: str) -> Tag:
    found = soup.find(id=html_id)
    assert isinstance(found, Tag), f"no element with id {html_id!r}"
    return found


def wrapper(element: Tag) -> Tag:
    """The field's outer ``div.mg-field`` (the nearest one)."""
    parent = element.find_parent("div", class_="mg-field")
    assert isinstance(parent, Tag)
    return parent


def described_ids(element: Tag) -> list[str]:
    value = element.get("aria-describedby")
    assert isinstance(value, str), f"{element.name} has no aria-describedby"
    return value.split()


def assert_described(soup: BeautifulSoup, element: Tag, *, hint: bool, error: bool) -> None:
    """aria-describedby names existing elements, among them the hint and the error."""
    ids = described_ids(element)
    for html_id in ids:
        by_id(soup, html_id)
    hints = [i for i in ids if "mg-hint" in by_id(soup, i).get_attribute_list("class")]
    errors = [i for i in ids if "mg-error-message" in by_id(soup, i).get_attribute_list("class")]
    assert bool(hints) == hint
    assert bool(errors) == error


def legend_of(element: Tag) -> str:
    fieldset = element if element.name == "fieldset" else element.find_parent("fieldset")
    assert isinstance(fieldset, Tag)
    legend = fieldset.find("legend")
    assert isinstance(legend, Tag)
    return legend.get_text(" ", strip=True)


def label_for(soup: BeautifulSoup, element: Tag) -> str:
    found = soup.find("label", attrs={"for": element["id"]})
    assert isinstance(found, Tag), f"no label for {element['id']}"
    return found.get_text(" ", strip=True)


def test_every_built_in_type_has_a_rendering_test() -> None:
    assert {type_name for type_name, _, _ in FIELDS} == set(default_registry.names())


# -- one-line inputs ----------------------------------------------------------------------

# type -> (input type, autocomplete, inputmode, has pattern)
INPUTS: dict[str, tuple[str, str | None, str | None, bool]] = {
    "text": ("text", None, None, False),
    "email": ("email", "email", None, False),
    "phone": ("tel", "tel", "tel", True),
    "name": ("text", "name", None, False),
    "kana": ("text", "off", None, False),
    "bank_holder_kana": ("text", "off", None, False),
    "date": ("text", "bday", None, False),
    "postal_code": ("text", "postal-code", "numeric", True),
    "my_number": ("text", "off", "numeric", True),
    "insured_number": ("text", "off", "numeric", True),
    "lg_code": ("text", None, "numeric", True),
    "bank_code": ("text", None, "numeric", True),
    "branch_code": ("text", None, "numeric", True),
    "account_number": ("text", None, "numeric", True),
    "money": ("text", None, "numeric", False),
    "integer": ("text", None, "numeric", False),
}
ID_OF = {type_name: field_id for type_name, field_id, _ in FIELDS}


@pytest.mark.parametrize("type_name", sorted(INPUTS))
def test_one_line_input(type_name: str) -> None:
    field_id = ID_OF[type_name]
    message = f"{field_label(field_id)}の形が正しくありません。"
    soup = render((error_at(field_id, message),))
    control = by_id(soup, field_html_id(field_id))
    input_type, autocomplete, inputmode, has_pattern = INPUTS[type_name]

    assert control.name == "input"
    assert control["type"] == input_type
    assert control["name"] == field_id
    assert label_for(soup, control) == f"{field_label(field_id)} 必須"
    assert control.has_attr("required")
    assert_described(soup, control, hint=True, error=True)
    assert control["aria-invalid"] == "true"
    assert message in wrapper(control).get_text()
    assert control.get("autocomplete") == autocomplete
    assert control.get("inputmode") == inputmode
    assert control.has_attr("pattern") == has_pattern


def test_an_input_without_error_is_not_marked_invalid() -> None:
    soup = render()
    control = by_id(soup, "f-phone")
    assert not control.has_attr("aria-invalid")
    assert_described(soup, control, hint=True, error=False)
    assert wrapper(control).find(class_="mg-error-message") is None


@pytest.mark.parametrize(
    ("field_id", "shown"),
    [
        ("postal_code", "123-4567"),
        ("income", "25,000"),
        ("weeks", "9"),
        ("birth_date", "1990-04-12"),
        ("my_number", "123456789018"),
    ],
)
def test_stored_values_are_shown_the_way_people_write_them(field_id: str, shown: str) -> None:
    assert by_id(render(), field_html_id(field_id))["value"] == shown


def test_an_invalid_value_is_shown_exactly_as_typed() -> None:
    typed = "〒１２３ー456"
    soup = render((error_at("postal_code"),), data={**DATA, "postal_code": typed})
    assert by_id(soup, "f-postal_code")["value"] == typed


def test_digit_patterns_accept_what_the_server_accepts() -> None:
    soup = render()
    pattern = by_id(soup, "f-my_number")["pattern"]
    assert isinstance(pattern, str)
    # The browser anchors the pattern and compiles it with the v flag; Python's re reads
    # this subset the same way.
    for typed in ("123456789018", "１２３４ ５６７８ ９０１８", "1234-5678-9018"):
        assert re.fullmatch(pattern, typed)
    assert not re.fullmatch(pattern, "12345678901a")


def test_money_shows_its_unit_and_describes_the_input_with_it() -> None:
    soup = render()
    control = by_id(soup, "f-income")
    unit = by_id(soup, "f-income--unit")
    assert unit.get_text() == "円"
    assert "f-income--unit" in described_ids(control)


def test_date_hint_says_both_calendars_are_accepted() -> None:
    hint = by_id(render(), "f-birth_date--hint").get_text()
    assert "令和" in hint
    assert "2025-04-01" in hint


def test_textarea() -> None:
    soup = render((error_at("wishes", "「wishesの項目」は400文字以内で入力してください。"),))
    control = by_id(soup, "f-wishes")
    assert control.name == "textarea"
    assert control.get_text() == "平日の午前\n通訳が必要"
    assert label_for(soup, control) == "wishesの項目 必須"
    assert_described(soup, control, hint=True, error=True)
    assert control["aria-invalid"] == "true"
    assert "400文字以内" in by_id(soup, "f-wishes--hint").get_text()
    assert "400文字以内で入力してください" in wrapper(control).get_text()


# -- radios and checkboxes ----------------------------------------------------------------

# field id -> (input type, values offered, values checked)
CHOOSING: dict[str, tuple[str, list[str], list[str]]] = {
    "has_spouse": ("radio", ["yes", "no"], ["yes"]),
    "sex": ("radio", ["male", "female"], ["female"]),
    "account_type": ("radio", ["futsuu", "touza", "chochiku"], ["futsuu"]),
    "reasons": ("checkbox", ["work", "illness", "care"], ["work", "care"]),
}


@pytest.mark.parametrize("field_id", sorted(CHOOSING))
def test_radios_and_checkboxes_are_a_fieldset_with_a_legend(field_id: str) -> None:
    message = f"{field_label(field_id)}を選んでください。"
    soup = render((error_at(field_id, message),))
    kind, values, checked = CHOOSING[field_id]
    inputs = soup.find_all("input", attrs={"name": field_id})
    first = by_id(soup, field_html_id(field_id))
    fieldset = first.find_parent("fieldset")
    assert isinstance(fieldset, Tag)

    assert [i["type"] for i in inputs] == [kind] * len(values)
    assert [i["value"] for i in inputs] == values
    assert [i["value"] for i in inputs if i.has_attr("checked")] == checked
    assert legend_of(fieldset) == f"{field_label(field_id)} 必須"
    assert_described(soup, fieldset, hint=True, error=True)
    assert message in wrapper(fieldset).get_text()
    for item in inputs:
        assert label_for(soup, item)
        assert item["aria-invalid"] == "true"
    # Every radio of a required group is required; a required checkbox would need them all.
    assert all(i.has_attr("required") for i in inputs) == (kind == "radio")


def test_yes_no_and_account_type_labels_in_english() -> None:
    soup = render(lang="en")
    assert label_for(soup, by_id(soup, "f-has_spouse")) == "Yes"
    assert label_for(soup, by_id(soup, "f-has_spouse--2")) == "No"
    assert label_for(soup, by_id(soup, "f-account_type")) == "Ordinary"
    assert legend_of(by_id(soup, "f-sex")) == "The sex Required"


def test_a_long_choice_is_a_select_with_a_label() -> None:
    codes = [f"c{i}" for i in range(12)]
    form = FormSpec.model_validate(
        {
            "steps": [
                {
                    "id": "s",
                    "title": label("入力"),
                    "fields": [
                        {
                            "id": "office",
                            "type": "choice",
                            "label": label("窓口"),
                            "required": True,
                            "options": options(*codes),
                        }
                    ],
                }
            ]
        }
    )
    html = render_step(form, "s", {"office": "c3"}, (error_at("office", "選んでください。"),))
    soup = BeautifulSoup(str(html), "html.parser")
    select = by_id(soup, "f-office")
    assert select.name == "select"
    assert label_for(soup, select) == "窓口 必須"
    assert select["aria-invalid"] == "true"
    assert_described(soup, select, hint=False, error=True)
    chosen = select.find("option", selected=True)
    assert isinstance(chosen, Tag)
    assert chosen["value"] == "c3"


# -- consent, address, attachment, group, computed -----------------------------------------


def test_consent_shows_the_whole_wording_beside_its_checkbox() -> None:
    message = "「consentの項目」の内容をご確認のうえ、同意してください。"
    soup = render((error_at("consent", message),), data={**DATA, "consent": False})
    checkbox = by_id(soup, "f-consent")
    wording = by_id(soup, "f-consent--wording")

    assert checkbox["type"] == "checkbox"
    assert checkbox["value"] == "yes"
    assert not checkbox.has_attr("checked")
    assert wording.get_text() == "所得の情報を確認することに同意します。"
    assert label_for(soup, checkbox) == "上記の内容に同意します"
    assert legend_of(checkbox) == "consentの項目 必須"
    assert described_ids(checkbox)[0] == "f-consent--wording"
    assert_described(soup, checkbox, hint=False, error=True)
    assert checkbox["aria-invalid"] == "true"
    assert checkbox.has_attr("required")
    fieldset = checkbox.find_parent("fieldset")
    assert isinstance(fieldset, Tag)
    assert_described(soup, fieldset, hint=True, error=False)
    assert message in wrapper(fieldset).get_text()


def test_address_parts_each_have_a_label_token_and_their_own_error() -> None:
    message = "「addressの項目」の市区町村を入力してください。"
    data = {**DATA, "address": {"prefecture": "東京都", "town": "富士見台", "block": "2-5-3"}}
    soup = render((error_at("address.city", message),), data=data)
    fieldset = by_id(soup, "f-address")
    assert fieldset.name == "fieldset"
    assert legend_of(fieldset) == "addressの項目 必須"
    assert_described(soup, fieldset, hint=True, error=False)

    tokens = {
        "prefecture": "address-level1",
        "city": "address-level2",
        "town": "address-line1",
        "block": "address-line2",
        "building": "address-line3",
    }
    for part, token in tokens.items():
        control = by_id(soup, f"f-address-{part}")
        assert control["name"] == f"address-{part}"
        assert control["autocomplete"] == token
        assert label_for(soup, control)
        assert control.has_attr("required") == (part != "building")
    city = by_id(soup, "f-address-city")
    assert city["aria-invalid"] == "true"
    assert_described(soup, city, hint=False, error=True)
    assert message in wrapper(city).get_text()
    assert not by_id(soup, "f-address-town").has_attr("aria-invalid")
    prefecture = by_id(soup, "f-address-prefecture")
    assert prefecture.name == "select"
    chosen = prefecture.find("option", selected=True)
    assert isinstance(chosen, Tag)
    assert chosen["value"] == "東京都"


def test_a_prefecture_that_is_not_one_stays_visible() -> None:
    data = {**DATA, "address": {**DATA["address"], "prefecture": "東京"}}
    soup = render((error_at("address.prefecture"),), data=data)
    chosen = by_id(soup, "f-address-prefecture").find("option", selected=True)
    assert isinstance(chosen, Tag)
    assert chosen["value"] == "東京"


def test_attachment_lists_the_files_and_offers_a_file_input() -> None:
    message = "「documentsの項目」に添付できるのはPDFのファイルです。"
    soup = render((error_at("documents[0]", message),))
    control = by_id(soup, "f-documents")
    assert control["type"] == "file"
    assert control["accept"] == "application/pdf"
    assert control.has_attr("multiple")
    # A file is attached: the browser must not insist on another.
    assert not control.has_attr("required")
    assert label_for(soup, control) == "documentsの項目 必須"
    assert_described(soup, control, hint=True, error=True)
    assert control["aria-invalid"] == "true"
    assert message in wrapper(control).get_text()
    assert "PDF" in by_id(soup, "f-documents--hint").get_text()
    item = by_id(soup, "f-documents--file-1")
    assert "通帳.pdf" in item.get_text()
    assert "48KB" in item.get_text()
    button = item.find("button")
    assert isinstance(button, Tag)
    assert (button["name"], button["value"]) == ("_action", "remove_file:documents:0")
    assert button.has_attr("formnovalidate")


def test_group_is_a_fieldset_and_its_fields_are_named_by_path() -> None:
    message = "「氏名」を入力してください。"
    soup = render((error_at("spouse.name", message),))
    fieldset = by_id(soup, "f-spouse")
    control = by_id(soup, "f-spouse-name")
    assert fieldset.name == "fieldset"
    assert legend_of(fieldset) == "spouseの項目"
    assert_described(soup, fieldset, hint=True, error=False)
    assert control["name"] == "spouse-name"
    assert label_for(soup, control) == "氏名"
    assert control["aria-invalid"] == "true"
    assert_described(soup, control, hint=False, error=True)
    assert message in wrapper(control).get_text()


def test_computed_value_is_shown_read_only() -> None:
    soup = render()
    output = by_id(soup, "f-age")
    assert output.name == "output"
    assert output.get_text() == "35"
    assert label_for(soup, output) == "ageの項目"
    assert_described(soup, output, hint=True, error=False)
    assert "自動で計算" in by_id(soup, "f-age--hint").get_text()
    assert soup.find(attrs={"name": "age"}) is None


def test_required_marker_is_text_in_both_languages() -> None:
    assert "必須" in label_for(render(), by_id(render(), "f-name"))
    soup = render(lang="en")
    assert label_for(soup, by_id(soup, "f-name")) == "The name Required"


def test_every_id_is_unique() -> None:
    soup = render(tuple(error_at(field_id) for _, field_id, _ in FIELDS))
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
