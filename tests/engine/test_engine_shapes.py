"""Every shape walked through every path with the real engine.

For each shape in ``procedures/_shapes`` a synthetic procedure extends it with a one-field
form (``walk-<shape>`` in category ``test``), written into a temporary procedures root and
loaded with the real loader. From the loaded workflow the module plans:

- every simple path (no state twice, reflexive transitions left out) from the first state
  to each terminal state;
- for every transition and each of its source states, reflexive and loop-back ones
  included, one path through it: the shortest way to the source, the transition, the
  shortest way on to a terminal state.

A transition guarded by ``tasks_done`` is preceded in the plan by the tasks it waits for
(reflexive triggers of the same state), so they are part of the path and of its history.
Each path is walked on a fresh case in a fresh database: filed by the resident, then fired
transition by transition by an actor holding an allowed role, with the comment, inputs and
corrected data the transition asks for. The whole walk runs on SQLite; on PostgreSQL one
representative path per shape (the longest) runs.

The refusals are checked per shape, in every state they can happen in: a wrong role, a
trigger the state does not allow, a missing comment or input, and each guard not met (for
``data_present`` through a variant that makes the guarded inputs optional, since the
shapes' own inputs always supply the data). A refused firing must write nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import shutil
import tempfile
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from engine import audit, calendar, hooks
from engine.actors import Actor
from engine.cases import fire, submit
from engine.config import Settings
from engine.definitions.loader import Catalog, load_catalog, read_yaml
from engine.definitions.models import Procedure, ShapeFile, TransitionSpec, Workflow
from engine.errors import (
    CommentRequired,
    GuardFailed,
    InvalidTrigger,
    PermissionDenied,
    ValidationFailed,
)
from engine.models import Case, CaseEvent, OutboxMessage
from engine.runtime import Runtime  # importing it registers the built-in guards and effects
from forms.spec import FieldSpec
from tests.engine.conftest import APPLICANT, RESIDENT

SHAPES_DIR = Path(__file__).resolve().parents[2] / "procedures" / "_shapes"
SHAPES = sorted(p.stem for p in SHAPES_DIR.glob("*.yaml"))
CATEGORY = "test"
DEPARTMENT = "総合窓口課"
STAFF_ROLES = ("intake", "review", "approval", "admin")
# A fixed moment: inputs dated "today" and due dates do not depend on when the suite runs.
NOW = dt.datetime(2026, 6, 1, 1, 30, tzinfo=dt.UTC)  # a Monday, 10:30 in Japan
FIRST_NOTE = "当初の申請内容"
ON_SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
ON_POSTGRES = pytest.mark.parametrize(
    "db_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


# --- the synthetic procedures -------------------------------------------------------------


def proc_id(shape: str) -> str:
    """The id of the synthetic procedure extending ``shape``."""
    return "walk-" + shape.replace("_", "-")


def lenient_id(shape: str) -> str:
    """The id of the variant whose inputs feeding a ``data_present`` guard are optional."""
    return proc_id(shape) + "-lenient"


def _guard_params(spec: TransitionSpec, name: str) -> list[dict[str, Any]]:
    return [g.params for g in spec.guards if g.name == name]


def _data_paths(spec: TransitionSpec) -> list[str]:
    return [p for params in _guard_params(spec, "data_present") for p in params["paths"]]


def _tasks(spec: TransitionSpec) -> list[str]:
    return [t for params in _guard_params(spec, "tasks_done") for t in params["triggers"]]


def _definition(shape: str, pid: str, overrides: list[dict[str, Any]]) -> dict[str, Any]:
    definition: dict[str, Any] = {
        "id": pid,
        "extends": shape,
        "category": CATEGORY,
        "name": {"ja": f"型の通し試験（{shape}）", "en": f"Shape walk ({shape})"},
        "summary": {"ja": "型のすべての経路を通す試験用の手続です。", "en": "A test procedure."},
        "office": "municipality",
        "departments": [DEPARTMENT],
        "channels": ["online"],
        "identity": "login",
        "processing": {"days": 10, "kind": "standard"},
        "retention_years": 5,
        "form": {
            "steps": [
                {
                    "id": "main",
                    "title": {"ja": "申請内容", "en": "Application"},
                    "fields": [
                        {
                            "id": "note",
                            "type": "text",
                            "label": {"ja": "申請内容", "en": "Details"},
                            "required": True,
                            "max_length": 50,
                        }
                    ],
                }
            ]
        },
    }
    if overrides:
        definition["workflow"] = {"transitions": overrides}
    return definition


def _lenient_overrides(wf: Workflow) -> list[dict[str, Any]]:
    """Make optional every input that a ``data_present`` guard of ``wf`` checks for."""
    paths = {p.split(".")[0] for t in wf.transitions for p in _data_paths(t)}
    overrides = []
    for t in wf.transitions:
        if any(f.id in paths for f in t.inputs):
            inputs = [
                f.model_dump(mode="json", exclude_none=True) | {"required": False}
                if f.id in paths
                else f.model_dump(mode="json", exclude_none=True)
                for f in t.inputs
            ]
            overrides.append({"trigger": t.trigger, "inputs": inputs})
    return overrides


@functools.cache
def catalog() -> Catalog:
    """The synthetic procedures, loaded once from a temporary procedures root.

    Loaded at collection, so the paths are planned from the loaded workflows; the catalog
    is immutable and shared by every test's runtime.
    """
    with tempfile.TemporaryDirectory(prefix="shape-walk-") as tmp:
        root = Path(tmp) / "procedures"
        shutil.copytree(SHAPES_DIR, root / "_shapes")
        (root / CATEGORY).mkdir()
        for shape in SHAPES:
            text = (SHAPES_DIR / f"{shape}.yaml").read_text(encoding="utf-8")
            wf = ShapeFile.model_validate(read_yaml(text)).workflow
            variants = {proc_id(shape): []}
            if lenient := _lenient_overrides(wf):
                variants[lenient_id(shape)] = lenient
            for pid, overrides in variants.items():
                body = yaml.safe_dump(
                    _definition(shape, pid, overrides), allow_unicode=True, sort_keys=False
                )
                (root / CATEGORY / f"{pid}.yaml").write_text(body, encoding="utf-8")
        return load_catalog(root, guards=hooks.guards, effects=hooks.effects)


def procedure(shape: str) -> Procedure:
    """The loaded synthetic procedure of ``shape``."""
    return catalog().get(proc_id(shape))


# --- planning the paths ---------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One transition taken: ``trigger`` from ``src`` to ``dest``."""

    trigger: str
    src: str
    dest: str


