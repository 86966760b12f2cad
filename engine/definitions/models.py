"""The definition format: typed, frozen models for shapes and procedure definitions.

A *shape* (``procedures/_shapes/<shape>.yaml``) is a complete workflow. A *definition*
(``procedures/<category>/<id>.yaml``) names the shape it ``extends`` and overrides only what
differs. Loading (:mod:`engine.definitions.loader`) merges the two into a :class:`Procedure`.
The JSON Schema of both file kinds is exported by ``madoguchi procedures format-schema`` and
documented in ``docs/definitions.md``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from forms.spec import FieldSpec, FormSpec, LocalizedText

IDENTIFIER = r"^[a-z][a-z0-9_]*$"
PROCEDURE_ID = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"

Role = Literal["resident", "intake", "review", "approval", "admin", "system"]
ROLES: tuple[Role, ...] = ("resident", "intake", "review", "approval", "admin", "system")
# The four statuses a resident sees in Mynaportal: 処理中, 要訂正, 受付エラー, 完了.
PortalStatus = Literal["in_progress", "correction_requested", "intake_error", "done"]
PORTAL_STATUS_JA: dict[str, str] = {
    "in_progress": "処理中",
    "correction_requested": "要訂正",
    "intake_error": "受付エラー",
    "done": "完了",
}
Channel = Literal["online", "pittari", "oss", "counter", "api"]
Identity = Literal["signature", "login"]
Office = Literal["municipality", "prefecture", "police"]
Clock = Literal["running", "paused"]
CommentRule = Literal["none", "optional", "required"]


class Frozen(BaseModel):
    """Base for definition models: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class NamedRef(Frozen):
    """A guard or effect referenced by name, with parameters; resolved at load time."""

    name: str = Field(pattern=IDENTIFIER)
    params: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def coerce(cls, value: Any) -> Any:
        """Accept the short form ``- name`` as well as ``- {name: ..., params: ...}``."""
        return {"name": value} if isinstance(value, str) else value


def _as_tuple(value: Any) -> Any:
    return (value,) if isinstance(value, str) else value


class StateSpec(Frozen):
    """A state of a workflow."""

    id: str = Field(pattern=IDENTIFIER)
    label: LocalizedText
    portal_status: PortalStatus
    terminal: bool = False
    clock: Clock = Field(
        default="running",
        description="'paused' stops the processing-time clock (e.g. while waiting for a "
        "correction, 行政手続法 7条); the due date moves by the business days spent here",
    )


class TransitionSpec(Frozen):
    """A transition: who may fire ``trigger`` from which states, to where, with which checks."""

    trigger: str = Field(pattern=IDENTIFIER)
    source: tuple[str, ...] = Field(min_length=1)
    dest: str
    label: LocalizedText
    roles: tuple[Role, ...] = Field(min_length=1)
    guards: tuple[NamedRef, ...] = ()
    effects: tuple[NamedRef, ...] = ()
    comment: CommentRule = "optional"
    inputs: tuple[FieldSpec, ...] = Field(
        default=(), description="what staff enter when firing it (decision details...)"
    )
    edits_application: bool = Field(
        default=False, description="the firer may change the application data (a correction)"
    )

    _source = field_validator("source", mode="before")(_as_tuple)
    _roles = field_validator("roles", mode="before")(_as_tuple)

    @field_validator("guards", "effects", mode="before")
    @classmethod
    def _refs(cls, value: Any) -> Any:
        return [NamedRef.coerce(v) for v in value] if isinstance(value, list) else value


class Workflow(Frozen):
    """A complete workflow: states, transitions and the state a new case starts in."""

    initial: str
    states: tuple[StateSpec, ...] = Field(min_length=2)
    transitions: tuple[TransitionSpec, ...] = Field(min_length=1)

    def state(self, state_id: str) -> StateSpec:
        """The state called ``state_id`` (KeyError when there is none)."""
        for s in self.states:
            if s.id == state_id:
                return s
        raise KeyError(state_id)

    def transition(self, trigger: str) -> TransitionSpec:
        """The transition fired by ``trigger`` (KeyError when there is none)."""
        for t in self.transitions:
            if t.trigger == trigger:
                return t
        raise KeyError(trigger)


class ShapeFile(Frozen):
    """A shape file: a named, complete workflow that definitions extend."""

    shape: str = Field(pattern=IDENTIFIER)
    name: LocalizedText
    description: LocalizedText
    workflow: Workflow


class StateOverride(Frozen):
    """Adds a state, or changes the named parts of a state of the shape."""

    id: str = Field(pattern=IDENTIFIER)
    label: LocalizedText | None = None
    portal_status: PortalStatus | None = None
    terminal: bool | None = None
    clock: Clock | None = None


