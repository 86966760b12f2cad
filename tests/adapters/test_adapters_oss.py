"""The OSS mock: one vehicle filing, one copy for the police and one for the prefecture."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from adapters import service
from adapters.errors import PackageFormatError, PartnerError, PartnerTimeoutError
from adapters.exchange import PortalStatus
from adapters.mock.faults import FAILURE_KINDS, FaultKind, FaultPlan
from adapters.mock.kunitachi import LG_CODE
from adapters.mock.oss import (
    CAR_TAX,
    PARKING_CERTIFICATE,
    POLICE_CODE,
    PREFECTURE_CODE,
    MockOss,
    Recipient,
)
from adapters.mock.oss_filing import file_vehicle_application
from adapters.mock.world import DemoWorld
from adapters.oss_package import OSS_PACKAGE_FORMAT, oss_package_json_schema, parse_oss_package
from adapters.signatures import canonical_bytes
from tests.adapters.conftest import FakeTime

VEHICLE = {
    "name": "高橋 大輔",
    "chassis_number": "ZVW50-1234567",
    "parking_place": "東京都国立市矢川二丁目14番6号",
}
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs/formats/oss-package.schema.json"


@pytest.fixture
def oss_world(world: DemoWorld, fake_time: FakeTime) -> DemoWorld:
    """The session world with a fresh OSS mock on the fake clock (no faults until set)."""
    faults = FaultPlan(seed=11, timeout_seconds=30, clock=fake_time.clock, sleep=fake_time.sleep)
    oss = MockOss(world.resident_registry, faults=faults, clock=fake_time.clock)
    return replace(world, oss=oss)


def file_vehicle(world: DemoWorld, key: str = "newborn_family") -> tuple[str, ...]:
    persona = world.population.persona(key)
    return file_vehicle_application(world, persona, VEHICLE)


def test_one_filing_gives_each_organisation_its_own_copy(oss_world: DemoWorld) -> None:
    police_copy, tax_copy = file_vehicle(oss_world)
    oss = oss_world.oss
    assert oss.list_new(POLICE_CODE) == (police_copy,)
    assert oss.list_new(PREFECTURE_CODE) == (tax_copy,)
    assert oss.list_new(LG_CODE) == ()  # the municipality is not a recipient
    police, tax = oss.download(police_copy), oss.download(tax_copy)
    assert (police.lg_code, police.procedure_code) == (POLICE_CODE, "hokan-basho-shoumei")
    assert (tax.lg_code, tax.procedure_code) == (PREFECTURE_CODE, "jidousha-zei-shinkoku")
    assert police.filing_id == tax.filing_id
    assert police.filing_id.startswith("OF")
    assert police.recipients == tax.recipients == (POLICE_CODE, PREFECTURE_CODE)
    assert police.form_data == tax.form_data == VEHICLE
    assert police.signature == tax.signature
    assert oss.copies(police.filing_id) == (police_copy, tax_copy)


def test_each_copy_verifies_as_the_applicants_signature(oss_world: DemoWorld) -> None:
    persona = oss_world.population.persona("newborn_family")
    for application_id in file_vehicle(oss_world):
        package = oss_world.oss.download(application_id)
        assert package.signed_payload() == canonical_bytes(VEHICLE)
        result = oss_world.verifier.verify(
            package.signed_payload(),
            package.signature.to_signature(),
            persona.resident_number,
            package.submitted_at,
        )
        assert result.ok, result.message_en


def test_the_police_acknowledging_leaves_the_prefectures_copy_waiting(
    oss_world: DemoWorld,
) -> None:
    police_copy, tax_copy = file_vehicle(oss_world)
    oss = oss_world.oss
    oss.download(police_copy)
    oss.acknowledge(police_copy)
    oss.acknowledge(police_copy)
    assert oss.list_new(POLICE_CODE) == ()
    assert oss.list_new(PREFECTURE_CODE) == (tax_copy,)
    oss.post_status(police_copy, PortalStatus.DONE, "保管場所証明書を交付しました")
    assert oss.current_status(police_copy) is not None
    assert oss.current_status(tax_copy) is None


def test_notices_reach_the_applicant_once(oss_world: DemoWorld) -> None:
    police_copy, _ = file_vehicle(oss_world)
    oss = oss_world.oss
    sent = {"title": "保管場所証明書の交付", "body": "交付しました。", "idempotency_key": "n1"}
    first = oss.send_notice(**sent, application_id=police_copy)
    assert oss.send_notice(**sent, application_id=police_copy) == first
    assert [n.title for n in oss.inbox("1000000201")] == ["保管場所証明書の交付"]


def test_a_lost_acknowledgement_reply_still_acknowledges(oss_world: DemoWorld) -> None:
    police_copy, _ = file_vehicle(oss_world)
    oss = oss_world.oss
    oss.faults.fail_next(FaultKind.LOST_REPLY)
    with pytest.raises(PartnerTimeoutError, match=r"oss\.acknowledge"):
        oss.acknowledge(police_copy)
    assert oss.is_acknowledged(police_copy)
    assert oss.list_new(POLICE_CODE) == ()


def test_a_filing_to_nobody_or_twice_to_one_is_refused(oss_world: DemoWorld) -> None:
    persona = oss_world.population.persona("newborn_family")
    with pytest.raises(ValueError, match="each once"):
        file_vehicle_application(oss_world, persona, VEHICLE, recipients=())
    with pytest.raises(ValueError, match="each once"):
        file_vehicle_application(
            oss_world, persona, VEHICLE, recipients=(PARKING_CERTIFICATE, PARKING_CERTIFICATE)
        )
    assert oss_world.oss.application_ids() == ()


def test_an_invalid_copy_stores_no_copy_at_all(oss_world: DemoWorld) -> None:
    persona = oss_world.population.persona("newborn_family")
    broken = Recipient(POLICE_CODE, "Not A Code", "壊れた手続")
    with pytest.raises(PackageFormatError, match="procedure_code"):
        file_vehicle_application(oss_world, persona, VEHICLE, recipients=(CAR_TAX, broken))
    assert oss_world.oss.application_ids() == ()


def test_a_copy_for_an_organisation_outside_its_recipients_is_invalid(
    oss_world: DemoWorld,
) -> None:
    police_copy, _ = file_vehicle(oss_world)
    package = json.loads(oss_world.oss.package_bytes(police_copy))
    package["recipients"] = [PREFECTURE_CODE]
    with pytest.raises(PackageFormatError, match="not among the recipients"):
        parse_oss_package(package)
    package["format"] = "pittari-package/1"
    with pytest.raises(PackageFormatError, match="format"):
        parse_oss_package(package)


def test_two_hundred_copies_pulled_through_faults_reach_each_organisation_once(
    oss_world: DemoWorld,
) -> None:
    filers = ("newborn_family", "single_parent")
    copies = [file_vehicle(oss_world, filers[i % 2]) for i in range(100)]
    oss = oss_world.oss
    for kind in FAILURE_KINDS:
        oss.faults.set_rate(kind, 0.05)
    received: dict[str, dict[str, str]] = {POLICE_CODE: {}, PREFECTURE_CODE: {}}
    for code, store in received.items():
        for _ in range(500):  # each organisation polls until nothing is left for it
            try:
                waiting = oss.list_new(code, limit=50)
            except PartnerError:
                continue
            if not waiting:
                break
            for application_id in waiting:
                try:
                    package = oss.download(application_id)
                    # Stored under its application id: a second download changes nothing.
                    store.setdefault(package.application_id, package.lg_code)
                    oss.acknowledge(application_id)
                except PartnerError:
                    continue
    assert set(received[POLICE_CODE]) == {police for police, _ in copies}
    assert set(received[PREFECTURE_CODE]) == {tax for _, tax in copies}
    assert set(received[POLICE_CODE].values()) == {POLICE_CODE}
    assert all(oss.is_acknowledged(a) for pair in copies for a in pair)
    injected = oss.faults.counts()
    assert all(injected[k] > 0 for k in FAILURE_KINDS)


def test_the_registry_builds_the_worlds_oss(world: DemoWorld) -> None:
    config = {"oss_intake": "mock", "mock_today": "2025-06-02"}
    assert service.oss_intake(config) is service.oss_intake(config)
    assert isinstance(service.oss_intake(config), MockOss)


def test_the_published_schema_is_the_models(oss_world: DemoWorld) -> None:
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == oss_package_json_schema()
    police_copy, _ = file_vehicle(oss_world)
    assert json.loads(oss_world.oss.package_bytes(police_copy))["format"] == OSS_PACKAGE_FORMAT