Route = tuple[Step, ...]


def edges(wf: Workflow) -> list[Step]:
    """Every (source, transition) pair of ``wf``, in declaration order."""
    return [Step(t.trigger, src, t.dest) for t in wf.transitions for src in t.source]


def shortest(wf: Workflow, start: str, goal: Callable[[str], bool]) -> Route:
    """The shortest path from ``start`` to a state meeting ``goal`` (first in declaration
    order among equally short ones); reflexive transitions are never part of it."""
    paths: dict[str, Route] = {start: ()}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        if goal(state):
            return paths[state]
        for e in edges(wf):
            if e.src == state and e.dest not in paths:
                paths[e.dest] = (*paths[state], e)
                queue.append(e.dest)
    raise AssertionError(f"no path from '{start}' to the goal")


def is_terminal(wf: Workflow) -> Callable[[str], bool]:
    return lambda state: wf.state(state).terminal


def simple_paths(wf: Workflow) -> list[Route]:
    """Every path from the first state to a terminal state that repeats no state."""
    found: list[Route] = []

    def extend(path: Route, seen: frozenset[str]) -> None:
        state = path[-1].dest if path else wf.initial
        if wf.state(state).terminal:
            found.append(path)
            return
        for e in edges(wf):
            if e.src == state and e.dest not in seen:
                extend((*path, e), seen | {e.dest})

    extend((), frozenset({wf.initial}))
    return found