class TransitionOverride(Frozen):
    """Adds a transition, or changes the named parts of a transition of the shape.

    List-valued keys replace the shape's list; ``add_guards`` and ``add_effects`` append
    to it instead, which is what a definition usually wants.
    """

    trigger: str = Field(pattern=IDENTIFIER)
    source: tuple[str, ...] | None = None
    dest: str | None = None
    label: LocalizedText | None = None
    roles: tuple[Role, ...] | None = None
    guards: tuple[NamedRef, ...] | None = None
    effects: tuple[NamedRef, ...] | None = None
    add_guards: tuple[NamedRef, ...] = ()
    add_effects: tuple[NamedRef, ...] = ()
    comment: CommentRule | None = None
    inputs: tuple[FieldSpec, ...] | None = None
    edits_application: bool | None = None

    _source = field_validator("source", mode="before")(_as_tuple)
    _roles = field_validator("roles", mode="before")(_as_tuple)

    @field_validator("guards", "effects", "add_guards", "add_effects", mode="before")
    @classmethod
    def _refs(cls, value: Any) -> Any:
        return [NamedRef.coerce(v) for v in value] if isinstance(value, list) else value


class WorkflowOverrides(Frozen):
    """What a definition changes in the workflow of its shape."""

    initial: str | None = None
    states: tuple[StateOverride, ...] = ()
    transitions: tuple[TransitionOverride, ...] = ()
    remove_states: tuple[str, ...] = ()
    remove_transitions: tuple[str, ...] = ()


class LegalBasis(Frozen):
    """The law (and article) a procedure rests on."""

    law: str
    article: str = ""


class ProcessingTime(Frozen):
    """Statutory deadline (法定期限) or standard processing time (標準処理期間)."""

    days: int = Field(ge=1, le=3650)
    kind: Literal["statutory", "standard"]
    counting: Literal["business_days", "calendar_days"] = "business_days"


class Effective(Frozen):
    """When a definition accepts new filings. Laws add and retire procedures."""

    valid_from: dt.date | None = None
    valid_until: dt.date | None = Field(
        default=None, description="last day new filings are accepted (inclusive)"
    )
    replaced_by: str | None = Field(default=None, pattern=PROCEDURE_ID)
    retirement_note: LocalizedText | None = None


class DocumentSpec(Frozen):
    """A document the procedure produces (receipt, decision notice, certificate...)."""

    id: str = Field(pattern=IDENTIFIER)
    name: LocalizedText
    kind: Literal["application", "receipt", "decision", "rejection", "certificate", "notice"]
    on: tuple[str, ...] = Field(
        default=(), description="triggers that produce it; empty for on-demand documents"
    )

    _on = field_validator("on", mode="before")(_as_tuple)


class DefinitionFile(Frozen):
    """A procedure definition file as written: it extends a shape."""

    id: str = Field(pattern=PROCEDURE_ID)
    extends: str = Field(pattern=IDENTIFIER)
    category: str = Field(pattern=r"^[a-z]+$")
    name: LocalizedText
    summary: LocalizedText
    office: Office
    departments: tuple[str, ...] = Field(min_length=1)
    legal_basis: tuple[LegalBasis, ...] = ()
    channels: tuple[Channel, ...] = Field(min_length=1)
    identity: Identity
    processing: ProcessingTime | None = None
    retention_years: int = Field(ge=1, le=100)
    effective: Effective = Field(default_factory=Effective)
    core_system: str | None = None
    form: FormSpec
    workflow: WorkflowOverrides = Field(default_factory=WorkflowOverrides)
    documents: tuple[DocumentSpec, ...] = ()


class Procedure(Frozen):
    """A loaded procedure: a definition merged with its shape, checked, versioned.

    ``version`` is the sha256 of the canonical JSON of everything else, so any change to
    the definition or its shape gives a new version, and a case filed under an older
    version keeps running under it.
    """

    id: str
    shape: str
    category: str
    name: LocalizedText
    summary: LocalizedText
    office: Office
    departments: tuple[str, ...]
    legal_basis: tuple[LegalBasis, ...]
    channels: tuple[Channel, ...]
    identity: Identity
    processing: ProcessingTime | None
    retention_years: int
    effective: Effective
    core_system: str | None
    form: FormSpec
    workflow: Workflow
    documents: tuple[DocumentSpec, ...]
    version: str = ""
    source: str = Field(default="", description="the file it was loaded from")

    def accepts_filings_on(self, day: dt.date) -> bool:
        """Whether a new filing made on ``day`` is accepted (the effective period)."""
        eff = self.effective
        if eff.valid_from and day < eff.valid_from:
            return False
        return not (eff.valid_until and day > eff.valid_until)

    def portal_status(self, state_id: str) -> str:
        """The Mynaportal status (処理中, 要訂正, 受付エラー, 完了) of a state."""
        return self.workflow.state(state_id).portal_status
