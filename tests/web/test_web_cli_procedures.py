"""``madoguchi procedures ...``: list, show, check, diagram, new, format-schema.

Every test runs the command line on a temporary copy of the shipped procedures folder
(``MADOGUCHI_PROCEDURES_DIR``) with a temporary data dir, and no other ``MADOGUCHI_``
variable set.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import engine.runtime  # noqa: F401  (registers the built-in guards and effects)
from engine.definitions.loader import load_catalog
from engine.definitions.models import DefinitionFile, ShapeFile
from engine.hooks import effects, guards
from web.cli import main

REPO = Path(__file__).resolve().parents[2]
SHAPES = (
    "allocation",
    "application",
    "care_assessment",
    "certificate",
    "notification",
    "prior_approval",
    "reissue",
    "status_report",
    "tax_return",
)
CLAIM = "jidou-teate-nintei"
CLAIM_JA = "児童手当等の受給資格及び児童手当の額についての認定請求"
NOTICE = "ninshin-todoke"

Cli = Callable[..., Result]


@pytest.fixture
def procs(tmp_path: Path) -> Path:
    """A copy of the shipped procedures folder."""
    folder = tmp_path / "procedures"
    shutil.copytree(
        REPO / "procedures", folder, ignore=shutil.ignore_patterns("__pycache__", "*.py")
    )
    return folder


def _env(tmp_path: Path, procs: Path, **extra: str) -> dict[str, str | None]:
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("MADOGUCHI_")}
    env.update(MADOGUCHI_PROCEDURES_DIR=str(procs), MADOGUCHI_DATA_DIR=str(tmp_path / "data"))
    env.update(extra)
    return env


@pytest.fixture
def cli(tmp_path: Path, procs: Path) -> Cli:
    """Run ``madoguchi procedures <args>``; the result has stdout and stderr apart."""

    def run(*args: str, **env: str) -> Result:
        return CliRunner().invoke(main, ["procedures", *args], env=_env(tmp_path, procs, **env))

    return run


def _catalog(procs: Path):  # type: ignore[no-untyped-def]
    return load_catalog(procs, guards=guards, effects=effects)


def _shipped(procs: Path) -> list[str]:
    """Ids of the definition files in ``procs`` (folders starting with ``_`` hold none)."""
    return sorted(p.stem for p in procs.glob("*/*.yaml") if not p.parent.name.startswith("_"))


# --- list -------------------------------------------------------------------------------


def test_list_shows_every_procedure_with_its_category_and_shape(cli: Cli, procs: Path) -> None:
    res = cli("list")
    assert res.exit_code == 0, res.output
    assert res.stderr == ""
    rows = [line.split() for line in res.stdout.splitlines()]
    assert [r[0] for r in rows] == _shipped(procs)
    assert [CLAIM, "kosodate", "application", CLAIM_JA] in rows
    assert [NOTICE, "kosodate", "notification", "妊娠の届出"] in rows


def test_list_json(cli: Cli, procs: Path) -> None:
    res = cli("list", "--json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    catalog = _catalog(procs)
    listed = [(r["id"], r["category"], r["shape"]) for r in rows]
    assert [r[0] for r in listed] == _shipped(procs)
    assert (CLAIM, "kosodate", "application") in listed
    assert (NOTICE, "kosodate", "notification") in listed
    claim = next(r for r in rows if r["id"] == CLAIM)
    assert claim["name"]["ja"] == CLAIM_JA
    assert claim["office"] == "municipality"
    assert claim["identity"] == "signature"
    assert claim["channels"] == ["online", "pittari", "counter", "api"]
    assert [r["version"] for r in rows] == [catalog.get(r["id"]).version for r in rows]
    assert all(re.fullmatch(r"[0-9a-f]{64}", r["version"]) for r in rows)


# --- show -------------------------------------------------------------------------------


def test_show_prints_the_procedure_merged_with_its_shape(cli: Cli, procs: Path) -> None:
    res = cli("show", CLAIM)
    assert res.exit_code == 0, res.output
    proc = _catalog(procs).get(CLAIM)
    lines = res.stdout.splitlines()
    assert lines[0] == f"{CLAIM}: {CLAIM_JA} ({proc.name.en})"
    assert lines[1] == (
        "  shape application, category kosodate, office municipality, identity signature, "
        "channels online, pittari, counter, api"
    )
    assert lines[2] == f"  departments 子育て支援課; version {proc.version[:12]}"
    assert lines[3] == "  states:"
    states = [line.split()[0] for line in lines[4 : 4 + len(proc.workflow.states)]]
    assert states == [s.id for s in proc.workflow.states]
    assert "    closed                   通知済み・完了 [done] (terminal)" in lines
    assert lines[4 + len(proc.workflow.states)] == "  transitions:"
    assert "    approve                  awaiting_sign_off -> approved  roles: approval" in lines
    assert (
        "    request_correction       received,under_review -> correction_requested  "
        "roles: review" in lines
    )
    assert len(lines) == 5 + len(proc.workflow.states) + len(proc.workflow.transitions)


def test_show_json_holds_the_merged_workflow(cli: Cli, procs: Path) -> None:
    res = cli("show", NOTICE, "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    proc = _catalog(procs).get(NOTICE)
    assert data == proc.model_dump(mode="json")
    assert data["shape"] == "notification"
    assert data["source"] == "procedures/kosodate/ninshin-todoke.yaml"
    triggers = [t["trigger"] for t in data["workflow"]["transitions"]]
    # from the shape, changed by the definition, and added by it
    assert {"receive", "record", "close", "book_interview", "hand_over_handbook"} <= set(triggers)
    states = {s["id"]: s for s in data["workflow"]["states"]}
    assert states["interview_booked"]["clock"] == "paused"
    assert states["submitted"]["portal_status"] == "in_progress"
    close = next(t for t in data["workflow"]["transitions"] if t["trigger"] == "close")
    assert close["source"][:2] == ["recorded", "interview_booked"]
    assert close["comment"] == "required"
    assert close["dest"] == "closed"  # kept from the shape


def test_show_unknown_id_fails_with_a_suggestion(cli: Cli) -> None:
    res = cli("show", "jidou-teate-nintie")
    assert res.exit_code == 1
    assert res.stdout == ""
    assert res.stderr == (
        "Error: unknown procedure 'jidou-teate-nintie' (did you mean 'jidou-teate-nintei'?)\n"
    )


# --- check ------------------------------------------------------------------------------


def test_check_passes_on_the_shipped_files(cli: Cli, procs: Path) -> None:
    res = cli("check")
    assert res.exit_code == 0, res.output
    assert res.stdout == f"ok: {len(_shipped(procs))} procedures, 9 shapes\n"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_check_lists_every_mistake_and_exits_1(cli: Cli, procs: Path) -> None:
    claim = procs / "kosodate" / f"{CLAIM}.yaml"
    notice = procs / "kosodate" / f"{NOTICE}.yaml"
    _replace(claim, "retention_years: 5", "retention_year: 5")
    _replace(
        notice,
        "      source: [recorded]\n      dest: interview_booked",
        "      source: [recorded]\n      dest: interview_boked",
    )
    _replace(notice, '    "on": [receive]', '    "on": [recieve]')
    _replace(procs / "_shapes" / "tax_return.yaml", "shape: tax_return", "shape: taxreturn")
    res = cli("check")
    assert res.exit_code == 1
    assert res.stdout == ""
    assert res.stderr.splitlines() == [
        "procedures/_shapes/tax_return.yaml: shape: 'taxreturn' must match the file name "
        "'tax_return'",
        "procedures/kosodate/jidou-teate-nintei.yaml: retention_year: unknown key "
        "'retention_year' (did you mean 'retention_years'?)",
        "procedures/kosodate/jidou-teate-nintei.yaml: retention_years: is required but missing",
        "procedures/kosodate/ninshin-todoke.yaml: documents[0].on[0]: unknown transition "
        "'recieve' (did you mean 'receive'?)",
        "procedures/kosodate/ninshin-todoke.yaml: workflow.transitions[1].dest: unknown state "
        "'interview_boked' (did you mean 'interview_booked'?)",
        "Error: 5 mistake(s) in the definitions",
    ]
    # every command that needs the definitions refuses the same way
    listed = cli("list")
    assert listed.exit_code == 1
    assert listed.stderr == res.stderr


def test_check_reports_a_procedures_folder_that_does_not_exist(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    res = cli("check", MADOGUCHI_PROCEDURES_DIR=str(missing))
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [
        f"{missing}: is not a folder of procedure definitions",
        "Error: 1 mistake(s) in the definitions",
    ]


# --- diagram ----------------------------------------------------------------------------


def test_diagram_is_a_mermaid_state_diagram_with_every_state(cli: Cli, procs: Path) -> None:
    res = cli("diagram", NOTICE)
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    wf = _catalog(procs).get(NOTICE).workflow
    assert lines[0] == "stateDiagram-v2"
    for s in wf.states:
        assert f'    state "{s.label.ja}" as {s.id}' in lines
    assert "    [*] --> submitted" in lines
    edges = [line for line in lines if " --> " in line and "[*]" not in line]
    assert len(edges) == sum(len(t.source) for t in wf.transitions)
    assert "    recorded --> interview_booked: 面談を予約" in lines
    assert "    interview_booked --> recorded: 面談の予約を取り消す" in lines
    ends = sorted(line.split()[0] for line in lines if line.endswith("--> [*]"))
    assert ends == sorted(s.id for s in wf.states if s.terminal)
    assert not any("class " in line for line in lines)


def test_diagram_marks_the_current_state(cli: Cli) -> None:
    res = cli("diagram", CLAIM, "--current", "under_review")
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[-1] == "    class under_review current"


def test_diagram_of_an_unknown_id(cli: Cli) -> None:
    res = cli("diagram", "ninshin-todoki")
    assert res.exit_code == 1
    assert res.stderr == (
        "Error: unknown procedure 'ninshin-todoki' (did you mean 'ninshin-todoke'?)\n"
    )


def test_diagram_refuses_an_unknown_current_state(cli: Cli) -> None:
    res = cli("diagram", CLAIM, "--current", "under_reveiw")
    assert res.exit_code != 0


# --- new --------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_new_writes_a_scaffold_that_passes_check(cli: Cli, procs: Path, shape: str) -> None:
    proc_id = "test-" + shape.replace("_", "-")
    res = cli("new", proc_id, "--shape", shape, "--category", "kaigo")
    assert res.exit_code == 0, res.output
    target = procs / "kaigo" / f"{proc_id}.yaml"
    assert res.stdout == (f"wrote {target}; edit it, then run `madoguchi procedures check`\n")
    assert target.is_file()
    checked = cli("check")
    assert checked.exit_code == 0, checked.output
    assert checked.stdout == f"ok: {len(_shipped(procs))} procedures, 9 shapes\n"
    proc = _catalog(procs).get(proc_id)
    assert (proc.shape, proc.category) == (shape, "kaigo")
    shown = cli("show", proc_id, "--json")
    assert json.loads(shown.stdout)["workflow"] == proc.workflow.model_dump(mode="json")


def test_new_refuses_an_unknown_shape(cli: Cli, procs: Path) -> None:
    res = cli("new", "kaigo-test", "--shape", "aplication", "--category", "kaigo")
    assert res.exit_code == 1
    assert res.stderr == (
        "Error: unknown shape 'aplication' (did you mean 'application'?); known: "
        + ", ".join(SHAPES)
        + "\n"
    )
    assert not (procs / "kaigo").exists()


def test_new_refuses_to_overwrite_an_existing_file(cli: Cli, procs: Path) -> None:
    target = procs / "kosodate" / f"{CLAIM}.yaml"
    before = target.read_bytes()
    res = cli("new", CLAIM, "--shape", "notification", "--category", "kosodate")
    assert res.exit_code == 1
    assert res.stderr == f"Error: {target} already defines '{CLAIM}'\n"
    assert target.read_bytes() == before


def test_new_refuses_an_id_that_check_would_reject(cli: Cli, procs: Path) -> None:
    res = cli("new", "tax_return_test", "--shape", "tax_return", "--category", "kaigo")
    assert res.exit_code != 0
    assert not (procs / "kaigo").exists()


def test_new_refuses_an_id_used_in_another_category(cli: Cli, procs: Path) -> None:
    res = cli("new", CLAIM, "--shape", "application", "--category", "kaigo")
    assert res.exit_code != 0
    assert not (procs / "kaigo").exists()


@pytest.mark.parametrize("category", ["_shapes", "../outside", "Kaigo"])
def test_new_refuses_a_category_that_is_no_category_folder(
    cli: Cli, procs: Path, category: str
) -> None:
    res = cli("new", "kaigo-test", "--shape", "application", "--category", category)
    assert res.exit_code != 0
    assert cli("check").exit_code == 0


# --- format-schema ----------------------------------------------------------------------


def test_format_schema_prints_the_definition_json_schema(cli: Cli) -> None:
    res = cli("format-schema")
    assert res.exit_code == 0, res.output
    schema = json.loads(res.stdout)
    assert schema["title"] == "DefinitionFile"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == set(DefinitionFile.model_fields)
    assert {"id", "extends", "category", "form", "workflow", "documents"} <= set(
        schema["properties"]
    )
    assert set(schema["required"]) == {
        "id",
        "extends",
        "category",
        "name",
        "summary",
        "office",
        "departments",
        "channels",
        "identity",
        "retention_years",
        "form",
    }
    defs = schema["$defs"]
    assert {"add_guards", "add_effects", "inputs"} <= set(defs["TransitionOverride"]["properties"])
    assert {"remove_states", "remove_transitions"} <= set(defs["WorkflowOverrides"]["properties"])
    assert "on" in defs["DocumentSpec"]["properties"]
    assert schema == DefinitionFile.model_json_schema()


def test_format_schema_of_shapes(cli: Cli) -> None:
    res = cli("format-schema", "--kind", "shape")
    assert res.exit_code == 0, res.output
    schema = json.loads(res.stdout)
    assert schema == ShapeFile.model_json_schema()
    assert set(schema["properties"]) == {"shape", "name", "description", "workflow"}
    assert set(schema["required"]) == {"shape", "name", "description", "workflow"}


def test_format_schema_refuses_an_unknown_kind(cli: Cli) -> None:
    res = cli("format-schema", "--kind", "form")
    assert res.exit_code == 2
    assert "'form' is not one of 'definition', 'shape'" in res.stderr


# --- settings ---------------------------------------------------------------------------


def test_unknown_madoguchi_variable_is_a_clear_error(cli: Cli) -> None:
    res = cli("list", MADOGUCHI_PROCEDURE_DIR="elsewhere")
    assert res.exit_code == 1
    assert res.stdout == ""
    assert res.stderr.startswith("Error: unknown setting MADOGUCHI_PROCEDURE_DIR (did you mean ")
    assert "PROCEDURES_DIR'?)" in res.stderr
