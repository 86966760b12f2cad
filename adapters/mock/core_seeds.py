"""Records the mock core systems already hold when the demo starts, drawn from the population.

- 税務: the income and tax status (所得・課税状況) of the current tax year for everyone who
  lived in the city on 1 January of that year (個人住民税 is assessed where one lived on
  that day, 賦課期日), so someone who moved in since has no record here and a benefit
  check must ask the previous municipality. The tax year of 住民税 is set in June: before
  June the latest assessment is the previous year's. Minors have no income. Amounts use
  a simplified rule (non-taxable up to 450,000 yen of total income; 所得割 10% above the
  430,000 yen basic deduction; 均等割 5,000 yen), enough for benefit checks to branch.
- 介護保険: every resident surely 65 or older is a first-category insured person (第1号
  被保険者), qualified the day before the 65th birthday or on moving in, if later.
- Personas (see ``personas.md``): ``care_renewal`` holds a 要介護2 certification expiring
  at the end of the month about 45 days after ``today`` (inside the 60-day renewal
  window); ``single_parent`` receives 児童扶養手当 (一部支給) for her two children;
  ``elderly_alone`` and ``care_renewal`` live on pensions (non-taxable or low income);
  ``family_expecting``'s 2-year-old (佐藤 陽菜) goes to nursery under a 3号 certification
  (保育標準時間) from 1 April of the fiscal year until the day before her third birthday,
  so the family's 保育の現況届 has a 認定番号 to be registered against.

Everything is drawn from a generator seeded from the population's seed, so the seeded
records are as reproducible as the residents.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta

from adapters.jpki_profile import JST
from adapters.mock.core_systems import MockCoreSystem, build_core_systems
from adapters.mock.dates import add_years
from adapters.mock.faults import FaultPlan
from adapters.mock.population import Population
from adapters.records import Relationship, Resident

NON_TAXABLE_LIMIT = 450_000
BASIC_DEDUCTION = 430_000
PER_CAPITA_LEVY = 5_000

# Persona main persons' total income (合計所得金額), in yen.
PERSONA_INCOME = {
    "family_expecting": 2_600_000,
    "newborn_family": 4_800_000,
    "elderly_alone": 0,
    "flood_household": 5_200_000,
    "single_parent": 1_150_000,
    "foreign_resident": 3_300_000,
    "third_child_family": 6_100_000,
    "care_renewal": 1_200_000,
}


def tax_year(today: date) -> int:
    """The latest 住民税 tax year assessed by ``today`` (assessments go out in June)."""
    return today.year if today.month >= 6 else today.year - 1


def _morning(day: date) -> datetime:
    """09:00 in Japan on ``day``: when a seeded record was entered."""
    return datetime.combine(day, time(9, 0), JST)


def _least_age(resident: Resident, today: date) -> int | None:
    """The age the resident has at least on ``today`` (the latest reading of the birth date)."""
    latest = resident.birth_date.latest()
    if latest is None:
        return None
    return today.year - latest.year - ((today.month, today.day) < (latest.month, latest.day))


def _month_end(day: date) -> date:
    next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return next_month - timedelta(days=1)


def _drawn_income(rng: random.Random, age: int | None) -> int | None:
    """A generated adult's total income; None when they filed no declaration."""
    if rng.random() < 0.05:
        return None
    low_share = 0.5 if age is not None and age >= 65 else 0.2
    if rng.random() < low_share:
        return rng.randrange(0, NON_TAXABLE_LIMIT + 1, 1000)
    return rng.randrange(1_000_000, 9_000_001, 1000)


def income_status(resident: Resident, year: int, income: int | None) -> dict[str, object]:
    """The 税務 record of ``resident`` for tax year ``year`` (income None: not declared)."""
    record: dict[str, object] = {
        "kind": "income_status",
        "resident_number": resident.resident_number,
        "fiscal_year": year,
        "income_year": year - 1,
    }
    if income is None:
        return record | {"tax_status": "未申告"}
    taxable = income > NON_TAXABLE_LIMIT
    return record | {
        "tax_status": "課税" if taxable else "非課税",
        "total_income": income,
        "income_levy": (income - BASIC_DEDUCTION) // 1000 * 100 if taxable else 0,
        "per_capita_levy": PER_CAPITA_LEVY if taxable else 0,
    }


