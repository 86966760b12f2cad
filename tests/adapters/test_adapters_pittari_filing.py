"""Residents filing on the Pittari mock: real signatures, renderings, attachments."""

from __future__ import annotations

import json

import pytest

from adapters.errors import NoCardError, WrongPinError
from adapters.exchange import Attachment
from adapters.mock.kunitachi import LG_CODE
from adapters.mock.pittari_filing import SignedFiling, file_application, sign_filing, store_filing
from adapters.mock.pittari_http import create_pittari_app
from adapters.mock.population import Population
from adapters.mock.world import DemoWorld
from adapters.signatures import FailedCheck, canonical_bytes

FORM = {
    "claimant": {"name": "高橋\u3000大輔", "pension": "厚生年金"},
    "children": [{"name": "高橋\u3000陽翔", "together": True}],
    "note": "<b>至急</b>",
}


def test_a_filed_package_verifies_against_the_applicant(pittari_world: DemoWorld) -> None:
    persona = pittari_world.population.persona("newborn_family")
    application_id = file_application(pittari_world, "jidou-teate-nintei", persona, FORM)
    package = pittari_world.pittari.download(application_id)
    applicant = pittari_world.resident_registry.by_certificate_serial(package.signer_serial_number)
    assert applicant is not None
    assert applicant.resident_number == persona.resident_number
    assert package.signed_payload() == canonical_bytes(FORM)
    result = pittari_world.verifier.verify(
        package.signed_payload(),
        package.signature.to_signature(),
        applicant.resident_number,
        package.submitted_at,
    )
    assert result.ok, result.message_en
    assert result.certificate is not None
    assert result.certificate.serial == package.signer_serial_number


def test_a_revoked_certificate_can_file_but_fails_verification(pittari_world: DemoWorld) -> None:
    persona = pittari_world.population.persona("recently_moved")
    application_id = file_application(pittari_world, "jidou-teate-nintei", persona, {"a": 1})
    assert pittari_world.pittari.list_new(LG_CODE) == (application_id,)
    package = pittari_world.pittari.download(application_id)
    result = pittari_world.verifier.verify(
        package.signed_payload(),
        package.signature.to_signature(),
        persona.resident_number,
        package.submitted_at,
    )
    assert result.failed_check is FailedCheck.REVOKED
    assert "失効" in result.message_ja


def test_someone_else_signing_is_not_the_applicant(pittari_world: DemoWorld) -> None:
    signer = pittari_world.population.persona("single_parent")
    application_id = file_application(pittari_world, "jidou-teate-nintei", signer, FORM)
    package = pittari_world.pittari.download(application_id)
    result = pittari_world.verifier.verify(
        package.signed_payload(),
        package.signature.to_signature(),
        "1000000201",
        package.submitted_at,
    )
    assert result.failed_check is FailedCheck.NOT_APPLICANT


def test_form_data_changed_after_signing_fails(pittari_world: DemoWorld) -> None:
    persona = pittari_world.population.persona("newborn_family")
    application_id = file_application(pittari_world, "jidou-teate-nintei", persona, FORM)
    package = pittari_world.pittari.download(application_id)
    altered = canonical_bytes({**package.form_data, "note": "通常"})
    result = pittari_world.verifier.verify(
        altered, package.signature.to_signature(), persona.resident_number, package.submitted_at
    )
    assert result.failed_check is FailedCheck.SIGNATURE


def test_the_rendering_shows_the_escaped_form_data(pittari_world: DemoWorld) -> None:
    persona = pittari_world.population.persona("newborn_family")
    application_id = file_application(pittari_world, "jidou-teate-nintei", persona, FORM)
    rendering = pittari_world.pittari.download(application_id).rendering
    assert rendering.content_type == "text/html"
    page = rendering.content().decode("utf-8")
    assert "<th>claimant.name</th><td>高橋\u3000大輔</td>" in page
    assert "<th>children[0].together</th><td>はい</td>" in page
    assert "&lt;b&gt;至急&lt;/b&gt;" in page
    assert "<b>" not in page


