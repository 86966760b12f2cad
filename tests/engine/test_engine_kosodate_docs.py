"""The generated procedure pages (docs/procedures/<id>.md) match the definitions."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from engine.config import Settings
from engine.procedure_docs import render_procedure_doc, stale_docs
from engine.runtime import load_procedures
from web.cli import main

DOCS = Path(__file__).resolve().parents[2] / "docs" / "procedures"


def test_the_committed_pages_are_up_to_date(settings: Settings) -> None:
    problems = stale_docs(load_procedures(settings), DOCS)
    assert problems == [], "run `madoguchi procedures docs`:\n" + "\n".join(problems)


def test_a_page_shows_fields_conditions_workflow_documents_and_law(settings: Settings) -> None:
    page = render_procedure_doc(load_procedures(settings).get("jidou-teate-nintei"))
    assert "`bank_account.holder_kana`" in page
    assert 'shown when `{"==": [{"var": "use_public_funds_account"}, false]}`' in page
    assert "```mermaid" in page
    assert "stateDiagram" in page
    assert "`allowance_amount_confirmed`" in page
    assert "`register_child_allowance`" in page
    assert "| `decision_notice` | 児童手当認定通知書 | decision | `approve` |" in page
    assert "児童手当法 第7条" in page
    assert "| core system | jidou-teate |" in page


def test_check_fails_on_a_stale_or_stray_page(tmp_path: Path) -> None:
    runner = CliRunner()
    out = str(tmp_path / "pages")
    assert runner.invoke(main, ["procedures", "docs", "--out", out]).exit_code == 0
    ok = runner.invoke(main, ["procedures", "docs", "--check", "--out", out])
    assert ok.exit_code == 0, ok.output
    page = tmp_path / "pages" / "jidou-teate-kifu.md"
    page.write_text(page.read_text(encoding="utf-8") + "hand edit\n", encoding="utf-8")
    (tmp_path / "pages" / "retired-procedure.md").write_text("old\n", encoding="utf-8")
    stale = runner.invoke(main, ["procedures", "docs", "--check", "--out", out])
    assert stale.exit_code == 1
    assert "jidou-teate-kifu.md: out of date" in stale.output
    assert "retired-procedure.md: no such procedure" in stale.output
