"""Mock core systems (標準準拠システム): one in-memory store per business, faults included.

A :class:`MockCoreSystem` implements :class:`adapters.base.CoreSystem` for one business of
:data:`adapters.mock.core_businesses.BUSINESSES`. It checks each record against the
business's record kinds (:mod:`adapters.mock.core_schema`), gives it the business's own
identifier, and keeps it with the idempotency key it came with. Every call runs through
the system's :class:`adapters.mock.faults.FaultPlan` (``system.faults``), which by default
injects nothing.

How a caller registers reliably (the engine's outbox worker does this):

1. Make the idempotency key once per intended write (e.g. from the outbox row) and keep
   it with the work, so a retry after a crash reuses it.
2. Call :meth:`register`. On :class:`adapters.errors.PartnerRefusalError` (record
   rejected, key reused for other data) stop: nothing happened and retrying cannot help;
   show the problems to staff.
3. On :class:`adapters.errors.PartnerError` (timeout, server error, unreadable reply,
   partner down) the outcome may be unknown. Wait (exponential backoff with jitter; a
   partner can be down for hours, so keep the work pending rather than failing it), then
   reconcile: :meth:`lookup` the key. A result means the earlier call took effect: done,
   use its ``record_id``. None means it did not: register again with the same key and
   record. A failing lookup is itself retried the same way.

Registering again with the same key is harmless here (it returns the first result), but
looking up first also keeps the caller right with partners whose idempotency memory is
limited, and tells staff what happened.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from adapters.errors import IdempotencyConflictError, RecordRejectedError, UnknownCoreBusinessError
from adapters.exchange import RegistrationResult
from adapters.jpki_profile import JST
from adapters.mock.core_businesses import BUSINESSES
from adapters.mock.core_schema import BusinessSpec, canonical, normalised, record_problems
from adapters.mock.faults import FaultPlan


def _jst_now() -> datetime:
    return datetime.now(JST)


def _as_text(value: object) -> str:
    """A stored value as a query compares it: booleans as ``true``/``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _matches(record: Mapping[str, object], criteria: Mapping[str, str]) -> bool:
    for key, wanted in criteria.items():
        value = record.get(key)
        if isinstance(value, list):
            if wanted not in value:
                return False
        elif value is None or _as_text(value) != wanted:
            return False
    return True


@dataclass(frozen=True)
class _Entry:
    """What a key was used for: the record's canonical text and the answer given."""

    canonical: str
    result: RegistrationResult


