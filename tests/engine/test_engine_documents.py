"""Documents: declared triggers produce PDFs once, with the resident's details, in Japanese."""

from __future__ import annotations

import dataclasses
import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from adapters.mock.world import shared_world
from engine.actors import Actor
from engine.cases import fire, submit
from engine.config import Settings
from engine.db import unit_of_work
from engine.documents import (
    DocumentNotFound,
    document_handler,
    list_documents,
    read_document,
    render_document,
    wareki,
)
from engine.models import OutboxMessage
from engine.outbox import OutboxWorker, handlers
from engine.runtime import Runtime, build_runtime

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs/examples/procedures/kosodate/kodomo-iryouhi-saikoufu.yaml"
PROC = "kodomo-iryouhi-saikoufu"
CLERK = Actor.staff("clerk-1", {"intake"}, {"子育て支援課"})


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def example_rt(tmp_path: Path, settings: Settings, db: Engine) -> Runtime:
    """The runtime over the shapes and the tutorial's example procedure (it has documents)."""
    root = tmp_path / "procedures"
    shutil.copytree(REPO / "procedures/_shapes", root / "_shapes")
    (root / "kosodate").mkdir()
    shutil.copy(EXAMPLE, root / "kosodate")
    rt = build_runtime(dataclasses.replace(settings, procedures_dir=root), db)
    rt.sync_definitions()
    return rt


def _answers(name: str, kana: str) -> dict[str, object]:
    return {
        "reason": "damaged",
        "child_name": "山田 一郎",
        "child_kana": "ヤマダ イチロウ",
        "child_birth_date": "2020-01-01",
        "name": name,
        "kana": kana,
        "phone": "0425762111",
        "relationship": "father",
        "address": {
            "prefecture": "東京都",
            "city": "国立市",
            "town": "富士見台二丁目",
            "block": "47番地の1",
        },
        "delivery_method": "counter",
    }


def _file(rt: Runtime) -> tuple[str, str, str]:
    world = shared_world()
    number = world.population.persona("family_expecting").resident_number
    person = world.resident_registry.by_resident_number(number)
    assert person is not None
    with unit_of_work(rt.db) as session:
        case = submit(
            rt,
            session,
            PROC,
            _answers(person.name.full, person.name.full_kana),
            actor=Actor.resident(person.resident_number),
            applicant_id=person.resident_number,
            channel="online",
            idempotency_key="doc-1",
        ).case
    return case.id, case.reference, person.name.full


def test_a_declared_trigger_renders_its_document_once(example_rt: Runtime) -> None:
    case_id, reference, name = _file(example_rt)
    with unit_of_work(example_rt.db) as session:
        fire(example_rt, session, case_id, "receive", CLERK)
    worker = OutboxWorker(
        example_rt.db, kinds={**handlers(), "document": document_handler(example_rt)}
    )
    worker.run_once()
    assert worker.run_once().delivered == 0
    with Session(example_rt.db) as session:
        kinds = session.exec(
            select(OutboxMessage.kind, OutboxMessage.status).where(OutboxMessage.case_id == case_id)
        ).all()
        assert ("document", "done") in kinds
        docs = list_documents(session, case_id)
        assert [(d.document_id, d.kind, d.event_seq) for d in docs] == [("receipt", "receipt", 2)]
        pdf = read_document(example_rt, docs[0])
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert "受付票" in text
    assert reference in text
    assert name.replace("　", "") in text.replace("　", "").replace(" ", "")


def test_a_certificate_shows_the_decision_details(example_rt: Runtime) -> None:
    case_id, reference, _name = _file(example_rt)
    with unit_of_work(example_rt.db) as session:
        fire(example_rt, session, case_id, "receive", CLERK)
        fire(
            example_rt, session, case_id, "issue", CLERK, inputs={"card_valid_until": "2027-03-31"}
        )
    with Session(example_rt.db) as session:
        text = _text(render_document(example_rt, session, case_id, "subsidy_card"))
    assert "子ども医療費受給者証" in text
    assert "令和9年3月31日" in text
    assert reference in text


def test_an_unknown_document_is_refused_by_name(example_rt: Runtime) -> None:
    case_id, _reference, _name = _file(example_rt)
    with Session(example_rt.db) as session, pytest.raises(DocumentNotFound, match="no_such"):
        render_document(example_rt, session, case_id, "no_such")


@pytest.mark.parametrize(
    ("day", "text"),
    [
        ("2019-05-01", "令和元年5月1日"),
        ("2026-11-25", "令和8年11月25日"),
        ("2019-04-30", "2019年4月30日"),
    ],
)
def test_dates_on_documents_are_in_the_japanese_era(day: str, text: str) -> None:
    assert wareki(day) == text
