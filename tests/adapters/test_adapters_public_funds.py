"""The mock public-funds account registry."""

from __future__ import annotations

from adapters.mock.dates import add_years
from adapters.mock.population import Population
from adapters.mock.public_funds import (
    PERSONAS_WITH_ACCOUNT,
    MockPublicFundsAccounts,
    generate_accounts,
)
from adapters.mock.world import DemoWorld
from adapters.records import AccountType


def test_family_expecting_claimant_has_her_own_account(world: DemoWorld) -> None:
    persona = world.population.persona("family_expecting")
    account = world.public_funds_accounts.lookup(persona.my_number)
    assert account is not None
    assert account.holder_kana == "サトウ\u3000ミサキ"


def test_personas_have_the_documented_accounts(world: DemoWorld) -> None:
    for persona in world.population.personas:
        has_account = world.public_funds_accounts.lookup(persona.my_number) is not None
        assert has_account == (persona.key in PERSONAS_WITH_ACCOUNT), persona.key


def test_unknown_numbers_have_no_account(world: DemoWorld) -> None:
    assert world.public_funds_accounts.lookup("123456789018") is None


def test_about_forty_percent_of_adults_registered(population: Population) -> None:
    accounts = generate_accounts(population)
    adults = [
        r
        for r in population.residents
        if (latest := r.birth_date.latest()) is not None
        and add_years(latest, 18) <= population.today
    ]
    share = sum(1 for r in adults if r.my_number in accounts) / len(adults)
    assert 0.3 < share < 0.5
    adult_numbers = {r.my_number for r in adults}
    assert not [n for n in accounts if n not in adult_numbers]


def test_account_fields_are_well_formed(population: Population) -> None:
    holders = {r.my_number: r for r in population.residents}
    for my_number, account in generate_accounts(population).items():
        assert len(account.bank_code) == 4
        assert account.bank_code.isdigit()
        assert len(account.branch_code) == 3
        assert account.branch_code.isdigit()
        assert len(account.account_number) == 7
        assert account.account_number.isdigit()
        assert account.account_type in (AccountType.ORDINARY, AccountType.CURRENT)
        assert account.holder_kana == holders[my_number].name.full_kana
        assert all("\u30a0" <= c <= "\u30ff" or c == "\u3000" for c in account.holder_kana)


def test_accounts_are_reproducible(population: Population) -> None:
    assert generate_accounts(population) == generate_accounts(population)


def test_the_registry_keeps_its_own_copy(world: DemoWorld) -> None:
    persona = world.population.persona("family_expecting")
    account = world.public_funds_accounts.lookup(persona.my_number)
    assert account is not None
    source = {persona.my_number: account}
    accounts = MockPublicFundsAccounts(source)
    source.clear()
    assert accounts.lookup(persona.my_number) == account
