"""The date field type: Western or Japanese era input, stored as an ISO date.

Range rules are named strings in ``rules`` (dates take no min/max):

- ``not_future``: not after today (birth dates);
- ``not_past``: not before today;
- ``age_between:MIN:MAX``: the age reached today is MIN to MAX years, inclusive;
- ``within_days_before:N``: from N days before today up to today;
- ``within_days_after:N``: from today up to N days after today.
"""

from __future__ import annotations

import datetime
import difflib
from dataclasses import dataclass
from typing import Any

from forms.errors import FieldError
from forms.logic import age_on
from forms.spec import FieldSpec
from forms.types.base import FieldContext, FieldType, not_text_error
from forms.types.registry import register_field_type
from forms.wareki import DateInputError, format_date, parse_date

_RULE_ARITY = {
    "not_future": 0,
    "not_past": 0,
    "age_between": 2,
    "within_days_before": 1,
    "within_days_after": 1,
}


@dataclass(frozen=True)
class DateRule:
    """A parsed date rule: its name and integer arguments."""

    name: str
    args: tuple[int, ...]


def parse_date_rule(text: str) -> DateRule:
    """Parse ``age_between:40:64`` and the like; ValueError saying what is wrong."""
    name, *raw_args = text.split(":")
    if name not in _RULE_ARITY:
        close = difflib.get_close_matches(name, list(_RULE_ARITY), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ValueError(f"unknown date rule '{name}'{hint}")
    if len(raw_args) != _RULE_ARITY[name]:
        raise ValueError(f"date rule '{name}' takes {_RULE_ARITY[name]} argument(s)")
    if not all(a.isascii() and a.isdigit() for a in raw_args):
        raise ValueError(f"the arguments of date rule '{name}' must be whole numbers >= 0")
    args = tuple(int(a) for a in raw_args)
    if name == "age_between" and args[0] > args[1]:
        raise ValueError(f"age_between: the minimum ({args[0]}) is larger than the maximum")
    return DateRule(name, args)


def _show(day: datetime.date, lang: str) -> str:
    return format_date(day.isoformat(), "wareki" if lang == "ja" else "seireki", lang)


def _parse_error(error: DateInputError, ctx: FieldContext) -> FieldError:
    if error.reason == "wrong_era":
        return ctx.error(
            "wrong_era",
            f"「{ctx.ja}」の{error.typed}は{error.suggestion}のことです。"
            f"{error.suggestion}と入力してください。",
            f"{ctx.en}: {error.typed} falls outside that era; the same day is "
            f"{error.suggestion}. Please enter that instead.",
        )
    if error.reason == "before_era":
        return ctx.error(
            "invalid",
            f"「{ctx.ja}」は明治元年1月25日より前の日付です。西暦で入力してください。",
            f"{ctx.en} is before the Meiji era (25 January 1868); "
            "please enter it in the Western calendar.",
        )
    if error.reason == "no_such_day":
        return ctx.error(
            "invalid",
            f"「{ctx.ja}」の日付は存在しません。月と日をご確認ください。",
            f"{ctx.en} is not a real date. Please check the month and day.",
        )
    return ctx.error(
        "invalid",
        f"「{ctx.ja}」は日付として読み取れません。「2024-05-01」や「令和6年5月1日」の形で"
        "入力してください。",
        f"{ctx.en} is not a date we can read. Enter it like 2024-05-01 or 令和6年5月1日.",
    )


def _rule_error(rule: DateRule, day: datetime.date, ctx: FieldContext) -> FieldError | None:
    today = ctx.today
    if rule.name == "not_future" and day > today:
        return ctx.error(
            "in_future",
            f"「{ctx.ja}」は未来の日付にできません。",
            f"{ctx.en} cannot be in the future.",
        )
    if rule.name == "not_past" and day < today:
        return ctx.error(
            "in_past",
            f"「{ctx.ja}」は過去の日付にできません。今日以降の日付を入力してください。",
            f"{ctx.en} cannot be in the past. Enter today or a later date.",
        )
    if rule.name == "age_between":
        low, high = rule.args
        if not low <= age_on(day, today) <= high:
            return ctx.error(
                "age_out_of_range",
                f"「{ctx.ja}」から数えた年齢が対象外です。{low}歳から{high}歳までの方が対象です。",
                f"{ctx.en}: only people aged {low} to {high} can apply.",
            )
    if rule.name == "within_days_before":
        start = today - datetime.timedelta(days=rule.args[0])
        if not start <= day <= today:
            return ctx.error(
                "out_of_range",
                f"「{ctx.ja}」は{_show(start, 'ja')}から今日までの日付を入力してください。",
                f"{ctx.en} must be between {_show(start, 'en')} and today.",
            )
    if rule.name == "within_days_after":
        end = today + datetime.timedelta(days=rule.args[0])
        if not today <= day <= end:
            return ctx.error(
                "out_of_range",
                f"「{ctx.ja}」は今日から{_show(end, 'ja')}までの日付を入力してください。",
                f"{ctx.en} must be between today and {_show(end, 'en')}.",
            )
    return None


@register_field_type("date")
class DateType(FieldType):
    """A calendar date, typed in the Western calendar or a Japanese era, stored as ISO."""

    params = frozenset({"rules"})

    def check_spec(self, spec: FieldSpec) -> list[tuple[str, str]]:
        problems = super().check_spec(spec)
        for i, rule in enumerate(spec.rules or ()):
            try:
                parse_date_rule(rule)
            except ValueError as error:
                problems.append((f"rules[{i}]", str(error)))
        return problems

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        if isinstance(value, datetime.datetime):
            day = value.date()
        elif isinstance(value, datetime.date):
            day = value
        elif isinstance(value, str):
            try:
                day = parse_date(value)
            except DateInputError as error:
                return value, [_parse_error(error, ctx)]
        else:
            return value, [not_text_error(ctx)]
        errors = [
            e
            for e in (_rule_error(parse_date_rule(r), day, ctx) for r in spec.rules or ())
            if e is not None
        ]
        return (value, errors) if errors else (day.isoformat(), [])

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        }
        if spec.rules:
            schema["x-rules"] = list(spec.rules)
        return schema
