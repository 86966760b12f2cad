"""Built-in guards. Each checks one condition and says, in ja and en, why it refused."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select

from engine.definitions.errors import did_you_mean
from engine.definitions.models import Workflow
from engine.hooks import TransitionContext, guards
from engine.models import CaseEvent


class TasksDoneParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    triggers: list[str] = Field(min_length=1)


def _known_triggers(params: TasksDoneParams, wf: Workflow) -> list[tuple[str, str]]:
    names = [t.trigger for t in wf.transitions]
    return [
        (f"params.triggers[{i}]", f"unknown transition '{t}'{did_you_mean(t, names)}")
        for i, t in enumerate(params.triggers)
        if t not in names
    ]


@guards.register("tasks_done", TasksDoneParams, workflow_check=_known_triggers)
def tasks_done(ctx: TransitionContext, params: TasksDoneParams) -> tuple[str, str] | None:
    """Each of ``triggers`` was fired since the case entered its current state.

    Models work done in parallel inside one state, e.g. the care assessment's home-visit
    survey and doctor's opinion before the primary assessment.
    """
    events = ctx.session.exec(
        select(CaseEvent)
        .where(CaseEvent.case_id == ctx.case.id)
        .order_by(col(CaseEvent.seq).desc())
    ).all()
    fired: set[str] = set()
    for ev in events:
        if ev.from_state != ctx.case.state or ev.to_state != ctx.case.state:
            break
        fired.add(ev.trigger)
    missing = [t for t in params.triggers if t not in fired]
    if not missing:
        return None
    wf = ctx.procedure.workflow
    labels_ja = "、".join(wf.transition(t).label.ja for t in missing)
    labels_en = ", ".join(wf.transition(t).label.get("en") for t in missing)
    return (f"先に次の作業を完了してください: {labels_ja}", f"First complete: {labels_en}")


class DataPresentParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    paths: list[str] = Field(min_length=1)


def _lookup(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


@guards.register("data_present", DataPresentParams)
def data_present(ctx: TransitionContext, params: DataPresentParams) -> tuple[str, str] | None:
    """Each of ``paths`` has a value in the case's recorded decisions (or this firing's)."""
    merged = {**ctx.case.outcome, **ctx.inputs}
    missing = [p for p in params.paths if _lookup(merged, p) in (None, "", [])]
    if not missing:
        return None
    return (
        f"次の項目がまだ記録されていません: {'、'.join(missing)}",
        f"Not recorded yet: {', '.join(missing)}",
    )
