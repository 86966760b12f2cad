"""Demo personas: fixed households present in every demo population.

Each persona is a household built for one demo story, referenced by a stable key; its
main person has a documented My Number, resident number and card PINs. Ages and dates
are relative to the population's ``today`` so tests stay deterministic. The table with
every value is in ``personas.md`` beside this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from adapters.mock.dates import birth_date_from
from adapters.mock.kunitachi import (
    BUILDINGS_BY_NAME,
    PREVIOUS_TOWNS,
    TOWNS_BY_NAME,
    building_address,
    kunitachi_address,
    outside_address,
)
from adapters.partial_date import PartialDate
from adapters.records import (
    Address,
    ForeignResidentStatus,
    PersonName,
    Relationship,
    Resident,
    Sex,
)

_M, _F = Sex.MALE, Sex.FEMALE
_R = Relationship

PERSONA_KEYS = (
    "family_expecting",
    "newborn_family",
    "elderly_alone",
    "flood_household",
    "single_parent",
    "foreign_resident",
    "recently_moved",
    "third_child_family",
    "care_renewal",
)


@dataclass(frozen=True)
class Persona:
    """A documented demo household and its main person (the one who files).

    ``due_date`` is the expected delivery date (出産予定日) for ``family_expecting``:
    pregnancy is not recorded in the resident registry, so it lives here.
    """

    key: str
    title_ja: str
    title_en: str
    resident_number: str
    household_number: str
    my_number: str = field(repr=False)
    auth_pin: str = field(repr=False)
    signing_password: str = field(repr=False)
    due_date: date | None = None


@dataclass(frozen=True)
class CardSpec:
    """A persona member's card: PINs, when it was issued, and any revocation."""

    auth_pin: str
    signing_password: str
    issued_days_ago: int
    signing_revoked_days_ago: int | None = None


@dataclass(frozen=True)
class _Member:
    resident_number: str
    my_number: str
    relationship: Relationship
    name: PersonName
    sex: Sex
    age: int
    days_since_birthday: int
    card: CardSpec | None = None
    former_surname: str | None = None


@dataclass(frozen=True)
class _Spec:
    key: str
    title_ja: str
    title_en: str
    household_number: str
    address: Address
    moved_in_days_ago: int
    previous_address: Address | None
    members: tuple[_Member, ...]
    main: int = 0
    due_in_days: int | None = None
    foreign: ForeignResidentStatus | None = None


@dataclass(frozen=True)
class PersonaHousehold:
    """A built persona: the persona, its residents (head first) and their card plans."""

    persona: Persona
    residents: tuple[Resident, ...]
    cards: tuple[tuple[Resident, CardSpec], ...]


def _name(family: str, given: str, family_kana: str, given_kana: str) -> PersonName:
    return PersonName(family, given, family_kana, given_kana)


def _house(town: str, chome: int | None, block: str) -> Address:
    return kunitachi_address(TOWNS_BY_NAME[town], chome, block)


def _flat(building: str, room: str) -> Address:
    return building_address(BUILDINGS_BY_NAME[building], f"{building}{room}号室")


def _previous(index: int, block: str) -> Address:
    return outside_address(PREVIOUS_TOWNS[index], block)