def covering_paths(wf: Workflow) -> list[Route]:
    """For every (source, transition): shortest to the source, it, shortest to the end."""
    return [
        (*shortest(wf, wf.initial, e.src.__eq__), e, *shortest(wf, e.dest, is_terminal(wf)))
        for e in edges(wf)
    ]


def with_tasks(wf: Workflow, path: Route) -> Route:
    """``path`` with the tasks a ``tasks_done`` guard waits for fired just before it."""
    out: list[Step] = []
    for step in path:
        done: set[str] = set()
        for previous in reversed(out):
            if not previous.src == previous.dest == step.src:
                break
            done.add(previous.trigger)
        for task in _tasks(wf.transition(step.trigger)):
            spec = wf.transition(task)
            # A task is done inside the state the guarded transition leaves.
            assert step.src in spec.source, f"'{task}' cannot be fired in '{step.src}'"
            assert spec.dest == step.src, f"'{task}' must not leave '{step.src}'"
            if task not in done:
                out.append(Step(task, step.src, step.src))
                done.add(task)
        out.append(step)
    return tuple(out)


def walks(wf: Workflow) -> list[Route]:
    """The simple paths, then the covering paths not already among them, tasks added."""
    planned: dict[tuple[str, ...], Route] = {}
    for path in simple_paths(wf) + covering_paths(wf):
        full = with_tasks(wf, path)
        planned.setdefault(tuple(s.trigger for s in full), full)
    return list(planned.values())


def path_id(shape: str, path: Route) -> str:
    return f"{shape}:{'>'.join(s.trigger for s in path)}"


def representative(wf: Workflow) -> Route:
    """The longest planned path (the first of them): the one that exercises most."""
    return max(walks(wf), key=len)


WALKS = [pytest.param(s, p, id=path_id(s, p)) for s in SHAPES for p in walks(procedure(s).workflow)]
TASK_GUARDS = [
    pytest.param(s, t.trigger, id=f"{s}:{t.trigger}")
    for s in SHAPES
    for t in procedure(s).workflow.transitions
    if _tasks(t)
]
DATA_GUARDS = [
    pytest.param(s, t.trigger, id=f"{s}:{t.trigger}")
    for s in SHAPES
    for t in procedure(s).workflow.transitions
    if _data_paths(t)
]


# --- firing -----------------------------------------------------------------------------------


def sample_input(f: FieldSpec, today: dt.date) -> Any:
    """A valid value for an input field, by type."""
    if f.type == "choice":
        return (f.options or ())[0].code
    if f.type == "multi_choice":
        return [o.code for o in (f.options or ())[: max(f.min or 1, 1)]]
    if f.type in ("integer", "money"):
        low = f.min if f.min is not None else 0
        high = f.max if f.max is not None else low + 1000
        return (low + high) // 2
    if f.type in ("text", "textarea"):
        length = max(f.min_length or 1, min(f.max_length or 8, 8))
        return ("記録内容" * length)[:length]
    if f.type == "date":
        return today.isoformat()
    if f.type == "yes_no":
        return True
    raise NotImplementedError(f"no sample input for field type '{f.type}' ({f.id})")


def inputs_for(spec: TransitionSpec, today: dt.date, leave_out: set[str]) -> dict[str, Any]:
    return {f.id: sample_input(f, today) for f in spec.inputs if f.id not in leave_out}


def actor_for(spec: TransitionSpec) -> Actor:
    """Staff with the first allowed staff role; else the applicant; else the system."""
    for role in spec.roles:
        if role in STAFF_ROLES:
            return Actor.staff(f"staff-{role}", {role}, {DEPARTMENT})
    if "resident" in spec.roles:
        return RESIDENT
    assert "system" in spec.roles
    return Actor.system()


def comment_for(spec: TransitionSpec) -> str | None:
    return f"{spec.label.ja}の理由です。" if spec.comment == "required" else None


def corrected_note(seq: int) -> str:
    return f"訂正した申請内容（{seq}）"


