"""Nothing lost, nothing done twice: 1,000 registrations through every kind of fault.

The retry loop below is the one a caller of a core system should write (see
:mod:`adapters.mock.core_systems`): refusals are final; transient errors are retried
after a backoff, and every retry begins by looking the key up, because the previous
attempt may have taken effect although its reply never arrived.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from adapters.base import CoreSystem
from adapters.errors import PartnerError
from adapters.exchange import RegistrationResult
from adapters.mock.core_businesses import BUSINESSES
from adapters.mock.core_systems import MockCoreSystem
from adapters.mock.faults import FAILURE_KINDS, FaultKind, FaultPlan
from tests.adapters.conftest import NOON, FakeTime

REGISTRATIONS = 1000
MAX_ATTEMPTS = 40
LONGEST_WAIT = 300.0  # seconds; a partner can be down for hours


def register_reliably(
    system: CoreSystem,
    key: str,
    record: dict[str, object],
    sleep: Callable[[float], None],
    reconciled: Counter[str],
) -> RegistrationResult:
    """Register once, whatever the partner does; count how each call ended."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            if attempt > 0:
                earlier = system.lookup(key)
                if earlier is not None:
                    reconciled["found by lookup"] += 1
                    return earlier
            result = system.register(key, record)
        except PartnerError:
            sleep(min(LONGEST_WAIT, 0.5 * 2**attempt))
            continue
        reconciled["created" if result.created else "already there"] += 1
        return result
    raise AssertionError(f"{key}: still failing after {MAX_ATTEMPTS} attempts")


def test_a_thousand_registrations_at_twenty_percent_faults_end_as_a_thousand_records(
    fake_time: FakeTime,
) -> None:
    plan = FaultPlan(
        seed=20250602,
        rates=dict.fromkeys(FAILURE_KINDS, 0.05) | {FaultKind.LATENCY: 0.2},
        latency_seconds=(0.05, 3.0),
        timeout_seconds=30.0,
        clock=fake_time.clock,
        sleep=fake_time.sleep,
    )
    # A maintenance window 20 minutes into the run: calls fail for an hour.
    plan.add_downtime(NOON + timedelta(minutes=20), NOON + timedelta(minutes=80))
    system = MockCoreSystem(BUSINESSES["jidou-teate"], faults=plan, clock=fake_time.clock)
    reconciled: Counter[str] = Counter()
    results = {}
    for n in range(REGISTRATIONS):
        resident_number = f"{3_000_000_000 + n:010d}"
        record = {
            "kind": "recipient",
            "resident_number": resident_number,
            "children": [f"{4_000_000_000 + n:010d}"],
            "monthly_amount": 10_000,
            "payment_start": "2025-07",
            "decided_on": "2025-06-02",
        }
        key = f"case-{n}:register"
        results[key] = register_reliably(system, key, record, fake_time.sleep, reconciled)

    stored = system.records()
    assert len(stored) == REGISTRATIONS
    per_resident = Counter(r["resident_number"] for r in stored)
    assert set(per_resident.values()) == {1}  # no duplicates
    assert len({r.record_id for r in results.values()}) == REGISTRATIONS
    assert {r["recipient_number"] for r in stored} == {r.record_id for r in results.values()}

    counts = plan.counts()
    assert all(counts[kind] > 0 for kind in FaultKind), counts
    failures = sum(counts[kind] for kind in FAILURE_KINDS)
    assert 0.17 < failures / (plan.calls - counts[FaultKind.DOWNTIME]) < 0.23
    assert counts[FaultKind.DOWNTIME] > 10  # the window was met and waited out
    # Lost and unreadable replies left records the caller only learnt of by lookup.
    assert reconciled["found by lookup"] > 0
    assert reconciled["found by lookup"] + reconciled["created"] == REGISTRATIONS
