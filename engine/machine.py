"""One shared `transitions` machine per definition version, used as its maintainers advise.

The machine is created once with ``model=None`` and ``auto_transitions=False``. For one
operation a thin wrapper is attached with ``add_model(wrapper, initial=case.state)`` and
detached afterwards, so the number of models never grows with the number of cases. The
ORM row itself is never attached, and history lives in the event table.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from transitions import Machine

from engine.definitions.models import Procedure, Workflow


class CaseHandle:
    """The per-operation model: a ``state`` attribute and ``trigger(name)``, from the machine."""

    state: str
    trigger: Callable[[str], bool]  # set per instance by Machine.add_model


class LeanMachine(Machine):
    """A Machine that gives attached models only ``state`` and ``trigger(name)``.

    ``add_model`` normally also attaches ``is_<state>()`` for every state and
    ``<trigger>()``/``may_<trigger>()`` for every trigger, and looks for ``on_enter_*``
    methods: work the engine never uses, done on every operation because a handle is
    attached per operation. Skipping it makes attaching about four times cheaper.
    """

    def _add_model_to_state(self, state: Any, model: Any) -> None:
        return None

    def _add_trigger_to_model(self, trigger: str, model: Any) -> None:
        return None


class MachineCache:
    """Machines by definition version; each built once and shared by every case."""

    def __init__(self) -> None:
        self._machines: dict[str, Machine] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def machine(self, proc: Procedure) -> Machine:
        """The shared machine of ``proc``'s version."""
        m = self._machines.get(proc.version)
        if m is None:
            with self._guard:
                m = self._machines.get(proc.version)
                if m is None:
                    m = build_machine(proc.workflow)
                    self._machines[proc.version] = m
                    self._locks[proc.version] = threading.Lock()
        return m

    def __len__(self) -> int:
        return len(self._machines)

    @contextmanager
    def attached(self, proc: Procedure, state: str) -> Iterator[CaseHandle]:
        """A handle in ``state`` attached to the shared machine for one operation."""
        m = self.machine(proc)
        handle = CaseHandle()
        # add_model/remove_model mutate the machine's model list; one operation at a time.
        with self._locks[proc.version]:
            m.add_model(handle, initial=state)
            try:
                yield handle
            finally:
                m.remove_model(handle)

    def allowed_triggers(self, proc: Procedure, state: str) -> list[str]:
        """Triggers the machine accepts in ``state`` (before roles and guards)."""
        return sorted(self.machine(proc).get_triggers(state))

    def models_attached(self) -> int:
        """How many handles are attached right now, over all machines (0 at rest)."""
        return sum(len(m.models) for m in self._machines.values())


def build_machine(wf: Workflow) -> Machine:
    """A shared machine for a workflow: its states and transitions, nothing automatic."""
    transitions: list[dict[str, Any]] = [
        {"trigger": t.trigger, "source": list(t.source), "dest": t.dest} for t in wf.transitions
    ]
    return LeanMachine(
        model=None,
        states=[s.id for s in wf.states],
        transitions=transitions,
        initial=wf.initial,
        auto_transitions=False,
        ignore_invalid_triggers=False,
    )


def mermaid(proc: Procedure, current: str | None = None) -> str:
    """The workflow as a mermaid state diagram, with ``current`` marked when given."""
    wf = proc.workflow
    lines = ["stateDiagram-v2"]
    for s in wf.states:
        lines.append(f'    state "{s.label.ja}" as {s.id}')
    lines.append(f"    [*] --> {wf.initial}")
    for t in wf.transitions:
        for src in t.source:
            lines.append(f"    {src} --> {t.dest}: {t.label.ja}")
    for s in wf.states:
        if s.terminal:
            lines.append(f"    {s.id} --> [*]")
    if current:
        lines.append("    classDef current fill:#0017c1,color:#fff,font-weight:bold")
        lines.append(f"    class {current} current")
    return "\n".join(lines)


def _dot_id(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def graphviz_dot(proc: Procedure, current: str | None = None) -> str:
    """The workflow as a Graphviz DOT digraph (state labels in Japanese), ``current`` marked.

    The staff case page renders it to SVG with ``dot`` (the same states and transitions as
    :func:`mermaid`, which the docs use).
    """
    wf = proc.workflow
    lines = [
        "digraph workflow {",
        '  graph [rankdir=LR, fontname="IPAexGothic", bgcolor="transparent", nodesep=0.3];',
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#4d4d4d",'
        ' fontname="IPAexGothic", fontsize=11];',
        '  edge [fontname="IPAexGothic", fontsize=9, color="#666666", fontcolor="#333333"];',
        '  start [shape=point, width=0.15, label=""];',
        f"  start -> {_dot_id(wf.initial)};",
    ]
    for s in wf.states:
        attrs = [f"label={_dot_id(s.label.ja)}"]
        if s.id == current:
            attrs += ['fillcolor="#0017c1"', 'fontcolor="#ffffff"', "penwidth=2"]
        elif s.terminal:
            attrs.append("peripheries=2")
        lines.append(f"  {_dot_id(s.id)} [{', '.join(attrs)}];")
    for t in wf.transitions:
        for src in t.source:
            lines.append(f"  {_dot_id(src)} -> {_dot_id(t.dest)} [label={_dot_id(t.label.ja)}];")
    lines.append("}")
    return "\n".join(lines)
