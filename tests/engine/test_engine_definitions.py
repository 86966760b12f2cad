"""Loading definitions: the shipped catalog, versions, and every kind of mistake reported.

Each mistake test builds a small procedures folder in ``tmp_path`` (the shipped shapes and
one minimal definition), introduces one slip and asserts the exact lines a developer reads:
``file: path: message``, the file starting with the folder name ``procedures``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

import engine.runtime  # noqa: F401  (registers the built-in guards and effects)
from engine.config import Settings
from engine.definitions.errors import DefinitionError, DefinitionErrors, did_you_mean, join_path
from engine.definitions.loader import Catalog, load_catalog, read_yaml
from engine.definitions.models import Workflow
from engine.definitions.workflow_checks import Issue, check_workflow
from engine.hooks import effects, guards
from engine.runtime import load_procedures

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
DEF = "procedures/kosodate/jidou-teate-nintei.yaml"
APP = "procedures/_shapes/application.yaml"

# A small valid definition modelled on the shipped child allowance claim. The mistake tests
# change one thing in it; every string they replace occurs exactly once.
MINIMAL = """\
id: jidou-teate-nintei
extends: application
category: kosodate
name: {ja: 児童手当の認定請求, en: Child allowance claim}
summary: {ja: 児童手当を受け取るための請求です。, en: The claim for the child allowance.}
office: municipality
departments: [子育て支援課]
legal_basis:
  - {law: 児童手当法, article: 第7条}
channels: [online, counter]
identity: signature
processing: {days: 30, kind: standard}
retention_years: 5
effective:
  valid_from: 2024-10-01
core_system: jidou-teate
documents:
  - id: receipt
    name: {ja: 受付票, en: Receipt}
    kind: receipt
    "on": [receive]
  - id: decision_notice
    name: {ja: 児童手当認定通知書, en: Certification notice}
    kind: decision
    "on": [approve]