def file_case(rt: Runtime, pid: str) -> Case:
    """File the one-field application as the resident, committed."""
    with Session(rt.db, expire_on_commit=False) as s:
        res = submit(
            rt,
            s,
            pid,
            {"note": FIRST_NOTE},
            actor=RESIDENT,
            applicant_id=APPLICANT,
            channel="online",
            idempotency_key=uuid.uuid4().hex,
            now=NOW,
        )
        s.commit()
    assert res.created
    return res.case


def take(rt: Runtime, proc: Procedure, case: Case, trigger: str, leave_out: set[str]) -> Case:
    """Fire ``trigger`` the way staff (or the resident) would, committed."""
    spec = proc.workflow.transition(trigger)
    seq = case.version + 1
    with Session(rt.db, expire_on_commit=False) as s:
        out = fire(
            rt,
            s,
            case.id,
            trigger,
            actor_for(spec),
            inputs=inputs_for(spec, NOW.date(), leave_out),
            data={"note": corrected_note(seq)} if spec.edits_application else None,
            comment=comment_for(spec),
            expected_version=case.version,
            now=NOW,
        )
        s.commit()
    return out


def walk(
    rt: Runtime, proc: Procedure, path: Route, leave_out: frozenset[str] = frozenset()
) -> Case:
    """File a case and take ``path``, checking state, version and clock at every step."""
    wf = proc.workflow
    case = file_case(rt, proc.id)
    assert (case.state, case.version) == (wf.initial, 1)
    for n, step in enumerate(path, start=2):
        assert case.state == step.src
        case = take(rt, proc, case, step.trigger, set(leave_out))
        assert (case.state, case.version) == (step.dest, n), f"after {step.trigger}"
        paused = wf.state(case.state).clock == "paused"
        assert (case.paused_since == NOW.date()) if paused else case.paused_since is None
    return case


def events_of(rt: Runtime, case_id: str) -> list[CaseEvent]:
    with Session(rt.db) as s:
        return list(
            s.exec(
                select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(col(CaseEvent.seq))
            ).all()
        )


def outbox_of(rt: Runtime, case_id: str) -> list[OutboxMessage]:
    with Session(rt.db) as s:
        return list(
            s.exec(
                select(OutboxMessage)
                .where(OutboxMessage.case_id == case_id)
                .order_by(col(OutboxMessage.id))
            ).all()
        )


def current(rt: Runtime, case_id: str) -> Case:
    with Session(rt.db, expire_on_commit=False) as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case


def reach(rt: Runtime, proc: Procedure, state: str) -> Case:
    """A case filed and walked along the shortest path into ``state``."""
    wf = proc.workflow
    return walk(rt, proc, with_tasks(wf, shortest(wf, wf.initial, state.__eq__)))


def assert_unchanged(rt: Runtime, case: Case, outbox_rows: int) -> None:
    """A refused firing wrote nothing: no state change, no event, no outbox row."""
    now = current(rt, case.id)
    assert (now.state, now.version, now.last_event_hash) == (
        case.state,
        case.version,
        case.last_event_hash,
    )
    assert len(events_of(rt, case.id)) == case.version
    assert len(outbox_of(rt, case.id)) == outbox_rows
    assert rt.machines.models_attached() == 0


