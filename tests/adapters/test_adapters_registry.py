"""The adapter registry: unique ids, selection by configuration, clear errors."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from adapters import service
from adapters.base import PublicFundsAccounts
from adapters.capabilities import (
    ALL_CAPABILITIES,
    CORE_SYSTEM,
    JPKI_VERIFIER,
    NOTIFIER,
    OSS_INTAKE,
    PITTARI_INTAKE,
    PUBLIC_FUNDS_ACCOUNTS,
    RESIDENT_LOGIN,
    RESIDENT_REGISTRY,
    STAFF_LOGIN,
    Capability,
)
from adapters.errors import DuplicateImplementationError, UnknownImplementationError
from adapters.records import AccountType, PublicFundsAccount
from adapters.registry import Registry

ACCOUNT = PublicFundsAccount(
    "0001", "みずほ銀行", "238", "国立支店", AccountType.ORDINARY, "1234567", "ヤマダ\u3000タロウ"
)


class FixedAccounts:
    """A public-funds registry answering one number, configured by ``owner``."""

    def __init__(self, owner: str) -> None:
        self.owner = owner

    def lookup(self, my_number: str) -> PublicFundsAccount | None:
        return ACCOUNT if my_number == self.owner else None


def make_registry() -> Registry:
    registry = Registry()

    @registry.register(PUBLIC_FUNDS_ACCOUNTS, "fixed")
    def fixed(config: Mapping[str, str]) -> PublicFundsAccounts:
        return FixedAccounts(config.get("owner", "123456789018"))

    @registry.register(PUBLIC_FUNDS_ACCOUNTS, "empty")
    def empty(config: Mapping[str, str]) -> PublicFundsAccounts:
        return FixedAccounts("")

    return registry


def test_configured_builds_the_implementation_named_in_config() -> None:
    registry = make_registry()
    accounts = registry.configured(
        PUBLIC_FUNDS_ACCOUNTS, {"public_funds_accounts": "fixed", "owner": "987654321000"}
    )
    assert accounts.lookup("987654321000") == ACCOUNT
    assert accounts.lookup("123456789018") is None


def test_get_builds_by_id_with_empty_config_by_default() -> None:
    accounts = make_registry().get(PUBLIC_FUNDS_ACCOUNTS, "fixed")
    assert accounts.lookup("123456789018") == ACCOUNT


def test_registering_an_id_twice_is_an_error() -> None:
    registry = make_registry()
    with pytest.raises(DuplicateImplementationError, match="'fixed' is already registered"):

        @registry.register(PUBLIC_FUNDS_ACCOUNTS, "fixed")
        def again(config: Mapping[str, str]) -> PublicFundsAccounts:
            return FixedAccounts("")

    assert make_registry().get(PUBLIC_FUNDS_ACCOUNTS, "fixed").lookup("123456789018") == ACCOUNT


def test_the_same_id_may_serve_different_capabilities() -> None:
    registry = make_registry()
    other_accounts = Capability[PublicFundsAccounts]("other_accounts", "別の口座")

    @registry.register(other_accounts, "fixed")
    def other(config: Mapping[str, str]) -> PublicFundsAccounts:
        return FixedAccounts("987654321000")

    assert registry.known_ids(other_accounts) == ("fixed",)
    assert registry.known_ids(PUBLIC_FUNDS_ACCOUNTS) == ("empty", "fixed")
    assert registry.get(other_accounts, "fixed").lookup("987654321000") == ACCOUNT


def test_malformed_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="lower-case"):
        Registry().register(PUBLIC_FUNDS_ACCOUNTS, "Mock Service")


def test_unknown_id_error_lists_known_ids() -> None:
    with pytest.raises(UnknownImplementationError) as caught:
        make_registry().configured(PUBLIC_FUNDS_ACCOUNTS, {"public_funds_accounts": "real"})
    message = str(caught.value)
    assert "public_funds_accounts: unknown implementation 'real'" in message
    assert "known ids: empty, fixed" in message
    assert caught.value.known == ("empty", "fixed")


def test_missing_configuration_error_names_the_key() -> None:
    with pytest.raises(UnknownImplementationError, match="no implementation configured") as caught:
        make_registry().configured(PUBLIC_FUNDS_ACCOUNTS, {})
    assert "set 'public_funds_accounts'" in str(caught.value)


def test_capability_without_implementations_says_so() -> None:
    with pytest.raises(UnknownImplementationError, match=r"\(none registered\)"):
        make_registry().get(CORE_SYSTEM, "mock")


def test_default_registry_has_the_mocks_of_implemented_capabilities() -> None:
    registry = service.load_builtin_implementations()
    expected = {
        RESIDENT_REGISTRY.name: ("http", "mock"),
        JPKI_VERIFIER.name: ("mock",),
        PUBLIC_FUNDS_ACCOUNTS.name: ("http", "mock"),
        CORE_SYSTEM.name: ("http", "mock"),
        PITTARI_INTAKE.name: ("http", "mock"),
        OSS_INTAKE.name: ("http", "mock"),
        NOTIFIER.name: ("email", "mock", "mynaportal"),
        RESIDENT_LOGIN.name: ("mock", "oidc"),
        STAFF_LOGIN.name: ("mock", "oidc"),
    }
    assert {c.name: registry.known_ids(c) for c in ALL_CAPABILITIES} == expected


def test_service_functions_use_the_registry_they_are_given() -> None:
    accounts = service.public_funds_accounts(
        {"public_funds_accounts": "fixed"}, registry=make_registry()
    )
    assert isinstance(accounts, FixedAccounts)


def test_service_functions_build_the_configured_mocks() -> None:
    config = {
        "resident_registry": "mock",
        "jpki_verifier": "mock",
        "public_funds_accounts": "mock",
        "mock_seed": "7",
        "mock_today": "2025-06-02",
        "mock_population": "40",
    }
    registry = service.resident_registry(config)
    persona = registry.by_resident_number("1000000102")
    assert persona is not None
    assert persona.name.full == "佐藤\u3000美咲"
    assert service.public_funds_accounts(config).lookup(persona.my_number) is not None
    assert service.jpki_verifier(config) is service.jpki_verifier(config)
