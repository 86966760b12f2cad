"""JPKI signatures: the mock PKI and the verifier, check by check."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from adapters.errors import RevocationCheckError
from adapters.jpki_profile import JST, describe_certificate, read_certificate, signing_subject
from adapters.jpki_verify import SignatureVerifier
from adapters.mock.card_reader import MockCardReader
from adapters.mock.dates import nth_birthday_after
from adapters.mock.pki import CertificateAuthority, new_key
from adapters.mock.world import DemoWorld
from adapters.signatures import (
    CertificateKind,
    FailedCheck,
    Signature,
    VerificationResult,
    canonical_bytes,
)

FORM = {"procedure": "ninshin-todoke", "氏名": "佐藤　美咲", "週数": 12, "健診": [True, False]}
PAYLOAD = canonical_bytes(FORM)


def sign_as(
    reader: MockCardReader, world: DemoWorld, key: str, payload: bytes = PAYLOAD
) -> Signature:
    persona = world.population.persona(key)
    return reader.sign(persona.resident_number, payload, persona.signing_password)


def check(
    world: DemoWorld, signature: Signature, signer: str | int, at: datetime
) -> VerificationResult:
    return world.verifier.verify(PAYLOAD, signature, signer, at)


def test_valid_signature_verifies(
    world: DemoWorld, card_reader: MockCardReader, noon: datetime
) -> None:
    signature = sign_as(card_reader, world, "family_expecting")
    result = check(world, signature, "1000000102", noon)
    assert result.ok
    assert result.failed_check is None
    assert result.message_ja == "電子署名を確認しました。"
    assert result.certificate is not None
    assert result.certificate.name == "佐藤\u3000美咲"


def test_signer_can_be_named_by_certificate_serial(
    world: DemoWorld, card_reader: MockCardReader, noon: datetime
) -> None:
    signature = sign_as(card_reader, world, "family_expecting")
    serial = read_certificate(signature.certificate_pem).serial
    assert check(world, signature, serial, noon).ok
    assert check(world, signature, serial + 1, noon).failed_check is FailedCheck.NOT_APPLICANT


def test_tampered_bytes_fail_the_signature_check(
    world: DemoWorld, card_reader: MockCardReader, noon: datetime
) -> None:
    signature = sign_as(card_reader, world, "family_expecting")
    altered = canonical_bytes({**FORM, "週数": 13})
    result = world.verifier.verify(altered, signature, "1000000102", noon)
    assert result.failed_check is FailedCheck.SIGNATURE
    assert not result.ok
    assert "変更された可能性" in result.message_ja
    assert "altered" in result.message_en


def test_garbage_certificate_fails_the_signature_check(world: DemoWorld, noon: datetime) -> None:
    result = check(world, Signature(b"\x00", "not a certificate"), "1000000102", noon)
    assert result.failed_check is FailedCheck.SIGNATURE
    assert result.certificate is None


def test_certificate_from_another_ca_fails_the_chain_check(
    world: DemoWorld, noon: datetime
) -> None:
    today = world.population.today
    rogue = CertificateAuthority.create(
        "JPKI 署名用認証局 (mock)", today - timedelta(days=30), today + timedelta(days=30)
    )
    wife = world.resident_registry.by_resident_number("1000000102")
    assert wife is not None
    key = new_key()
    card = world.population.card("1000000102")
    assert card is not None
    genuine = card.current(CertificateKind.SIGNING)
    assert genuine is not None
    forged = rogue.issue(
        signing_subject(wife.name.full, wife.address.one_line(), wife.birth_date, wife.sex),
        key.public_key(),
        genuine.serial,
        today - timedelta(days=1),
        today + timedelta(days=10),
        signing=True,
    )
    signature = Signature(
        key.sign(PAYLOAD, ec.ECDSA(hashes.SHA256())),
        forged.public_bytes(serialization.Encoding.PEM).decode("ascii"),
    )
    result = check(world, signature, "1000000102", noon)
    assert result.failed_check is FailedCheck.CHAIN
    assert "The signing certificate was not issued by the JPKI" in result.message_en


def test_authentication_certificate_cannot_stand_in_for_signing(
    world: DemoWorld, card_reader: MockCardReader, noon: datetime
) -> None:
    persona = world.population.persona("family_expecting")
    signature = card_reader.authenticate(persona.resident_number, PAYLOAD, persona.auth_pin)
    assert read_certificate(signature.certificate_pem).kind is CertificateKind.AUTHENTICATION
    assert check(world, signature, "1000000102", noon).failed_check is FailedCheck.CHAIN


def test_expired_certificate(world: DemoWorld, card_reader: MockCardReader) -> None:
    signature = sign_as(card_reader, world, "family_expecting")
    info = read_certificate(signature.certificate_pem)
    result = check(world, signature, "1000000102", info.not_after + timedelta(seconds=1))
    assert result.failed_check is FailedCheck.EXPIRED
    assert check(world, signature, "1000000102", info.not_after).ok


def test_not_yet_valid_certificate(world: DemoWorld, card_reader: MockCardReader) -> None:
    signature = sign_as(card_reader, world, "family_expecting")
    info = read_certificate(signature.certificate_pem)
    result = check(world, signature, "1000000102", info.not_before - timedelta(seconds=1))
    assert result.failed_check is FailedCheck.NOT_YET_VALID


def test_revoked_certificate_of_someone_who_moved(
    world: DemoWorld, card_reader: MockCardReader, noon: datetime
) -> None:
    signature = sign_as(card_reader, world, "recently_moved")
    result = check(world, signature, "1000000701", noon)
    assert result.failed_check is FailedCheck.REVOKED
    assert "失効" in result.message_ja
    assert "revoked" in result.message_en
    before_the_move = noon - timedelta(days=11)
    assert check(world, signature, "1000000701", before_the_move).ok


def test_someone_elses_signature_is_not_the_applicants(
    world: DemoWorld, card_reader: MockCardReader, noon: datetime
) -> None:
    husband_signed = sign_as(card_reader, world, "family_expecting")
    result = check(world, husband_signed, "1000000101", noon)
    assert result.failed_check is FailedCheck.NOT_APPLICANT
    assert result.message_en == "The signer is not the applicant."


def test_checks_run_in_order(world: DemoWorld, card_reader: MockCardReader, noon: datetime) -> None:
    revoked = sign_as(card_reader, world, "recently_moved")
    assert world.verifier.verify(b"other", revoked, "x", noon).failed_check is FailedCheck.SIGNATURE
    assert check(world, revoked, "1000000102", noon).failed_check is FailedCheck.REVOKED


def test_revocation_list_must_come_from_the_trust_anchor(
    world: DemoWorld, card_reader: MockCardReader, noon: datetime
) -> None:
    today = world.population.today
    rogue = CertificateAuthority.create(
        "rogue", today - timedelta(days=1), today + timedelta(days=1)
    )
    empty = rogue.revocation_list([], today, today + timedelta(days=1))
    verifier = SignatureVerifier(
        world.authority.trust_anchor(CertificateKind.SIGNING), lambda: empty, lambda s: None
    )
    with pytest.raises(RevocationCheckError):
        verifier.verify(PAYLOAD, sign_as(card_reader, world, "family_expecting"), 0, noon)


def test_naive_times_are_refused(world: DemoWorld, card_reader: MockCardReader) -> None:
    signature = sign_as(card_reader, world, "family_expecting")
    with pytest.raises(ValueError, match="timezone-aware"):
        check(world, signature, "1000000102", datetime(2025, 6, 2, 12))


def test_signing_certificate_carries_the_basic_four_items(
    world: DemoWorld, card_reader: MockCardReader
) -> None:
    wife = world.resident_registry.by_resident_number("1000000102")
    assert wife is not None
    info = read_certificate(sign_as(card_reader, world, "family_expecting").certificate_pem)
    assert (info.kind, info.name, info.address, info.birth_date, info.sex) == (
        CertificateKind.SIGNING,
        wife.name.full,
        wife.address.one_line(),
        wife.birth_date,
        wife.sex,
    )
    assert "JPKI 署名用認証局" in info.issuer


def test_authentication_certificate_carries_no_personal_data(
    world: DemoWorld, card_reader: MockCardReader
) -> None:
    persona = world.population.persona("elderly_alone")
    info = read_certificate(
        card_reader.authenticate(
            persona.resident_number, b"challenge", persona.auth_pin
        ).certificate_pem
    )
    assert info.kind is CertificateKind.AUTHENTICATION
    assert (info.name, info.address, info.birth_date, info.sex) == (None, None, None, None)


def test_validity_runs_to_the_fifth_birthday_after_issue(world: DemoWorld) -> None:
    card = world.population.card("1000000301")
    wife = world.resident_registry.by_resident_number("1000000301")
    assert card is not None
    assert wife is not None
    plan = card.current(CertificateKind.SIGNING)
    birth = wife.birth_date.as_date()
    assert plan is not None
    assert birth is not None
    fifth = nth_birthday_after(birth, plan.issued_on, 5)
    assert plan.expires_on == fifth
    _, certificate = world.authority.credential(plan.serial)
    assert certificate.not_valid_after_utc == datetime(
        fifth.year, fifth.month, fifth.day, 23, 59, 59, tzinfo=JST
    )
    assert certificate.not_valid_before_utc == datetime.combine(
        plan.issued_on, datetime.min.time(), JST
    )


def test_nth_birthday_after() -> None:
    assert nth_birthday_after(date(1990, 6, 10), date(2025, 6, 2), 5) == date(2029, 6, 10)
    assert nth_birthday_after(date(1990, 6, 10), date(2025, 6, 10), 5) == date(2030, 6, 10)
    assert nth_birthday_after(date(2000, 2, 29), date(2025, 3, 1), 1) == date(2026, 2, 28)


def test_revocation_list_is_signed_and_lists_every_revoked_serial(world: DemoWorld) -> None:
    crl = world.authority.revocation_list(CertificateKind.SIGNING)
    anchor_key = world.authority.trust_anchor(CertificateKind.SIGNING).public_key()
    assert isinstance(anchor_key, ec.EllipticCurvePublicKey)
    assert crl.is_signature_valid(anchor_key)
    revoked = {
        c.serial
        for card in world.population.cards
        for c in card.certificates
        if c.revoked_on is not None
    }
    assert {entry.serial_number for entry in crl} == revoked
    assert len(revoked) > 5


def test_canonical_bytes_are_stable_and_compact() -> None:
    assert canonical_bytes({"b": 1, "a": "国立"}) == '{"a":"国立","b":1}'.encode()
    assert canonical_bytes({"a": "国立", "b": 1}) == canonical_bytes({"b": 1, "a": "国立"})
    with pytest.raises(ValueError, match="JSON compliant"):
        canonical_bytes({"x": math.nan})
    with pytest.raises(TypeError):
        canonical_bytes({"x": date(2025, 1, 1)})


def test_every_planned_certificate_is_made_as_planned(world: DemoWorld) -> None:
    fresh = type(world.authority)(world.population)
    assert fresh.issue_all() > 1000
    for card in world.population.cards:
        for plan in card.certificates:
            _, certificate = fresh.credential(plan.serial)
            info = describe_certificate(certificate)
            assert (info.serial, info.kind) == (plan.serial, plan.kind)
            if plan.kind is CertificateKind.SIGNING:
                assert (info.name, info.address, info.birth_date, info.sex) == (
                    plan.holder_name,
                    plan.holder_address,
                    plan.birth_date,
                    plan.sex,
                )