def check_walk(rt: Runtime, shape: str, proc: Procedure, path: Route, case: Case) -> None:
    """Everything a finished walk must show: state, history, data, notices, audit chain."""
    wf = proc.workflow
    end = path[-1].dest
    assert case.state == end
    assert wf.state(end).terminal
    assert case.version == 1 + len(path)

    events = events_of(rt, case.id)
    assert [(e.seq, e.trigger, e.from_state, e.to_state) for e in events] == [
        (1, "submit", None, wf.initial),
        *[(n, s.trigger, s.src, s.dest) for n, s in enumerate(path, start=2)],
    ]
    assert (events[0].actor_kind, events[0].actor_role) == ("resident", "resident")
    for ev, step in zip(events[1:], path, strict=True):
        spec = wf.transition(step.trigger)
        actor = actor_for(spec)
        assert ev.actor_role in spec.roles
        assert (ev.actor_kind, ev.actor_id, ev.actor_role) == (
            actor.kind,
            actor.id,
            next(iter(actor.roles)),
        )
        assert ev.comment == comment_for(spec)
        assert set(ev.changes.get("inputs", {})) == {f.id for f in spec.inputs}
        if spec.edits_application:
            assert ev.changes["data"] == {"note": corrected_note(ev.seq)}
        else:
            assert "data" not in ev.changes

    edits = [n for n, s in enumerate(path, start=2) if wf.transition(s.trigger).edits_application]
    assert case.data == {"note": corrected_note(edits[-1]) if edits else FIRST_NOTE}
    assert set(case.outcome) == {f.id for s in path for f in wf.transition(s.trigger).inputs}
    # Paused states were left on the day they were entered: the deadline did not move.
    assert case.paused_since is None
    assert case.due_date == calendar.due_date(NOW.date(), 10, "business_days")

    shape_state = catalog().shapes[shape].workflow.state(end)
    assert proc.portal_status(end) == shape_state.portal_status
    assert shape_state.portal_status == ("intake_error" if end == "intake_error" else "done")

    notices = [m for m in outbox_of(rt, case.id) if m.kind == "notice"]
    expected = sorted(
        (n, ref.params["title"]["ja"])
        for n, s in enumerate(path, start=2)
        for ref in wf.transition(s.trigger).effects
        if ref.name == "notify_resident"
    )
    assert sorted((m.event_seq, m.payload["title_ja"]) for m in notices) == expected
    for m in notices:
        assert m.payload["recipient_id"] == APPLICANT
        assert case.reference in m.payload["body_ja"]
        for key in ("title_ja", "title_en", "body_ja", "body_en"):
            assert "{reference}" not in m.payload[key]
            assert "{procedure}" not in m.payload[key]

    assert audit.verify(rt.db) == (1, [])
    assert rt.machines.models_attached() == 0


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def rt(settings: Settings, db: Engine) -> Runtime:
    """A runtime over the synthetic procedures (instead of the shipped ones)."""
    runtime = Runtime(settings=settings, db=db, catalog=catalog())
    runtime.sync_definitions()
    return runtime


# --- the plan itself ----------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_synthetic_procedure_keeps_the_workflow_of_its_shape(shape: str) -> None:
    proc = procedure(shape)
    assert proc.shape == shape
    assert proc.departments == (DEPARTMENT,)
    assert proc.workflow == catalog().shapes[shape].workflow
    if lenient_id(shape) in catalog().procedures:
        guarded = {p.split(".")[0] for t in proc.workflow.transitions for p in _data_paths(t)}

        def optional(wf: Workflow) -> set[tuple[str, str]]:
            return {(t.trigger, f.id) for t in wf.transitions for f in t.inputs if not f.required}

        relaxed = optional(catalog().get(lenient_id(shape)).workflow) - optional(proc.workflow)
        assert relaxed
        assert {field for _, field in relaxed} == guarded


@pytest.mark.parametrize("shape", SHAPES)
def test_every_transition_and_terminal_state_is_walked(shape: str) -> None:
    wf = procedure(shape).workflow
    planned = walks(wf)
    taken = {step for path in planned for step in path}
    assert set(edges(wf)) <= taken
    assert {p[-1].dest for p in planned} == {s.id for s in wf.states if s.terminal}
    for path in planned:
        assert path[0].src == wf.initial
        assert all(a.dest == b.src for a, b in itertools.pairwise(path))
        assert wf.state(path[-1].dest).terminal


# --- the walks ----------------------------------------------------------------------------


@ON_SQLITE
@pytest.mark.parametrize(("shape", "path"), WALKS)
def test_walk(rt: Runtime, shape: str, path: Route) -> None:
    proc = procedure(shape)
    case = walk(rt, proc, path)
    check_walk(rt, shape, proc, path, case)


@ON_POSTGRES
@pytest.mark.parametrize("shape", SHAPES)
def test_walk_on_postgres(rt: Runtime, shape: str) -> None:
    proc = procedure(shape)
    path = representative(proc.workflow)
    case = walk(rt, proc, path)
    check_walk(rt, shape, proc, path, case)


