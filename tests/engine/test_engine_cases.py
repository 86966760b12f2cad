"""Filing and firing: what residents and staff notice when they act on a case."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session, col, select

from engine import calendar
from engine.actors import Actor
from engine.cases import fire, plain_data, submit
from engine.errors import (
    CommentRequired,
    ConflictError,
    IdempotencyConflict,
    InvalidTrigger,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from engine.models import Case, CaseEvent, OutboxMessage
from engine.runtime import Runtime
from procedures.samples import sample
from tests.engine.conftest import APPLICANT, KENKOU, RESIDENT, file_sample, staff
from tests.engine.test_engine_kosodate_workflows import newborn_claim


def _fire(rt: Runtime, case_id: str, trigger: str, actor: Actor, **kw: Any) -> Case:
    with Session(rt.db, expire_on_commit=False) as s:
        out = fire(rt, s, case_id, trigger, actor, **kw)
        s.commit()
        return out


def test_submission_creates_a_case_in_the_first_state(rt: Runtime, case: Case) -> None:
    assert case.state == "submitted"
    assert case.version == 1
    assert re.fullmatch(r"\d{4}-\d{5}-\d{5}", case.reference)
    proc = rt.catalog.get("jidou-teate-nintei")
    assert case.definition_version == proc.version
    assert case.due_date == calendar.due_date(case.created_at.date(), 30, "business_days")
    with Session(rt.db) as s:
        events = s.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    assert [(e.seq, e.trigger, e.from_state, e.to_state) for e in events] == [
        (1, "submit", None, "submitted")
    ]


def test_my_number_is_encrypted_at_rest_and_readable_by_the_engine(rt: Runtime, case: Case) -> None:
    with rt.db.connect() as conn:
        raw_case = conn.execute(text("SELECT data FROM cases WHERE id = :i"), {"i": case.id})
        raw_events = conn.execute(text("SELECT changes FROM case_events"))
        dumped = str(raw_case.scalar_one()) + str(raw_events.all())
    assert "123456789018" not in dumped
    assert "005667708640" not in dumped
    assert "$enc" in dumped
    proc = rt.catalog.get("jidou-teate-nintei")
    plain = plain_data(rt, case, proc)
    assert plain["claimant"]["my_number"] == "123456789018"
    assert plain["spouse"]["my_number"] == "005667708640"


def test_every_mistake_is_reported_at_once(rt: Runtime) -> None:
    data = sample("jidou-teate-nintei")
    data["claimant"]["my_number"] = "123456789012"
    data["children"][0]["birth_date"] = "2999-01-01"
    del data["claimant"]["kana"]
    with Session(rt.db) as s, pytest.raises(ValidationFailed) as exc:
        submit(
            rt,
            s,
            "jidou-teate-nintei",
            data,
            actor=RESIDENT,
            applicant_id=APPLICANT,
            channel="online",
            idempotency_key="k1",
        )
    paths = {e.path: e for e in exc.value.errors}
    assert set(paths) == {"claimant.my_number", "children[0].birth_date", "claimant.kana"}
    assert paths["claimant.my_number"].message.ja == (
        "個人番号（マイナンバー）の確認用の数字が正しくありません。"
        "12桁の番号をもう一度ご確認ください。"
    )
    with Session(rt.db) as s:
        assert s.exec(select(Case)).all() == []  # nothing half-written


def test_same_idempotency_key_never_files_twice(rt: Runtime) -> None:
    first = file_sample(rt, key="pittari-0001")
    again = file_sample(rt, key="pittari-0001")
    assert again.id == first.id
    with Session(rt.db) as s:
        assert len(s.exec(select(Case)).all()) == 1
    changed = sample("jidou-teate-nintei")
    changed["claimant"]["occupation"] = "自営業"
    with pytest.raises(IdempotencyConflict):
        file_sample(rt, key="pittari-0001", data=changed)


def test_resident_cannot_file_for_someone_else(rt: Runtime) -> None:
    other = Actor.resident("R0000000002")
    with Session(rt.db) as s, pytest.raises(PermissionDenied):
        submit(
            rt,
            s,
            "jidou-teate-nintei",
            sample("jidou-teate-nintei"),
            actor=other,
            applicant_id=APPLICANT,
            channel="online",
            idempotency_key="x",
        )


def test_happy_path_to_closed_with_notices(rt: Runtime) -> None:
    # A claimant who lives here: the registry checks before sign-off pass.
    case, decided = newborn_claim(rt)
    c = _fire(rt, case.id, "receive", staff("intake"))
    c = _fire(rt, c.id, "start_review", staff("review"))
    c = _fire(rt, c.id, "submit_for_sign_off", staff("review"))
    c = _fire(
        rt,
        c.id,
        "approve",
        staff("approval"),
        inputs={**decided, "monthly_amount": "15,000"},
    )
    assert c.state == "approved"
    assert c.outcome["monthly_amount"] == 15000
    c = _fire(rt, c.id, "notify", staff("intake"))
    assert (c.state, c.version) == ("closed", 6)
    with Session(rt.db) as s:
        kinds = s.exec(select(OutboxMessage.kind).where(OutboxMessage.case_id == c.id)).all()
    # the registration in 児童手当, the approval, then the notice-sent message (plus any
    # documents the definition declares)
    assert [k for k in kinds if k != "document"] == ["core_system", "notice", "notice"]


def test_role_not_allowed_is_refused(rt: Runtime, case: Case) -> None:
    with pytest.raises(PermissionDenied) as exc:
        _fire(rt, case.id, "receive", staff("review"))
    assert "受付" in exc.value.ja


def test_other_department_cannot_even_see_the_case(rt: Runtime, case: Case) -> None:
    with pytest.raises(NotFound):
        _fire(rt, case.id, "receive", staff("intake", dept=KENKOU))
    with pytest.raises(NotFound):
        _fire(rt, case.id, "withdraw", Actor.resident("R0000000002"))


def test_trigger_not_allowed_now_names_the_allowed_ones(rt: Runtime, case: Case) -> None:
    with pytest.raises(InvalidTrigger) as exc:
        _fire(rt, case.id, "approve", staff("intake", "approval"))
    assert exc.value.allowed == ["receive", "reject_intake"]
    with pytest.raises(InvalidTrigger) as exc2:
        _fire(rt, case.id, "aprove", staff("intake"))
    assert "receive" in exc2.value.en


def test_stale_version_is_a_conflict_naming_the_current_version(rt: Runtime, case: Case) -> None:
    _fire(rt, case.id, "receive", staff("intake"), expected_version=1)
    with pytest.raises(ConflictError) as exc:
        _fire(rt, case.id, "start_review", staff("review"), expected_version=1)
    assert exc.value.current_version == 2
    assert "現在の版 2" in exc.value.ja


def test_comment_and_inputs_are_required(rt: Runtime) -> None:
    case, _ = newborn_claim(rt)
    _fire(rt, case.id, "receive", staff("intake"))
    _fire(rt, case.id, "start_review", staff("review"))
    with pytest.raises(CommentRequired):
        _fire(rt, case.id, "request_correction", staff("review"), comment="  ")
    _fire(rt, case.id, "submit_for_sign_off", staff("review"))
    with pytest.raises(ValidationFailed) as exc:
        _fire(rt, case.id, "approve", staff("approval"), inputs={"monthly_amount": "-5"})
    assert {e.path for e in exc.value.errors} == {"monthly_amount", "payment_start_month"}


def test_correction_pauses_the_clock_and_resubmission_edits_the_data(
    rt: Runtime, case: Case
) -> None:
    monday = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
    _fire(rt, case.id, "receive", staff("intake"), now=monday)
    _fire(rt, case.id, "start_review", staff("review"), now=monday)
    before = _fire(
        rt,
        case.id,
        "request_correction",
        staff("review"),
        comment="口座名義をご確認ください",
        now=monday,
    )
    assert before.state == "correction_requested"
    assert before.paused_since == monday.date()
    fixed = sample("jidou-teate-nintei")["bank_account"] | {
        "account_number": "７６５４３２１",
        "holder_kana": "ﾔﾏﾀﾞ ﾀﾛｳ",
    }
    after = _fire(
        rt,
        case.id,
        "resubmit",
        RESIDENT,
        data={"bank_account": fixed},
        now=monday + dt.timedelta(days=3),
    )  # Thursday: 3 business days paused
    assert after.state == "under_review"
    assert after.paused_since is None
    assert before.due_date is not None
    assert after.due_date == calendar.add_business_days(before.due_date, 3)
    with Session(rt.db) as s:
        ev = s.exec(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id)
            .order_by(col(CaseEvent.seq).desc())
        ).first()
    assert ev is not None
    assert list(ev.changes["data"]) == ["bank_account"]
    assert ev.changes["data"]["bank_account"]["account_number"] == "7654321"
    assert ev.changes["data"]["bank_account"]["holder_kana"] == "ヤマダ\u3000タロウ"


def test_staff_cannot_edit_the_application_through_a_plain_transition(
    rt: Runtime, case: Case
) -> None:
    with pytest.raises(PermissionDenied):
        _fire(rt, case.id, "receive", staff("intake"), data={"has_spouse": False})


def test_counter_filing_records_who_was_present(rt: Runtime) -> None:
    clerk = Actor(
        "staff",
        "clerk-7",
        "窓口 一郎",
        frozenset({"intake"}),
        frozenset({"子育て支援課"}),
        on_behalf_of=APPLICANT,
        identity_check="マイナンバーカード",
    )
    with Session(rt.db) as s:
        res = submit(
            rt,
            s,
            "jidou-teate-nintei",
            sample("jidou-teate-nintei"),
            actor=clerk,
            applicant_id=APPLICANT,
            channel="counter",
            idempotency_key="c1",
        )
        s.commit()
        ev = s.exec(select(CaseEvent).where(CaseEvent.case_id == res.case.id)).one()
    assert ev.actor_id == "clerk-7"
    assert ev.changes["counter"] == {
        "on_behalf_of": APPLICANT,
        "identity_check": "マイナンバーカード",
    }


def test_bank_account_must_be_in_the_claimants_name(rt: Runtime) -> None:
    data = sample("jidou-teate-nintei")
    data["bank_account"]["holder_kana"] = "ヤマダ ハナコ"
    with Session(rt.db) as s, pytest.raises(ValidationFailed) as exc:
        submit(
            rt,
            s,
            "jidou-teate-nintei",
            data,
            actor=RESIDENT,
            applicant_id=APPLICANT,
            channel="online",
            idempotency_key="holder",
        )
    [error] = exc.value.errors
    assert (error.path, error.code) == ("bank_account.holder_kana", "rule")
    assert error.message.ja.startswith("口座名義が請求者のフリガナと一致しません。")


def test_a_replayed_key_never_hands_a_case_to_someone_else(rt: Runtime) -> None:
    file_sample(rt, key="shared-key")
    stranger = Actor.resident("R0000000099")
    with Session(rt.db) as s, pytest.raises(PermissionDenied):
        submit(
            rt,
            s,
            "jidou-teate-nintei",
            sample("jidou-teate-nintei"),
            actor=stranger,
            applicant_id=APPLICANT,
            channel="online",
            idempotency_key="shared-key",
        )
