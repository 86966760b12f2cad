"""The mock public-funds account registry (公金受取口座登録簿).

About 40% of the demo adults have registered an account, drawn from a generator seeded
from the population's seed so the accounts are as reproducible as the residents. Among
the personas the accounts are fixed (see ``personas.md``): the main persons of
``family_expecting``, ``single_parent``, ``elderly_alone``, ``flood_household`` and
``care_renewal`` have one; the others do not, so both paths of a benefit form can be shown.

Bank codes are the real 統一金融機関コード; branch codes and names are demo values.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from adapters.mock.dates import add_years
from adapters.mock.faults import FaultPlan
from adapters.mock.population import Population
from adapters.records import AccountType, PublicFundsAccount, Resident

PERSONAS_WITH_ACCOUNT = (
    "family_expecting",
    "single_parent",
    "elderly_alone",
    "flood_household",
    "care_renewal",
)

SHARE_OF_ADULTS = 0.4


@dataclass(frozen=True)
class _Bank:
    code: str
    name: str
    branches: tuple[tuple[str, str], ...]


_BANKS: tuple[_Bank, ...] = (
    _Bank("0001", "みずほ銀行", (("238", "国立支店"), ("241", "立川支店"))),
    _Bank("0005", "三菱ＵＦＪ銀行", (("227", "国立支店"), ("229", "立川支店"))),
    _Bank("0009", "三井住友銀行", (("262", "国立支店"), ("264", "立川支店"))),
    _Bank("0010", "りそな銀行", (("611", "国立支店"),)),
    _Bank("0137", "きらぼし銀行", (("085", "国立支店"), ("086", "谷保支店"))),
    _Bank(
        "1360", "多摩信用金庫", (("014", "国立支店"), ("015", "谷保支店"), ("016", "富士見台支店"))
    ),
    _Bank("9900", "ゆうちょ銀行", (("018", "〇一八店"), ("058", "〇五八店"))),
)
_BANK_WEIGHTS = (16, 14, 12, 6, 10, 22, 20)


def _account(rng: random.Random, resident: Resident) -> PublicFundsAccount:
    bank = rng.choices(_BANKS, weights=_BANK_WEIGHTS)[0]
    branch_code, branch_name = rng.choice(bank.branches)
    account_type = AccountType.ORDINARY if rng.random() < 0.95 else AccountType.CURRENT
    return PublicFundsAccount(
        bank_code=bank.code,
        bank_name=bank.name,
        branch_code=branch_code,
        branch_name=branch_name,
        account_type=account_type,
        account_number=f"{rng.randint(0, 9_999_999):07d}",
        holder_kana=resident.name.full_kana,
    )


def _is_adult(resident: Resident, population: Population) -> bool:
    latest = resident.birth_date.latest()
    return latest is not None and add_years(latest, 18) <= population.today


def generate_accounts(population: Population) -> dict[str, PublicFundsAccount]:
    """Registered accounts by My Number for ``population``."""
    rng = random.Random(f"public-funds:{population.seed}")  # noqa: S311 - demo data, not secrets
    persona_households = {p.household_number for p in population.personas}
    persona_members = {
        r.resident_number for r in population.residents if r.household_number in persona_households
    }
    with_account = {population.persona(key).resident_number for key in PERSONAS_WITH_ACCOUNT}
    accounts: dict[str, PublicFundsAccount] = {}
    for resident in population.residents:
        if resident.resident_number in persona_members:
            chosen = resident.resident_number in with_account
        else:
            chosen = _is_adult(resident, population) and rng.random() < SHARE_OF_ADULTS
        if chosen:
            accounts[resident.my_number] = _account(rng, resident)
    return accounts


class MockPublicFundsAccounts:
    """A :class:`adapters.base.PublicFundsAccounts` over the demo accounts.

    Every lookup goes through ``self.faults`` (injecting nothing until told to), so the
    registry can be slow, failing or down like the Digital Agency's real one.
    """

    def __init__(
        self, accounts: dict[str, PublicFundsAccount], faults: FaultPlan | None = None
    ) -> None:
        self._accounts = dict(accounts)
        self.faults = FaultPlan(seed="public_funds") if faults is None else faults

    def lookup(self, my_number: str) -> PublicFundsAccount | None:
        """The account registered for this My Number, or None."""
        return self.faults.run("public_funds.lookup", lambda: self._accounts.get(my_number))
