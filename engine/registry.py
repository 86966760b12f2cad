"""Registries of named code that definitions reference: guards and effects.

A definition never contains Python; it names a guard or an effect, and the loader resolves
the name here (an unknown name or bad parameters is a load error). Vendors register their
own with the decorator::

    @guards.register("claimant_lives_here", params=ClaimantParams)
    def claimant_lives_here(ctx: GuardContext, params: ClaimantParams) -> GuardFailure | None:
        ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from engine.definitions.errors import did_you_mean, join_path

F = TypeVar("F", bound=Callable[..., Any])


class NoParams(BaseModel):
    """Parameters of a guard or effect that takes none."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# Checks parameters against the workflow they are used in (e.g. trigger names), at load.
WorkflowCheck = Callable[[Any, Any], list[tuple[str, str]]]


@dataclass(frozen=True)
class Entry(Generic[F]):
    """A registered guard or effect."""

    name: str
    fn: F
    params: type[BaseModel]
    doc: str
    workflow_check: WorkflowCheck | None = None


class NamedRegistry(Generic[F]):
    """Named functions with a parameter model each; names are unique."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, Entry[F]] = {}
        # (name, id(params)) -> (params, parsed); the params object is kept so its id is
        # never reused for another dict while the entry exists.
        self._parsed: dict[tuple[str, int], tuple[dict[str, Any], BaseModel]] = {}

    def register(
        self,
        name: str,
        params: type[BaseModel] = NoParams,
        workflow_check: WorkflowCheck | None = None,
    ) -> Callable[[F], F]:
        """Decorator registering ``fn`` under ``name``; a second use of a name is an error.

        ``workflow_check(params, workflow)`` may check the parameters against the workflow
        they are used in (e.g. trigger names); its mistakes are load errors like any other.
        """

        def deco(fn: F) -> F:
            if name in self._entries:
                raise ValueError(f"{self.kind} '{name}' is already registered")
            doc = (fn.__doc__ or "").strip()
            self._entries[name] = Entry(name, fn, params, doc, workflow_check)
            return fn

        return deco

    def get(self, name: str) -> Entry[F]:
        """The entry called ``name``; KeyError naming the known ones otherwise."""
        try:
            return self._entries[name]
        except KeyError:
            raise KeyError(
                f"unknown {self.kind} '{name}'{did_you_mean(name, self._entries)}"
            ) from None

    def names(self) -> list[str]:
        """Every registered name, sorted."""
        return sorted(self._entries)

    def check(
        self, name: str, params: dict[str, Any], workflow: Any = None
    ) -> list[tuple[str, str]]:
        """Mistakes in a reference ``{name, params}``, as (relative path, message) pairs."""
        entry = self._entries.get(name)
        if entry is None:
            return [("name", f"unknown {self.kind} '{name}'{did_you_mean(name, self._entries)}")]
        try:
            parsed = entry.params.model_validate(params)
        except ValidationError as exc:
            return [
                (join_path("params", *[p for p in e["loc"] if isinstance(p, str | int)]), e["msg"])
                for e in exc.errors()
            ]
        if entry.workflow_check is not None and workflow is not None:
            return entry.workflow_check(parsed, workflow)
        return []

    def parse_params(self, name: str, params: dict[str, Any]) -> BaseModel:
        """The typed parameters of a reference (checked at load time, so this succeeds).

        Parsed once per parameter dict: definitions are frozen, so the same dict object
        always means the same parameters, and firing does not re-validate them each time.
        """
        key = (name, id(params))
        hit = self._parsed.get(key)
        if hit is not None and hit[0] is params:
            return hit[1]
        parsed = self.get(name).params.model_validate(params)
        self._parsed[key] = (params, parsed)
        return parsed
