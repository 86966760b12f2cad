"""Demo data for ``madoguchi demo``: cases for the documented personas, in several states.

Everything is filed through the engine (validation, events, outbox), with fixed
idempotency keys, so loading twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlmodel import Session

from adapters.mock.world import DemoWorld, shared_world
from adapters.records import Resident
from engine.actors import Actor
from engine.cases import fire, submit
from engine.errors import InvalidTrigger
from engine.runtime import Runtime
from procedures.samples import sample
from web.api.demo import demo_client_lines

KOSODATE = "子育て支援課"
KENKOU = "健康推進課"

# (persona, procedure, how far the demo moves the case, staff department)
DEMO_CASES: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("newborn_family", "jidou-teate-nintei", ("receive", "start_review"), KOSODATE),
    ("third_child_family", "jidou-teate-nintei", (), KOSODATE),
    (
        "single_parent",
        "jidou-teate-nintei",
        ("receive", "start_review", "request_correction"),
        KOSODATE,
    ),
    ("family_expecting", "ninshin-todoke", ("receive",), KENKOU),
)
COMMENTS = {
    "request_correction": "通帳の写しの口座番号が読み取れません。鮮明な写しを添付してください。"
}


def _with_person(
    data: dict[str, Any], who: Resident, target: Callable[[dict[str, Any]], Any]
) -> dict[str, Any]:
    part = target(data)
    part["name"] = who.name.full
    part["kana"] = who.name.full_kana
    part["my_number"] = who.my_number
    if who.birth_date.iso():
        part["birth_date"] = who.birth_date.iso()
    return data


# Filed on the (mock) Mynaportal; the intake thread pulls them into cases. The second
# signer moved last week, so the card's signing certificate is revoked: 受付エラー.
PITTARI_FILINGS = (("foreign_resident", "ninshin-todoke"), ("recently_moved", "jidou-teate-nintei"))


def person_data(procedure_id: str, who: Resident) -> dict[str, Any]:
    """The sample payload of a procedure filled in for ``who`` (name, reading, My Number,
    birth date; a bank account in their own name)."""
    target: Callable[[dict[str, Any]], Any] = (
        (lambda d: d["claimant"]) if procedure_id == "jidou-teate-nintei" else (lambda d: d)
    )
    data = _with_person(sample(procedure_id), who, target)
    if "bank_account" in data:  # the account must be in the claimant's own name
        data["bank_account"]["holder_kana"] = who.name.full_kana
    return data


def _pittari_filings(world: DemoWorld) -> list[str]:
    from adapters.mock.pittari_filing import file_application

    lines: list[str] = []
    if world.pittari.application_ids():  # this process filed them already
        return lines
    for persona_key, pid in PITTARI_FILINGS:
        persona = world.population.persona(persona_key)
        who = world.population.resident(persona.resident_number)
        app_id = file_application(world, pid, persona, person_data(pid, who))
        lines.append(f"  Pittari {app_id}  {pid:<20} waiting for intake  {who.name.full}")
    return lines


def load_demo(app: Flask) -> list[str]:
    """File the demo cases; returns lines describing what a visitor can try."""
    rt: Runtime = app.extensions["madoguchi"]
    world = shared_world()
    lines = [
        f"{len(rt.catalog.procedures)} procedures loaded; demo residents: "
        f"{len(world.population.residents)} in 国立市 (132152)"
    ]
    with Session(rt.db, expire_on_commit=False) as s:
        for persona_key, pid, path, dept in DEMO_CASES:
            persona = world.population.persona(persona_key)
            who = world.population.resident(persona.resident_number)
            data = person_data(pid, who)
            res = submit(
                rt,
                s,
                pid,
                data,
                actor=Actor.resident(who.resident_number),
                applicant_id=who.resident_number,
                channel="online",
                idempotency_key=f"demo:{persona_key}:{pid}",
            )
            case = res.case
            if res.created:
                for trigger in path:
                    spec = rt.catalog.get(pid).workflow.transition(trigger)
                    actor = Actor.staff(f"demo-{spec.roles[0]}", {spec.roles[0]}, {dept})
                    try:
                        case = fire(rt, s, case.id, trigger, actor, comment=COMMENTS.get(trigger))
                    except InvalidTrigger:
                        break
            lines.append(
                f"  {case.reference}  {pid:<20} {case.state:<22} "
                f"{persona.title_ja}（{who.name.full}）"
            )
        s.commit()
    lines.extend(_pittari_filings(world))
    lines.extend(_accounts())
    lines.extend(demo_client_lines(rt, rt.settings.public_url))
    return lines


def _accounts() -> list[str]:
    """The demo accounts a visitor can use (their screens arrive with issues 5 and 6)."""
    from adapters.mock.oidc_staff import DEMO_STAFF

    lines = ["Demo staff (mock municipal IdP; login id / password / roles / departments):"]
    for a in DEMO_STAFF:
        lines.append(
            f"  {a.login_id:<18} {a.password:<16} {','.join(a.roles):<9} {','.join(a.departments)}"
        )
    lines.append(
        "Demo residents: the personas and their card PINs are listed in "
        "adapters/mock/personas.md (mock Digital Authentication App)."
    )
    return lines
