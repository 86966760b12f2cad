"""The childcare procedures' documents as PDFs: the text a resident reads in them."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlmodel import Session

from adapters.mock.world import shared_world
from engine.documents import render_document
from engine.runtime import Runtime
from tests.engine.test_engine_kosodate_workflows import (
    FLOWS,
    IDS,
    INTAKE,
    Flow,
    _decide,
    _filed,
    go,
)

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

# The document each procedure produces at its positive outcome.
OUTCOME_DOCUMENT = {
    "application": "decision_notice",
    "notification": "receipt",
    "status_report": "continuation_notice",
}


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    return text.replace(" ", "").replace("\n", "")


def _decided_pdf(rt: Runtime, flow: Flow, document_id: str) -> tuple[str, str, str]:
    case, data, applicant = _filed(rt, flow)
    go(rt, case.id, "receive", INTAKE)
    _decide(rt, flow, case, data)
    with Session(rt.db) as s:
        pdf = render_document(rt, s, case.id, document_id)
    person = shared_world().resident_registry.by_resident_number(applicant)
    assert person is not None
    return _text(pdf), person.name.full.replace("\u3000", ""), case.reference


@pytest.mark.parametrize("flow", FLOWS, ids=IDS)
def test_outcome_document_names_the_resident_and_the_case(rt: Runtime, flow: Flow) -> None:
    document_id = OUTCOME_DOCUMENT[flow.shape]
    text, name, reference = _decided_pdf(rt, flow, document_id)
    assert name in text.replace("\u3000", "")
    assert reference in text
    [spec] = [d for d in rt.catalog.get(flow.procedure_id).documents if d.id == document_id]
    assert spec.name.ja.replace(" ", "") in text


def test_certification_notice_shows_each_childs_amount_and_the_total(rt: Runtime) -> None:
    text, _name, _ = _decided_pdf(rt, FLOWS[IDS.index("jidou-teate-nintei")], "decision_notice")
    assert "児童手当認定通知書" in text
    assert "高橋陽翔" in text.replace("\u3000", "")
    assert "第1子" in text
    assert text.count("15,000円") >= 3  # the summary, the child's row and the total
    assert "翌月分から支給します" in text  # filed within 15 days of the birth


def test_revision_notice_shows_the_revised_amount(rt: Runtime) -> None:
    flow = FLOWS[IDS.index("jidou-teate-gaku-kaitei")]
    text, _name, _ = _decided_pdf(rt, flow, "decision_notice")
    assert "児童手当額改定通知書" in text
    assert "改定後の手当月額" in text
    assert "15,000円" in text


def test_childcare_certification_notice_shows_the_class(rt: Runtime) -> None:
    flow = FLOWS[IDS.index("hoiku-shikyuu-nintei")]
    text, _name, _ = _decided_pdf(rt, flow, "decision_notice")
    assert "教育・保育給付認定通知書" in text
    assert "3号認定" in text
    assert "保育標準時間" in text
    assert "佐藤陽菜" in text.replace("\u3000", "")