def _seed_taxes(zeimu: MockCoreSystem, population: Population) -> None:
    rng = random.Random(f"zeimu:{population.seed}")  # noqa: S311 - demo data, not secrets
    year = tax_year(population.today)
    assessed_on = date(year, 1, 1)
    incomes = {
        population.persona(key).resident_number: amount for key, amount in PERSONA_INCOME.items()
    }
    for resident in population.residents:
        # One draw per resident whatever happens, so a change in one rule moves no one else.
        age = _least_age(resident, population.today)
        drawn = _drawn_income(rng, age)
        if resident.became_resident_on > assessed_on:
            continue
        if resident.resident_number in incomes:
            income: int | None = incomes[resident.resident_number]
        elif age is not None and age < 18:
            income = 0
        else:
            income = drawn
        zeimu.preload(
            f"seed:income_status:{resident.resident_number}:{year}",
            income_status(resident, year, income),
            _morning(date(year, 6, 1)),
        )


def _insured_since(resident: Resident) -> date | None:
    latest = resident.birth_date.latest()
    if latest is None:
        return None
    return max(add_years(latest, 65) - timedelta(days=1), resident.became_resident_on)


def _seed_care(kaigo: MockCoreSystem, population: Population) -> None:
    today = population.today
    insured: dict[str, str] = {}
    for resident in population.residents:
        since = _insured_since(resident)
        if since is None or since > today:
            continue
        result = kaigo.preload(
            f"seed:insured:{resident.resident_number}",
            {
                "kind": "insured",
                "resident_number": resident.resident_number,
                "category": "第1号被保険者",
                "qualified_on": since.isoformat(),
            },
            _morning(since),
        )
        insured[resident.resident_number] = result.record_id
    person = population.persona("care_renewal").resident_number
    valid_until = _month_end(today + timedelta(days=45))
    valid_from = add_years(valid_until + timedelta(days=1), -1)
    decided_on = valid_from - timedelta(days=10)
    kaigo.preload(
        f"seed:certification:{person}",
        {
            "kind": "certification",
            "insured_number": insured[person],
            "resident_number": person,
            "application_kind": "更新",
            "care_level": "要介護2",
            "applied_on": (valid_from - timedelta(days=50)).isoformat(),
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
            "decided_on": decided_on.isoformat(),
        },
        _morning(decided_on),
    )


def _seed_child_rearing(fuyou: MockCoreSystem, population: Population) -> None:
    persona = population.persona("single_parent")
    children = [
        r.resident_number
        for r in population.residents
        if r.household_number == persona.household_number and r.relationship is Relationship.CHILD
    ]
    decided_on = add_years(population.today, -3)
    fuyou.preload(
        f"seed:recipient:{persona.resident_number}",
        {
            "kind": "recipient",
            "resident_number": persona.resident_number,
            "children": children,
            "payment_category": "一部支給",
            "monthly_amount": 38_000,
            "decided_on": decided_on.isoformat(),
        },
        _morning(decided_on),
    )


def _fiscal_year_start(today: date) -> date:
    return date(today.year if today.month >= 4 else today.year - 1, 4, 1)


def _seed_childcare(kodomo: MockCoreSystem, population: Population) -> None:
    persona = population.persona("family_expecting")
    child = next(
        r
        for r in population.residents
        if r.household_number == persona.household_number and r.relationship is Relationship.CHILD
    )
    born = child.birth_date.as_date()
    if born is None:  # the persona's child has a full birth date; never invent one
        return
    valid_from = max(_fiscal_year_start(population.today), born)
    valid_until = add_years(born, 3) - timedelta(days=1)
    decided_on = valid_from - timedelta(days=50)
    kodomo.preload(
        f"seed:certification:{child.resident_number}",
        {
            "kind": "certification",
            "resident_number": child.resident_number,
            "guardian_resident_number": persona.resident_number,
            "certification_class": "3号",
            "care_hours": "保育標準時間",
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
            "decided_on": decided_on.isoformat(),
        },
        _morning(decided_on),
    )


def seeded_core_systems(
    population: Population,
    *,
    faults: FaultPlan | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Mapping[str, MockCoreSystem]:
    """One mock per business, holding the records the demo starts with (see module text)."""
    systems = build_core_systems(faults=faults, clock=clock)
    _seed_taxes(systems["zeimu"], population)
    _seed_care(systems["kaigo-hoken"], population)
    _seed_child_rearing(systems["jidou-fuyou-teate"], population)
    _seed_childcare(systems["kodomo-kosodate"], population)
    return systems
