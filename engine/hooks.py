"""The contexts guards and effects receive, and the registries they live in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from engine.actors import Actor
from engine.definitions.models import Procedure
from engine.records import CaseRecord
from engine.registry import NamedRegistry


@dataclass(frozen=True)
class TransitionContext:
    """What a guard or effect may look at: the case before the change, who fires what."""

    session: Session
    case: CaseRecord
    procedure: Procedure
    actor: Actor
    trigger: str
    inputs: dict[str, Any]
    now: dt.datetime
    dest: str = ""
    # The deployment's partner configuration (engine.runtime.adapter_config), so guards
    # and effects reach the same registry and core systems as the rest of the runtime.
    adapter_config: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OutboxDraft:
    """A side effect to deliver after commit: a handler ``kind`` and its payload."""

    kind: str
    payload: dict[str, Any] = field(default_factory=dict)


# A guard returns None when the transition may go ahead, else the reason (ja, en).
GuardFn = Callable[[TransitionContext, Any], tuple[str, str] | None]
# An effect returns the side effects to write to the outbox in the same transaction.
EffectFn = Callable[[TransitionContext, Any], list[OutboxDraft]]

guards: NamedRegistry[GuardFn] = NamedRegistry("guard")
effects: NamedRegistry[EffectFn] = NamedRegistry("effect")