form:
  steps:
    - id: claimant
      title: {ja: 請求者, en: Claimant}
      fields:
        - id: name
          type: name
          label: {ja: 氏名, en: Name}
          required: true
          prefill: registry.resident.name
        - id: has_spouse
          type: yes_no
          label: {ja: 配偶者はいますか, en: "Do you have a spouse?"}
          required: true
        - id: spouse_name
          type: name
          label: {ja: 配偶者の氏名, en: Spouse's name}
          visible_if: {"==": [{"var": "has_spouse"}, true]}
          required: true
workflow:
  transitions:
    - trigger: approve
      dest: approved
      inputs:
        - id: monthly_amount
          type: money
          label: {ja: 手当の月額（円）, en: Monthly amount (yen)}
          required: true
          min: 0
"""


def edit(text: str, old: str, new: str) -> str:
    """``text`` with the one occurrence of ``old`` replaced (fails loudly otherwise)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A procedures folder holding a copy of the shipped shapes and no definition."""
    folder = tmp_path / "procedures"
    shutil.copytree(REPO / "procedures" / "_shapes", folder / "_shapes")
    return folder


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_def(
    root: Path, text: str = MINIMAL, rel: str = "kosodate/jidou-teate-nintei.yaml"
) -> Path:
    return write(root, rel, text)


def edit_shape(root: Path, shape: str, old: str, new: str) -> None:
    path = root / "_shapes" / f"{shape}.yaml"
    path.write_text(edit(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")


def load(root: Path) -> Catalog:
    return load_catalog(root, guards=guards, effects=effects)


def mistakes(root: Path) -> list[str]:
    """Every line of the DefinitionErrors the load raises (the load must fail)."""
    with pytest.raises(DefinitionErrors) as info:
        load(root)
    lines = [str(e) for e in info.value.errors]
    assert str(info.value) == "\n".join(lines)
    return lines


def mistakes_in(root: Path, text: str) -> list[str]:
    write_def(root, text)
    return mistakes(root)


# --- the shipped catalog ----------------------------------------------------------------


def test_shipped_catalog_loads_every_shape_and_definition(settings: Settings) -> None:
    catalog = load_procedures(settings)
    assert sorted(catalog.shapes) == sorted(SHAPES)
    shipped = sorted(
        p.stem
        for p in settings.procedures_dir.glob("*/*.yaml")
        if not p.parent.name.startswith("_")
    )
    assert sorted(catalog.procedures) == shipped
    assert catalog.errors == ()
    claim = catalog.get("jidou-teate-nintei")
    assert (claim.shape, claim.category, claim.source) == ("application", "kosodate", DEF)
    assert catalog.get("ninshin-todoke").shape == "notification"
    for proc in catalog:
        assert re.fullmatch(r"[0-9a-f]{64}", proc.version), proc.version
    assert len({p.version for p in catalog}) == len(shipped)
    # The notification adds states and transitions to its shape.
    notice = catalog.get("ninshin-todoke").workflow
    assert notice.state("interview_booked").clock == "paused"
    assert notice.transition("book_interview").dest == "interview_booked"
    assert [s.id for s in catalog.shapes["application"].workflow.states][:2] == [
        "submitted",
        "received",
    ]


def test_catalog_get_of_unknown_id_suggests_the_close_one(settings: Settings) -> None:
    catalog = load_procedures(settings)
    with pytest.raises(KeyError) as info:
        catalog.get("jidou-teate-nintie")
    assert info.value.args[0] == (
        "unknown procedure 'jidou-teate-nintie' (did you mean 'jidou-teate-nintei'?)"
    )


def test_example_in_docs_loads_with_the_shipped_shapes(root: Path) -> None:
    shutil.copytree(REPO / "docs/examples/procedures/kosodate", root / "kosodate")
    catalog = load(root)
    proc = catalog.get("kodomo-iryouhi-saikoufu")
    assert proc.shape == "reissue"
    assert proc.source == "procedures/kosodate/kodomo-iryouhi-saikoufu.yaml"
    assert re.fullmatch(r"[0-9a-f]{64}", proc.version)
    wf = proc.workflow
    # Overrides merged: roles replaced, inputs added, an effect appended after the shape's.
    assert wf.transition("issue").roles == ("intake",)
    assert [f.id for f in wf.transition("issue").inputs] == ["card_valid_until"]
    assert [e.name for e in wf.transition("deliver").effects] == ["notify_resident"]
    assert wf.state("issued").label.ja == "発行済み（お渡し前）"
    assert wf.state("issued").portal_status == "in_progress"  # kept from the shape


def test_minimal_definition_loads_merged_with_its_shape(root: Path) -> None:
    write_def(root)
    proc = load(root).get("jidou-teate-nintei")
    approve = proc.workflow.transition("approve")
    assert (approve.source, approve.dest, approve.roles) == (
        ("awaiting_sign_off",),
        "approved",
        ("approval",),
    )
    assert [f.id for f in approve.inputs] == ["monthly_amount"]
    assert len(proc.workflow.states) == 10
    assert proc.portal_status("closed") == "done"


def test_yaml_key_on_may_be_written_unquoted(root: Path) -> None:
    """The loader reads YAML 1.2 booleans: ``on`` is a key, ``no`` an option code."""
    text = edit(MINIMAL, '    "on": [approve]', "    on: [approve]")
    text = edit(text, '    "on": [receive]', "    on: receive")
    write_def(root, text)
    proc = load(root).get("jidou-teate-nintei")
    assert [d.on for d in proc.documents] == [("receive",), ("approve",)]
    assert read_yaml("a: [yes, no, on, off, true, False]") == {
        "a": ["yes", "no", "on", "off", True, False]
    }


# --- frozen objects and versions ---------------------------------------------------------


def test_loaded_objects_are_frozen(settings: Settings) -> None:
    catalog = load_procedures(settings)
    proc = catalog.get("jidou-teate-nintei")
    with pytest.raises(ValidationError, match="frozen"):
        proc.version = "0" * 64
    with pytest.raises(ValidationError, match="frozen"):
        proc.workflow.states[0].terminal = True
    with pytest.raises(ValidationError, match="frozen"):
        proc.workflow.transitions[0].dest = "closed"
    with pytest.raises(ValidationError, match="frozen"):
        proc.form.steps[0].fields[0].required = False
    with pytest.raises(ValidationError, match="frozen"):
        catalog.shapes["application"].workflow.initial = "received"
    assert isinstance(proc.workflow.states, tuple)
    assert isinstance(proc.workflow.transitions[0].source, tuple)


def _version(root: Path) -> str:
    return load(root).get("jidou-teate-nintei").version


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("en: Child allowance claim}", "en: Child allowance application}"),
        ("retention_years: 5", "retention_years: 6"),
        ("departments: [子育て支援課]", "departments: [子育て支援課, 福祉課]"),
        ("processing: {days: 30, kind: standard}", "processing: {days: 31, kind: standard}"),
        ("  valid_from: 2024-10-01", "  valid_from: 2024-10-02"),
        (
            "          required: true\n          min: 0",
            "          required: false\n          min: 0",
        ),
        ("      dest: approved\n", "      dest: approved\n      comment: required\n"),
        ('    "on": [approve]', '    "on": [approve, notify]'),
    ],
)
def test_any_change_of_meaning_in_the_definition_changes_the_version(
    root: Path, old: str, new: str
) -> None:
    write_def(root)
    before = _version(root)
    write_def(root, edit(MINIMAL, old, new))
    after = _version(root)
    assert re.fullmatch(r"[0-9a-f]{64}", after)
    assert after != before


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # a state the definition does not touch
        (
            "label: {ja: 受付済み, en: Received}",
            "label: {ja: 受付済み, en: Received at the office}",
        ),
        # a transition the definition does not touch
        (
            "      dest: under_review\n      label: {ja: 審査開始",
            "      dest: under_review\n      comment: none\n      label: {ja: 審査開始",
        ),
        # an effect's text
        ("内容をご確認ください。", "内容をご確認ください！"),
        # the transition the definition overrides, in a key it does not override
        (
            "      label: {ja: 認定（決裁）, en: Approve}",
            "      label: {ja: 認定する（決裁）, en: Approve}",
        ),
    ],
)
def test_any_change_of_meaning_in_the_shape_changes_the_version(
    root: Path, old: str, new: str
) -> None:
    write_def(root)
    before = _version(root)
    edit_shape(root, "application", old, new)
    assert _version(root) != before


def test_comments_layout_and_key_order_do_not_change_the_version(root: Path) -> None:
    write_def(root)
    before = _version(root)
    text = "# a comment\n" + edit(
        MINIMAL,
        "office: municipality\ndepartments: [子育て支援課]\n",
        "departments:\n  - 子育て支援課   # 担当課\noffice: 'municipality'\n",
    )
    write_def(root, text)
    edit_shape(root, "application", "shape: application\n", "shape: application  # the id\n")
    assert _version(root) == before


def test_same_content_in_another_folder_gives_the_same_version(root: Path, tmp_path: Path) -> None:
    write_def(root)
    other = tmp_path / "elsewhere" / "procedures"
    shutil.copytree(root, other)
    assert load(other).get("jidou-teate-nintei").version == _version(root)


# --- mistakes: workflow references ------------------------------------------------------


def test_unknown_dest_is_reported_with_file_path_and_suggestion(root: Path) -> None:
    assert mistakes_in(root, edit(MINIMAL, "dest: approved", "dest: aproved")) == [
        f"{DEF}: workflow.transitions[0].dest: unknown state 'aproved' (did you mean 'approved'?)"
    ]


def test_unknown_source_is_reported_at_its_index(root: Path) -> None:
    text = edit(
        MINIMAL,
        "      dest: approved\n",
        "      source: [under_review, awaiting_signoff]\n      dest: approved\n",
    )
    assert mistakes_in(root, text) == [
        f"{DEF}: workflow.transitions[0].source[1]: unknown state 'awaiting_signoff' "
        "(did you mean 'awaiting_sign_off'?)"
    ]


def test_unknown_initial_state(root: Path) -> None:
    text = edit(MINIMAL, "workflow:\n", "workflow:\n  initial: submited\n")
    assert mistakes_in(root, text) == [
        f"{DEF}: workflow.initial: unknown state 'submited' (did you mean 'submitted'?)"
    ]


# --- mistakes: keys and types (the first stage) -----------------------------------------


def test_unknown_key_with_suggestion(root: Path) -> None:
    assert mistakes_in(root, edit(MINIMAL, "retention_years: 5", "retention_year: 5")) == [
        f"{DEF}: retention_year: unknown key 'retention_year' (did you mean 'retention_years'?)",
        f"{DEF}: retention_years: is required but missing",
    ]


def test_unknown_keys_deep_inside_are_suggested_from_the_right_model(root: Path) -> None:
    text = edit(MINIMAL, "      dest: approved\n", "      dst: approved\n")
    text = edit(text, "          prefill: registry", "          prefil: registry")
    text = edit(text, "name: {ja: 受付票, en: Receipt}", "name: {ja: 受付票, english: Receipt}")
    assert mistakes_in(root, text) == [
        f"{DEF}: documents[0].name.english: unknown key 'english'",
        f"{DEF}: form.steps[0].fields[0].prefil: unknown key 'prefil' (did you mean 'prefill'?)",
        f"{DEF}: workflow.transitions[0].dst: unknown key 'dst' (did you mean 'dest'?)",
    ]


def test_missing_required_key_is_reported_alone(root: Path) -> None:
    """Keys and types come first: later checks need a well-formed file."""
    text = edit(MINIMAL, "identity: signature\n", "")
    text = edit(text, "dest: approved", "dest: aproved")  # not reported at this stage
    assert mistakes_in(root, text) == [f"{DEF}: identity: is required but missing"]


def test_wrong_types(root: Path) -> None:
    text = edit(MINIMAL, "retention_years: 5", "retention_years: five")
    text = edit(text, "channels: [online, counter]", "channels: [online, fax]")
    text = edit(text, "  valid_from: 2024-10-01", "  valid_from: 2024-13-01")
    text = edit(text, "name: {ja: 受付票, en: Receipt}", "name: 受付票")
    assert mistakes_in(root, text) == [
        f"{DEF}: channels[1]: Input should be 'online', 'pittari', 'oss', 'counter' or 'api'",
        f"{DEF}: documents[0].name: Input should be a valid dictionary or instance of "
        "LocalizedText",
        f"{DEF}: effective.valid_from: Input should be a valid date or datetime, month value "
        "is outside expected range of 1-12",
        f"{DEF}: retention_years: Input should be a valid integer, unable to parse string as "
        "an integer",
    ]


def test_wrong_type_of_an_expression_names_the_key_not_pydantic_internals(root: Path) -> None:
    text = edit(
        MINIMAL,
        '          visible_if: {"==": [{"var": "has_spouse"}, true]}',
        "          visible_if: when married",
    )
    assert mistakes_in(root, text) == [
        f"{DEF}: form.steps[0].fields[2].visible_if: Input should be a valid boolean, unable "
        "to interpret input",
        f"{DEF}: form.steps[0].fields[2].visible_if: Input should be a valid dictionary",
    ]


def test_an_item_of_the_wrong_type_is_not_also_reported_as_a_too_short_list(root: Path) -> None:
    text = edit(MINIMAL, "departments: [子育て支援課]", "departments: [[子育て支援課]]")
    assert mistakes_in(root, text) == [f"{DEF}: departments[0]: Input should be a valid string"]


def test_malformed_ids(root: Path) -> None:
    text = edit(MINIMAL, "    - trigger: approve", "    - trigger: Approve")
    text = edit(text, "extends: application", "extends: Application")
    assert mistakes_in(root, text) == [
        f"{DEF}: extends: String should match pattern '^[a-z][a-z0-9_]*$'",
        f"{DEF}: workflow.transitions[0].trigger: String should match pattern '^[a-z][a-z0-9_]*$'",
    ]


# --- mistakes: shape, file name, folder ---------------------------------------------------


def test_unknown_shape_in_extends(root: Path) -> None:
    assert mistakes_in(root, edit(MINIMAL, "extends: application", "extends: aplication")) == [
        f"{DEF}: extends: unknown shape 'aplication' (did you mean 'application'?)"
    ]


def test_id_must_match_the_file_name(root: Path) -> None:
    write_def(root, rel="kosodate/jidou-teate.yaml")
    assert mistakes(root) == [
        "procedures/kosodate/jidou-teate.yaml: id: 'jidou-teate-nintei' must match the file "
        "name 'jidou-teate'"
    ]


def test_category_must_match_the_folder(root: Path) -> None:
    write_def(root, rel="kaigo/jidou-teate-nintei.yaml")
    assert mistakes(root) == [
        "procedures/kaigo/jidou-teate-nintei.yaml: category: 'kosodate' must match the folder "
        "'kaigo'"
    ]


def test_duplicate_procedure_id_in_two_categories(root: Path) -> None:
    write_def(
        root,
        edit(MINIMAL, "category: kosodate", "category: kaigo"),
        "kaigo/jidou-teate-nintei.yaml",
    )
    write_def(root)
    assert mistakes(root) == [
        f"{DEF}: id: 'jidou-teate-nintei' is already defined in "
        "procedures/kaigo/jidou-teate-nintei.yaml"
    ]
    catalog = load_catalog(root, guards=guards, effects=effects, strict=False)
    assert catalog.get("jidou-teate-nintei").category == "kaigo"  # the first one is kept


def test_unknown_core_system(root: Path) -> None:
    assert mistakes_in(
        root, edit(MINIMAL, "core_system: jidou-teate", "core_system: jidouteate")
    ) == [f"{DEF}: core_system: unknown core system 'jidouteate' (did you mean 'jidou-teate'?)"]


# --- mistakes: guards and effects ---------------------------------------------------------


def test_unknown_guard_with_suggestion(root: Path) -> None:
    text = edit(
        MINIMAL,
        "      dest: approved\n",
        "      dest: approved\n      add_guards:\n        - name: data_presnt\n"
        "          params: {paths: [monthly_amount]}\n",
    )
    assert mistakes_in(root, text) == [
        f"{DEF}: workflow.transitions[0].add_guards[0].name: unknown guard 'data_presnt' "
        "(did you mean 'data_present'?)"
    ]


def test_bad_guard_params(root: Path) -> None:
    text = edit(
        MINIMAL,
        "      dest: approved\n",
        "      dest: approved\n      guards:\n        - name: data_present\n"
        "          params: {paths: []}\n        - name: tasks_done\n"
        "          params: {trigger: [approve]}\n        - data_present\n",
    )
    assert mistakes_in(root, text) == [
        f"{DEF}: workflow.transitions[0].guards[0].params.paths: List should have at least 1 "
        "item after validation, not 0",
        f"{DEF}: workflow.transitions[0].guards[1].params.trigger: Extra inputs are not permitted",
        f"{DEF}: workflow.transitions[0].guards[1].params.triggers: Field required",
        f"{DEF}: workflow.transitions[0].guards[2].params.paths: Field required",
    ]


def test_unknown_effect_added_to_a_shape_transition_is_reported_at_add_effects(
    root: Path,
) -> None:
    """The shape's ``notify`` already has an effect: the added one is add_effects[0]."""
    text = edit(
        MINIMAL,
        "          min: 0\n",
        "          min: 0\n    - trigger: notify\n      add_effects:\n"
        "        - name: notify_residents\n"
        "          params: {title: {ja: 通知}, body: {ja: 通知しました}}\n",
    )
    assert mistakes_in(root, text) == [
        f"{DEF}: workflow.transitions[1].add_effects[0].name: unknown effect "
        "'notify_residents' (did you mean 'notify_resident'?)"
    ]


def test_effects_replacing_the_shapes_are_reported_at_effects(root: Path) -> None:
    text = edit(
        MINIMAL,
        "          min: 0\n",
        "          min: 0\n    - trigger: notify\n      effects:\n"
        "        - name: notify_resident\n          params: {title: {ja: 通知}}\n"
        "      add_effects: [send_fax]\n",
    )
    assert mistakes_in(root, text) == [
        f"{DEF}: workflow.transitions[1].add_effects[0].name: unknown effect 'send_fax'",
        f"{DEF}: workflow.transitions[1].effects[0].params.body: Field required",
    ]


# --- mistakes: the form and transition inputs ---------------------------------------------


def test_unknown_field_type_in_the_form(root: Path) -> None:
    text = edit(MINIMAL, "          type: yes_no", "          type: yesno")
    assert mistakes_in(root, text) == [
        f"{DEF}: form.steps[0].fields[1].type: unknown field type 'yesno' (did you mean 'yes_no'?)",
    ]


def test_form_expression_referencing_an_unknown_field(root: Path) -> None:
    text = edit(MINIMAL, '{"var": "has_spouse"}', '{"var": "has_spose"}')
    assert mistakes_in(root, text) == [
        f"{DEF}: form.steps[0].fields[2].visible_if: 'var' refers to 'has_spose', which is "
        "not a declared field (did you mean 'has_spouse'?)"
    ]


def test_form_parameter_that_does_not_apply(root: Path) -> None:
    text = edit(
        MINIMAL, "          type: yes_no\n", "          type: yes_no\n          max_length: 3\n"
    )
    assert mistakes_in(root, text) == [
        f"{DEF}: form.steps[0].fields[1].max_length: 'max_length' does not apply to type 'yes_no'"
    ]


def test_mistakes_in_transition_inputs_are_reported(root: Path) -> None:
    text = edit(MINIMAL, "          type: money", "          type: moeny")
    text = edit(
        text,
        "          min: 0\n",
        "          min: 0\n"
        "        - id: monthly_amount\n          type: text\n          label: {ja: 備考}\n"
        "        - id: note\n          type: text\n          label: {ja: 備考}\n"
        '          visible_if: {"present": [{"var": "amount"}]}\n',
    )
    assert mistakes_in(root, text) == [
        f"{DEF}: workflow.transitions[0].inputs[0].type: unknown field type 'moeny' (did you "
        "mean 'money'?)",
        f"{DEF}: workflow.transitions[0].inputs[1].id: duplicate field id 'monthly_amount' "
        "(already at inputs[0])",
        f"{DEF}: workflow.transitions[0].inputs[2].visible_if: 'var' refers to 'amount', "
        "which is not a declared field (did you mean 'monthly_amount'?)",
    ]


def test_mistake_in_the_inputs_of_a_shape_is_reported_against_the_shape(root: Path) -> None:
    edit_shape(
        root,
        "care_assessment",
        "      inputs:\n        - id: care_level\n          type: choice",
        "      inputs:\n        - id: care_level\n          type: choise",
    )
    assert mistakes(root) == [
        "procedures/_shapes/care_assessment.yaml: workflow.transitions[11].inputs[0].type: "
        "unknown field type 'choise' (did you mean 'choice'?)"
    ]


# --- mistakes: soundness of the merged workflow -------------------------------------------

NEW_STATE = """\
  states:
    - id: {id}
      label: {{ja: 保留中, en: On hold}}
      portal_status: in_progress
"""


def test_unreachable_state(root: Path) -> None:
    text = edit(
        MINIMAL,
        "workflow:\n",
        "workflow:\n  states:\n    - id: archived\n      label: {ja: 保存済み}\n"
        "      portal_status: done\n      terminal: true\n",
    )
    assert mistakes_in(root, text) == [
        f"{DEF}: workflow.states[0]: state 'archived' cannot be reached from 'submitted'"
    ]


def test_terminal_state_with_outgoing_transitions(root: Path) -> None:
    """A transition added from the shape's terminal state is blamed, not the shape."""
    text = edit(
        MINIMAL,
        "          min: 0\n",
        "          min: 0\n    - trigger: reopen\n      source: [under_review, closed]\n"
        "      dest: under_review\n      label: {ja: 再開}\n      roles: [review]\n",
    )
    assert mistakes_in(root, text) == [
        f"{DEF}: workflow.transitions[1].source[1]: terminal state 'closed' has outgoing "
        "transitions"
    ]


def test_state_made_terminal_while_transitions_leave_it(root: Path) -> None:
    text = edit(
        MINIMAL,
        "workflow:\n",
        "workflow:\n  states:\n    - id: approved\n      terminal: true\n",
    )
    assert mistakes_in(root, text) == [
        f"{DEF}: workflow.states[0].terminal: terminal state 'approved' has outgoing transitions"
    ]


def test_non_terminal_dead_end(root: Path) -> None:
    text = edit(MINIMAL, "workflow:\n", "workflow:\n" + NEW_STATE.format(id="on_hold"))
    text = edit(
        text,
        "          min: 0\n",
        "          min: 0\n    - trigger: hold\n      source: under_review\n      dest: on_hold\n"
        "      label: {ja: 保留}\n      roles: review\n"
        "    - trigger: note\n      source: on_hold\n      dest: on_hold\n"
        "      label: {ja: メモ}\n      roles: [review]\n",
    )
    # a reflexive transition alone does not leave the state
    assert mistakes_in(root, text) == [
        f"{DEF}: workflow.states[0]: state 'on_hold' is not terminal but no transition leaves it"
    ]


def test_removing_transitions_so_a_shape_state_is_stranded_is_blamed_on_the_definition(
    root: Path,
) -> None:
    text = edit(MINIMAL, "workflow:\n", "workflow:\n  remove_transitions: [notify]\n")
    lines = mistakes_in(root, text)
    assert lines == [
        f"{DEF}: workflow: state 'approved' is not terminal but no transition leaves it, after "
        "this definition's changes to shape 'application'",
        f"{DEF}: workflow: state 'closed' cannot be reached from 'submitted', after this "
        "definition's changes to shape 'application'",
        f"{DEF}: workflow: state 'rejected' is not terminal but no transition leaves it, after "
        "this definition's changes to shape 'application'",
    ]
    assert not any(APP in line for line in lines)


def test_duplicate_trigger_in_a_shape(root: Path) -> None:
    edit_shape(
        root,
        "application",
        "    - trigger: return_to_review",
        "    - trigger: reject",
    )
    write_def(root)
    assert mistakes(root) == [f"{APP}: workflow.transitions[8].trigger: duplicate trigger 'reject'"]


def test_duplicate_trigger_among_the_definitions_overrides(root: Path) -> None:
    text = edit(
        MINIMAL,
        "          min: 0\n",
        "          min: 0\n    - trigger: approve\n      roles: [admin]\n",
    )
    assert mistakes_in(root, text) == [
        f"{DEF}: workflow.transitions[1].trigger: duplicate trigger 'approve' (already at "
        "workflow.transitions[0])"
    ]


def test_new_transition_missing_keys(root: Path) -> None:
    text = edit(
        MINIMAL,
        "          min: 0\n",
        "          min: 0\n    - trigger: suspend\n      label: {ja: 停止}\n"
        "    - trigger: resume\n",
    )
    assert mistakes_in(root, text) == [
        f"{DEF}: workflow.transitions[1]: new transition 'suspend' needs source, dest, roles",
        f"{DEF}: workflow.transitions[2]: new transition 'resume' needs source, dest, label, roles",
    ]


def test_new_state_missing_keys(root: Path) -> None:
    text = edit(
        MINIMAL, "workflow:\n", "workflow:\n  states:\n    - id: on_hold\n      clock: paused\n"
    )
    assert mistakes_in(root, text) == [
        f"{DEF}: workflow.states[0]: new state 'on_hold' needs label, portal_status"
    ]


def test_override_keys_must_not_be_null_or_empty(root: Path) -> None:
    text = edit(
        MINIMAL, "      dest: approved\n", "      dest:\n      roles: []\n      guards: null\n"
    )
    assert mistakes_in(root, text) == [
        f"{DEF}: workflow.transitions[0].dest: must have a value: write one, or leave the key out",
        f"{DEF}: workflow.transitions[0].guards: must have a value: write one, or leave the key "
        "out",
    ]
    text = edit(MINIMAL, "      dest: approved\n", "      roles: []\n      source: []\n")
    assert mistakes_in(root, text) == [
        f"{DEF}: workflow.transitions[0].roles: Tuple should have at least 1 item after "
        "validation, not 0",
        f"{DEF}: workflow.transitions[0].source: Tuple should have at least 1 item after "
        "validation, not 0",
    ]


def test_remove_states_and_remove_transitions_naming_unknown_ones(root: Path) -> None:
    text = edit(
        MINIMAL,
        "workflow:\n",
        "workflow:\n  remove_states: [withdrawm]\n"
        "  remove_transitions: [return_to_reveiw, withdraw, withdraw]\n",
    )
    assert mistakes_in(root, text) == [
        f"{DEF}: workflow.remove_states[0]: unknown state 'withdrawm' (did you mean 'withdrawn'?)",
        f"{DEF}: workflow.remove_transitions[0]: unknown transition 'return_to_reveiw' (did "
        "you mean 'return_to_review'?)",
        f"{DEF}: workflow.remove_transitions[2]: transition 'withdraw' is already removed",
    ]


def test_removing_a_state_a_shape_transition_uses_points_at_remove_states(root: Path) -> None:
    """The shape is fine: the mistake is the definition's ``remove_states`` entry."""
    text = edit(MINIMAL, "workflow:\n", "workflow:\n  remove_states: [withdrawn, intake_error]\n")
    lines = mistakes_in(root, text)
    assert lines == [
        f"{DEF}: workflow.remove_states[0]: removed state 'withdrawn' is still the dest of "
        "transition 'withdraw' (shape 'application'): remove that transition too, or override "
        "its dest",
        f"{DEF}: workflow.remove_states[1]: removed state 'intake_error' is still the dest of "
        "transition 'reject_intake' (shape 'application'): remove that transition too, or "
        "override its dest",
    ]
    assert not any(APP in line for line in lines)
    # Doing what the message says makes it load.
    write_def(
        root,
        edit(
            MINIMAL,
            "workflow:\n",
            "workflow:\n  remove_states: [withdrawn, intake_error]\n"
            "  remove_transitions: [withdraw, reject_intake]\n",
        ),
    )
    wf = load(root).get("jidou-teate-nintei").workflow
    assert "withdrawn" not in {s.id for s in wf.states}
    assert "withdraw" not in {t.trigger for t in wf.transitions}


def test_removing_a_state_used_as_a_source_and_by_the_definition(root: Path) -> None:
    text = edit(MINIMAL, "workflow:\n", "workflow:\n  remove_states: [awaiting_sign_off]\n")
    text = edit(
        text, "      dest: approved\n", "      source: [under_review]\n      dest: approved\n"
    )
    text = edit(
        text,
        "          min: 0\n",
        "          min: 0\n    - trigger: reject\n      source: [under_review]\n"
        "    - trigger: escalate\n      source: [under_review]\n      dest: awaiting_sign_off\n"
        "      label: {ja: 上申}\n      roles: [review]\n",
    )
    lines = mistakes_in(root, text)
    assert lines == [
        f"{DEF}: workflow.remove_states[0]: removed state 'awaiting_sign_off' is still a source "
        "of transition 'return_to_review' (shape 'application'): remove that transition too, or "
        "override its source",
        f"{DEF}: workflow.remove_states[0]: removed state 'awaiting_sign_off' is still a source "
        "of transition 'withdraw' (shape 'application'): remove that transition too, or "
        "override its source",
        f"{DEF}: workflow.remove_states[0]: removed state 'awaiting_sign_off' is still the dest "
        "of transition 'submit_for_sign_off' (shape 'application'): remove that transition "
        "too, or override its dest",
        f"{DEF}: workflow.transitions[2].dest: unknown state 'awaiting_sign_off' (removed by "
        "workflow.remove_states[0])",
    ]


def test_removing_the_initial_state(root: Path) -> None:
    text = edit(
        MINIMAL,
        "workflow:\n",
        "workflow:\n  remove_states: [submitted]\n  remove_transitions: [receive, reject_intake]\n"
        "  transitions:\n    - trigger: withdraw\n"
        "      source: [received, under_review, correction_requested, awaiting_sign_off]\n",
    )
    text = edit(text, "  transitions:\n    - trigger: approve", "    - trigger: approve")
    text = edit(text, '    "on": [receive]', '    "on": [start_review]')
    assert mistakes_in(root, text) == [
        f"{DEF}: workflow.remove_states[0]: removed state 'submitted' is the initial state "
        "(shape 'application'): set workflow.initial to another state"
    ]
    fixed = edit(text, "[submitted]", "[submitted, intake_error]")
    write_def(root, edit(fixed, "workflow:\n", "workflow:\n  initial: received\n"))
    assert load(root).get("jidou-teate-nintei").workflow.initial == "received"


# --- mistakes: documents, effective period, replacement ------------------------------------


def test_documents_on_naming_an_unknown_trigger(root: Path) -> None:
    text = edit(MINIMAL, '    "on": [approve]', '    "on": [notify, aprove]')
    assert mistakes_in(root, text) == [
        f"{DEF}: documents[1].on[1]: unknown transition 'aprove' (did you mean 'approve'?)"
    ]


def test_duplicate_document_ids(root: Path) -> None:
    text = edit(MINIMAL, "  - id: decision_notice", "  - id: receipt")
    assert mistakes_in(root, text) == [
        f"{DEF}: documents[1].id: duplicate document id 'receipt' (already at documents[0])"
    ]


def test_valid_until_before_valid_from(root: Path) -> None:
    text = edit(
        MINIMAL,
        "  valid_from: 2024-10-01\n",
        "  valid_from: 2024-10-01\n  valid_until: 2024-09-30\n",
    )
    assert mistakes_in(root, text) == [
        f"{DEF}: effective.valid_until: is before effective.valid_from"
    ]
    # The last day may be the first day.
    write_def(
        root,
        edit(
            MINIMAL,
            "  valid_from: 2024-10-01\n",
            "  valid_from: 2024-10-01\n  valid_until: 2024-10-01\n",
        ),
    )
    assert load(root).get("jidou-teate-nintei").effective.valid_until is not None


def _replaced_by(target: str) -> str:
    return edit(
        MINIMAL,
        "  valid_from: 2024-10-01\n",
        f"  valid_from: 2024-10-01\n  valid_until: 2030-03-31\n  replaced_by: {target}\n",
    )


def _successor(text: str = MINIMAL) -> str:
    return edit(text, "id: jidou-teate-nintei\n", "id: jidou-teate-nintei-v2\n")


def test_replaced_by_naming_an_unknown_procedure(root: Path) -> None:
    write_def(root, _successor(), "kosodate/jidou-teate-nintei-v2.yaml")
    assert mistakes_in(root, _replaced_by("jidou-teate-nintei-v3")) == [
        f"{DEF}: effective.replaced_by: unknown procedure 'jidou-teate-nintei-v3' (did you "
        "mean 'jidou-teate-nintei-v2'?)"
    ]
    write_def(root, _replaced_by("jidou-teate-nintei-v2"))
    proc = load(root).get("jidou-teate-nintei")
    assert proc.effective.replaced_by == "jidou-teate-nintei-v2"


def test_replacement_with_its_own_mistake_is_not_called_unknown(root: Path) -> None:
    broken = _successor(edit(MINIMAL, "dest: approved", "dest: aproved"))
    write_def(root, broken, "kosodate/jidou-teate-nintei-v2.yaml")
    assert mistakes_in(root, _replaced_by("jidou-teate-nintei-v2")) == [
        "procedures/kosodate/jidou-teate-nintei-v2.yaml: workflow.transitions[0].dest: unknown "
        "state 'aproved' (did you mean 'approved'?)"
    ]


def test_a_procedure_cannot_replace_itself(root: Path) -> None:
    assert mistakes_in(root, _replaced_by("jidou-teate-nintei")) == [
        f"{DEF}: effective.replaced_by: a procedure cannot be replaced by itself"
    ]


# --- mistakes: YAML and files ---------------------------------------------------------------


def test_yaml_syntax_error_with_line_and_column(root: Path) -> None:
    text = edit(MINIMAL, "office: municipality\n", "office: municipality\n  area: tokyo\n")
    assert mistakes_in(root, text) == [
        f"{DEF}: not valid YAML: line 7, column 7: mapping values are not allowed in this context"
    ]


def test_yaml_unclosed_flow_mapping(root: Path) -> None:
    text = edit(
        MINIMAL,
        "name: {ja: 児童手当の認定請求, en: Child allowance claim}",
        "name: {ja: 児童手当の認定請求",
    )
    assert mistakes_in(root, text) == [
        f"{DEF}: not valid YAML: line 5, column 8: did not find expected ',' or '}}'"
    ]


def test_duplicate_yaml_key_is_an_error_not_a_silent_override(root: Path) -> None:
    text = edit(MINIMAL, "retention_years: 5\n", "retention_years: 5\nretention_years: 10\n")
    assert mistakes_in(root, text) == [
        f"{DEF}: not valid YAML: line 14, column 1: found duplicate key 'retention_years'"
    ]
    # quoted and unquoted ``on`` are the same key
    text = edit(MINIMAL, '    "on": [receive]\n', '    "on": [receive]\n    on: [approve]\n')
    assert mistakes_in(root, text) == [
        f"{DEF}: not valid YAML: line 22, column 5: found duplicate key 'on'"
    ]


def test_yaml_anchors_and_merge_keys_still_work(root: Path) -> None:
    text = edit(
        MINIMAL,
        "name: {ja: 児童手当の認定請求, en: Child allowance claim}",
        "name: &n {ja: 児童手当の認定請求, en: Child allowance claim}",
    )
    text = edit(
        text,
        "summary: {ja: 児童手当を受け取るための請求です。, en: The claim for the child allowance.}",
        "summary:\n  <<: *n\n  en: The claim for the child allowance.",
    )
    write_def(root, text)
    proc = load(root).get("jidou-teate-nintei")
    assert (proc.summary.ja, proc.summary.en) == (
        "児童手当の認定請求",
        "The claim for the child allowance.",
    )


def test_file_that_is_not_a_mapping_or_not_utf8(root: Path) -> None:
    write(root, "kosodate/a-list.yaml", "- id: a-list\n")
    (root / "kosodate" / "latin1.yaml").write_bytes("name: caf\xe9\n".encode("latin-1"))
    write(root, "kosodate/empty.yaml", "")
    assert mistakes(root) == [
        "procedures/kosodate/a-list.yaml: must be a mapping of keys to values",
        "procedures/kosodate/empty.yaml: must be a mapping of keys to values",
        "procedures/kosodate/latin1.yaml: not UTF-8 text: byte 9 cannot be decoded",
    ]


def test_files_that_would_be_silently_ignored_are_reported(root: Path) -> None:
    write_def(root, rel="kosodate/jidou-teate-nintei.yml")
    write(root, "stray.yaml", "id: stray\n")
    write(root, "_shapes/extra.yml", "shape: extra\n")
    assert mistakes(root) == [
        "procedures/_shapes/extra.yml: shape files must end in .yaml; this one is not loaded",
        "procedures/kosodate/jidou-teate-nintei.yml: definition files must end in .yaml; this "
        "one is not loaded",
        "procedures/stray.yaml: definitions go in a category folder: <category>/<id>.yaml",
    ]


def test_missing_procedures_folder(tmp_path: Path) -> None:
    missing = tmp_path / "procedures"
    with pytest.raises(DefinitionErrors) as info:
        load(missing)
    assert [str(e) for e in info.value.errors] == [
        f"{missing}: is not a folder of procedure definitions"
    ]


# --- mistakes in shape files ----------------------------------------------------------------


def test_mistake_in_a_shape_is_reported_against_the_shape_file(root: Path) -> None:
    edit_shape(
        root,
        "application",
        "      dest: under_review\n      label: {ja: 審査開始",
        "      dest: under_reveiw\n      label: {ja: 審査開始",
    )
    write_def(root)  # extends the broken shape; not blamed for it
    assert mistakes(root) == [
        f"{APP}: workflow.transitions[2].dest: unknown state 'under_reveiw' (did you mean "
        "'under_review'?)"
    ]


def test_definition_of_a_broken_shape_still_reports_its_own_mistakes(root: Path) -> None:
    edit_shape(root, "application", "    - trigger: return_to_review", "    - trigger: reject")
    write_def(root, edit(MINIMAL, "dest: approved", "dest: aproved"))
    assert mistakes(root) == [
        f"{APP}: workflow.transitions[8].trigger: duplicate trigger 'reject'",
        f"{DEF}: workflow.transitions[0].dest: unknown state 'aproved' (did you mean 'approved'?)",
    ]
    catalog = load_catalog(root, guards=guards, effects=effects, strict=False)
    assert catalog.procedures == {}


def test_shape_references_are_checked_without_any_definition(root: Path) -> None:
    edit_shape(
        root,
        "reissue",
        "      roles: [intake, review]\n      effects:\n        - name: notify_resident",
        "      roles: [intake, review]\n      effects:\n        - name: notify_resident_now",
    )
    edit_shape(root, "tax_return", "shape: tax_return", "shape: taxreturn")
    assert mistakes(root) == [
        "procedures/_shapes/reissue.yaml: workflow.transitions[4].effects[0].name: unknown "
        "effect 'notify_resident_now' (did you mean 'notify_resident'?)",
        "procedures/_shapes/tax_return.yaml: shape: 'taxreturn' must match the file name "
        "'tax_return'",
    ]


def test_a_shape_mistake_is_reported_once_for_all_definitions(root: Path) -> None:
    edit_shape(
        root,
        "application",
        "        - name: notify_resident\n          params:\n            title: {ja: 審査結果",
        "        - name: notify_residnt\n          params:\n            title: {ja: 審査結果",
    )
    write_def(root)
    write_def(root, _successor(), "kosodate/jidou-teate-nintei-v2.yaml")
    catalog = load_catalog(root, guards=guards, effects=effects, strict=False)
    assert [str(e) for e in catalog.errors] == [
        f"{APP}: workflow.transitions[9].effects[0].name: unknown effect 'notify_residnt' "
        "(did you mean 'notify_resident'?)"
    ]
    # neither definition loads on a shape whose transition cannot run
    assert catalog.procedures == {}


# --- all at once ----------------------------------------------------------------------------


def test_three_unrelated_mistakes_are_all_reported_in_one_load(root: Path) -> None:
    text = edit(MINIMAL, "dest: approved", "dest: aproved")
    text = edit(text, "          type: yes_no", "          type: yes_or_no")
    text = edit(text, '    "on": [approve]', '    "on": [aprove]')
    write_def(root, text)
    write(
        root,
        "kaigo/youkaigo-nintei.yaml",
        edit(_successor(), "category: kosodate", "category: kaigo")
        .replace("id: jidou-teate-nintei-v2", "id: youkaigo-nintei")
        .replace("extends: application", "extends: care_asessment"),
    )
    assert mistakes(root) == [
        "procedures/kaigo/youkaigo-nintei.yaml: extends: unknown shape 'care_asessment' (did "
        "you mean 'care_assessment'?)",
        f"{DEF}: documents[1].on[0]: unknown transition 'aprove' (did you mean 'approve'?)",
        f"{DEF}: form.steps[0].fields[1].type: unknown field type 'yes_or_no' (did you mean "
        "'yes_no'?)",
        f"{DEF}: workflow.transitions[0].dest: unknown state 'aproved' (did you mean 'approved'?)",
    ]


def test_a_failed_override_does_not_hide_other_mistakes(root: Path) -> None:
    text = edit(MINIMAL, "workflow:\n", "workflow:\n  remove_transitions: [notfy]\n")
    text = edit(text, "          type: money", "          type: mony")
    text = edit(text, '    "on": [approve]', '    "on": [approve, sign]')
    assert mistakes_in(root, text) == [
        f"{DEF}: documents[1].on[1]: unknown transition 'sign'",
        f"{DEF}: workflow.remove_transitions[0]: unknown transition 'notfy' (did you mean "
        "'notify'?)",
        f"{DEF}: workflow.transitions[0].inputs[0].type: unknown field type 'mony' (did you "
        "mean 'money'?)",
    ]


def test_non_strict_load_keeps_what_loaded_and_lists_the_rest(root: Path) -> None:
    write_def(root)
    write_def(
        root,
        _successor(edit(MINIMAL, "dest: approved", "dest: aproved")),
        "kosodate/jidou-teate-nintei-v2.yaml",
    )
    catalog = load_catalog(root, guards=guards, effects=effects, strict=False)
    assert list(catalog.procedures) == ["jidou-teate-nintei"]
    assert catalog.errors == (
        DefinitionError(
            "procedures/kosodate/jidou-teate-nintei-v2.yaml",
            "workflow.transitions[0].dest",
            "unknown state 'aproved' (did you mean 'approved'?)",
        ),
    )


# --- errors module --------------------------------------------------------------------------


def test_definition_errors_are_sorted_and_deduplicated() -> None:
    b = DefinitionError("procedures/b.yaml", "id", "x")
    a = DefinitionError("procedures/a.yaml", "", "not valid YAML")
    err = DefinitionErrors([b, a, b])
    assert err.errors == (a, b)
    assert str(err) == "procedures/a.yaml: not valid YAML\nprocedures/b.yaml: id: x"


def test_did_you_mean_and_join_path() -> None:
    assert did_you_mean("aproved", ["approved", "rejected"]) == " (did you mean 'approved'?)"
    assert did_you_mean("zzz", ["approved"]) == ""
    assert join_path("workflow", "transitions", 3, "dest") == "workflow.transitions[3].dest"
    assert join_path("", "form", "steps[0]", "") == "form.steps[0]"


# --- workflow checks ------------------------------------------------------------------------


def _wf(
    states: list[tuple[str, bool]],
    transitions: list[tuple[str, list[str], str]],
    initial: str = "a",
) -> Workflow:
    return Workflow.model_validate(
        {
            "initial": initial,
            "states": [
                {"id": sid, "label": {"ja": sid}, "portal_status": "done", "terminal": term}
                for sid, term in states
            ],
            "transitions": [
                {
                    "trigger": trig,
                    "source": src,
                    "dest": dest,
                    "label": {"ja": trig},
                    "roles": ["review"],
                }
                for trig, src, dest in transitions
            ],
        }
    )


def test_workflow_checks_accept_a_sound_workflow() -> None:
    wf = _wf(
        [("a", False), ("b", False), ("done", True)],
        [("go", ["a"], "b"), ("stay", ["b"], "b"), ("end", ["a", "b"], "done")],
    )
    assert check_workflow(wf) == []


def test_workflow_checks_every_shipped_shape_is_sound(settings: Settings) -> None:
    for shape in load_procedures(settings).shapes.values():
        assert check_workflow(shape.workflow) == [], shape.shape


def test_workflow_checks_unknown_and_duplicate_names() -> None:
    wf = _wf(
        [("a", False), ("a", False), ("done", True)],
        [("go", ["a", "bb"], "done"), ("go", ["a"], "dnoe")],
        initial="aa",
    )
    issues = check_workflow(wf)
    assert issues == [
        Issue("states", 1, "id", "duplicate state 'a'"),
        Issue("", 0, "initial", "unknown state 'aa' (did you mean 'a'?)"),
        Issue("transitions", 0, "source[1]", "unknown state 'bb'"),
        Issue("transitions", 1, "trigger", "duplicate trigger 'go'"),
        Issue("transitions", 1, "dest", "unknown state 'dnoe' (did you mean 'done'?)"),
    ]
    assert [i.path() for i in issues] == [
        "states[1].id",
        "initial",
        "transitions[0].source[1]",
        "transitions[1].trigger",
        "transitions[1].dest",
    ]


def test_workflow_checks_terminal_dead_end_and_unreachable() -> None:
    wf = _wf(
        [("a", False), ("stuck", False), ("done", True), ("island", True)],
        [
            ("go", ["a"], "stuck"),
            ("poke", ["stuck"], "stuck"),
            ("end", ["a"], "done"),
            ("undo", ["done"], "done"),
        ],
    )
    assert check_workflow(wf) == [
        Issue("states", 1, "", "state 'stuck' is not terminal but no transition leaves it"),
        # even a reflexive transition may not leave a terminal state
        Issue("states", 2, "terminal", "terminal state 'done' has outgoing transitions"),
        Issue("states", 3, "", "state 'island' cannot be reached from 'a'"),
    ]


def test_workflow_checks_no_terminal_state_reachable() -> None:
    wf = _wf(
        [("a", False), ("b", False), ("done", True)],
        [("go", ["a"], "b"), ("back", ["b"], "a")],
    )
    issues = check_workflow(wf)
    assert issues == [
        Issue("states", 2, "", "state 'done' cannot be reached from 'a'"),
        Issue("", 0, "states", "no terminal state can be reached"),
    ]
    assert issues[1].path() == "states"


def test_the_five_slips_of_the_tutorial_are_reported_at_once(root: Path) -> None:
    """docs/adding-a-procedure.md, "Check it": five typos in the example, five lines."""
    example = REPO / "docs/examples/procedures/kosodate/kodomo-iryouhi-saikoufu.yaml"
    text = example.read_text(encoding="utf-8")
    text = edit(text, "          type: textarea", "          type: text_area")
    text = edit(text, '{"==": [{"var": "reason"}, stolen]}', '{"==": [{"var": "reasons"}, stolen]}')
    text = edit(text, '    "on": [issue]', '    "on": [isue]')
    text = edit(
        text,
        "    - trigger: deliver\n",
        "    - trigger: issue_at_counter\n      source: [received]\n      dest: isued\n"
        "      label: {ja: 窓口で発行}\n      roles: [intake]\n    - trigger: deliver\n",
    )
    text = edit(text, "        - name: notify_resident\n", "        - name: notify_residents\n")
    write(root, "kosodate/kodomo-iryouhi-saikoufu.yaml", text)
    name = "procedures/kosodate/kodomo-iryouhi-saikoufu.yaml"
    assert mistakes(root) == [
        f"{name}: documents[1].on[0]: unknown transition 'isue' (did you mean 'issue'?)",
        f"{name}: form.steps[0].fields[1].type: unknown field type 'text_area' (did you mean "
        "'textarea'?)",
        f"{name}: form.steps[0].fields[2].visible_if: 'var' refers to 'reasons', which is not "
        "a declared field (did you mean 'reason'?)",
        f"{name}: workflow.transitions[1].dest: unknown state 'isued' (did you mean 'issued'?)",
        # the file says add_effects: the path says so too
        f"{name}: workflow.transitions[2].add_effects[0].name: unknown effect "
        "'notify_residents' (did you mean 'notify_resident'?)",
    ]


def test_tasks_done_names_triggers_of_the_workflow(tmp_path: Path) -> None:
    root = tmp_path / "procedures"
    shutil.copytree(REPO / "procedures" / "_shapes", root / "_shapes")
    shape = root / "_shapes" / "care_assessment.yaml"
    shape.write_text(
        shape.read_text(encoding="utf-8").replace(
            "triggers: [record_survey, record_opinion]", "triggers: [record_survey, record_opinon]"
        ),
        encoding="utf-8",
    )
    with pytest.raises(DefinitionErrors) as exc:
        load_catalog(root, guards=guards, effects=effects)
    assert any(
        "guards[0].params.triggers[1]: unknown transition 'record_opinon' "
        "(did you mean 'record_opinion'?)" in str(e)
        for e in exc.value.errors
    ), [str(e) for e in exc.value.errors]


def test_demo_staff_work_in_every_department_the_definitions_name(settings: Settings) -> None:
    from adapters.mock.oidc_staff import DEMO_STAFF, DEPARTMENTS

    named = {d for p in load_procedures(settings) for d in p.departments}
    staffed = {d for account in DEMO_STAFF for d in account.departments}
    assert named <= staffed <= set(DEPARTMENTS)
