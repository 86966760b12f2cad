"""Checks that a merged workflow is a sound state machine."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

from engine.definitions.errors import did_you_mean, join_path
from engine.definitions.models import Workflow


@dataclass(frozen=True)
class Issue:
    """A mistake at ``<coll>[index].<sub>`` of a workflow (``coll`` empty: the workflow)."""

    coll: Literal["states", "transitions", ""]
    index: int
    sub: str
    message: str

    def path(self) -> str:
        """The path inside ``workflow`` by index, e.g. ``transitions[3].dest``."""
        if not self.coll:
            return self.sub
        return join_path(f"{self.coll}[{self.index}]", self.sub)


def check_workflow(wf: Workflow) -> list[Issue]:
    """Every structural mistake: unknown or duplicate states and triggers, dead ends,
    unreachable states, terminal states that can be left.

    A transition to or from an unknown state (usually a typo) leaves states unreachable or
    stuck that are not; while there is one, only the names are reported.
    """
    issues: list[Issue] = []
    ids = [s.id for s in wf.states]
    known = set(ids)
    seen: set[str] = set()
    for i, s in enumerate(wf.states):
        if s.id in seen:
            issues.append(Issue("states", i, "id", f"duplicate state '{s.id}'"))
        seen.add(s.id)
    if wf.initial not in known:
        issues.append(
            Issue("", 0, "initial", f"unknown state '{wf.initial}'{did_you_mean(wf.initial, ids)}")
        )
    triggers: set[str] = set()
    outgoing: dict[str, set[str]] = {s: set() for s in known}
    for i, t in enumerate(wf.transitions):
        if t.trigger in triggers:
            issues.append(Issue("transitions", i, "trigger", f"duplicate trigger '{t.trigger}'"))
        triggers.add(t.trigger)
        for j, src in enumerate(t.source):
            if src not in known:
                issues.append(
                    Issue(
                        "transitions",
                        i,
                        f"source[{j}]",
                        f"unknown state '{src}'{did_you_mean(src, ids)}",
                    )
                )
            else:
                outgoing[src].add(t.dest)
        if t.dest not in known:
            issues.append(
                Issue(
                    "transitions", i, "dest", f"unknown state '{t.dest}'{did_you_mean(t.dest, ids)}"
                )
            )
    if any(i.message.startswith("unknown state") for i in issues):
        return issues
    by_id = {s.id: s for s in wf.states}
    for i, s in enumerate(wf.states):
        leaves = {d for d in outgoing.get(s.id, set()) if d != s.id}
        if s.terminal and outgoing.get(s.id):
            issues.append(
                Issue("states", i, "terminal", f"terminal state '{s.id}' has outgoing transitions")
            )
        if not s.terminal and not leaves:
            issues.append(
                Issue(
                    "states", i, "", f"state '{s.id}' is not terminal but no transition leaves it"
                )
            )
    if wf.initial in known:
        reached = {wf.initial}
        queue = deque([wf.initial])
        while queue:
            for nxt in outgoing.get(queue.popleft(), set()):
                if nxt in known and nxt not in reached:
                    reached.add(nxt)
                    queue.append(nxt)
        for i, s in enumerate(wf.states):
            if s.id not in reached:
                issues.append(
                    Issue("states", i, "", f"state '{s.id}' cannot be reached from '{wf.initial}'")
                )
        if not any(by_id[r].terminal for r in reached if r in by_id):
            issues.append(Issue("", 0, "states", "no terminal state can be reached"))
    return issues