# --- refusals -----------------------------------------------------------------------------


def wrong_actors(spec: TransitionSpec) -> list[Actor]:
    """Staff with every other staff role, the applicant and the system, when not allowed."""
    actors: list[Actor] = []
    others = {r for r in STAFF_ROLES if r not in spec.roles}
    if others:
        actors.append(Actor.staff("staff-other", others, {DEPARTMENT}))  # type: ignore[arg-type]
    if "resident" not in spec.roles:
        actors.append(RESIDENT)
    if "system" not in spec.roles:
        actors.append(Actor.system())
    return actors


def at_each_source(rt: Runtime, proc: Procedure) -> Iterator[tuple[Case, list[TransitionSpec]]]:
    """For each state a transition leaves: a case walked into it and those transitions.

    When the caller is done with a case, checks that its refused firings wrote nothing.
    """
    wf = proc.workflow
    for state in wf.states:
        here = [t for t in wf.transitions if state.id in t.source]
        if here:
            case = reach(rt, proc, state.id)
            rows = len(outbox_of(rt, case.id))
            yield case, here
            assert_unchanged(rt, case, rows)


@ON_SQLITE
@pytest.mark.parametrize("shape", SHAPES)
def test_wrong_role_is_refused(rt: Runtime, shape: str) -> None:
    proc = procedure(shape)
    tried: set[str] = set()
    for case, here in at_each_source(rt, proc):
        for spec in here:
            for actor in wrong_actors(spec):
                with Session(rt.db) as s, pytest.raises(PermissionDenied) as exc:
                    fire(
                        rt,
                        s,
                        case.id,
                        spec.trigger,
                        actor,
                        inputs=inputs_for(spec, NOW.date(), set()),
                        data={"note": "書き換え"} if spec.edits_application else None,
                        comment=comment_for(spec),
                        now=NOW,
                    )
                assert exc.value.ja == f"「{spec.label.ja}」を行う権限がありません。"
                assert exc.value.details == {"trigger": spec.trigger}
                tried.add(spec.trigger)
    assert tried == {t.trigger for t in proc.workflow.transitions}


@ON_SQLITE
@pytest.mark.parametrize("shape", SHAPES)
def test_required_comment_and_inputs_are_enforced(rt: Runtime, shape: str) -> None:
    proc = procedure(shape)
    for case, here in at_each_source(rt, proc):
        for spec in here:
            actor = actor_for(spec)
            data = {"note": "訂正"} if spec.edits_application else None
            inputs = inputs_for(spec, NOW.date(), set())
            if spec.comment == "required":
                for blank in (None, "", " \n　"):
                    with Session(rt.db) as s, pytest.raises(CommentRequired) as exc:
                        fire(
                            rt,
                            s,
                            case.id,
                            spec.trigger,
                            actor,
                            inputs=inputs,
                            data=data,
                            comment=blank,
                            now=NOW,
                        )
                    assert spec.label.ja in exc.value.ja
            required = [f.id for f in spec.inputs if f.required]
            unknown = {"not_an_input": "x"}
            with Session(rt.db) as s, pytest.raises(ValidationFailed) as bad:
                fire(
                    rt,
                    s,
                    case.id,
                    spec.trigger,
                    actor,
                    inputs=unknown,
                    data=data,
                    comment=comment_for(spec),
                    now=NOW,
                )
            assert [(e.path, e.code) for e in bad.value.errors] == [
                *[(f, "required") for f in required],
                ("not_an_input", "unknown_field"),
            ]


