"""The expression language of visible_if, required_if, compute and rules."""

from __future__ import annotations

import datetime

import pytest

from forms.logic import check_expression, evaluate, referenced_vars

DATA = {
    "has_spouse": True,
    "income": 3_000_000,
    "birth_date": "1985-04-01",
    "children": [
        {"name": "花子", "relationship": "child", "birth_date": "2020-02-29"},
        {"name": "次郎", "relationship": "other"},
    ],
    "address": {"prefecture": "東京都"},
}


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ({"==": [{"var": "has_spouse"}, True]}, True),
        ({"==": [1, True]}, False),
        ({"==": [1, "1"]}, False),
        ({"!=": [{"var": "address.prefecture"}, "大阪府"]}, True),
        ({"<": [1_000_000, {"var": "income"}]}, True),
        ({"<=": [0, {"var": "income"}, 3_000_000]}, True),
        ({">": [{"var": "missing"}, 0]}, False),
        ({">=": ["2024-05-01", "2024-04-30"]}, True),
        ({"!": {"var": "has_spouse"}}, False),
        ({"and": [True, {"var": "has_spouse"}]}, True),
        ({"or": [False, {"var": "missing"}]}, False),
        ({"if": [{"var": "has_spouse"}, "yes", "no"]}, "yes"),
        ({"if": [False, "a", False, "b", "c"]}, "c"),
        ({"in": ["other", {"var": "children.relationship"}]}, True),
        ({"in": ["京", "東京都"]}, True),
        ({"present": {"var": "address.prefecture"}}, True),
        ({"present": [{"var": "address.city"}]}, False),
        ({"+": [1, 2, 3]}, 6),
        ({"-": [10, 4]}, 6),
        ({"-": [5]}, -5),
        ({"*": [{"var": "income"}, 0.1]}, 300_000.0),
        ({"+": [1, {"var": "missing"}]}, None),
        ({"count": {"var": "children"}}, 2),
        ({"count": {"var": "nobody"}}, 0),
        ({"var": "children.1.name"}, "次郎"),
        ({"var": ["missing", "default"]}, "default"),
        ({"var": "children.name"}, ["花子", "次郎"]),
        ({"age": [{"var": "birth_date"}]}, 39),
        ({"age": [{"var": "birth_date"}, "2024-03-31"]}, 38),
        ({"today": []}, "2024-06-01"),
    ],
)
def test_evaluate(expr: object, expected: object) -> None:
    assert evaluate(expr, DATA, today=datetime.date(2024, 6, 1)) == expected


def test_var_inside_a_row_resolves_against_the_current_row() -> None:
    expr = {"==": [{"var": "children.relationship"}, "other"]}
    assert evaluate(expr, DATA, rows={"children": 1}) is True
    assert evaluate(expr, DATA, rows={"children": 0}) is False
    # Paths outside the group still reach the top of the form.
    assert evaluate({"var": "has_spouse"}, DATA, rows={"children": 0}) is True


def test_age_counts_a_29_february_birthday_from_1_march_in_a_common_year() -> None:
    expr = {"age": [{"var": "children.birth_date"}]}
    rows = {"children": 0}
    assert evaluate(expr, DATA, rows=rows, today=datetime.date(2021, 2, 28)) == 0
    assert evaluate(expr, DATA, rows=rows, today=datetime.date(2021, 3, 1)) == 1


def test_unknown_operator_raises_at_evaluation() -> None:
    with pytest.raises(ValueError, match=r"unknown operator 'equals'"):
        evaluate({"equals": [1, 1]}, {})


def test_wrong_argument_count_raises_at_evaluation() -> None:
    with pytest.raises(ValueError, match=r"'!' takes 1 argument\(s\), got 2"):
        evaluate({"!": [True, False]}, {})


def test_referenced_vars_finds_every_path() -> None:
    expr = {
        "and": [
            {"==": [{"var": "a"}, 1]},
            {"if": [{"var": ["b.c", 0]}, {"count": {"var": "children"}}, False]},
        ]
    }
    assert referenced_vars(expr) == {"a", "b.c", "children"}


def test_check_expression_reports_every_problem() -> None:
    problems = check_expression(
        {"and": [{"cout": [1]}, {"var": 3}, {"!": [1, 2]}, {"a": 1, "b": 2}]}
    )
    assert problems == [
        "unknown operator 'cout' (did you mean 'count'?)",
        "'var' takes a dotted path string or [path, default], got 3",
        "'!' takes 1 argument(s), got 2",
        "an operation is a mapping with exactly one key, got ['a', 'b']",
    ]


def test_check_expression_accepts_a_well_formed_expression() -> None:
    assert check_expression({"if": [{"present": {"var": "x"}}, {"age": [{"var": "x"}]}, 0]}) == []
    assert check_expression(True) == []


def test_bank_kana_compares_a_reading_as_banks_record_it() -> None:
    data = {"kana": "キョウコ\u3000ヤマダ", "holder": "キヨウコ\u3000ヤマダ"}
    assert evaluate({"bank_kana": [{"var": "kana"}]}, data) == "キヨウコ\u3000ヤマダ"
    assert evaluate({"==": [{"var": "holder"}, {"bank_kana": [{"var": "kana"}]}]}, data) is True
    assert evaluate({"bank_kana": [{"var": "missing"}]}, data) is None