def test_attachments_arrive_as_filed(pittari_world: DemoWorld) -> None:
    persona = pittari_world.population.persona("flood_household")
    photos = [
        Attachment("被害状況1.jpg", "image/jpeg", b"\xff\xd8\xff\xe0 first photo"),
        Attachment("被害状況2.jpg", "image/jpeg", b"\xff\xd8\xff\xe0 second photo"),
    ]
    application_id = file_application(
        pittari_world, "risai-shoumei", persona, {"damage": "床上浸水"}, photos
    )
    package = pittari_world.pittari.download(application_id)
    assert [(a.name, a.content_type, a.content()) for a in package.attachments] == [
        (p.filename, p.media_type, p.content) for p in photos
    ]
    assert package.attachments[0].size == len(photos[0].content)


def test_a_resident_with_a_card_can_file(pittari_world: DemoWorld) -> None:
    resident = pittari_world.resident_registry.by_resident_number("1000000101")
    assert resident is not None
    application_id = file_application(pittari_world, "ninshin-todoke", resident, {"x": "y"})
    package = pittari_world.pittari.download(application_id)
    signer = pittari_world.resident_registry.by_certificate_serial(package.signer_serial_number)
    assert signer == resident


def test_a_wrong_password_files_nothing(pittari_world: DemoWorld) -> None:
    persona = pittari_world.population.persona("newborn_family")
    with pytest.raises(WrongPinError) as caught:
        file_application(
            pittari_world, "jidou-teate-nintei", persona, FORM, signing_password="WRONG123"
        )
    assert caught.value.remaining_attempts == 4
    assert pittari_world.pittari.application_ids() == ()


def test_a_child_without_a_card_cannot_file(pittari_world: DemoWorld) -> None:
    child = pittari_world.resident_registry.by_resident_number("1000000203")
    assert child is not None
    with pytest.raises(NoCardError):
        file_application(pittari_world, "jidou-teate-nintei", child, FORM)
    assert pittari_world.pittari.application_ids() == ()


def test_a_filing_signed_in_one_demo_process_verifies_in_another(
    population: Population, pittari_world: DemoWorld
) -> None:
    # The simulator, the mock services and the worker each build their own world from
    # the same seed and day: their JPKI roots must agree, their card keys need not.
    simulator = DemoWorld.from_population(population)
    worker = DemoWorld.from_population(population)
    persona = population.persona("newborn_family")
    filing = sign_filing(simulator, "jidou-teate-nintei", persona, FORM)
    stored = SignedFiling.from_json(json.loads(json.dumps(filing.to_json())))
    application_id = store_filing(pittari_world.pittari, stored)
    package = pittari_world.pittari.download(application_id)
    result = worker.verifier.verify(
        package.signed_payload(),
        package.signature.to_signature(),
        persona.resident_number,
        package.submitted_at,
    )
    assert result.ok, result.message_en
    assert package.form_data == FORM


def test_the_http_mock_stores_filings_and_refuses_malformed_ones(
    pittari_world: DemoWorld,
) -> None:
    http = create_pittari_app(pittari_world.pittari).test_client()
    persona = pittari_world.population.persona("single_parent")
    filing = sign_filing(pittari_world, "jidou-teate-nintei", persona, FORM)
    reply = http.post("/v1/filings", json=filing.to_json())
    assert reply.status_code == 201
    application_id = reply.get_json()["application_id"]
    assert pittari_world.pittari.application_ids() == (application_id,)
    broken = {**filing.to_json(), "procedure_code": "not a code!"}
    refused = http.post("/v1/filings", json=broken)
    assert (refused.status_code, refused.get_json()["error"]) == (422, "invalid_request")
    missing = http.post("/v1/filings", json={"procedure_code": "x"})
    assert "the filing lacks" in missing.get_json()["message"]
    assert pittari_world.pittari.application_ids() == (application_id,)
