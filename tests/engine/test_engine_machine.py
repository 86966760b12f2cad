"""One shared machine per definition version; nothing accumulates as cases are handled."""

from __future__ import annotations

from engine.machine import MachineCache, mermaid
from engine.runtime import Runtime


def test_one_machine_per_version_and_no_models_left_attached(rt: Runtime) -> None:
    proc = rt.catalog.get("jidou-teate-nintei")
    cache = MachineCache()
    for i in range(2000):
        with cache.attached(proc, "under_review" if i % 2 else "submitted") as handle:
            if i % 2:
                handle.trigger("submit_for_sign_off")
                assert handle.state == "awaiting_sign_off"
            else:
                handle.trigger("receive")
                assert handle.state == "received"
    assert len(cache) == 1
    assert cache.models_attached() == 0
    assert cache.machine(proc) is cache.machine(proc)


def test_allowed_triggers_come_from_the_machine(rt: Runtime) -> None:
    proc = rt.catalog.get("jidou-teate-nintei")
    assert rt.machines.allowed_triggers(proc, "awaiting_sign_off") == [
        "approve",
        "reject",
        "return_to_review",
        "withdraw",
    ]
    assert rt.machines.allowed_triggers(proc, "closed") == []


def test_mermaid_diagram_marks_the_current_state(rt: Runtime) -> None:
    text = mermaid(rt.catalog.get("jidou-teate-nintei"), current="under_review")
    assert text.startswith("stateDiagram-v2")
    assert "[*] --> submitted" in text
    assert "under_review --> correction_requested: 訂正を依頼（補正）" in text
    assert "class under_review current" in text
    assert "closed --> [*]" in text
