"""What validation hands back: the normalised data and every error, each with its path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forms.spec import LocalizedText


@dataclass(frozen=True)
class FieldError:
    """One problem with one answer.

    ``path`` names the answer in the payload, with 0-based row indexes
    (``children[1].birth_date``); ``code`` is stable for programs (see
    :data:`forms.spec.ErrorCode`); ``message`` tells the resident what to fix.
    """

    path: str
    code: str
    message: LocalizedText


@dataclass(frozen=True)
class ValidationResult:
    """The normalised payload and all errors found in it (none when ``ok``).

    When there are errors, an answer that failed keeps the value as submitted, so a
    screen can show the resident what they typed beside the message.
    """

    data: dict[str, Any]
    errors: tuple[FieldError, ...]

    @property
    def ok(self) -> bool:
        """True when the payload has no errors."""
        return not self.errors

    def errors_at(self, path: str) -> tuple[FieldError, ...]:
        """The errors reported exactly at ``path``."""
        return tuple(e for e in self.errors if e.path == path)
