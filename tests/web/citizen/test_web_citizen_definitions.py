"""The resident screens work for any definition: every procedure filed here, with its sample
answers, shows its page, each of its steps and a clean "check your answers" page."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session
from web_citizen_support import NEWBORN, PUBLIC, Resident

from engine.drafts import Draft, save_answers
from engine.runtime import Runtime
from procedures.samples import sample, sample_ids
from web.citizen.browse import filed_here


def test_every_procedure_with_a_sample_renders_each_step_and_checks_clean(
    resident: Resident, web_rt: Runtime
) -> None:
    resident.login(NEWBORN[0], NEWBORN[1])
    tried = []
    for proc in web_rt.catalog:
        if proc.id not in sample_ids():
            continue
        page = resident.client.get(f"/procedures/{proc.id}")
        assert page.status_code == 200, proc.id
        if not filed_here(proc) or not proc.accepts_filings_on(dt.date.today()):
            continue
        started = resident.post(f"/procedures/{proc.id}/start", {}, page=f"/procedures/{proc.id}")
        assert started.status_code == 302, proc.id
        draft_id = started.headers["Location"].removeprefix(PUBLIC).split("/")[2]
        with Session(web_rt.db) as s:
            row = s.get(Draft, draft_id)
            assert row is not None
            save_answers(web_rt, s, row, sample(proc.id), proc.form.steps[0].id)
            s.commit()
        for step in proc.form.steps:
            shown = resident.client.get(f"/drafts/{draft_id}/steps/{step.id}")
            assert shown.status_code == 200, (proc.id, step.id)
        check = resident.client.get(f"/drafts/{draft_id}/check")
        assert check.status_code == 200, proc.id
        assert "入力内容の確認" in check.text, (proc.id, "the sample has mistakes?")
        tried.append(proc.id)
    assert "jidou-teate-nintei" in tried
    assert "ninshin-todoke" in tried
