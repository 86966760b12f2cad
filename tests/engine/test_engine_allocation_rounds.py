"""A staff-run allocation round on real cases: draft, review, confirm, explanations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import Session, select

from engine.actors import Actor
from engine.allocation import load_config
from engine.allocation.rounds import age_class, confirm_round, get_round, run_round
from engine.cases import fire
from engine.errors import PermissionDenied
from engine.models import Notice
from engine.outbox import OutboxWorker
from engine.records import get_case
from engine.runtime import Runtime
from procedures.samples import sample
from tests.engine.conftest import REPO_PROCEDURES, file_sample, staff

PROC = "hoiku-riyou-moushikomi"
KUNITACHI = load_config(REPO_PROCEDURES, "kunitachi")
REVIEW = staff("review")


def _file(rt: Runtime, hours: int, prefs: list[str], received: bool = True) -> str:
    data: dict[str, Any] = sample(PROC)
    data["guardians"][1]["hours_per_week"] = hours
    data["guardians"][1]["days_per_week"] = 5
    data["preferences"] = [{"facility_code": p} for p in prefs]
    # A child in the 1-year class (age on 1 April of the start's fiscal year).
    year = dt.date.today().year
    data["child_birth_date"] = f"{year - 1}-06-01"
    data["start_date"] = f"{year + 1}-04-01"
    case = file_sample(rt, PROC, data=data)
    if received:
        with Session(rt.db) as s:
            fire(rt, s, case.id, "receive", staff("intake"))
            s.commit()
    return case.id


def test_age_class_is_the_age_on_april_first() -> None:
    start = dt.date(2027, 4, 1)
    assert age_class(dt.date(2026, 4, 2), start) == 1  # completes a year on 1 April
    assert age_class(dt.date(2026, 4, 3), start) == 0
    assert age_class(dt.date(2026, 12, 1), dt.date(2027, 1, 1)) == 0  # same fiscal year
    assert age_class(dt.date(2019, 1, 1), start) == 5


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_round_offers_and_waitlists_with_reasons(rt: Runtime) -> None:
    # K04 has one place in the 1-year class; the sample child is in that class.
    ids = [_file(rt, h, ["K04", "K08"]) for h in (40, 30, 28, 20)]
    with Session(rt.db) as s:
        config = KUNITACHI.model_copy(
            update={
                "facilities": [
                    f.model_copy(update={"capacity": {1: 1}})
                    for f in KUNITACHI.facilities
                    if f.code in ("K04", "K08")
                ]
            }
        )
        rnd = run_round(rt, s, config, REVIEW, seed="test")
        s.commit()
        round_id = rnd.id
    with Session(rt.db) as s:
        # Nothing happened to the cases before confirmation.
        assert {get_case(s.connection(), i).state for i in ids} == {"received"}  # type: ignore[union-attr]
        _, results = get_round(s, round_id)
        by_case = {r.case_id: r for r in results}
        assert by_case[ids[0]].status == "offered"
        assert by_case[ids[0]].choice == 1
        assert by_case[ids[1]].facility_code == "K08"
        assert by_case[ids[1]].choice == 2
        assert (
            "第1希望の「北ことり保育園」（1歳児クラス）は、185点以上の方で定員に達しました"
            in by_case[ids[1]].explanation_ja
        )
        assert by_case[ids[2]].status == "waitlisted"
        done = confirm_round(rt, s, round_id, REVIEW, config)
        s.commit()
    assert sorted(done.offered) == sorted(ids[:2])
    with Session(rt.db) as s:
        first = get_case(s.connection(), ids[0])
        second = get_case(s.connection(), ids[1])
        third = get_case(s.connection(), ids[2])
        assert first is not None
        assert second is not None
        assert third is not None
        assert first.state == "offered"
        assert first.outcome["facility_code"] == "K04"
        assert first.outcome["points"] == 185
        assert second.outcome["choice_number"] == 2
        assert third.state == "waitlisted"
        assert "保留" in third.outcome["result_explanation"]
        with pytest.raises(PermissionDenied):
            confirm_round(rt, s, round_id, REVIEW, config)  # confirmed once only
    OutboxWorker(rt.db).run_once()
    with Session(rt.db) as s:
        titles = {n.case_id: n.title_ja for n in s.exec(select(Notice))}
    assert titles[ids[0]] == "内定のお知らせ"
    assert titles[ids[2]] == "保留のお知らせ"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_next_round_places_the_waitlisted_and_skips_changed_cases(rt: Runtime) -> None:
    config = KUNITACHI.model_copy(
        update={
            "facilities": [
                f.model_copy(update={"capacity": {1: 1}})
                for f in KUNITACHI.facilities
                if f.code == "K04"
            ]
        }
    )
    a, b, c = (_file(rt, h, ["K04"]) for h in (40, 30, 28))
    with Session(rt.db) as s:
        rnd = run_round(rt, s, config, REVIEW, seed="r1")
        confirm_round(rt, s, rnd.id, REVIEW, config)
        s.commit()
    with Session(rt.db) as s:
        fire(
            rt,
            s,
            a,
            "decline",
            Actor.resident(get_case(s.connection(), a).applicant_id),
        )  # type: ignore[union-attr]
        s.commit()
    with Session(rt.db) as s:
        round2 = run_round(rt, s, config, REVIEW, seed="r2").id
        s.commit()
    with Session(rt.db) as s:
        fire(
            rt,
            s,
            c,
            "withdraw",
            Actor.resident(get_case(s.connection(), c).applicant_id),
        )  # type: ignore[union-attr]
        done = confirm_round(rt, s, round2, REVIEW, config)
        s.commit()
        assert done.offered == [b]
        assert done.skipped == [c]  # withdrawn after the run
        case_b = get_case(s.connection(), b)
        assert case_b is not None
        assert case_b.state == "offered"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_only_case_workers_run_rounds(rt: Runtime) -> None:
    with Session(rt.db) as s, pytest.raises(PermissionDenied):
        run_round(rt, s, KUNITACHI, staff("intake"))
    with Session(rt.db) as s, pytest.raises(PermissionDenied):
        run_round(rt, s, KUNITACHI, staff("review", dept="健康推進課"))
