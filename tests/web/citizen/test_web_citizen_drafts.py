"""engine.drafts on SQLite and PostgreSQL: saved answers, expiry, signed filing exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from adapters import service
from adapters.mock.world import world_from_config
from engine import drafts, signing
from engine.actors import Actor
from engine.models import Case
from engine.runtime import Runtime
from procedures.samples import sample

RESIDENT = "1000000102"  # 佐藤 美咲 (family_expecting)
PASSWORD = "MISAKI31"
PROCEDURE = "ninshin-todoke"


def _answers(rt: Runtime) -> dict[str, object]:
    data = sample(PROCEDURE)
    person = service.resident_registry(rt.adapter_config).by_resident_number(RESIDENT)
    assert person is not None
    for path, spec in rt.catalog.get(PROCEDURE).form.iter_fields():
        if spec.prefill == signing.APPLICANT_NUMBER_SOURCE and "[]" not in path:
            node = data
            *parents, leaf = path.split(".")
            for part in parents:
                node = node[part]
            node[leaf] = person.my_number
    return data


def test_a_signed_draft_is_filed_once(rt: Runtime) -> None:
    actor = Actor.resident(RESIDENT)
    answers = _answers(rt)
    card = world_from_config(rt.adapter_config).card_reader
    verifier = service.jpki_verifier(rt.adapter_config)
    with Session(rt.db, expire_on_commit=False) as s:
        row = drafts.start_draft(rt, s, PROCEDURE, RESIDENT, answers)
        s.commit()
        view = drafts.open_draft(rt, s, row)
        assert view.data == answers
        with pytest.raises(signing.SignatureRejected):
            drafts.file_draft(rt, s, row, actor, verifier=verifier)
        signature = card.sign(RESIDENT, signing.signed_bytes(view.data), PASSWORD)
        first = drafts.file_draft(rt, s, row, actor, signature=signature, verifier=verifier)
        s.commit()
        again = drafts.file_draft(rt, s, row, actor, signature=signature, verifier=verifier)
        assert first.created
        assert not again.created
        assert again.case.id == first.case.id
        assert len(s.exec(select(Case)).all()) == 1


def test_a_signature_over_other_answers_is_refused(rt: Runtime) -> None:
    actor = Actor.resident(RESIDENT)
    card = world_from_config(rt.adapter_config).card_reader
    verifier = service.jpki_verifier(rt.adapter_config)
    with Session(rt.db, expire_on_commit=False) as s:
        row = drafts.start_draft(rt, s, PROCEDURE, RESIDENT, _answers(rt))
        signature = card.sign(RESIDENT, b'{"something":"else"}', PASSWORD)
        with pytest.raises(signing.SignatureRejected):
            drafts.file_draft(rt, s, row, actor, signature=signature, verifier=verifier)
        assert s.exec(select(Case)).first() is None


def test_drafts_expire_and_are_purged(rt: Runtime) -> None:
    now = dt.datetime.now(dt.UTC)
    with Session(rt.db, expire_on_commit=False) as s:
        row = drafts.start_draft(rt, s, PROCEDURE, RESIDENT, {}, now=now)
        s.commit()
        later = now + dt.timedelta(days=rt.settings.draft_days - 2)
        assert drafts.expiry_warning(row, now=later)
        assert not drafts.expiry_warning(row, now=now)
        assert drafts.list_open_drafts(s, RESIDENT, now=later)
        gone = now + dt.timedelta(days=rt.settings.draft_days, seconds=1)
        with pytest.raises(drafts.NotFound):
            drafts.get_draft(rt, s, row.id, RESIDENT, now=gone)
        assert drafts.purge_expired(s, now=gone) == 1
        s.commit()
        assert s.get(drafts.Draft, row.id) is None


def test_the_background_purge_deletes_expired_drafts_and_keeps_the_rest(rt: Runtime) -> None:
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=rt.settings.draft_days + 1)
    with Session(rt.db, expire_on_commit=False) as s:
        old = drafts.start_draft(rt, s, PROCEDURE, RESIDENT, {}, now=long_ago)
        fresh = drafts.start_draft(rt, s, PROCEDURE, "1000000201", {})
        s.commit()
    assert drafts.purge_job(rt) == 1
    with Session(rt.db) as s:
        assert s.get(drafts.Draft, old.id) is None
        assert s.get(drafts.Draft, fresh.id) is not None
