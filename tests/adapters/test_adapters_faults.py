"""The fault plan: each switch injects what it says, counted, reproducibly, thread-safely."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping
from datetime import timedelta

import pytest

from adapters.errors import (
    MalformedReplyError,
    PartnerError,
    PartnerTimeoutError,
    PartnerUnavailableError,
    RecordRejectedError,
)
from adapters.mock.faults import FAILURE_KINDS, FaultKind, FaultPlan
from tests.adapters.conftest import NOON, FakeTime


class Far:
    """The far side of a call: counts how often its action actually ran."""

    def __init__(self) -> None:
        self.applied = 0

    def apply(self) -> str:
        self.applied += 1
        return "ok"


def plan_for(
    fake_time: FakeTime,
    *,
    seed: int = 0,
    rates: Mapping[FaultKind, float] | None = None,
    timeout_seconds: float = 0.0,
) -> FaultPlan:
    return FaultPlan(
        seed=seed,
        rates=rates,
        timeout_seconds=timeout_seconds,
        clock=fake_time.clock,
        sleep=fake_time.sleep,
    )


def only(kind: FaultKind, count: int) -> dict[FaultKind, int]:
    expected = dict.fromkeys(FaultKind, 0)
    expected[kind] = count
    return expected


def test_a_default_plan_injects_nothing(fake_time: FakeTime) -> None:
    plan, far = plan_for(fake_time), Far()
    assert [plan.run("op", far.apply) for _ in range(200)] == ["ok"] * 200
    assert far.applied == 200
    assert plan.calls == 200
    assert set(plan.counts().values()) == {0}
    assert fake_time.slept == []


def test_server_error_fails_before_the_far_side_acts(fake_time: FakeTime) -> None:
    plan, far = plan_for(fake_time), Far()
    plan.fail_next(FaultKind.SERVER_ERROR)
    with pytest.raises(PartnerUnavailableError, match=r"register: server error \(500\)"):
        plan.run("register", far.apply)
    assert far.applied == 0
    assert plan.counts() == only(FaultKind.SERVER_ERROR, 1)
    assert plan.run("register", far.apply) == "ok"


def test_timeout_waits_the_client_timeout_and_has_no_effect(fake_time: FakeTime) -> None:
    plan, far = plan_for(fake_time, timeout_seconds=30), Far()
    plan.fail_next(FaultKind.TIMEOUT)
    with pytest.raises(PartnerTimeoutError, match="no reply within 30 s"):
        plan.run("register", far.apply)
    assert far.applied == 0
    assert fake_time.slept == [30.0]
    assert plan.counts() == only(FaultKind.TIMEOUT, 1)


def test_malformed_reply_comes_after_the_far_side_acted(fake_time: FakeTime) -> None:
    plan, far = plan_for(fake_time), Far()
    plan.fail_next(FaultKind.MALFORMED_REPLY, times=2)
    for _ in range(2):
        with pytest.raises(MalformedReplyError, match="reply could not be parsed"):
            plan.run("register", far.apply)
    assert far.applied == 2
    assert plan.counts() == only(FaultKind.MALFORMED_REPLY, 2)


def test_lost_reply_commits_then_looks_exactly_like_a_timeout(fake_time: FakeTime) -> None:
    plan, far = plan_for(fake_time, timeout_seconds=30), Far()
    plan.fail_next(FaultKind.TIMEOUT)
    with pytest.raises(PartnerTimeoutError) as timed_out:
        plan.run("register", far.apply)
    plan.fail_next(FaultKind.LOST_REPLY)
    with pytest.raises(PartnerTimeoutError) as lost:
        plan.run("register", far.apply)
    assert far.applied == 1  # only the lost reply's call took effect
    assert str(lost.value) == str(timed_out.value)
    assert plan.counts()[FaultKind.LOST_REPLY] == 1
    assert [i.kind for i in plan.injections] == [FaultKind.TIMEOUT, FaultKind.LOST_REPLY]


def test_fixed_latency_slows_every_call(fake_time: FakeTime) -> None:
    plan, far = plan_for(fake_time), Far()
    plan.set_latency(0.25)
    for _ in range(5):
        assert plan.run("query", far.apply) == "ok"
    assert fake_time.slept == [0.25] * 5
    assert plan.counts() == only(FaultKind.LATENCY, 5)


def test_random_latency_stays_in_its_range_and_follows_its_rate(fake_time: FakeTime) -> None:
    plan, far = plan_for(fake_time, seed=3), Far()
    plan.set_latency((0.1, 2.0), rate=0.5)
    for _ in range(1000):
        plan.run("query", far.apply)
    assert all(0.1 <= s <= 2.0 for s in fake_time.slept)
    assert len(set(fake_time.slept)) == len(fake_time.slept)
    assert 450 <= len(fake_time.slept) <= 550
    assert plan.counts()[FaultKind.LATENCY] == len(fake_time.slept)


def test_downtime_window_refuses_every_call_while_it_lasts(fake_time: FakeTime) -> None:
    plan, far = plan_for(fake_time), Far()
    start, end = NOON + timedelta(hours=1), NOON + timedelta(hours=4)
    plan.add_downtime(start, end)
    plan.fail_next(FaultKind.SERVER_ERROR)
    fake_time.now = start - timedelta(seconds=1)
    with pytest.raises(PartnerUnavailableError, match="server error"):
        plan.run("register", far.apply)
    fake_time.now = start
    plan.fail_next(FaultKind.TIMEOUT)
    for minutes in (0, 60, 179):
        fake_time.now = start + timedelta(minutes=minutes)
        with pytest.raises(PartnerUnavailableError, match="unavailable"):
            plan.run("register", far.apply)
    assert far.applied == 0
    assert plan.counts()[FaultKind.DOWNTIME] == 3
    fake_time.now = end
    with pytest.raises(PartnerTimeoutError):  # the forced timeout waited out the downtime
        plan.run("register", far.apply)
    assert plan.run("register", far.apply) == "ok"
    plan.add_downtime(end, end + timedelta(minutes=5))
    plan.clear_downtime()
    assert plan.run("register", far.apply) == "ok"


def test_failure_rates_give_their_share_of_calls(fake_time: FakeTime) -> None:
    rates = dict.fromkeys(FAILURE_KINDS, 0.05)
    plan, far = plan_for(fake_time, seed=11, rates=rates), Far()
    outcomes: dict[str, int] = {}
    for _ in range(20_000):
        try:
            plan.run("register", far.apply)
        except PartnerError as error:
            outcomes[type(error).__name__] = outcomes.get(type(error).__name__, 0) + 1
    counts = plan.counts()
    for kind in FAILURE_KINDS:
        assert 850 <= counts[kind] <= 1150, kind
    assert outcomes == {
        "PartnerUnavailableError": counts[FaultKind.SERVER_ERROR],
        "PartnerTimeoutError": counts[FaultKind.TIMEOUT] + counts[FaultKind.LOST_REPLY],
        "MalformedReplyError": counts[FaultKind.MALFORMED_REPLY],
    }
    expected_effects = 20_000 - counts[FaultKind.SERVER_ERROR] - counts[FaultKind.TIMEOUT]
    assert far.applied == expected_effects


def sequence(seed: int, fake_time: FakeTime) -> list[tuple[int, FaultKind]]:
    plan = plan_for(fake_time, seed=seed, rates=dict.fromkeys(FAILURE_KINDS, 0.04))
    plan.set_latency((0.0, 1.0), rate=0.3)
    for _ in range(500):
        with contextlib.suppress(PartnerError):
            plan.run("register", Far().apply)
    return [(i.call, i.kind) for i in plan.injections]


def test_the_same_seed_gives_the_same_faults(fake_time: FakeTime) -> None:
    first = sequence(2025, fake_time)
    assert len(first) > 100
    assert sequence(2025, fake_time) == first
    assert sequence(2026, fake_time) != first


def test_forced_faults_do_not_shift_the_random_sequence(fake_time: FakeTime) -> None:
    rates = {FaultKind.TIMEOUT: 0.2}
    plain, forced = (
        plan_for(fake_time, seed=5, rates=rates),
        plan_for(fake_time, seed=5, rates=rates),
    )
    forced.fail_next(FaultKind.SERVER_ERROR)
    for plan in (plain, forced):
        for _ in range(100):
            with contextlib.suppress(PartnerError):
                plan.run("register", Far().apply)
    later = [(i.call, i.kind) for i in plain.injections if i.call > 1]
    assert [(i.call, i.kind) for i in forced.injections if i.call > 1] == later
    assert forced.injections[0].kind is FaultKind.SERVER_ERROR


def test_a_refusal_from_the_far_side_passes_through(fake_time: FakeTime) -> None:
    plan = plan_for(fake_time)

    def refuse() -> str:
        raise RecordRejectedError("jidou-teate", ["kind: must be one of recipient"])

    with pytest.raises(RecordRejectedError, match="record refused"):
        plan.run("register", refuse)
    assert set(plan.counts().values()) == {0}


def test_counters_can_be_reset(fake_time: FakeTime) -> None:
    plan = plan_for(fake_time, rates={FaultKind.SERVER_ERROR: 1.0})
    with pytest.raises(PartnerUnavailableError):
        plan.run("register", Far().apply)
    plan.reset_counts()
    assert plan.calls == 0
    assert set(plan.counts().values()) == {0}
    assert plan.injections == ()
    assert plan.rate(FaultKind.SERVER_ERROR) == 1.0
    assert "server_error=1" in plan.describe()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.set_rate(FaultKind.TIMEOUT, 1.5), "between 0 and 1"),
        (lambda p: p.set_rate(FaultKind.DOWNTIME, 0.1), "has no rate"),
        (lambda p: p.set_latency((2.0, 1.0)), "low <= high"),
        (lambda p: p.set_latency(-1.0), "low <= high"),
        (lambda p: p.fail_next(FaultKind.LATENCY), "failure kind"),
        (lambda p: p.add_downtime(NOON, NOON), "ends before it starts"),
        (lambda p: p.add_downtime(NOON.replace(tzinfo=None), NOON), "timezone-aware"),
    ],
)
def test_bad_switches_are_refused(change: Callable[[FaultPlan], object], message: str) -> None:
    plan = FaultPlan()
    with pytest.raises(ValueError, match=message):
        change(plan)


def test_failure_rates_cannot_add_up_to_more_than_one() -> None:
    plan = FaultPlan(rates={FaultKind.SERVER_ERROR: 0.6, FaultKind.LATENCY: 1.0})
    with pytest.raises(ValueError, match="add up to more than 1"):
        plan.set_rate(FaultKind.TIMEOUT, 0.5)
    assert plan.rate(FaultKind.TIMEOUT) == 0.0


def test_counts_stay_exact_under_concurrent_calls(fake_time: FakeTime) -> None:
    plan = plan_for(fake_time, seed=9, rates=dict.fromkeys(FAILURE_KINDS, 0.05))
    failures: list[int] = []
    lock = threading.Lock()

    def caller() -> None:
        failed = 0
        for _ in range(500):
            try:
                plan.run("register", Far().apply)
            except PartnerError:
                failed += 1
        with lock:
            failures.append(failed)

    threads = [threading.Thread(target=caller) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert plan.calls == 4000
    assert sum(failures) == sum(plan.counts()[kind] for kind in FAILURE_KINDS)
    assert len({i.call for i in plan.injections}) == len(plan.injections)
