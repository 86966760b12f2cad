"""The mock core systems: idempotent registration, strict records, lookup and query."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest

from adapters.errors import (
    IdempotencyConflictError,
    PartnerError,
    PartnerRefusalError,
    PartnerTimeoutError,
    PartnerUnavailableError,
    RecordRejectedError,
)
from adapters.exchange import CoreBusiness
from adapters.mock.core_businesses import BUSINESSES
from adapters.mock.core_systems import MockCoreSystem, build_core_systems
from adapters.mock.faults import FaultKind, FaultPlan
from tests.adapters.conftest import NOON, FakeTime

CLAIMANT, NEWBORN = "1000000201", "1000000203"
ALLOWANCE_KINDS = (
    "recipient, amount_revision, change_notice, entitlement_end, unpaid_claim, donation, "
    "donation_change, fee_collection, fee_collection_change, status_report"
)


def claim(**changes: object) -> dict[str, object]:
    """A decided 児童手当 claim: 高橋 大輔 for his newborn."""
    record: dict[str, object] = {
        "kind": "recipient",
        "resident_number": CLAIMANT,
        "children": [NEWBORN],
        "monthly_amount": 15_000,
        "payment_start": "2025-07",
        "decided_on": "2025-06-02",
        "case_reference": "R7-000123",
    }
    return record | changes


@pytest.fixture
def jidou(fake_time: FakeTime) -> MockCoreSystem:
    """An empty 児童手当 system on the fake clock, with a plan injecting nothing yet."""
    plan = FaultPlan(clock=fake_time.clock, sleep=fake_time.sleep)
    return MockCoreSystem(BUSINESSES["jidou-teate"], faults=plan, clock=fake_time.clock)


def test_the_business_ids_are_those_of_the_procedure_definitions() -> None:
    assert [b.value for b in CoreBusiness] == [
        "jidou-teate",
        "kodomo-kosodate",
        "jidou-fuyou-teate",
        "kenkou-kanri",
        "kaigo-hoken",
        "zeimu",
        "hisaisha-shien",
        "todoufuken-zei",
        "keisatsu",
    ]
    assert sorted(BUSINESSES) == sorted(b.value for b in CoreBusiness)
    assert sorted(build_core_systems()) == sorted(BUSINESSES)


def test_registration_assigns_the_recipient_number(jidou: MockCoreSystem) -> None:
    result = jidou.register("case-1:register", claim())
    assert (result.business, result.record_id, result.created) == ("jidou-teate", "JT0000001", True)
    assert result.registered_at == NOON
    (stored,) = jidou.records()
    assert stored == claim() | {"recipient_number": "JT0000001", "registered_at": NOON.isoformat()}
    assert (
        jidou.register("case-2:register", claim(children=["1000000103"])).record_id == "JT0000002"
    )


def test_the_same_key_twice_gives_one_record_and_the_same_number(jidou: MockCoreSystem) -> None:
    first = jidou.register("case-1:register", claim())
    again = jidou.register("case-1:register", claim(children=(NEWBORN,), bank=None))
    assert again.record_id == first.record_id
    assert (first.created, again.created) == (True, False)
    assert again.registered_at == first.registered_at
    assert len(jidou.records()) == 1


def test_a_key_reused_for_another_record_is_a_conflict(jidou: MockCoreSystem) -> None:
    jidou.register("case-1:register", claim())
    with pytest.raises(IdempotencyConflictError, match="already used") as caught:
        jidou.register("case-1:register", claim(monthly_amount=10_000))
    assert caught.value.record_id == "JT0000001"
    assert not isinstance(caught.value, PartnerError)
    assert [r["monthly_amount"] for r in jidou.records()] == [15_000]


def test_a_malformed_record_is_refused_for_good_with_every_problem(
    jidou: MockCoreSystem,
) -> None:
    bad = claim(
        monthly_amount="15000",
        payment_start="2025-13",
        children=[],
        recipient_number="JT9999999",
        colour="blue",
    )
    del bad["decided_on"]
    with pytest.raises(RecordRejectedError) as caught:
        jidou.register("case-1:register", bad)
    error = caught.value
    assert isinstance(error, PartnerRefusalError)
    assert not isinstance(error, PartnerError)  # a retry loop will not retry it
    assert error.problems == (
        "colour: is not a field of recipient",
        "recipient_number: is assigned by the core system, not sent",
        "children (支給対象児童の宛名番号): must be a non-empty list of distinct 10-digit "
        "resident numbers",
        "monthly_amount (月額（円）): must be a whole number",
        "payment_start (支給開始月): must be a month (YYYY-MM)",
        "decided_on (認定日): is required",
    )
    assert jidou.records() == ()
    assert jidou.register("case-1:register", claim()).created  # the key was not spent


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        ({"resident_number": CLAIMANT}, f"kind: must be one of {ALLOWANCE_KINDS}, not None"),
        (
            claim(kind="certification"),
            f"kind: must be one of {ALLOWANCE_KINDS}, not 'certification'",
        ),
        (claim(resident_number="12345"), "must be a resident number of 10 digits"),
        (claim(children=[NEWBORN, NEWBORN]), "distinct"),
        (claim(monthly_amount=-1), "must be at least 0"),
        (claim(monthly_amount=True), "must be a whole number"),
        (claim(decided_on="2025-02-30"), "must be an ISO date"),
        (claim(public_funds_account="yes"), "must be true or false"),
        (claim(case_reference="  "), "must be non-blank text"),
    ],
)
def test_each_malformation_is_named(
    jidou: MockCoreSystem, record: dict[str, object], problem: str
) -> None:
    with pytest.raises(RecordRejectedError, match=re.escape(problem)):
        jidou.register("k", record)


def test_a_blank_idempotency_key_is_refused(jidou: MockCoreSystem) -> None:
    with pytest.raises(RecordRejectedError, match="idempotency key"):
        jidou.register(" ", claim())


# One valid record per kind of every business that takes registrations. A value "@kind"
# stands for the identifier of the record of that kind registered just before.
SAMPLES: dict[str, list[dict[str, object]]] = {
    "jidou-teate": [
        claim(),
        {"kind": "amount_revision", "recipient_number": "@recipient",
         "resident_number": CLAIMANT, "revision_kind": "増額",
         "children": [NEWBORN, "1000000204"], "monthly_amount": 30_000,
         "revised_from": "2025-09", "event_date": "2025-08-10", "decided_on": "2025-08-20"},
        {"kind": "change_notice", "recipient_number": "@recipient", "resident_number": CLAIMANT,
         "name_changed": False, "address_changed": True, "bank_changed": True,
         "spouse_changed": False, "pension_changed": False, "child_address_changed": False,
         "public_funds_account": True, "changed_on": "2025-09-01",
         "received_on": "2025-09-05"},
        {"kind": "entitlement_end", "recipient_number": "@recipient",
         "resident_number": CLAIMANT, "reason": "市外への転出", "event_date": "2026-03-28",
         "last_paid_month": "2026-03", "received_on": "2026-03-10"},
        {"kind": "unpaid_claim", "recipient_number": "@recipient", "resident_number": CLAIMANT,
         "claimant_resident_number": "1000000202", "children": [NEWBORN],
         "date_of_death": "2025-11-05", "unpaid_amount": 30_000,
         "unpaid_months": "2025-10〜2025-11", "payment_date": "2025-12-12",
         "decided_on": "2025-11-28"},
        {"kind": "donation", "recipient_number": "@recipient", "resident_number": CLAIMANT,
         "scope": "各支払月の一部", "amount_per_payment": 10_000,
         "first_payment_month": "2025-10", "received_on": "2025-09-05"},
        {"kind": "donation_change", "recipient_number": "@recipient",
         "resident_number": CLAIMANT, "donation_number": "@donation", "change_kind": "撤回",
         "from_payment_month": "2026-02", "received_on": "2025-12-20"},
        {"kind": "fee_collection", "recipient_number": "@recipient",
         "resident_number": CLAIMANT, "children": [NEWBORN], "school_lunch": False,
         "school_supplies": False, "nursery_fee": True, "after_school": False,
         "scope": "各支払月の定額", "amount_per_payment": 20_000,
         "first_payment_month": "2025-10", "received_on": "2025-09-05"},
        {"kind": "fee_collection_change", "recipient_number": "@recipient",
         "resident_number": CLAIMANT, "collection_number": "@fee_collection",
         "change_kind": "中止", "from_payment_month": "2026-04", "received_on": "2026-03-02"},
        {"kind": "status_report", "recipient_number": "@recipient",
         "resident_number": CLAIMANT, "report_year": 2025, "children": [NEWBORN],
         "lives_at_registered_address": False, "pension_scheme": "厚生年金",
         "received_on": "2025-06-20", "checked_on": "2025-06-27"},
    ],
    "kodomo-kosodate": [
        {"kind": "certification", "resident_number": "1000000103",
         "guardian_resident_number": "1000000102", "certification_class": "3号",
         "care_hours": "保育標準時間", "valid_from": "2025-04-01",
         "valid_until": "2026-03-31", "decided_on": "2025-02-10"},
        {"kind": "allocation", "certification_number": "@certification",
         "resident_number": "1000000103", "result": "内定", "facility": "国立市立なかよし保育園",
         "start_month": "2025-04", "decided_on": "2025-02-10"},
        {"kind": "status_report", "certification_number": "@certification",
         "resident_number": "1000000103", "guardian_resident_number": "1000000102",
         "report_year": 2025, "facility": "国立市立なかよし保育園", "guardian_reason": "就労",
         "guardian_hours_per_month": 140, "situation_changed": False,
         "received_on": "2025-06-16", "checked_on": "2025-06-30"},
    ],
    "jidou-fuyou-teate": [
        {"kind": "recipient", "resident_number": "1000000501",
         "children": ["1000000502", "1000000503"], "payment_category": "全部支給",
         "monthly_amount": 56_000, "decided_on": "2025-06-02"},
        {"kind": "status_report", "certificate_number": "@recipient",
         "resident_number": "1000000501", "report_year": 2025, "payment_category": "一部支給",
         "received_on": "2025-08-20"},
    ],
    "kenkou-kanri": [
        {"kind": "pregnancy", "resident_number": "1000000102", "weeks": 9,
         "due_date": "2025-10-30", "diagnosed_by": "国立産婦人科医院", "notified_on": "2025-06-02"},
        {"kind": "handbook", "registration_number": "@pregnancy",
         "resident_number": "1000000102", "issued_on": "2025-06-09"},
        {"kind": "support_payment", "resident_number": "1000000102", "part": "1回目",
         "amount": 50_000, "decided_on": "2025-06-16"},
    ],
    "kaigo-hoken": [
        {"kind": "insured", "resident_number": "1000000301", "category": "第1号被保険者",
         "qualified_on": "2007-11-02"},
        {"kind": "certification", "insured_number": "@insured", "resident_number": "1000000301",
         "application_kind": "新規", "care_level": "要支援2", "applied_on": "2025-05-01",
         "valid_from": "2025-05-01", "valid_until": "2025-11-30", "decided_on": "2025-05-29"},
        {"kind": "benefit", "insured_number": "@insured", "resident_number": "1000000301",
         "benefit_type": "福祉用具購入費", "amount": 36_000, "decided_on": "2025-06-02"},
    ],
    "hisaisha-shien": [
        {"kind": "dwelling", "disaster_name": "令和7年6月多摩川水害", "disaster_date": "2025-06-01",
         "address": "東京都国立市谷保5118番地", "owner_resident_number": "1000000401",
         "structure": "木造"},
        {"kind": "survey", "dwelling_number": "@dwelling", "survey_type": "第1次調査",
         "damage_grade": "半壊", "loss_ratio": 24, "surveyed_on": "2025-06-05"},
        {"kind": "certificate", "dwelling_number": "@dwelling", "resident_number": "1000000401",
         "damage_grade": "半壊", "issued_on": "2025-06-06"},
    ],
    "todoufuken-zei": [
        {"kind": "car_tax", "owner_name": "伊藤　拓也", "resident_number": "1000000701",
         "registration_plate": "多摩 300 さ 12-34", "chassis_number": "ABC1-2345678",
         "displacement_cc": 1490, "first_registered": "2025-05", "annual_amount": 30_500,
         "decided_on": "2025-06-02"},
        {"kind": "acquisition_tax", "owner_name": "伊藤　拓也", "chassis_number": "ABC1-2345678",
         "acquisition_price": 2_400_000, "rate_tenths_percent": 10, "tax_amount": 24_000,
         "filed_on": "2025-05-20"},
        {"kind": "address_change", "taxation_number": "@car_tax",
         "new_address": "東京都国立市中一丁目3番15号", "changed_on": "2025-05-23"},
    ],
    "keisatsu": [
        {"kind": "parking_certificate", "applicant_name": "伊藤　拓也",
         "resident_number": "1000000701", "vehicle_name": "トヨタ",
         "chassis_number": "ABC1-2345678", "base_address": "東京都国立市中一丁目3番15号",
         "parking_address": "東京都国立市中一丁目3番20号", "distance_m": 80,
         "oss_receipt_number": "OSS-2025-0001", "issued_on": "2025-05-15",
         "valid_until": "2025-06-14"},
    ],
}  # fmt: skip


@pytest.mark.parametrize("business", sorted(SAMPLES))
def test_every_kind_of_every_business_registers_with_its_own_identifier(business: str) -> None:
    spec = BUSINESSES[business]
    system = MockCoreSystem(spec)
    issued: dict[str, str] = {}
    for n, sample in enumerate(SAMPLES[business]):
        record = {k: issued[str(v)[1:]] if str(v).startswith("@") else v for k, v in sample.items()}
        kind = spec.kind(str(record["kind"]))
        assert kind is not None
        result = system.register(f"{business}:{n}", record)
        assert result.record_id == kind.new_id(0)
        issued[kind.name] = result.record_id
        (stored,) = system.query({kind.id_field: result.record_id})
        assert stored["kind"] == kind.name
    assert {k.name for k in spec.kinds} == set(issued)


def test_a_reference_must_exist_and_belong_to_the_same_resident() -> None:
    kaigo = MockCoreSystem(BUSINESSES["kaigo-hoken"])
    insured, certification = SAMPLES["kaigo-hoken"][:2]
    number = kaigo.register("insured", insured).record_id
    assert re.fullmatch(r"[0-9]{10}", number)
    with pytest.raises(RecordRejectedError, match="refers to no insured record '5999999999'"):
        kaigo.register("cert", certification | {"insured_number": "5999999999"})
    with pytest.raises(RecordRejectedError, match="belongs to another resident"):
        kaigo.register(
            "cert", certification | {"insured_number": number, "resident_number": "1000000901"}
        )
    with pytest.raises(RecordRejectedError, match="valid_until: cannot come before valid_from"):
        kaigo.register(
            "cert", certification | {"insured_number": number, "valid_until": "2025-04-30"}
        )


def _allowance_with_recipient() -> tuple[MockCoreSystem, str]:
    jidou = MockCoreSystem(BUSINESSES["jidou-teate"])
    return jidou, jidou.register("recipient", claim()).record_id


def _follow_up(kind: str) -> dict[str, object]:
    (sample,) = [s for s in SAMPLES["jidou-teate"] if s["kind"] == kind]
    return dict(sample)


@pytest.mark.parametrize(
    "kind",
    [
        "amount_revision",
        "change_notice",
        "entitlement_end",
        "unpaid_claim",
        "donation",
        "fee_collection",
        "status_report",
    ],
)
def test_a_follow_up_for_an_unknown_recipient_is_refused_for_good(kind: str) -> None:
    jidou, number = _allowance_with_recipient()
    record = _follow_up(kind) | {"recipient_number": "JT9999999"}
    with pytest.raises(RecordRejectedError) as caught:
        jidou.register(f"{kind}:1", record)
    assert caught.value.problems == (
        "recipient_number (受給者番号): refers to no recipient record 'JT9999999'",
    )
    assert not isinstance(caught.value, PartnerError)  # the worker fails it for staff
    del record["recipient_number"]
    with pytest.raises(RecordRejectedError, match=r"recipient_number \(受給者番号\): is required"):
        jidou.register(f"{kind}:1", record)
    other = _follow_up(kind) | {"recipient_number": number, "resident_number": "1000000801"}
    with pytest.raises(RecordRejectedError, match="belongs to another resident"):
        jidou.register(f"{kind}:1", other)
    assert [r["kind"] for r in jidou.records()] == ["recipient"]
    result = jidou.register(f"{kind}:1", _follow_up(kind) | {"recipient_number": number})
    assert result.created  # the refused attempts did not spend the key
    again = jidou.register(f"{kind}:1", _follow_up(kind) | {"recipient_number": number})
    assert (again.record_id, again.created) == (result.record_id, False)
    assert len(jidou.records(kind)) == 1


@pytest.mark.parametrize(
    ("kind", "field", "refers_to"),
    [
        ("donation_change", "donation_number", "donation"),
        ("fee_collection_change", "collection_number", "fee_collection"),
    ],
)
def test_a_change_must_refer_to_the_recipients_own_offer(
    kind: str, field: str, refers_to: str
) -> None:
    jidou, number = _allowance_with_recipient()
    with pytest.raises(RecordRejectedError, match=f"refers to no {refers_to} record 'JD0'"):
        jidou.register("change", _follow_up(kind) | {"recipient_number": number, field: "JD0"})
    someone = jidou.register("other", claim(resident_number="1000000801")).record_id
    theirs = jidou.register(
        "theirs",
        _follow_up(refers_to) | {"recipient_number": someone, "resident_number": "1000000801"},
    ).record_id
    with pytest.raises(RecordRejectedError, match="belongs to another resident"):
        jidou.register("change", _follow_up(kind) | {"recipient_number": number, field: theirs})


def test_the_childcare_status_report_needs_the_childs_certification() -> None:
    kodomo = MockCoreSystem(BUSINESSES["kodomo-kosodate"])
    certification, _allocation, report = SAMPLES["kodomo-kosodate"]
    with pytest.raises(RecordRejectedError, match="refers to no certification record 'KK0000001'"):
        kodomo.register("report", report | {"certification_number": "KK0000001"})
    number = kodomo.register("cert", certification).record_id
    with pytest.raises(RecordRejectedError, match="belongs to another resident"):
        kodomo.register(
            "report", report | {"certification_number": number, "resident_number": "1000000203"}
        )
    with pytest.raises(RecordRejectedError, match="guardian_reason"):
        kodomo.register("report", report | {"certification_number": number, "guardian_reason": "x"})


def test_lost_reply_after_commit_is_reconciled_by_lookup(
    jidou: MockCoreSystem, fake_time: FakeTime
) -> None:
    assert jidou.lookup("case-1:register") is None
    jidou.faults.fail_next(FaultKind.LOST_REPLY)
    with pytest.raises(PartnerTimeoutError):
        jidou.register("case-1:register", claim())
    found = jidou.lookup("case-1:register")
    assert found is not None
    assert (found.record_id, found.created, found.registered_at) == ("JT0000001", False, NOON)
    assert jidou.register("case-1:register", claim()).created is False
    assert len(jidou.records()) == 1
    assert jidou.faults.counts()[FaultKind.LOST_REPLY] == 1


def test_a_downtime_window_stops_the_system_until_it_ends(
    jidou: MockCoreSystem, fake_time: FakeTime
) -> None:
    jidou.faults.add_downtime(NOON, NOON + timedelta(hours=3))
    for call in (
        lambda: jidou.register("case-1:register", claim()),
        lambda: jidou.lookup("case-1:register"),
        lambda: jidou.query({"resident_number": CLAIMANT}),
    ):
        with pytest.raises(PartnerUnavailableError, match=r"jidou-teate\.\w+: service unavailable"):
            call()
    assert jidou.records() == ()
    fake_time.now = NOON + timedelta(hours=3)
    assert jidou.register("case-1:register", claim()).created
    assert jidou.faults.counts()[FaultKind.DOWNTIME] == 3


def test_query_finds_records_by_resident_identifier_child_and_kind(
    jidou: MockCoreSystem,
) -> None:
    jidou.register("a", claim())
    jidou.register("b", claim(resident_number="1000000801", children=["1000000805"]))
    assert [r["recipient_number"] for r in jidou.query({"resident_number": CLAIMANT})] == [
        "JT0000001"
    ]
    assert [r["resident_number"] for r in jidou.query({"children": "1000000805"})] == ["1000000801"]
    assert len(jidou.query({"recipient_number": "JT0000002", "kind": "recipient"})) == 1
    assert len(jidou.query({})) == 2
    assert jidou.query({"monthly_amount": "15000", "resident_number": "1000000999"}) == ()
    with pytest.raises(ValueError, match="cannot query by colour"):
        jidou.query({"colour": "blue"})


def test_query_answers_copies_the_caller_cannot_change_the_store_through(
    jidou: MockCoreSystem,
) -> None:
    jidou.register("a", claim())
    (answer,) = jidou.query({"resident_number": CLAIMANT})
    assert isinstance(answer, dict)
    answer["monthly_amount"] = 0
    answer["children"].append("1000000999")
    assert jidou.records()[0]["monthly_amount"] == 15_000
    assert jidou.records()[0]["children"] == [NEWBORN]


def test_concurrent_registrations_with_one_key_create_one_record() -> None:
    jidou = MockCoreSystem(BUSINESSES["jidou-teate"])
    start = threading.Barrier(16)
    results = []
    lock = threading.Lock()

    def register() -> None:
        start.wait()
        result = jidou.register("case-1:register", claim())
        with lock:
            results.append(result)

    threads = [threading.Thread(target=register) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(jidou.records()) == 1
    assert {r.record_id for r in results} == {"JT0000001"}
    assert sorted(r.created for r in results) == [False] * 15 + [True]


def test_concurrent_registrations_with_distinct_keys_get_distinct_numbers() -> None:
    jidou = MockCoreSystem(BUSINESSES["jidou-teate"])

    def register(worker: int) -> None:
        for n in range(50):
            jidou.register(f"{worker}:{n}", claim(case_reference=f"{worker}-{n}"))

    threads = [threading.Thread(target=register, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    numbers = [r["recipient_number"] for r in jidou.records()]
    assert len(numbers) == len(set(numbers)) == 400