def _specs(today: date) -> tuple[_Spec, ...]:
    return (
        _Spec(
            "family_expecting",
            "第2子を妊娠中の夫婦と2歳の子",
            "A couple expecting their second child, with a 2-year-old",
            "2000000001",
            _flat("コーポ富士見", "203"),
            2200,
            _previous(1, "2丁目5番1号"),
            (
                _Member(
                    "1000000101", "202501000118", _R.HEAD,
                    _name("佐藤", "健太", "サトウ", "ケンタ"), _M, 34, 120,
                    CardSpec("2580", "KENTA2580", 400),
                ),
                _Member(
                    "1000000102", "202501000126", _R.WIFE,
                    _name("佐藤", "美咲", "サトウ", "ミサキ"), _F, 31, 45,
                    CardSpec("1357", "MISAKI31", 380), former_surname="田村",
                ),
                _Member(
                    "1000000103", "202501000134", _R.CHILD,
                    _name("佐藤", "陽菜", "サトウ", "ヒナ"), _F, 2, 200,
                ),
            ),
            main=1,
            due_in_days=150,
        ),
        _Spec(
            "newborn_family",
            "5日前に子が生まれた世帯",
            "A family whose baby was born 5 days ago",
            "2000000002",
            _flat("サンハイツ矢川", "401"),
            900,
            _previous(2, "1丁目8番4号"),
            (
                _Member(
                    "1000000201", "202502000219", _R.HEAD,
                    _name("高橋", "大輔", "タカハシ", "ダイスケ"), _M, 33, 250,
                    CardSpec("3333", "DAISUKE33", 600),
                ),
                _Member(
                    "1000000202", "202502000227", _R.WIFE,
                    _name("高橋", "彩", "タカハシ", "アヤ"), _F, 30, 90,
                    CardSpec("3030", "AYA3030", 600),
                ),
                _Member(
                    "1000000203", "202502000235", _R.CHILD,
                    _name("高橋", "陽翔", "タカハシ", "ハルト"), _M, 0, 5,
                ),
            ),
        ),
        _Spec(
            "elderly_alone",
            "一人暮らしの82歳",
            "An 82-year-old living alone",
            "2000000003",
            _house("東", 3, "8番21号"),
            18000,
            None,
            (
                _Member(
                    "1000000301", "202503000310", _R.HEAD,
                    _name("渡辺", "和子", "ワタナベ", "カズコ"), _F, 82, 150,
                    CardSpec("0825", "KAZUKO82", 700),
                ),
            ),
        ),
        _Spec(
            "flood_household",
            "浸水被害を受けた谷保の世帯",
            "A household in Yaho, the flooded district",
            "2000000004",
            _house("谷保", None, "5118番地"),
            9200,
            _previous(0, "3丁目2番10号"),
            (
                _Member(
                    "1000000401", "202504000410", _R.HEAD,
                    _name("中村", "誠", "ナカムラ", "マコト"), _M, 58, 30,
                    CardSpec("5118", "YAHO5118", 500),
                ),
                _Member(
                    "1000000402", "202504000429", _R.WIFE,
                    _name("中村", "由美子", "ナカムラ", "ユミコ"), _F, 55, 300,
                    CardSpec("3344", "YUMIKO55", 500),
                ),
                _Member(
                    "1000000403", "202504000437", _R.CHILD,
                    _name("中村", "翔太", "ナカムラ", "ショウタ"), _M, 24, 180,
                    CardSpec("2424", "SHOTA24", 300),
                ),
            ),
        ),
        _Spec(
            "single_parent",
            "子2人を育てるひとり親",
            "A single mother with two children",
            "2000000005",
            _flat("フォレスト泉", "102"),
            1500,
            _previous(4, "2丁目17番3号"),
            (
                _Member(
                    "1000000501", "202505000511", _R.HEAD,
                    _name("小林", "さくら", "コバヤシ", "サクラ"), _F, 38, 60,
                    CardSpec("3838", "SAKURA38", 800),
                ),
                _Member(
                    "1000000502", "202505000520", _R.CHILD,
                    _name("小林", "蓮", "コバヤシ", "レン"), _M, 10, 100,
                ),
                _Member(
                    "1000000503", "202505000538", _R.CHILD,
                    _name("小林", "結衣", "コバヤシ", "ユイ"), _F, 7, 220,
                ),
            ),
        ),
        _Spec(
            "foreign_resident",
            "在留資格「技術・人文知識・国際業務」の外国人住民",
            "A foreign resident working under an engineer/specialist visa",
            "2000000006",
            _flat("メゾン国立", "305"),
            700,
            _previous(3, "14番2号"),
            (
                _Member(
                    "1000000601", "202506000612", _R.HEAD,
                    _name("NGUYEN", "THI LAN", "グエン", "ティ\u3000ラン"), _F, 29, 75,
                    CardSpec("4455", "NGUYEN29", 650),
                ),
            ),
            foreign=ForeignResidentStatus(
                "ベトナム",
                "技術・人文知識・国際業務",
                "3年",
                today + timedelta(days=500),
                "KN48213957VD",
            ),
        ),
        _Spec(
            "recently_moved",
            "10日前に転入し署名用電子証明書が失効した人",
            "Moved in 10 days ago; the signing certificate was revoked by the move",
            "2000000007",
            _flat("ドミール中", "305"),
            10,
            _previous(1, "1丁目20番6号"),
            (
                _Member(
                    "1000000701", "202507000713", _R.HEAD,
                    _name("伊藤", "拓也", "イトウ", "タクヤ"), _M, 41, 200,
                    CardSpec("4141", "TAKUYA41", 1100, signing_revoked_days_ago=10),
                ),
            ),
        ),
        _Spec(
            "third_child_family",
            "20歳・17歳・13歳の子がいる世帯（児童手当の第3子）",
            "Children aged 20, 17 and 13: the child allowance birth-order example",
            "2000000008",
            _house("西", 2, "20番4号"),
            7000,
            _previous(5, "1丁目4番7号"),
            (
                _Member(
                    "1000000801", "202508000814", _R.HEAD,
                    _name("山本", "浩二", "ヤマモト", "コウジ"), _M, 50, 40,
                    CardSpec("5050", "KOJI5050", 450),
                ),
                _Member(
                    "1000000802", "202508000822", _R.WIFE,
                    _name("山本", "恵", "ヤマモト", "メグミ"), _F, 48, 210,
                    CardSpec("4848", "MEGUMI48", 450),
                ),
                _Member(
                    "1000000803", "202508000830", _R.CHILD,
                    _name("山本", "大和", "ヤマモト", "ヤマト"), _M, 20, 130,
                    CardSpec("2020", "YAMATO20", 200),
                ),
                _Member(
                    "1000000804", "202508000849", _R.CHILD,
                    _name("山本", "凛", "ヤマモト", "リン"), _F, 17, 300,
                    CardSpec("1717", "RIN1717", 200),
                ),
                _Member(
                    "1000000805", "202508000857", _R.CHILD,
                    _name("山本", "湊", "ヤマモト", "ミナト"), _M, 13, 20,
                ),
            ),
        ),
        _Spec(
            "care_renewal",
            "要介護認定の更新を迎える78歳",
            "A 78-year-old whose care-need certification is due for renewal",
            "2000000009",
            _house("北", 2, "7番1号"),
            15000,
            None,
            (
                _Member(
                    "1000000901", "202509000915", _R.HEAD,
                    _name("加藤", "茂", "カトウ", "シゲル"), _M, 78, 95,
                    CardSpec("7878", "SHIGERU78", 900),
                ),
                _Member(
                    "1000000902", "202509000923", _R.WIFE,
                    _name("加藤", "節子", "カトウ", "セツコ"), _F, 75, 250,
                    # Issued over six years ago and never renewed: both certificates
                    # expired on her 73rd birthday, so she cannot log in with the card.
                    CardSpec("7575", "SETSUKO75", 2300),
                ),
            ),
        ),
    )  # fmt: skip


