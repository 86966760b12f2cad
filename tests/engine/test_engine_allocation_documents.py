"""The PDFs of the allocation and of the support payment: what the resident reads."""

from __future__ import annotations

import io
import uuid

import pytest
from pypdf import PdfReader
from sqlmodel import Session

from adapters.mock.world import shared_world
from engine.actors import Actor
from engine.allocation import load_config
from engine.allocation.rounds import confirm_round, run_round
from engine.cases import fire, submit
from engine.documents import render_document
from engine.runtime import Runtime
from procedures.samples import sample
from tests.engine.conftest import KENKOU, REPO_PROCEDURES, staff

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(p.extract_text() for p in reader.pages)
    return text.replace(" ", "").replace("\u3000", "").replace("\n", "")


def _persona(key: str) -> tuple[str, str]:
    person = shared_world().population.persona(key)
    registry = shared_world().resident_registry.by_resident_number(person.resident_number)
    assert registry is not None
    return person.resident_number, registry.name.full.replace("\u3000", "")


def _file(rt: Runtime, proc: str, applicant: str) -> str:
    with Session(rt.db, expire_on_commit=False) as s:
        case = submit(
            rt,
            s,
            proc,
            sample(proc),
            actor=Actor.resident(applicant),
            applicant_id=applicant,
            channel="online",
            idempotency_key=uuid.uuid4().hex,
        ).case
        s.commit()
    return case.id


def test_offer_and_waitlist_notices(rt: Runtime) -> None:
    applicant, name = _persona("family_expecting")
    config = load_config(REPO_PROCEDURES, "kunitachi")
    # One place at K01 in every class, nothing at the other choices: one offer, one wait.
    only = config.model_copy(
        update={
            "facilities": [
                f.model_copy(update={"capacity": dict.fromkeys(range(6), 1)})
                for f in config.facilities
                if f.code == "K01"
            ]
        }
    )
    ids = [_file(rt, "hoiku-riyou-moushikomi", applicant) for _ in range(2)]
    with Session(rt.db) as s:
        for case_id in ids:
            fire(rt, s, case_id, "receive", staff("intake"))
        rnd = run_round(rt, s, only, staff("review"), seed="doc")
        done = confirm_round(rt, s, rnd.id, staff("review"), only)
        s.commit()
    (offered,) = done.offered
    (waiting,) = done.waitlisted
    with Session(rt.db) as s:
        offer = _text(render_document(rt, s, offered, "offer_notice"))
        wait = _text(render_document(rt, s, waiting, "waitlist_notice"))
    assert name in offer
    assert "くにたち中央保育園（第1希望）" in offer
    assert "鈴木陽向" in offer
    assert name in wait
    assert "保留" in wait
    assert "育児休業給付" in wait
    assert "165" in wait  # the points (90 + 70 + 5)
    assert "第2希望の施設コード「K03」は、この利用調整の施設にありません" in wait


def test_support_payment_notice_shows_both_parts(rt: Runtime) -> None:
    applicant, name = _persona("family_expecting")
    case_id = _file(rt, "ninshin-todoke", applicant)
    intake = staff("intake", dept=KENKOU)
    with Session(rt.db) as s:
        for trigger in ("receive", "record", "hand_over_handbook"):
            fire(rt, s, case_id, trigger, intake)
        fire(rt, s, case_id, "certify_support", staff("approval", dept=KENKOU))
        first = _text(render_document(rt, s, case_id, "support_notice"))
        fire(rt, s, case_id, "record_eight_month_interview", intake)
        fire(
            rt,
            s,
            case_id,
            "notify_fetus_count",
            staff("review", dept=KENKOU),
            inputs={"fetus_count": 2},
        )
        second = _text(render_document(rt, s, case_id, "support_notice"))
        s.commit()
    assert name in first
    assert "50,000円" in first
    assert "2回目（胎児の数の届出後）" not in first
    assert "100,000円（胎児2人×50,000円）" in second
