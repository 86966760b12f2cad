"""Allocation rounds on real cases: run (a draft to review), then confirm.

``run_round`` reads every application of ``hoiku-riyou-moushikomi`` that waits for a place
(received, ranked or waitlisted), scores it under a municipality's configuration,
allocates, and stores the result of each with its explanation as a draft round. Nothing
happens to the cases until a staff member confirms: ``confirm_round`` then fires ``rank``
and ``offer`` / ``waitlist`` (or ``keep_waitlisted``) on each case, with the explanation
as the transition's input, so the resident's notice and the case page carry it. A case
that changed after the run (withdrawn, corrected) is skipped and reported.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from engine.actors import Actor
from engine.allocation.config import AllocationConfig
from engine.allocation.matching import Outcome, allocate
from engine.allocation.scoring import Applicant, Guardian
from engine.cases import fire
from engine.childcare_models import AllocationResult, AllocationRound
from engine.errors import NotFound, PermissionDenied
from engine.models import Case, CaseEvent, utcnow
from engine.records import CaseRecord, get_case
from engine.runtime import Runtime

PROCEDURE = "hoiku-riyou-moushikomi"
POOL_STATES = ("received", "ranked", "waitlisted")


def age_class(birth: dt.date, start: dt.date) -> int:
    """The age class (N歳児クラス): the age reached on 1 April of the start's fiscal year.

    Under the age-reckoning law a year is completed the day before the birthday, so a
    child born on 2 April is already one on 1 April a year later.
    """
    fiscal_year = start.year if start.month >= 4 else start.year - 1
    on = dt.date(fiscal_year, 4, 2)
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return max(0, min(age, 5))


def applicant_from_case(
    case: CaseRecord | Case, *, previously_declined: bool = False, waiting_months: int = 0
) -> Applicant:
    """The allocation's view of an application's answers."""
    d = case.data
    guardians = tuple(
        Guardian(g["reason"], int(g.get("days_per_week") or 0), int(g.get("hours_per_week") or 0))
        for g in d.get("guardians", [])
    )
    if d.get("single_parent"):
        guardians = (*guardians[:1], Guardian("absent"))
    return Applicant(
        id=str(case.id),
        age_class=age_class(
            dt.date.fromisoformat(d["child_birth_date"]), dt.date.fromisoformat(d["start_date"])
        ),
        guardians=guardians,
        preferences=tuple(p["facility_code"] for p in d.get("preferences", [])),
        adjustments=frozenset(d.get("adjustments") or ()),
        transfer=d.get("entry_kind") == "transfer",
        municipal_tax=int(d.get("municipal_tax") or 0),
        young_children=int(d.get("young_children") or 1),
        previously_declined=previously_declined,
        waiting_months=waiting_months,
        label=case.reference,
    )


def _child(case: Case) -> tuple[str, str, str]:
    return (
        case.applicant_id,
        case.data.get("child_name", ""),
        case.data.get("child_birth_date", ""),
    )


def _months(since: dt.datetime, now: dt.datetime) -> int:
    return max(0, (now.year - since.year) * 12 + now.month - since.month)


def _require_staff(actor: Actor, rt: Runtime) -> None:
    dept = rt.catalog.get(PROCEDURE).departments
    if actor.kind != "staff" or "review" not in actor.roles or not set(dept) & actor.departments:
        raise PermissionDenied(
            "利用調整を行う権限がありません（審査の担当者のみ）。",
            "Only case workers (review) of the childcare department may run an allocation.",
        )


@dataclass(frozen=True)
class Preview:
    """A computed round before it is stored: each waiting case with its outcome."""

    cases: dict[str, Case]
    outcomes: list[Outcome]


def preview(
    rt: Runtime, session: Session, config: AllocationConfig, *, seed: str, now: dt.datetime
) -> Preview:
    """Score and allocate every application waiting for a place; writes nothing."""
    org = rt.organisation(session).id
    cases = session.exec(
        select(Case).where(col(Case.organisation_id) == org, col(Case.procedure_id) == PROCEDURE)
    ).all()
    declined = {_child(c) for c in cases if c.state == "declined"}
    pool = {c.id: c for c in cases if c.state in POOL_STATES}
    first_waitlisted: dict[str, dt.datetime] = {}
    if pool:
        events = session.exec(
            select(CaseEvent.case_id, CaseEvent.at)
            .where(col(CaseEvent.case_id).in_(list(pool)), col(CaseEvent.trigger) == "waitlist")
            .order_by(col(CaseEvent.seq))
        ).all()
        for case_id, at in events:
            first_waitlisted.setdefault(case_id, at)
    applicants = [
        applicant_from_case(
            c,
            previously_declined=_child(c) in declined,
            waiting_months=_months(first_waitlisted[c.id], now) if c.id in first_waitlisted else 0,
        )
        for c in pool.values()
    ]
    return Preview(pool, allocate(config, applicants, seed=seed))


def run_round(
    rt: Runtime,
    session: Session,
    config: AllocationConfig,
    actor: Actor,
    *,
    seed: str | None = None,
    now: dt.datetime | None = None,
) -> AllocationRound:
    """Compute a round and store it as a draft for review (the caller commits)."""
    _require_staff(actor, rt)
    now = now or utcnow()
    seed = seed or secrets.token_hex(8)
    result = preview(rt, session, config, seed=seed, now=now)
    count = {
        s: sum(1 for o in result.outcomes if o.status == s)
        for s in ("offered", "waitlisted", "ineligible")
    }
    rnd = AllocationRound(
        id=uuid.uuid4().hex,
        organisation_id=rt.organisation(session).id or 0,
        config_name=config.name,
        seed=seed,
        applicants=len(result.outcomes),
        offered=count["offered"],
        waitlisted=count["waitlisted"],
        ineligible=count["ineligible"],
        created_by=actor.id,
        created_at=now,
    )
    session.add(rnd)
    session.flush()
    for o in result.outcomes:
        session.add(
            AllocationResult(
                round_id=rnd.id,
                case_id=o.applicant_id,
                case_version=result.cases[o.applicant_id].version,
                status=o.status,
                facility_code=o.facility,
                choice=o.choice,
                position=o.position,
                points=o.score.total,
                rank_letter=o.score.rank,
                explanation_ja=o.explanation_ja,
                explanation_en=o.explanation_en,
            )
        )
    session.flush()
    return rnd


def get_round(session: Session, round_id: str) -> tuple[AllocationRound, list[AllocationResult]]:
    """A round and its results in priority order (ineligible last)."""
    rnd = session.get(AllocationRound, round_id)
    if rnd is None:
        raise NotFound("利用調整の回が見つかりません。", "Allocation round not found.")
    results = list(
        session.exec(select(AllocationResult).where(col(AllocationResult.round_id) == round_id))
    )
    results.sort(key=lambda r: (r.position == 0, r.position, r.case_id))
    return rnd, results


@dataclass
class Confirmation:
    """What confirming a round did to the cases."""

    offered: list[str] = field(default_factory=list)
    waitlisted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def confirm_round(
    rt: Runtime,
    session: Session,
    round_id: str,
    actor: Actor,
    config: AllocationConfig,
    *,
    now: dt.datetime | None = None,
) -> Confirmation:
    """Fire the round's results on the cases (one transaction, the caller commits).

    A case whose version differs from the one the round saw is skipped: its result was
    computed on answers or a state that no longer hold, and it waits for the next round.
    """
    _require_staff(actor, rt)
    now = now or utcnow()
    rnd, results = get_round(session, round_id)
    if rnd.status != "draft":
        raise PermissionDenied(
            "この利用調整はすでに確定または破棄されています。",
            "This allocation round has already been confirmed or discarded.",
        )
    done = Confirmation()
    for r in results:
        case = get_case(session.connection(), r.case_id)
        if case is None or case.version != r.case_version or case.state not in POOL_STATES:
            done.skipped.append(r.case_id)
            continue
        if r.status == "ineligible":
            done.unchanged.append(r.case_id)
            continue
        tag = {"allocation_round": rnd.id[:12]}
        if case.state == "received":
            rank_inputs: dict[str, object] = {"points": r.points, **tag}
            if r.rank_letter:
                rank_inputs["rank_letter"] = r.rank_letter
            case = fire(rt, session, case.id, "rank", actor, inputs=rank_inputs, now=now)
        explanation = {"result_explanation": r.explanation_ja, **tag}
        if r.status == "offered" and r.facility_code:
            facility = config.facility(r.facility_code)
            fire(
                rt, session, case.id, "offer", actor, now=now,
                inputs={
                    "facility_code": r.facility_code,
                    "facility_name": facility.name.ja if facility else r.facility_code,
                    "choice_number": r.choice,
                    **explanation,
                },
            )  # fmt: skip
            done.offered.append(case.id)
        elif case.state == "ranked":
            fire(rt, session, case.id, "waitlist", actor, inputs=explanation, now=now)
            done.waitlisted.append(case.id)
        else:
            fire(rt, session, case.id, "keep_waitlisted", actor, inputs=explanation, now=now)
            done.waitlisted.append(case.id)
    rnd.status = "confirmed"
    rnd.confirmed_by = actor.id
    rnd.confirmed_at = now
    session.add(rnd)
    session.flush()
    return done


def latest_rounds(session: Session, org_id: int, limit: int = 20) -> list[AllocationRound]:
    """The organisation's latest rounds, newest first."""
    return list(
        session.exec(
            select(AllocationRound)
            .where(col(AllocationRound.organisation_id) == org_id)
            .order_by(col(AllocationRound.created_at).desc())
            .limit(limit)
        )
    )
