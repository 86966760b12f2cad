"""The tutorial's test (docs/adding-a-procedure.md, section 6), run as written."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from engine.actors import Actor
from engine.cases import fire, submit
from engine.db import unit_of_work
from engine.runtime import build_runtime

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs/examples/procedures/kosodate/kodomo-iryouhi-saikoufu.yaml"
ANSWERS = {
    "reason": "damaged",
    "child_name": "山田 一郎",
    "child_kana": "ヤマダ イチロウ",
    "child_birth_date": "2020-01-01",
    "name": "山田 太郎",
    "kana": "ヤマダ タロウ",
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


def test_a_damaged_card_is_reissued_at_the_counter(tmp_path, settings, db):
    root = tmp_path / "procedures"
    shutil.copytree(REPO / "procedures/_shapes", root / "_shapes")
    (root / "kosodate").mkdir()
    shutil.copy(EXAMPLE, root / "kosodate")
    rt = build_runtime(dataclasses.replace(settings, procedures_dir=root), db)
    clerk = Actor.staff("clerk-1", {"intake"}, {"子育て支援課"})

    with unit_of_work(rt.db) as session:
        case_id = submit(
            rt,
            session,
            "kodomo-iryouhi-saikoufu",
            ANSWERS,
            actor=Actor.resident("r1"),
            applicant_id="r1",
            channel="online",
            idempotency_key="k1",
        ).case.id
    for trigger, inputs in [
        ("receive", None),
        ("issue", {"card_valid_until": "2027-03-31"}),
        ("deliver", None),
    ]:
        with unit_of_work(rt.db) as session:
            case = fire(rt, session, case_id, trigger, clerk, inputs=inputs)

    assert case.state == "delivered"
    assert rt.catalog.get("kodomo-iryouhi-saikoufu").portal_status(case.state) == "done"
