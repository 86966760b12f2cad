"""Life-event bundles and the one screen that fills several procedures together.

Life events come from ``procedures/life-events.yaml`` (read by ``engine.life_events``).
Only procedures of the catalog that accept the counter channel are proposed, so a bundle
works with whatever definitions are installed.

The bundle form: every chosen procedure is prefilled (registry, public-funds account,
the resident's latest case of the procedure); what validation still finds missing is
asked, top-level question by question. A question that several procedures ask (the same
field id and type) is asked once, under 「共通の質問」, and the answer goes to each.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from adapters.service import public_funds_accounts, resident_registry
from engine.cases import plain_data
from engine.definitions.models import Procedure
from engine.life_events import load_life_events
from engine.pii import decrypt_data, encrypt_data, sensitive_paths
from engine.prefill import prefill
from engine.records import CASES, CaseRecord
from engine.runtime import Runtime
from forms import FieldError, validate_payload
from forms.spec import FieldSpec, FormSpec, LocalizedText, StepSpec

SHARED_STEP = "shared"
CONTEXT_STEP = "answered"
"""The step holding the answers already given (never shown nor posted)."""


@dataclass(frozen=True)
class Suggestion:
    """A procedure a life event proposes; ``checked``: ticked before the clerk asks."""

    procedure_id: str
    checked: bool


@dataclass(frozen=True)
class LifeEvent:
    id: str
    name_ja: str
    name_en: str
    suggestions: tuple[Suggestion, ...] = field(default_factory=tuple)
    elsewhere: tuple[tuple[str, str], ...] = ()


def life_events(rt: Runtime) -> list[LifeEvent]:
    """The life events of ``procedures/life-events.yaml`` with the procedures of this
    catalog that the counter can file. The first one of each event (the one to do first)
    is ticked; the clerk ticks the others that apply."""
    loaded = load_life_events(Path(rt.settings.procedures_dir), rt.catalog)
    usable = {p.id for p in rt.catalog if "counter" in p.channels}
    out = []
    for ev in loaded.events:
        pids = [p for p in ev.procedures if p in usable]
        if pids:
            out.append(
                LifeEvent(
                    ev.id,
                    ev.title.ja,
                    ev.title.get("en"),
                    tuple(Suggestion(p, i == 0) for i, p in enumerate(pids)),
                    tuple((e.ja, e.get("en")) for e in ev.elsewhere),
                )
            )
    return out


def latest_case(session: Session, resident_id: str, procedure_id: str) -> CaseRecord | None:
    """The resident's latest case of the procedure (for ``previous_case`` prefill)."""
    from engine.records import COLUMNS

    c = CASES.c
    row = (
        session.connection()
        .execute(
            select(*(c[n] for n in COLUMNS))
            .where(c.applicant_id == resident_id, c.procedure_id == procedure_id)
            .order_by(c.created_at.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )
    return None if row is None else CaseRecord(**row)


def prefilled(rt: Runtime, session: Session, proc: Procedure, resident_id: str) -> dict[str, Any]:
    """The procedure's answers as far as the municipality already knows them."""
    config = rt.adapter_config
    previous = latest_case(session, resident_id, proc.id)
    result = prefill(
        proc.form,
        resident_id,
        registry=resident_registry(config),
        accounts=public_funds_accounts(config),
        previous=plain_data(rt, previous, rt.procedure_for(session, previous.definition_version))
        if previous
        else None,
    )
    return dict(result.data)


def seal(rt: Runtime, proc: Procedure, data: dict[str, Any]) -> dict[str, Any]:
    stored = copy.deepcopy(data)
    encrypt_data(rt.secrets, stored, sensitive_paths(proc.form))
    return stored


def unseal(rt: Runtime, proc: Procedure, stored: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(stored)
    decrypt_data(rt.secrets, data, sensitive_paths(proc.form))
    return data


def top_level(path: str) -> str:
    return path.split(".")[0].split("[")[0]


def leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    """Every answer (leaf) of a payload by path, for counting what was typed and filed."""
    out: dict[str, Any] = {}
    if isinstance(value, Mapping) and "sha256" in value:  # an attached file is one answer
        out[prefix] = value["sha256"]
    elif isinstance(value, Mapping):
        for k, v in value.items():
            out.update(leaves(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.update(leaves(v, f"{prefix}[{i}]"))
    elif value not in (None, ""):
        out[prefix] = value
    return out


@dataclass
class Bundle:
    """The combined form of a visit and where each of its questions goes."""

    def asked_steps(self) -> list[StepSpec]:
        """The steps the clerk sees (not the answered context)."""
        return [s for s in self.form.steps if s.id != CONTEXT_STEP] if self.form else []

    form: FormSpec | None  # None: nothing left to ask
    owners: dict[str, list[tuple[str, str]]]  # combined field id -> (procedure id, field id)
    data: dict[str, Any]
    errors: list[FieldError]


def missing(proc: Procedure, data: Mapping[str, Any], today: dt.date) -> list[FieldError]:
    return list(validate_payload(proc.form, data, today=today).errors)


def build_bundle(
    procs: list[Procedure], answers: dict[str, dict[str, Any]], today: dt.date
) -> Bundle:
    """The questions still open across ``procs``, shared ones once (see the module text)."""
    wanted: dict[str, list[tuple[Procedure, FieldSpec]]] = {}
    order: list[str] = []
    errors_by_proc: dict[str, list[FieldError]] = {}
    for proc in procs:
        errs = missing(proc, answers[proc.id], today)
        errors_by_proc[proc.id] = errs
        ids = {top_level(e.path) for e in errs}
        for step in proc.form.steps:
            for f in step.fields:
                if f.id in ids:
                    key = f.id
                    same = wanted.get(key)
                    if same and same[0][1].type != f.type:
                        key = f"{proc.id.replace('-', '_')}_{f.id}"
                    if key not in wanted:
                        wanted[key] = []
                        order.append(key)
                    wanted[key].append((proc, f))
    shared = [k for k in order if len(wanted[k]) > 1]
    steps: list[StepSpec] = []
    if shared:
        steps.append(
            StepSpec(
                id=SHARED_STEP,
                title=LocalizedText(ja="共通の質問", en="Questions for several procedures"),
                fields=tuple(_as(wanted[k][0][1], k) for k in shared),
            )
        )
    for proc in procs:
        own = [k for k in order if len(wanted[k]) == 1 and wanted[k][0][0].id == proc.id]
        if own:
            steps.append(
                StepSpec(
                    id=proc.id.replace("-", "_"),
                    title=proc.name,
                    fields=tuple(_as(wanted[k][0][1], k) for k in own),
                )
            )
    # The answers already given, as a step never shown: conditions of the questions
    # asked (show the move-out date when the reason is moving in) are evaluated on the
    # form's answers, so the form must know them.
    context: dict[str, FieldSpec] = {}
    for proc in procs:
        for step in proc.form.steps:
            for f in step.fields:
                if f.id not in wanted and f.id not in context and f.id in answers[proc.id]:
                    context[f.id] = f
    if steps and context:
        steps.append(
            StepSpec(
                id=CONTEXT_STEP,
                title=LocalizedText(ja="回答済み", en="Answered"),
                fields=tuple(context.values()),
            )
        )
    data: dict[str, Any] = {}
    for proc in procs:
        for k, v in answers[proc.id].items():
            data.setdefault(k, v)
    for k in order:
        p, f = wanted[k][0]
        if f.id in answers[p.id]:
            data[k] = answers[p.id][f.id]
    errors: list[FieldError] = []
    for k in order:
        for p, f in wanted[k][:1]:
            for e in errors_by_proc[p.id]:
                if top_level(e.path) == f.id:
                    path = k + e.path[len(f.id) :]
                    errors.append(FieldError(path, e.code, e.message))
    owners = {k: [(p.id, f.id) for p, f in wanted[k]] for k in order}
    form = FormSpec(steps=tuple(steps)) if steps else None
    return Bundle(form, owners, data, errors)


def _as(spec: FieldSpec, key: str) -> FieldSpec:
    return spec if spec.id == key else spec.model_copy(update={"id": key})


def merge_answer(old: Any, new: Any) -> Any:
    """A posted answer over the stored one: groups merged key by key and rows by index
    (a page leaves out empty answers, so a prefilled answer is never lost by a POST)."""
    if isinstance(old, dict) and isinstance(new, dict):
        return {**old, **{k: merge_answer(old.get(k), v) for k, v in new.items()}}
    if isinstance(old, list) and isinstance(new, list) and all(isinstance(r, dict) for r in new):
        return [merge_answer(old[i] if i < len(old) else None, row) for i, row in enumerate(new)]
    return new


def _dig(data: Any, parts: list[str]) -> Any:
    for part in parts:
        if not isinstance(data, Mapping):
            return None
        data = data.get(part)
    return data


def share_by_source(procs: list[Procedure], answers: dict[str, dict[str, Any]]) -> int:
    """Fill empty answers from another procedure's answer to the same question.

    Two fields are the same question when they take their value from the same source
    (``prefill: registry.resident.phone`` in both definitions): an answer typed once for
    one procedure goes to the others. Only into groups that exist (a hidden group stays
    empty). Returns how many answers were filled.
    """
    known: dict[str, Any] = {}
    for proc in procs:
        for path, spec in proc.form.iter_fields():
            if spec.prefill and "[]" not in path:
                value = _dig(answers[proc.id], path.split("."))
                if value not in (None, ""):
                    known.setdefault(spec.prefill, value)
    filled = 0
    for proc in procs:
        for path, spec in proc.form.iter_fields():
            if not spec.prefill or spec.prefill not in known or "[]" in path:
                continue
            *head, last = path.split(".")
            parent = _dig(answers[proc.id], head) if head else answers[proc.id]
            if isinstance(parent, dict) and parent.get(last) in (None, ""):
                parent[last] = copy.deepcopy(known[spec.prefill])
                filled += 1
    return filled
