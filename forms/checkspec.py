"""Checking a form declaration for mistakes before it is used (for the definition loader).

The pydantic models already reject malformed data (unknown keys, bad ids); this finds
what needs the field-type registry and the whole form to see: unknown types, parameters
that do not apply, duplicate ids, expressions reading fields that do not exist, prefill
references of the wrong form. Every mistake is reported, each with its path.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from forms.logic import check_expression, referenced_vars
from forms.prefill import check_prefill_source
from forms.spec import FieldSpec, FormSpec
from forms.types import FieldTypeRegistry, default_registry


def check_form_spec(
    form: FormSpec, *, registry: FieldTypeRegistry | None = None
) -> list[tuple[str, str]]:
    """Every mistake in ``form`` as (path, message), paths like ``steps[0].fields[2].type``.

    Messages are in English, for the author of the definition. An empty list means the
    form can be used.
    """
    return _Checker(form, registry or default_registry).run()


class _Checker:
    def __init__(self, form: FormSpec, registry: FieldTypeRegistry) -> None:
        self.form = form
        self.registry = registry
        self.problems: list[tuple[str, str]] = []
        # Field paths as conditions write them: no "[]", plus readable parts of values.
        self.var_paths: set[str] = set()
        # Field paths as rules write them: "[]" marks a per-row rule.
        self.rule_paths: set[str] = set()
        for path, spec in form.iter_fields():
            parts = {path} | {f"{path}.{key}" for key in self._value_keys(spec)}
            self.rule_paths |= parts
            self.var_paths |= {p.replace("[]", "") for p in parts}

    def _value_keys(self, spec: FieldSpec) -> frozenset[str]:
        if spec.type in self.registry:
            return self.registry.get(spec.type).value_keys
        return frozenset()

    def run(self) -> list[tuple[str, str]]:
        top_level: dict[str, str] = {}
        step_ids: set[str] = set()
        for i, step in enumerate(self.form.steps):
            self._duplicate(step.id, step_ids, f"steps[{i}].id", "step id")
            if step.visible_if is not None:
                self._expression(step.visible_if, f"steps[{i}].visible_if")
            self._fields(step.fields, f"steps[{i}].fields", top_level, in_repeat=False)
        rule_ids: set[str] = set()
        for k, rule in enumerate(self.form.rules):
            self._duplicate(rule.id, rule_ids, f"rules[{k}].id", "rule id")
            self._expression(rule.check, f"rules[{k}].check")
            if rule.when is not None:
                self._expression(rule.when, f"rules[{k}].when")
            if rule.path not in self.rule_paths:
                self.problems.append(
                    (
                        f"rules[{k}].path",
                        f"'{rule.path}' is not a declared field"
                        + _did_you_mean(rule.path, self.rule_paths)
                        + "; write rows of a repeating group as 'group[].field'",
                    )
                )
        return self.problems

    def _duplicate(self, item: str, seen: set[str], path: str, what: str) -> None:
        if item in seen:
            self.problems.append((path, f"duplicate {what} '{item}'"))
        seen.add(item)

    def _fields(
        self,
        fields: tuple[FieldSpec, ...],
        base: str,
        seen: dict[str, str],
        *,
        in_repeat: bool,
    ) -> None:
        for j, spec in enumerate(fields):
            path = f"{base}[{j}]"
            if spec.id in seen:
                self.problems.append(
                    (f"{path}.id", f"duplicate field id '{spec.id}' (already at {seen[spec.id]})")
                )
            else:
                seen[spec.id] = path
            for name in ("visible_if", "required_if", "compute"):
                expr = getattr(spec, name)
                if expr is not None:
                    self._expression(expr, f"{path}.{name}")
            self._prefill(spec, path, in_repeat)
            if spec.type not in self.registry:
                self.problems.append(
                    (
                        f"{path}.type",
                        f"unknown field type '{spec.type}'"
                        + _did_you_mean(spec.type, self.registry.names()),
                    )
                )
                continue
            field_type = self.registry.get(spec.type)
            self.problems += [(f"{path}.{rel}", msg) for rel, msg in field_type.check_spec(spec)]
            if not spec.editable and spec.prefill is None and not field_type.server_computed:
                self.problems.append(
                    (f"{path}.editable", "a field that is not editable needs a prefill source")
                )
            if field_type.container and spec.fields:
                self._fields(
                    spec.fields,
                    f"{path}.fields",
                    {},
                    in_repeat=in_repeat or spec.repeat is not None,
                )

    def _prefill(self, spec: FieldSpec, path: str, in_repeat: bool) -> None:
        if spec.prefill is None:
            return
        if in_repeat:
            self.problems.append(
                (
                    f"{path}.prefill",
                    "a field inside a repeating group cannot be prefilled on its own; "
                    "prefill the group",
                )
            )
            return
        problem = check_prefill_source(spec.prefill)
        if problem:
            self.problems.append((f"{path}.prefill", problem))

    def _expression(self, expr: Any, path: str) -> None:
        self.problems += [(path, message) for message in check_expression(expr)]
        for var in sorted(referenced_vars(expr)):
            plain = ".".join(s for s in var.split(".") if not s.isdigit())
            if plain not in self.var_paths:
                self.problems.append(
                    (
                        path,
                        f"'var' refers to '{var}', which is not a declared field"
                        + _did_you_mean(plain, self.var_paths),
                    )
                )


def _did_you_mean(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(candidates), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
