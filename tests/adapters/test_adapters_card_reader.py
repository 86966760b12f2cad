"""The mock card reader: PIN checks, lock-out after wrong tries, reset at the counter."""

from __future__ import annotations

from datetime import datetime

import pytest

from adapters.errors import NoCardError, PinLockedError, WrongPinError
from adapters.mock.card_reader import MockCardReader
from adapters.mock.world import DemoWorld
from adapters.signatures import CertificateKind

PAYLOAD = b'{"a":1}'


def test_signing_password_locks_after_five_wrong_tries(
    world: DemoWorld, card_reader: MockCardReader
) -> None:
    persona = world.population.persona("single_parent")
    for remaining in (4, 3, 2, 1):
        with pytest.raises(WrongPinError, match=f"残り{remaining}回") as caught:
            card_reader.sign(persona.resident_number, PAYLOAD, "WRONG123")
        assert caught.value.remaining_attempts == remaining
    with pytest.raises(PinLockedError, match="5回続けて間違えたためロックされました"):
        card_reader.sign(persona.resident_number, PAYLOAD, "WRONG123")
    with pytest.raises(PinLockedError, match="locked"):
        card_reader.sign(persona.resident_number, PAYLOAD, persona.signing_password)


def test_reset_at_the_counter_unlocks(world: DemoWorld, card_reader: MockCardReader) -> None:
    persona = world.population.persona("single_parent")
    for _ in range(5):
        with pytest.raises((WrongPinError, PinLockedError)):
            card_reader.sign(persona.resident_number, PAYLOAD, "WRONG123")
    card_reader.reset(persona.resident_number, CertificateKind.SIGNING)
    assert card_reader.remaining_tries(persona.resident_number, CertificateKind.SIGNING) == 5
    assert card_reader.sign(persona.resident_number, PAYLOAD, persona.signing_password).value


def test_a_right_entry_resets_the_count(world: DemoWorld, card_reader: MockCardReader) -> None:
    persona = world.population.persona("care_renewal")
    for _ in range(4):
        with pytest.raises(WrongPinError):
            card_reader.sign(persona.resident_number, PAYLOAD, "WRONG123")
    card_reader.sign(persona.resident_number, PAYLOAD, persona.signing_password)
    assert card_reader.remaining_tries(persona.resident_number, CertificateKind.SIGNING) == 5


def test_authentication_pin_locks_after_three_wrong_tries(
    world: DemoWorld, card_reader: MockCardReader
) -> None:
    persona = world.population.persona("elderly_alone")
    for remaining in (2, 1):
        with pytest.raises(WrongPinError) as caught:
            card_reader.authenticate(persona.resident_number, b"challenge", "0000")
        assert caught.value.remaining_attempts == remaining
    with pytest.raises(PinLockedError, match="暗証番号"):
        card_reader.authenticate(persona.resident_number, b"challenge", "0000")
    # The signing password is counted separately and still works.
    assert card_reader.sign(persona.resident_number, PAYLOAD, persona.signing_password).value


def test_counts_are_per_card(world: DemoWorld, card_reader: MockCardReader) -> None:
    one = world.population.persona("flood_household")
    other = world.population.persona("third_child_family")
    with pytest.raises(WrongPinError):
        card_reader.sign(one.resident_number, PAYLOAD, "WRONG123")
    assert card_reader.remaining_tries(one.resident_number, CertificateKind.SIGNING) == 4
    assert card_reader.remaining_tries(other.resident_number, CertificateKind.SIGNING) == 5


def test_residents_without_a_card_or_signing_certificate(
    world: DemoWorld, card_reader: MockCardReader
) -> None:
    with pytest.raises(NoCardError, match="has no My Number Card"):
        card_reader.sign("1000000203", PAYLOAD, "ANY12345")
    child_card = next(c for c in world.population.cards if c.signing_password is None)
    assert child_card.current(CertificateKind.SIGNING) is None
    with pytest.raises(NoCardError, match="no signing certificate"):
        card_reader.sign(child_card.resident_number, PAYLOAD, "ANY12345")
    assert card_reader.authenticate(child_card.resident_number, b"c", child_card.auth_pin).value


def test_generated_residents_sign_with_their_own_pins(
    world: DemoWorld, card_reader: MockCardReader, noon: datetime
) -> None:
    cards = [
        c
        for c in world.population.cards
        if not c.resident_number.startswith("100000") and c.signing_password
    ]
    for card in cards[:20]:
        assert card.signing_password is not None
        signature = card_reader.sign(card.resident_number, PAYLOAD, card.signing_password)
        assert world.verifier.verify(PAYLOAD, signature, card.resident_number, noon).ok