class MockCoreSystem:
    """A :class:`adapters.base.CoreSystem` for one business, in memory and thread-safe.

    ``faults`` is consulted on every call (a fresh plan injecting nothing by default);
    ``clock`` (timezone-aware, default: now in Japan) stamps registrations. Tests and
    demos change the plan's switches on ``system.faults`` at any time.
    """

    def __init__(
        self,
        spec: BusinessSpec,
        *,
        faults: FaultPlan | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.spec = spec
        self.faults = FaultPlan(seed=spec.business) if faults is None else faults
        self._clock = _jst_now if clock is None else clock
        self._lock = threading.Lock()
        self._records: list[dict[str, object]] = []
        self._by_id: dict[tuple[str, str], dict[str, object]] = {}
        self._by_key: dict[str, _Entry] = {}
        self._issued: dict[str, int] = {}

    @property
    def business(self) -> str:
        """The business id (``jidou-teate``, ...)."""
        return self.spec.business

    def register(self, idempotency_key: str, record: Mapping[str, object]) -> RegistrationResult:
        """Check, number and store ``record`` once per key (see the interface)."""
        return self.faults.run(
            f"{self.business}.register", lambda: self._register(idempotency_key, record)
        )

    def lookup(self, idempotency_key: str) -> RegistrationResult | None:
        """The registration made under ``idempotency_key``, with ``created=False``, or None."""
        return self.faults.run(f"{self.business}.lookup", lambda: self._lookup(idempotency_key))

    def query(self, criteria: Mapping[str, str]) -> tuple[Mapping[str, object], ...]:
        """Copies of the records matching every criterion, oldest first (see the interface)."""
        unknown = sorted(set(criteria) - self.spec.queryable())
        if unknown:
            raise ValueError(f"{self.business}: cannot query by {', '.join(unknown)}")
        return self.faults.run(f"{self.business}.query", lambda: self._query(criteria))

    def preload(
        self, idempotency_key: str, record: Mapping[str, object], registered_at: datetime
    ) -> RegistrationResult:
        """Store a record the system held before the demo began (no faults, even read-only).

        Used to seed demo data; raises :class:`adapters.errors.RecordRejectedError` like
        :meth:`register` when the record is malformed.
        """
        return self._store(idempotency_key, record, registered_at)

    def records(self, kind: str | None = None) -> tuple[Mapping[str, object], ...]:
        """Copies of the stored records (of ``kind`` when given), bypassing the fault plan.

        What an operator would see in the core system's own database: for test assertions.
        """
        with self._lock:
            found = [r for r in self._records if kind is None or r["kind"] == kind]
            return tuple(copy.deepcopy(found))

    def _register(self, idempotency_key: str, record: Mapping[str, object]) -> RegistrationResult:
        if self.spec.read_only:
            raise RecordRejectedError(
                self.business,
                [f"{self.spec.title_ja} answers lookups only and accepts no registrations"],
            )
        return self._store(idempotency_key, record, None)

    def _store(
        self, idempotency_key: str, record: Mapping[str, object], at: datetime | None
    ) -> RegistrationResult:
        if not isinstance(idempotency_key, str) or not idempotency_key.strip():
            raise RecordRejectedError(self.business, ["idempotency key: must be non-blank text"])
        if not isinstance(record, Mapping):
            raise RecordRejectedError(self.business, ["record: must be a mapping of fields"])
        values = normalised(record)
        with self._lock:
            problems = record_problems(self.spec, values, self._resolve)
            if problems:
                raise RecordRejectedError(self.business, problems)
            text = canonical(values)
            seen = self._by_key.get(idempotency_key)
            if seen is not None:
                if seen.canonical != text:
                    raise IdempotencyConflictError(
                        self.business, idempotency_key, seen.result.record_id
                    )
                return replace(seen.result, created=False)
            return self._insert(idempotency_key, values, text, self._clock() if at is None else at)

    def _insert(
        self, key: str, values: dict[str, object], text: str, now: datetime
    ) -> RegistrationResult:
        """Number and keep a checked record; the caller holds the lock."""
        kind = self.spec.kind(str(values["kind"]))
        if kind is None:  # record_problems has refused unknown kinds already
            raise RecordRejectedError(self.business, [f"kind: unknown {values['kind']!r}"])
        issued = self._issued.get(kind.name, 0)
        record_id = kind.new_id(issued)
        self._issued[kind.name] = issued + 1
        stored = {
            **copy.deepcopy(values),
            kind.id_field: record_id,
            "registered_at": now.isoformat(),
        }
        self._records.append(stored)
        self._by_id[(kind.name, record_id)] = stored
        result = RegistrationResult(self.business, key, record_id, now, created=True)
        self._by_key[key] = _Entry(text, result)
        return result

    def _resolve(self, kind: str, record_id: str) -> Mapping[str, object] | None:
        """A stored record by kind and identifier; the caller holds the lock."""
        return self._by_id.get((kind, record_id))

    def _lookup(self, idempotency_key: str) -> RegistrationResult | None:
        with self._lock:
            seen = self._by_key.get(idempotency_key)
        return None if seen is None else replace(seen.result, created=False)

    def _query(self, criteria: Mapping[str, str]) -> tuple[Mapping[str, object], ...]:
        with self._lock:
            found = [r for r in self._records if _matches(r, criteria)]
            return tuple(copy.deepcopy(found))


def build_core_systems(
    *,
    faults: FaultPlan | None = None,
    clock: Callable[[], datetime] | None = None,
) -> dict[str, MockCoreSystem]:
    """One empty mock per business, by business id.

    With ``faults`` every system shares that plan; without, each gets its own plan that
    injects nothing, so one partner can be taken down while the others answer.
    """
    return {
        business: MockCoreSystem(spec, faults=faults, clock=clock)
        for business, spec in BUSINESSES.items()
    }


def core_system_for(systems: Mapping[str, MockCoreSystem], business: str | None) -> MockCoreSystem:
    """``systems[business]``; :class:`adapters.errors.UnknownCoreBusinessError` otherwise."""
    if business is None or business not in systems:
        raise UnknownCoreBusinessError(business, sorted(systems))
    return systems[business]
