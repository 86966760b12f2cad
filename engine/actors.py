"""Who acts on a case: a resident, a staff member, the system, or an integrator client."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from engine.definitions.models import Role

ActorKind = Literal["resident", "staff", "system", "integrator"]


@dataclass(frozen=True)
class Actor:
    """An authenticated party. Permissions are granted by ``roles`` and ``departments`` only."""

    kind: ActorKind
    id: str
    name: str = ""
    roles: frozenset[Role] = field(default_factory=frozenset)
    departments: frozenset[str] = field(default_factory=frozenset)
    # At the counter: the resident a staff member files for, and how identity was checked.
    on_behalf_of: str | None = None
    identity_check: str | None = None

    @classmethod
    def resident(cls, resident_id: str, name: str = "") -> Actor:
        """A resident acting for themselves."""
        return cls("resident", resident_id, name, frozenset({"resident"}))

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """The engine itself, a worker or a partner-system reply."""
        return cls("system", name, name, frozenset({"system"}))

    @classmethod
    def staff(
        cls,
        staff_id: str,
        roles: set[Role] | frozenset[Role],
        departments: set[str] | frozenset[str],
        name: str = "",
    ) -> Actor:
        """A staff member with roles (intake, review, approval, admin) in departments."""
        return cls("staff", staff_id, name, frozenset(roles), frozenset(departments))
