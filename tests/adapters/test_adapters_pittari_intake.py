"""The Pittari mock: list, download, acknowledge, statuses and notices."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from adapters import service
from adapters.base import PittariIntake
from adapters.errors import (
    ApplicationStateError,
    IdempotencyConflictError,
    PartnerError,
    UnknownApplicationError,
    UnknownRecipientError,
)
from adapters.exchange import PortalStatus
from adapters.mock.kunitachi import LG_CODE
from adapters.mock.pittari_filing import file_application
from adapters.mock.world import DemoWorld
from tests.adapters.conftest import NOON

OTHER_LG_CODE = "132063"  # 府中市


def file_for(world: DemoWorld, key: str = "newborn_family", lg_code: str = LG_CODE) -> str:
    persona = world.population.persona(key)
    return file_application(world, "jidou-teate-nintei", persona, {"persona": key}, lg_code=lg_code)


def test_new_applications_are_listed_oldest_first_for_their_municipality(
    pittari_world: DemoWorld,
) -> None:
    first = file_for(pittari_world)
    second = file_for(pittari_world, "single_parent")
    elsewhere = file_for(pittari_world, "recently_moved", lg_code=OTHER_LG_CODE)
    pittari = pittari_world.pittari
    assert pittari.list_new(LG_CODE) == (first, second)
    assert pittari.list_new(LG_CODE, limit=1) == (first,)
    assert pittari.list_new(OTHER_LG_CODE) == (elsewhere,)
    assert first.startswith(f"PT{NOON:%Y%m%d}")


def test_a_downloaded_but_unacknowledged_package_is_listed_again(
    pittari_world: DemoWorld,
) -> None:
    application_id = file_for(pittari_world)
    pittari = pittari_world.pittari
    pittari.download(application_id)
    assert pittari.list_new(LG_CODE) == (application_id,)
    assert not pittari.is_acknowledged(application_id)


def test_an_acknowledged_package_is_never_listed_again(pittari_world: DemoWorld) -> None:
    application_id = file_for(pittari_world)
    later = file_for(pittari_world, "single_parent")
    pittari = pittari_world.pittari
    pittari.download(application_id)
    pittari.acknowledge(application_id)
    pittari.acknowledge(application_id)
    assert pittari.list_new(LG_CODE) == (later,)
    pittari.acknowledge(later)
    assert pittari.list_new(LG_CODE) == ()
    assert pittari.is_acknowledged(application_id)


def test_download_is_idempotent_to_the_byte(pittari_world: DemoWorld) -> None:
    application_id = file_for(pittari_world)
    pittari = pittari_world.pittari
    first = pittari.download(application_id)
    second = pittari.download(application_id)
    assert first == second
    assert first.to_json_bytes() == second.to_json_bytes() == pittari.package_bytes(application_id)
    assert first.application_id == application_id
    assert first.form_data == {"persona": "newborn_family"}
    assert pittari.download_count(application_id) == 2


def test_a_filed_id_cannot_be_filed_again(pittari_world: DemoWorld) -> None:
    application_id = file_for(pittari_world)
    package = pittari_world.pittari.download(application_id)
    with pytest.raises(ApplicationStateError, match="already filed"):
        pittari_world.pittari.submit(package)


def test_list_arguments_are_checked(pittari_world: DemoWorld) -> None:
    with pytest.raises(ValueError, match="local government code"):
        pittari_world.pittari.list_new("132153")
    with pytest.raises(ValueError, match="limit"):
        pittari_world.pittari.list_new(LG_CODE, limit=0)


@pytest.mark.parametrize(
    "call",
    [
        lambda p: p.download("PT0000000000000000"),
        lambda p: p.acknowledge("PT0000000000000000"),
        lambda p: p.post_status("PT0000000000000000", PortalStatus.DONE),
        lambda p: p.send_notice(
            title="t", body="b", idempotency_key="k", application_id="PT0000000000000000"
        ),
    ],
)
def test_unknown_ids_are_refused_for_good(
    pittari_world: DemoWorld, call: Callable[[PittariIntake], object]
) -> None:
    with pytest.raises(UnknownApplicationError, match="no application 'PT0000000000000000'") as e:
        call(pittari_world.pittari)
    assert not isinstance(e.value, PartnerError)


def test_status_history_keeps_every_change_once(pittari_world: DemoWorld) -> None:
    application_id = file_for(pittari_world)
    pittari = pittari_world.pittari
    pittari.acknowledge(application_id)
    assert pittari.current_status(application_id) is None
    pittari.post_status(application_id, PortalStatus.IN_PROGRESS)
    pittari.post_status(application_id, PortalStatus.IN_PROGRESS)
    pittari.post_status(
        application_id, PortalStatus.CORRECTION_REQUESTED, "口座の名義をご確認ください"
    )
    pittari.post_status(application_id, PortalStatus.IN_PROGRESS)
    pittari.post_status(application_id, PortalStatus.DONE, "認定しました")
    history = pittari.status_history(application_id)
    assert [(post.status.label_ja, post.message) for post in history] == [
        ("処理中", None),
        ("要訂正", "口座の名義をご確認ください"),
        ("処理中", None),
        ("完了", "認定しました"),
    ]
    assert all(post.posted_at == NOON for post in history)


def test_status_values_are_the_definition_ids() -> None:
    assert [status.value for status in PortalStatus] == [
        "in_progress",
        "correction_requested",
        "intake_error",
        "done",
    ]
    assert PortalStatus("intake_error").label_ja == "受付エラー"


def test_a_status_needs_an_acknowledged_package(pittari_world: DemoWorld) -> None:
    application_id = file_for(pittari_world)
    with pytest.raises(ApplicationStateError, match="not acknowledged yet"):
        pittari_world.pittari.post_status(application_id, PortalStatus.INTAKE_ERROR)
    assert pittari_world.pittari.status_history(application_id) == ()


def test_a_notice_reaches_the_applicants_inbox(pittari_world: DemoWorld) -> None:
    application_id = file_for(pittari_world)
    pittari = pittari_world.pittari
    receipt = pittari.send_notice(
        title="児童手当認定のお知らせ",
        body="認定しました。",
        idempotency_key="decision-1",
        application_id=application_id,
    )
    again = pittari.send_notice(
        title="児童手当認定のお知らせ",
        body="認定しました。",
        idempotency_key="decision-1",
        application_id=application_id,
    )
    assert again == receipt
    (notice,) = pittari.inbox("1000000201")
    assert (notice.notice_id, notice.application_id, notice.title) == (
        receipt.notice_id,
        application_id,
        "児童手当認定のお知らせ",
    )
    assert notice.sent_at == NOON


def test_a_notice_can_go_to_a_resident_without_an_application(pittari_world: DemoWorld) -> None:
    pittari = pittari_world.pittari
    pittari.send_notice(
        title="現況届のご案内",
        body="提出してください。",
        idempotency_key="k1",
        resident_number="1000000301",
    )
    assert [n.title for n in pittari.inbox("1000000301")] == ["現況届のご案内"]
    assert pittari.inbox("1000000201") == ()


def test_notice_mistakes_are_refused(pittari_world: DemoWorld) -> None:
    pittari = pittari_world.pittari
    with pytest.raises(UnknownRecipientError, match="no resident '9999999999'"):
        pittari.send_notice(title="t", body="b", idempotency_key="k", resident_number="9999999999")
    with pytest.raises(ValueError, match="exactly one"):
        pittari.send_notice(title="t", body="b", idempotency_key="k")
    pittari.send_notice(title="t", body="b", idempotency_key="k", resident_number="1000000301")
    with pytest.raises(IdempotencyConflictError, match="'k' was already used"):
        pittari.send_notice(
            title="t", body="other", idempotency_key="k", resident_number="1000000301"
        )
    assert len(pittari.inbox("1000000301")) == 1


def test_the_registered_mock_is_the_shared_worlds_portal() -> None:
    config = {
        "pittari_intake": "mock",
        "mock_seed": "7",
        "mock_today": "2025-06-02",
        "mock_population": "40",
    }
    intake = service.pittari_intake(config)
    assert intake is service.pittari_intake(config)
    assert intake.list_new(LG_CODE) == ()
