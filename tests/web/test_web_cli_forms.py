"""`madoguchi forms validate` and `madoguchi procedures schema`: the same code path as the API."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from procedures.samples import sample
from web.cli import main


def _run(tmp_path: Path, *args: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")}
    env["MADOGUCHI_DATA_DIR"] = str(tmp_path)
    res = CliRunner(env=env).invoke(main, list(args))
    return res.exit_code, res.output


def test_valid_payload_prints_it_normalised(tmp_path: Path) -> None:
    payload = sample("jidou-teate-nintei")
    payload["claimant"]["phone"] = "０９０－１２３４－５６７８"
    (tmp_path / "p.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    code, out = _run(tmp_path, "forms", "validate", "jidou-teate-nintei", str(tmp_path / "p.json"))
    assert code == 0, out
    data = json.loads(out)
    assert data["claimant"]["phone"] == "09012345678"
    assert data["consent_records"]["agreed"] is True
    assert data["consent_records"]["wording"].startswith("児童手当の認定と支給のために")


def test_every_mistake_is_printed_and_exit_is_1(tmp_path: Path) -> None:
    payload = sample("ninshin-todoke")
    payload["my_number"] = "123456789012"
    payload["pregnancy_weeks"] = 60
    payload["typo_field"] = "x"
    (tmp_path / "p.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    code, out = _run(
        tmp_path, "forms", "validate", "ninshin-todoke", str(tmp_path / "p.json"), "--json"
    )
    assert code == 1
    errors = {e["path"]: e for e in json.loads(out)["errors"]}
    assert set(errors) == {"my_number", "pregnancy_weeks", "typo_field"}
    assert errors["my_number"]["code"] == "check_digit"
    assert errors["typo_field"]["code"] == "unknown_field"
    assert errors["my_number"]["message"]["en"].startswith("The check digit of My Number")


def test_not_json_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text("{'name': 1}", encoding="utf-8")
    code, out = _run(tmp_path, "forms", "validate", "ninshin-todoke", str(tmp_path / "p.json"))
    assert code == 1
    assert "is not JSON: line 1, column 2" in out


def test_schema_describes_the_payload(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "procedures", "schema", "jidou-teate-nintei")
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "児童手当等の受給資格及び児童手当の額についての認定請求"
    assert schema["additionalProperties"] is False
    children = schema["properties"]["children"]
    assert (children["type"], children["minItems"], children["maxItems"]) == ("array", 1, 10)
