"""Validating a submitted payload against a form: the service functions the engine calls.

The flow, for the whole form (:func:`validate_payload`) or one step (:func:`validate_step`):

1. *Normalise.* Every answer given is normalised by its field type (``令和6年5月1日`` ->
   ``2024-05-01``), groups and repeating rows included. Keys the form does not declare
   are ``unknown_field`` errors: an integrator must learn of a typo.
2. *Resolve,* in declaration order. ``visible_if`` is evaluated on the normalised answers;
   a hidden field (or a field of a hidden step) is dropped with its errors: hidden
   answers are neither validated nor kept. Conditions of later fields see the answers
   with the earlier hidden ones already removed. ``required`` and ``required_if`` are
   checked, and computed fields are computed (the client's value is ignored).
3. *Cross-field rules.* Each rule whose ``when`` holds is checked; a rule whose path is
   ``children[].birth_date`` is checked once per row. A rule is skipped while a field it
   reads has an error of its own, so the resident is not told two things about one slip.

All errors are reported at once, in the order of the form; unknown keys come after the
fields of their group (those at the top level after all fields), rule errors last.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from forms.errors import FieldError, ValidationResult
from forms.logic import evaluate, referenced_vars, truthy
from forms.spec import FieldSpec, FormSpec, LocalizedText, StepSpec
from forms.types import FieldContext, FieldTypeRegistry, default_registry

_INDEXES = re.compile(r"\[\d+\]")


def validate_payload(
    form: FormSpec,
    data: Mapping[str, Any],
    *,
    today: datetime.date | None = None,
    registry: FieldTypeRegistry | None = None,
) -> ValidationResult:
    """Validate and normalise a whole payload against every step of ``form``."""
    run = _Run(form, registry or default_registry, today or datetime.date.today())
    return run.result(data)


def validate_step(
    form: FormSpec,
    step_id: str,
    data: Mapping[str, Any],
    *,
    today: datetime.date | None = None,
    registry: FieldTypeRegistry | None = None,
) -> ValidationResult:
    """Validate one step of a multi-step form.

    ``data`` may hold the answers of other steps too (conditions may read them); they
    are not validated and not returned. Only this step's fields and unknown keys are
    reported, and only the rules whose path is in this step and which read nothing from
    a later step. A hidden step gives no data and no errors. KeyError for an unknown step.
    """
    index = next((i for i, s in enumerate(form.steps) if s.id == step_id), None)
    if index is None:
        raise KeyError(f"form has no step {step_id!r}")
    run = _Run(form, registry or default_registry, today or datetime.date.today())
    run.reached = {f.id for s in form.steps[: index + 1] for f in s.fields}
    run.step_fields = {f.id for f in form.steps[index].fields}
    return run.result(data)


def _top(path: str) -> str:
    return re.split(r"[.\[]", path, maxsplit=1)[0]


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith((prefix + ".", prefix + "["))


@dataclass
class _Run:
    form: FormSpec
    registry: FieldTypeRegistry
    today: datetime.date
    # Set by validate_step: the top-level ids of this step and of the steps reached.
    step_fields: set[str] | None = None
    reached: set[str] | None = None
    root: dict[str, Any] = field(default_factory=dict)
    pending: dict[str, list[FieldError]] = field(default_factory=dict)
    unknown: dict[str, list[FieldError]] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)
    hidden: set[str] = field(default_factory=set)

    def result(self, data: Mapping[str, Any]) -> ValidationResult:
        if not isinstance(data, Mapping):
            error = FieldError(
                "",
                "invalid",
                LocalizedText(
                    ja="送信された内容の形が正しくありません。",
                    en="The submitted data must be a JSON object.",
                ),
            )
            return ValidationResult(data={}, errors=(error,))
        all_fields = tuple(f for step in self.form.steps for f in step.fields)
        self.root = self._normalise(all_fields, data, "", {}, "")
        for step in self.form.steps:
            self._resolve_step(step)
        self._emit(self.unknown.pop("", []))
        self._check_rules()
        if self.step_fields is None:
            return ValidationResult(data=self.root, errors=tuple(self.errors))
        step_fields = self.step_fields
        declared = {f.id for step in self.form.steps for f in step.fields}
        return ValidationResult(
            data={k: v for k, v in self.root.items() if k in step_fields},
            errors=tuple(
                e
                for e in self.errors
                if _top(e.path) in step_fields
                or (e.code == "unknown_field" and _top(e.path) not in declared)
            ),
        )

    # -- pass 1: normalise every answer given ----------------------------------------------

    def _normalise(
        self,
        fields: tuple[FieldSpec, ...],
        raw: Mapping[str, Any],
        prefix: str,
        rows: dict[str, int],
        group: str,
    ) -> dict[str, Any]:
        known = {f.id for f in fields}
        container = prefix.removesuffix(".")
        for key in raw:
            if key not in known:
                self.unknown.setdefault(container, []).append(_unknown_field(f"{prefix}{key}"))
        out: dict[str, Any] = {}
        for spec in fields:
            field_type = self.registry.get(spec.type)
            if field_type.server_computed or spec.id not in raw:
                continue
            value = raw[spec.id]
            if field_type.is_empty(value):
                continue
            path = prefix + spec.id
            normal, errors = field_type.normalise_and_validate(
                value, spec, self._context(spec, path, rows)
            )
            if errors:
                self.pending[path] = errors
            out[spec.id] = normal
            if field_type.container and spec.fields:
                out[spec.id] = self._normalise_children(spec, normal, path, rows, group)
        return out

    def _normalise_children(
        self, spec: FieldSpec, value: Any, path: str, rows: dict[str, int], group: str
    ) -> Any:
        fields = spec.fields or ()
        dotted = f"{group}.{spec.id}" if group else spec.id
        if spec.repeat is not None and isinstance(value, list):
            return [
                self._normalise(fields, row, f"{path}[{i}].", rows | {dotted: i}, dotted)
                if isinstance(row, Mapping)
                else row
                for i, row in enumerate(value)
            ]
        if spec.repeat is None and isinstance(value, Mapping):
            return self._normalise(fields, value, path + ".", rows, dotted)
        return value

    # -- pass 2: visibility, required, computed, in declaration order ----------------------

    def _resolve_step(self, step: StepSpec) -> None:
        if step.visible_if is not None and not truthy(self._eval(step.visible_if, {})):
            for spec in step.fields:
                self._hide(self.root, spec.id, spec.id)
            return
        self._resolve(step.fields, self.root, "", {}, "", emit_unknown=False)

    def _resolve(
        self,
        fields: tuple[FieldSpec, ...],
        node: dict[str, Any],
        prefix: str,
        rows: dict[str, int],
        group: str,
        *,
        emit_unknown: bool = True,
    ) -> None:
        for spec in fields:
            path = prefix + spec.id
            if spec.visible_if is not None and not truthy(self._eval(spec.visible_if, rows)):
                self._hide(node, spec.id, path)
                continue
            field_type = self.registry.get(spec.type)
            ctx = self._context(spec, path, rows)
            if field_type.server_computed:
                value, errors = field_type.normalise_and_validate(None, spec, ctx)
                if value is None:
                    node.pop(spec.id, None)
                else:
                    node[spec.id] = value
                self._emit(errors)
                continue
            required = spec.required or (
                spec.required_if is not None and truthy(self._eval(spec.required_if, rows))
            )
            if spec.id not in node:
                self._resolve_missing(spec, node, path, rows, group, required, ctx)
                continue
            errors = self.pending.pop(path, [])
            self._emit(errors)
            value = node[spec.id]
            if field_type.container and spec.fields:
                self._resolve_children(spec, node, path, rows, group)
            elif required and not errors and not field_type.fulfils_required(value):
                self._emit([field_type.required_error(ctx)])
        if emit_unknown:
            self._emit(self.unknown.pop(prefix.removesuffix("."), []))

    def _resolve_missing(
        self,
        spec: FieldSpec,
        node: dict[str, Any],
        path: str,
        rows: dict[str, int],
        group: str,
        required: bool,
        ctx: FieldContext,
    ) -> None:
        field_type = self.registry.get(spec.type)
        if field_type.container and spec.repeat is not None:
            _, errors = field_type.normalise_and_validate([], spec, ctx)
            if not errors and required:
                errors = [field_type.required_error(ctx)]
            self._emit(errors)
        elif field_type.container and spec.fields:
            # An absent group is an empty one: its required fields are still asked for.
            node[spec.id] = {}
            self._resolve_children(spec, node, path, rows, group)
        elif required:
            self._emit([field_type.required_error(ctx)])

    def _resolve_children(
        self, spec: FieldSpec, node: dict[str, Any], path: str, rows: dict[str, int], group: str
    ) -> None:
        fields = spec.fields or ()
        dotted = f"{group}.{spec.id}" if group else spec.id
        value = node[spec.id]
        if spec.repeat is not None and isinstance(value, list):
            for i, row in enumerate(value):
                if isinstance(row, dict):
                    self._resolve(fields, row, f"{path}[{i}].", rows | {dotted: i}, dotted)
        elif spec.repeat is None and isinstance(value, dict):
            self._resolve(fields, value, path + ".", rows, dotted)
            if not value:
                del node[spec.id]

    def _hide(self, node: dict[str, Any], key: str, path: str) -> None:
        node.pop(key, None)
        self.hidden.add(path)
        for store in (self.pending, self.unknown):
            for stored in [p for p in store if _under(p, path)]:
                del store[stored]

    # -- pass 3: cross-field rules ---------------------------------------------------------

    def _check_rules(self) -> None:
        failed = {_INDEXES.sub("", e.path) for e in self.errors}
        for rule in self.form.rules:
            reads = referenced_vars(rule.check) | referenced_vars(rule.when or {})
            if self.step_fields is not None and not (
                _top(rule.path) in self.step_fields
                and all(v.split(".")[0] in (self.reached or set()) for v in reads)
            ):
                continue
            if any(_under(e, v) or _under(v, e) for e in failed for v in reads):
                continue
            for path, rows in self._rule_targets(rule.path):
                if any(_under(path, h) for h in self.hidden):
                    continue
                if rule.when is not None and not truthy(self._eval(rule.when, rows)):
                    continue
                if not truthy(self._eval(rule.check, rows)):
                    self.errors.append(FieldError(path, "rule", rule.message))

    def _rule_targets(self, rule_path: str) -> list[tuple[str, dict[str, int]]]:
        """The concrete paths of a rule: one per row for each ``[]`` in its path."""
        *groups, leaf = rule_path.split("[].")
        targets: list[tuple[Any, str, dict[str, int], str]] = [(self.root, "", {}, "")]
        for part in groups:
            expanded: list[tuple[Any, str, dict[str, int], str]] = []
            for node, prefix, rows, dotted in targets:
                value = node
                for key in part.split("."):
                    value = value.get(key) if isinstance(value, dict) else None
                group = f"{dotted}.{part}" if dotted else part
                for i, row in enumerate(value if isinstance(value, list) else []):
                    expanded.append((row, f"{prefix}{part}[{i}].", rows | {group: i}, group))
            targets = expanded
        return [(prefix + leaf, rows) for _, prefix, rows, _ in targets]

    # -- helpers ---------------------------------------------------------------------------

    def _eval(self, expr: Any, rows: dict[str, int]) -> Any:
        return evaluate(expr, self.root, rows=rows, today=self.today)

    def _context(self, spec: FieldSpec, path: str, rows: dict[str, int]) -> FieldContext:
        return FieldContext(
            path=path,
            label=spec.label,
            today=self.today,
            evaluate=lambda expr: self._eval(expr, rows),
        )

    def _emit(self, errors: list[FieldError]) -> None:
        self.errors.extend(errors)


def _unknown_field(path: str) -> FieldError:
    return FieldError(
        path,
        "unknown_field",
        LocalizedText(
            ja=f"「{path}」という項目はこの様式にありません。項目名をご確認ください。",
            en=f"This form has no field '{path}'. Please check the field name.",
        ),
    )
