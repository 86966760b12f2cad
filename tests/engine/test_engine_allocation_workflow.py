"""The childcare place application's other paths: correction, withdrawal, decline, placement."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session

from engine.actors import Actor
from engine.allocation import load_config
from engine.allocation.rounds import applicant_from_case, confirm_round, get_round, run_round
from engine.cases import fire
from engine.errors import InvalidTrigger, PermissionDenied, ValidationFailed
from engine.records import CaseRecord
from engine.runtime import Runtime
from procedures.samples import sample
from tests.engine.conftest import APPLICANT, REPO_PROCEDURES, file_sample, staff

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

PROC = "hoiku-riyou-moushikomi"
RESIDENT = Actor.resident(APPLICANT)
INTAKE, REVIEW, APPROVAL = staff("intake"), staff("review"), staff("approval")


def _received(rt: Runtime, data: dict[str, Any] | None = None) -> str:
    case = file_sample(rt, PROC, data=data)
    with Session(rt.db) as s:
        fire(rt, s, case.id, "receive", INTAKE)
        s.commit()
    return case.id


def _offered(rt: Runtime) -> str:
    case_id = _received(rt)
    config = load_config(REPO_PROCEDURES, "kunitachi")
    with Session(rt.db) as s:
        rnd = run_round(rt, s, config, REVIEW, seed="w")
        confirm_round(rt, s, rnd.id, REVIEW, config)
        s.commit()
    return case_id


def test_the_form_asks_for_both_parents_unless_single(rt: Runtime) -> None:
    data = sample(PROC)
    data["guardians"] = data["guardians"][:1]
    with pytest.raises(ValidationFailed) as err:
        file_sample(rt, PROC, data=data)
    assert any("保護者2人分" in e.message.ja for e in err.value.errors)
    data["single_parent"] = True
    case = file_sample(rt, PROC, data=data)
    applicant = applicant_from_case(case)
    assert [g.reason for g in applicant.guardians] == ["employed", "absent"]


def test_hours_are_asked_only_for_work(rt: Runtime) -> None:
    data = sample(PROC)
    data["guardians"][1] = {"name": "鈴木 彩", "relationship": "mother", "reason": "illness"}
    case = file_sample(rt, PROC, data=data)
    assert "hours_per_week" not in case.data["guardians"][1]
    del data["guardians"][0]["hours_per_week"]
    with pytest.raises(ValidationFailed):
        file_sample(rt, PROC, data=data)


def test_correction_and_resubmission(rt: Runtime) -> None:
    case_id = _received(rt)
    with Session(rt.db) as s:
        fire(rt, s, case_id, "request_correction", REVIEW, comment="就労時間を確認してください")
        data = sample(PROC)
        data["guardians"][1]["hours_per_week"] = 35
        after = fire(rt, s, case_id, "resubmit", RESIDENT, data=data)
        s.commit()
    assert after.state == "received"
    assert after.data["guardians"][1]["hours_per_week"] == 35


def test_withdrawal_before_an_offer_and_not_after(rt: Runtime) -> None:
    case_id = _received(rt)
    with Session(rt.db) as s:
        assert fire(rt, s, case_id, "withdraw", RESIDENT).state == "withdrawn"
        s.commit()
    offered = _offered(rt)
    with Session(rt.db) as s, pytest.raises(InvalidTrigger):
        fire(rt, s, offered, "withdraw", RESIDENT)


def test_offer_is_declined_or_confirmed(rt: Runtime) -> None:
    first = _offered(rt)
    with Session(rt.db) as s:
        assert fire(rt, s, first, "decline", RESIDENT).state == "declined"
        s.commit()
    second = _offered(rt)
    with Session(rt.db) as s:
        with pytest.raises(PermissionDenied):
            fire(rt, s, second, "confirm_placement", REVIEW)
        placed: CaseRecord = fire(rt, s, second, "confirm_placement", APPROVAL)
        s.commit()
    assert placed.state == "placed"
    assert placed.outcome["facility_code"] == "K01"


def test_a_declined_offer_lowers_the_next_application_where_configured(rt: Runtime) -> None:
    first = _offered(rt)
    with Session(rt.db) as s:
        fire(rt, s, first, "decline", RESIDENT)
        s.commit()
    again = _received(rt)
    with Session(rt.db) as s:
        kunitachi = run_round(rt, s, load_config(REPO_PROCEDURES, "kunitachi"), REVIEW, seed="p")
        yokohama = run_round(rt, s, load_config(REPO_PROCEDURES, "yokohama"), REVIEW, seed="p")
        s.commit()
        k = next(r for r in get_round(s, kunitachi.id)[1] if r.case_id == again)
        y = next(r for r in get_round(s, yokohama.id)[1] if r.case_id == again)
    assert k.points == 90 + 70 + 5 - 10  # the sample's points, less the penalty
    assert y.points == 1  # Yokohama: adjustment points only, no penalty
