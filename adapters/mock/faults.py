"""Fault injection for the mocks: a :class:`FaultPlan` every mock call goes through.

Real partners are slow, fail, time out, answer garbage, go down for maintenance, and
sometimes commit a change whose reply never arrives. A mock runs each call as
``plan.run(operation, action)``; the plan decides, from its switches and a seeded random
generator, whether and how the call fails. Callers see exactly the errors a real client
adapter raises (:class:`adapters.errors.PartnerError` subclasses), so the retry and
reconciliation code under test is the production code.

The switches, in the order a call meets them:

``downtime`` (windows)
    Between a window's ``start`` (inclusive) and ``end`` (exclusive), as told by the
    injected ``clock``, every call fails at once with ``PartnerUnavailableError`` and has
    no effect: the partner is down for maintenance or an outage, possibly for hours.
``latency`` (rate) with ``latency_seconds``
    The call is slowed by a delay drawn uniformly from ``latency_seconds`` (a
    ``(low, high)`` range; equal bounds give a fixed delay), spent in the injected
    ``sleep``. It then proceeds normally (or meets a failure below).
``server_error`` (rate)
    The partner answers with a server error (5xx): ``PartnerUnavailableError``; the call
    had no effect.
``timeout`` (rate)
    No answer within the client's timeout: ``timeout_seconds`` pass in ``sleep``, then
    ``PartnerTimeoutError``. The call had no effect, but the caller cannot know that.
``malformed_reply`` (rate)
    The call takes effect, then the reply cannot be parsed: ``MalformedReplyError``. The
    caller cannot know whether the call took effect.
``lost_reply`` (rate)
    The call takes effect (the far side commits), then the reply is lost: after
    ``timeout_seconds``, ``PartnerTimeoutError``, indistinguishable from ``timeout``.
    Only reconciliation (a lookup by idempotency key) tells the caller it succeeded.

The four failure rates are probabilities of one draw per call, so their sum must not
exceed 1 and each is the exact share of calls failing that way. ``fail_next`` forces the
next calls to fail a given way whatever the rates (for tests that need one precise
fault). Every call draws the same amount of randomness whatever is forced or switched
on, so the same seed and the same sequence of calls give the same faults.

``counts()`` tells what was injected; ``injections`` lists the latest injections in order.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from random import Random
from typing import TypeVar

from adapters.errors import MalformedReplyError, PartnerTimeoutError, PartnerUnavailableError

T = TypeVar("T")


class FaultKind(StrEnum):
    """What a :class:`FaultPlan` can do to a call."""

    LATENCY = "latency"
    SERVER_ERROR = "server_error"
    TIMEOUT = "timeout"
    MALFORMED_REPLY = "malformed_reply"
    LOST_REPLY = "lost_reply"
    DOWNTIME = "downtime"


FAILURE_KINDS = (
    FaultKind.SERVER_ERROR,
    FaultKind.TIMEOUT,
    FaultKind.MALFORMED_REPLY,
    FaultKind.LOST_REPLY,
)
"""The kinds that make a call fail, drawn from their rates (one draw per call)."""

RATED_KINDS = (FaultKind.LATENCY, *FAILURE_KINDS)
"""The kinds that have a rate; downtime is set by windows instead."""

# What a partner sends when it answers garbage: cut-off JSON, a proxy's error page.
GARBLED_BODIES = (
    b'{"record_id": "JT00',
    b"<html><head><title>502 Proxy Error</title></head>",
    b"\x00\x00\x1f\x8b",
    b'{"status": "ok", "record_id": }',
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DowntimeWindow:
    """A period when the partner is down: ``start`` inclusive, ``end`` exclusive (aware)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("downtime windows need timezone-aware datetimes")
        if self.start >= self.end:
            raise ValueError(f"downtime window ends before it starts: {self.start}, {self.end}")

    def contains(self, at: datetime) -> bool:
        """True when ``at`` falls inside the window."""
        return self.start <= at < self.end