@ON_SQLITE
@pytest.mark.parametrize("shape", SHAPES)
def test_trigger_not_allowed_in_the_state_names_the_allowed_ones(rt: Runtime, shape: str) -> None:
    proc = procedure(shape)
    wf = proc.workflow
    every_staff_role = Actor.staff("staff-all", set(STAFF_ROLES), {DEPARTMENT})  # type: ignore[arg-type]
    for state in wf.states:
        case = reach(rt, proc, state.id)
        rows = len(outbox_of(rt, case.id))
        elsewhere = [t for t in wf.transitions if state.id not in t.source]
        attempts = [(t.trigger, actor_for(t), t) for t in elsewhere]
        attempts.append(("no_such_trigger", every_staff_role, None))
        for trigger, actor, spec in attempts:
            allowed = sorted(
                u.trigger
                for u in wf.transitions
                if state.id in u.source and set(actor.roles) & set(u.roles)
            )
            with Session(rt.db) as s, pytest.raises(InvalidTrigger) as exc:
                fire(
                    rt,
                    s,
                    case.id,
                    trigger,
                    actor,
                    inputs=inputs_for(spec, NOW.date(), set()) if spec else None,
                    comment=comment_for(spec) if spec else None,
                    now=NOW,
                )
            assert exc.value.allowed == allowed, (state.id, trigger)
            assert exc.value.details["state"] == state.id
            assert f"現在の状態（{state.id}）では「{trigger}」はできません。" in exc.value.ja
            assert exc.value.ja.endswith(f"今できる操作: {', '.join(allowed) or 'なし'}")
        assert_unchanged(rt, case, rows)


@ON_SQLITE
@pytest.mark.parametrize(("shape", "trigger"), TASK_GUARDS)
def test_tasks_done_guard_names_the_missing_tasks(rt: Runtime, shape: str, trigger: str) -> None:
    proc = procedure(shape)
    wf = proc.workflow
    spec = wf.transition(trigger)
    tasks = _tasks(spec)
    for src in spec.source:
        case = reach(rt, proc, src)
        for done in range(len(tasks)):
            missing = [wf.transition(t).label for t in tasks[done:]]
            rows = len(outbox_of(rt, case.id))
            with Session(rt.db) as s, pytest.raises(GuardFailed) as exc:
                fire(
                    rt,
                    s,
                    case.id,
                    trigger,
                    actor_for(spec),
                    inputs=inputs_for(spec, NOW.date(), set()),
                    comment=comment_for(spec),
                    now=NOW,
                )
            assert exc.value.reasons == [
                (
                    "先に次の作業を完了してください: " + "、".join(m.ja for m in missing),
                    "First complete: " + ", ".join(m.get("en") for m in missing),
                )
            ]
            assert all(m.ja in exc.value.ja for m in missing)
            assert not any(wf.transition(t).label.ja in exc.value.ja for t in tasks[:done])
            assert_unchanged(rt, case, rows)
            case = take(rt, proc, case, tasks[done], set())
        case = take(rt, proc, case, trigger, set())
        assert case.state == spec.dest


@ON_SQLITE
@pytest.mark.parametrize(("shape", "trigger"), DATA_GUARDS)
def test_data_present_guard_names_the_missing_data(rt: Runtime, shape: str, trigger: str) -> None:
    # The shape's own inputs make the data required, so the variant makes them optional and
    # the walk leaves them out.
    ids = set(catalog().procedures)
    proc = catalog().get(lenient_id(shape) if lenient_id(shape) in ids else proc_id(shape))
    wf = proc.workflow
    spec = wf.transition(trigger)
    paths = _data_paths(spec)
    leave_out = frozenset(p.split(".")[0] for p in paths)
    for src in spec.source:
        case = walk(rt, proc, with_tasks(wf, shortest(wf, wf.initial, src.__eq__)), leave_out)
        rows = len(outbox_of(rt, case.id))
        with Session(rt.db) as s, pytest.raises(GuardFailed) as exc:
            fire(
                rt,
                s,
                case.id,
                trigger,
                actor_for(spec),
                inputs=inputs_for(spec, NOW.date(), set(leave_out)),
                comment=comment_for(spec),
                now=NOW,
            )
        assert exc.value.reasons == [
            (
                "次の項目がまだ記録されていません: " + "、".join(paths),
                "Not recorded yet: " + ", ".join(paths),
            )
        ]
        assert all(p in exc.value.ja for p in paths)
        assert_unchanged(rt, case, rows)
