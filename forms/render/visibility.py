"""Which steps and fields a resident sees, decided on the server as the validator decides."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from forms.logic import evaluate, truthy
from forms.spec import FormSpec, StepSpec
from forms.types import FieldTypeRegistry
from forms.validate import validate_payload


class Answers:
    """The answers conditions are evaluated on: normalised, hidden ones removed.

    Conditions see what the validator sees (``"9"`` typed is the number 9, an answer
    hidden by an earlier condition is gone), so a field is shown exactly when the
    validator will ask for it.
    """

    def __init__(
        self,
        form: FormSpec,
        data: Mapping[str, Any],
        *,
        today: datetime.date | None = None,
        registry: FieldTypeRegistry | None = None,
    ) -> None:
        self.today = today or datetime.date.today()
        self.data = validate_payload(form, data, today=self.today, registry=registry).data

    def evaluate(self, expr: Any, rows: Mapping[str, int] | None = None) -> Any:
        """The value of ``expr`` within the rows ``rows`` (see :func:`forms.logic.evaluate`)."""
        return evaluate(expr, self.data, rows=rows, today=self.today)

    def holds(self, expr: Any, rows: Mapping[str, int] | None = None) -> bool:
        """Whether the condition ``expr`` is true within the rows ``rows``."""
        return truthy(self.evaluate(expr, rows))

    def step_visible(self, step: StepSpec) -> bool:
        """Whether ``step`` is shown (its ``visible_if`` holds, or it has none)."""
        return step.visible_if is None or self.holds(step.visible_if)


def visible_steps(
    form: FormSpec,
    data: Mapping[str, Any],
    *,
    today: datetime.date | None = None,
    registry: FieldTypeRegistry | None = None,
) -> list[StepSpec]:
    """The steps of ``form`` shown for the answers ``data``, in order (for "next" and "back")."""
    answers = Answers(form, data, today=today, registry=registry)
    return [step for step in form.steps if answers.step_visible(step)]


def find_step(form: FormSpec, step_id: str) -> StepSpec:
    """The step called ``step_id``; KeyError when the form has none."""
    for step in form.steps:
        if step.id == step_id:
            return step
    raise KeyError(f"form has no step {step_id!r}")