@dataclass(frozen=True)
class Injection:
    """One fault injected into call number ``call`` (counted from 1) of ``operation``."""

    call: int
    operation: str
    kind: FaultKind


def _check_rate(kind: FaultKind, rate: float) -> None:
    if kind not in RATED_KINDS:
        raise ValueError(f"{kind} has no rate (use downtime windows)")
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate of {kind} must lie between 0 and 1, not {rate}")


def _latency_range(seconds: float | tuple[float, float]) -> tuple[float, float]:
    low, high = (seconds, seconds) if isinstance(seconds, int | float) else seconds
    if not 0.0 <= low <= high:
        raise ValueError(f"latency range must satisfy 0 <= low <= high, not {seconds}")
    return float(low), float(high)


class FaultPlan:
    """The fault switches one or more mocks consult on every call (see the module text).

    All switches can be changed while calls are running; the plan is thread-safe, and it
    never holds its lock while sleeping or while the call's action runs.
    """

    def __init__(
        self,
        *,
        seed: int | str = 0,
        rates: Mapping[FaultKind, float] | None = None,
        latency_seconds: float | tuple[float, float] = 0.0,
        timeout_seconds: float = 0.0,
        downtime: Iterable[DowntimeWindow] = (),
        clock: Callable[[], datetime] = _utc_now,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """A plan; with no arguments it injects nothing (every rate 0, no downtime).

        ``seed`` seeds the generator; ``clock`` (timezone-aware) decides downtime;
        ``sleep`` spends latency and timeouts, so tests pass a fake that does not wait.
        """
        self._lock = threading.Lock()
        self._rng = Random(seed)  # noqa: S311 - fault simulation, not secrets
        self._rates = dict.fromkeys(RATED_KINDS, 0.0)
        self._latency = _latency_range(latency_seconds)
        if timeout_seconds < 0:
            raise ValueError("timeout_seconds cannot be negative")
        self._timeout_seconds = float(timeout_seconds)
        self._windows = list(downtime)
        self._forced: deque[FaultKind] = deque()
        self._counts = dict.fromkeys(FaultKind, 0)
        self._calls = 0
        self._injections: deque[Injection] = deque(maxlen=10_000)
        self.clock = clock
        self.sleep = sleep
        for kind, rate in (rates or {}).items():
            self.set_rate(kind, rate)

    def set_rate(self, kind: FaultKind, rate: float) -> None:
        """Set the probability (0..1) that a call meets ``kind``.

        ``ValueError`` when ``kind`` has no rate, the rate is out of range, or the failure
        rates would add up to more than 1.
        """
        _check_rate(kind, rate)
        with self._lock:
            proposed = {**self._rates, kind: rate}
            if sum(proposed[k] for k in FAILURE_KINDS) > 1.0 + 1e-9:
                raise ValueError("the failure rates add up to more than 1")
            self._rates = proposed

    def rate(self, kind: FaultKind) -> float:
        """The current probability of ``kind``."""
        return self._rates[kind]

    def set_latency(self, seconds: float | tuple[float, float], rate: float = 1.0) -> None:
        """Slow ``rate`` of the calls by ``seconds`` (fixed, or a ``(low, high)`` range)."""
        latency = _latency_range(seconds)
        self.set_rate(FaultKind.LATENCY, rate)
        with self._lock:
            self._latency = latency

    def add_downtime(self, start: datetime, end: datetime) -> DowntimeWindow:
        """Make the partner unavailable from ``start`` until ``end`` (aware datetimes)."""
        window = DowntimeWindow(start, end)
        with self._lock:
            self._windows.append(window)
        return window

    def clear_downtime(self) -> None:
        """Remove every downtime window."""
        with self._lock:
            self._windows.clear()

    def fail_next(self, kind: FaultKind, times: int = 1) -> None:
        """Make the next ``times`` calls fail as ``kind`` (a failure kind), whatever the rates."""
        if kind not in FAILURE_KINDS:
            raise ValueError(f"fail_next takes a failure kind, not {kind}")
        with self._lock:
            self._forced.extend([kind] * times)

    def counts(self) -> dict[FaultKind, int]:
        """How many times each kind was injected (every kind present, 0 when never)."""
        with self._lock:
            return dict(self._counts)

    @property
    def calls(self) -> int:
        """How many calls went through the plan."""
        return self._calls

    @property
    def injections(self) -> tuple[Injection, ...]:
        """The latest injections (up to 10,000), oldest first."""
        with self._lock:
            return tuple(self._injections)

    def reset_counts(self) -> None:
        """Zero the counters and forget the injections (switches stay as they are)."""
        with self._lock:
            self._counts = dict.fromkeys(FaultKind, 0)
            self._calls = 0
            self._injections.clear()

    def garbled_body(self, call: int) -> bytes:
        """A reply body no client can parse, for call number ``call`` (for HTTP mocks)."""
        return GARBLED_BODIES[call % len(GARBLED_BODIES)]

    def run(self, operation: str, action: Callable[[], T]) -> T:
        """Run ``action`` as the far side of a call named ``operation``, injecting faults.

        Returns what ``action`` returns, or raises the injected
        :class:`adapters.errors.PartnerError`; an exception from ``action`` itself (a
        refusal) passes through unchanged.
        """
        call, delay, failure = self._decide(operation)
        if failure is FaultKind.DOWNTIME:
            raise PartnerUnavailableError(f"{operation}: service unavailable (maintenance, 503)")
        if delay > 0:
            self.sleep(delay)
        if failure is FaultKind.SERVER_ERROR:
            raise PartnerUnavailableError(f"{operation}: server error (500)")
        if failure is FaultKind.TIMEOUT:
            self._time_out(operation)
        result = action()
        if failure is FaultKind.MALFORMED_REPLY:
            body = self.garbled_body(call)
            raise MalformedReplyError(f"{operation}: reply could not be parsed: {body!r}")
        if failure is FaultKind.LOST_REPLY:
            self._time_out(operation)
        return result

    def _time_out(self, operation: str) -> None:
        if self._timeout_seconds > 0:
            self.sleep(self._timeout_seconds)
        raise PartnerTimeoutError(f"{operation}: no reply within {self._timeout_seconds:g} s")

    def _decide(self, operation: str) -> tuple[int, float, FaultKind | None]:
        """Draw this call's fate: its number, its added delay and its failure, if any."""
        now = self.clock()
        with self._lock:
            self._calls += 1
            call = self._calls
            # Always three draws, so forced faults and switches never shift the sequence.
            latency_draw, delay_draw, failure_draw = (self._rng.random() for _ in range(3))
            if any(window.contains(now) for window in self._windows):
                self._record(call, operation, FaultKind.DOWNTIME)
                return call, 0.0, FaultKind.DOWNTIME
            failure = self._pick_failure(failure_draw)
            if self._forced:
                failure = self._forced.popleft()
            delay = 0.0
            if latency_draw < self._rates[FaultKind.LATENCY]:
                low, high = self._latency
                delay = low + (high - low) * delay_draw
                if delay > 0:
                    self._record(call, operation, FaultKind.LATENCY)
            if failure is not None:
                self._record(call, operation, failure)
            return call, delay, failure

    def _pick_failure(self, draw: float) -> FaultKind | None:
        threshold = 0.0
        for kind in FAILURE_KINDS:
            threshold += self._rates[kind]
            if draw < threshold:
                return kind
        return None

    def _record(self, call: int, operation: str, kind: FaultKind) -> None:
        self._counts[kind] += 1
        self._injections.append(Injection(call, operation, kind))

    def describe(self) -> str:
        """A one-line summary of the switches, for logs."""
        rates = ", ".join(f"{k}={self._rates[k]:g}" for k in RATED_KINDS if self._rates[k])
        windows = ", ".join(f"{w.start.isoformat()}..{w.end.isoformat()}" for w in self._windows)
        return f"faults: {rates or 'none'}; downtime: {windows or 'none'}"
