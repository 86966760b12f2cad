"""Definition mistakes, reported with the file, the path inside it and what is wrong."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class DefinitionError:
    """One mistake: ``procedures/kosodate/x.yaml: workflow.transitions[3].dest: ...``."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.path}: {self.message}"
            if self.path
            else (f"{self.file}: {self.message}")
        )


class DefinitionErrors(Exception):
    """Every mistake found while loading definitions, not just the first."""

    def __init__(self, errors: Sequence[DefinitionError]) -> None:
        self.errors = tuple(sorted(set(errors), key=lambda e: (e.file, e.path, e.message)))
        super().__init__("\n".join(str(e) for e in self.errors))


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a close match exists, else an empty string."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def join_path(*parts: str | int) -> str:
    """Join a location into ``workflow.transitions[3].dest`` form."""
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif p:
            out += f".{p}" if out else p
    return out
