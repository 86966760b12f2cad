"""The Mynaportal and mock notifiers, and picking a notifier by configuration."""

from __future__ import annotations

from dataclasses import replace

import pytest

from adapters import service
from adapters.errors import (
    PartnerTimeoutError,
    UnknownImplementationError,
    UnknownRecipientError,
)
from adapters.exchange import Notice, NoticeChannel
from adapters.mock.faults import FaultKind
from adapters.mock.kunitachi import LG_CODE
from adapters.mock.notifier import RecordingNotifier
from adapters.mock.pittari_filing import file_application
from adapters.mock.world import DemoWorld
from adapters.notice_templates import NoticeKind, build_notice
from adapters.notifier_email import EmailNotifier
from adapters.notifier_mynaportal import MynaportalNotifier
from tests.adapters.conftest import NOON

APPLICANT = "1000000201"  # newborn_family's claimant, the signer of filed applications
VALUES = {
    "procedure_name": "児童手当 認定請求",
    "reference_number": "R2025-000123",
    "link": "マイナポータルの「申請状況」からご確認ください。",
    "office_message": "所得証明書の添付をお願いします。",
}


def file_for(world: DemoWorld) -> str:
    """File a 児童手当 application as the newborn family's claimant; its id."""
    persona = world.population.persona("newborn_family")
    return file_application(
        world, "jidou-teate-nintei", persona, {"persona": "newborn_family"}, lg_code=LG_CODE
    )


def correction_notice(
    *, key: str = "case-1/correction", application_id: str | None = None
) -> Notice:
    """A 補正のお願い for the Mynaportal inbox."""
    return build_notice(
        NoticeKind.CORRECTION_REQUESTED,
        VALUES,
        channel=NoticeChannel.MYNAPORTAL,
        resident_number=APPLICANT,
        idempotency_key=key,
        application_id=application_id,
    )


def test_a_notice_lands_in_the_applicants_inbox_once(pittari_world: DemoWorld) -> None:
    application_id = file_for(pittari_world)
    notifier = MynaportalNotifier(pittari_world.pittari)
    receipt = notifier.send(correction_notice(application_id=application_id))
    assert notifier.send(correction_notice(application_id=application_id)) == receipt
    (delivered,) = pittari_world.pittari.inbox(APPLICANT)
    assert delivered.notice_id == receipt.notice_id
    assert delivered.application_id == application_id
    assert delivered.title.startswith("【補正のお願い】児童手当 認定請求")
    assert "所得証明書の添付をお願いします。" in delivered.body
    assert delivered.body.index("補正をお願いします") < delivered.body.index("needs a correction")
    assert delivered.sent_at == NOON


def test_a_notice_without_application_goes_to_the_resident(pittari_world: DemoWorld) -> None:
    MynaportalNotifier(pittari_world.pittari).send(correction_notice())
    assert [n.application_id for n in pittari_world.pittari.inbox(APPLICANT)] == [None]


def test_a_lost_reply_is_retried_without_a_second_notice(pittari_world: DemoWorld) -> None:
    notifier = MynaportalNotifier(pittari_world.pittari)
    pittari_world.pittari.faults.fail_next(FaultKind.LOST_REPLY)
    with pytest.raises(PartnerTimeoutError):
        notifier.send(correction_notice())
    receipt = notifier.send(correction_notice())
    assert [n.notice_id for n in pittari_world.pittari.inbox(APPLICANT)] == [receipt.notice_id]


def test_an_unknown_resident_is_refused(pittari_world: DemoWorld) -> None:
    notice = replace(correction_notice(), recipient_resident_number="9999999999")
    with pytest.raises(UnknownRecipientError):
        MynaportalNotifier(pittari_world.pittari).send(notice)


def test_the_mynaportal_notifier_takes_only_its_channel(pittari_world: DemoWorld) -> None:
    notice = replace(correction_notice(), channel=NoticeChannel.EMAIL)
    with pytest.raises(ValueError, match="email"):
        MynaportalNotifier(pittari_world.pittari).send(notice)
    assert pittari_world.pittari.inbox(APPLICANT) == ()


def test_the_mock_records_each_key_once_through_its_faults() -> None:
    notifier = RecordingNotifier(clock=lambda: NOON)
    notifier.faults.fail_next(FaultKind.LOST_REPLY)
    with pytest.raises(PartnerTimeoutError):
        notifier.send(correction_notice())
    receipt = notifier.send(correction_notice())
    assert notifier.send(correction_notice()) == receipt
    assert receipt.accepted_at == NOON
    assert [n.idempotency_key for n in notifier.sent(APPLICANT)] == ["case-1/correction"]
    assert notifier.sent("1000000301") == ()
    assert notifier.faults.counts()[FaultKind.LOST_REPLY] == 1


def test_service_builds_the_configured_notifier(pittari_world: DemoWorld) -> None:
    mock = service.notifier({"notifier": "mock"})
    assert isinstance(mock, RecordingNotifier)
    assert service.notifier({"notifier": "mock"}) is mock
    email = service.notifier(
        {"notifier": "email", "smtp_host": "mail.example.lg.jp", "smtp_sender": "a@b.jp"}
    )
    assert isinstance(email, EmailNotifier)
    assert email.settings.host == "mail.example.lg.jp"
    mynaportal = service.notifier({"notifier": "mynaportal"}, pittari=pittari_world.pittari)
    mynaportal.send(correction_notice())
    assert len(pittari_world.pittari.inbox(APPLICANT)) == 1


def test_the_mynaportal_notifier_can_use_the_configured_intake() -> None:
    config = {
        "notifier": "mynaportal",
        "pittari_intake": "mock",
        "mock_seed": "7",
        "mock_today": "2025-06-02",
        "mock_population": "40",
    }
    assert isinstance(service.notifier(config), MynaportalNotifier)


def test_an_unknown_notifier_lists_the_known_ids() -> None:
    with pytest.raises(UnknownImplementationError, match="email, mock, mynaportal"):
        service.notifier({"notifier": "fax"})