def resident_code_for(resident_number: str) -> str:
    """The fixed 住民票コード of a persona member (11 digits, ``8`` + resident number)."""
    return "8" + resident_number


def build_personas(today: date) -> tuple[PersonaHousehold, ...]:
    """Every persona household as of ``today``, in :data:`PERSONA_KEYS` order."""
    households = []
    for spec in _specs(today):
        moved_in = today - timedelta(days=spec.moved_in_days_ago)
        residents = []
        cards = []
        for member in spec.members:
            birth = birth_date_from(today, member.age, member.days_since_birthday)
            born_here = birth >= moved_in
            resident = Resident(
                resident_number=member.resident_number,
                household_number=spec.household_number,
                name=member.name,
                sex=member.sex,
                birth_date=PartialDate.of(birth),
                relationship=member.relationship,
                address=spec.address,
                my_number=member.my_number,
                resident_code=resident_code_for(member.resident_number),
                became_resident_on=birth if born_here else moved_in,
                previous_address=None if born_here else spec.previous_address,
                former_surname=member.former_surname,
                foreign=spec.foreign,
            )
            residents.append(resident)
            if member.card is not None:
                cards.append((resident, member.card))
        main = spec.members[spec.main]
        if main.card is None:
            raise ValueError(f"persona {spec.key}: the main person needs a card")
        persona = Persona(
            key=spec.key,
            title_ja=spec.title_ja,
            title_en=spec.title_en,
            resident_number=main.resident_number,
            household_number=spec.household_number,
            my_number=main.my_number,
            auth_pin=main.card.auth_pin,
            signing_password=main.card.signing_password,
            due_date=None if spec.due_in_days is None else today + timedelta(days=spec.due_in_days),
        )
        households.append(PersonaHousehold(persona, tuple(residents), tuple(cards)))
    return tuple(households)
