"""Records the resident-facing adapters exchange: residents, households, addresses, accounts.

All records are frozen dataclasses holding only immutable values, so a caller holding one
cannot change what an adapter keeps. Field names follow the glossary
(``shared/domain/glossary.md``); values a resident sees stay in Japanese.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from adapters.partial_date import PartialDate


class Sex(StrEnum):
    """性別 as the resident registry records it."""

    MALE = "male"
    FEMALE = "female"

    @property
    def label_ja(self) -> str:
        """男 or 女."""
        return "男" if self is Sex.MALE else "女"

    @property
    def iso5218(self) -> str:
        """The ISO/IEC 5218 code: ``1`` male, ``2`` female."""
        return "1" if self is Sex.MALE else "2"


class Relationship(StrEnum):
    """続柄: the relationship to the head of household, as written in the registry."""

    HEAD = "世帯主"
    WIFE = "妻"
    HUSBAND = "夫"
    CHILD = "子"
    FATHER = "父"
    MOTHER = "母"
    GRANDCHILD = "孫"
    CHILDS_WIFE = "子の妻"
    CHILDS_HUSBAND = "子の夫"
    ELDER_BROTHER = "兄"
    ELDER_SISTER = "姉"
    YOUNGER_BROTHER = "弟"
    YOUNGER_SISTER = "妹"
    WIFES_FATHER = "妻の父"
    WIFES_MOTHER = "妻の母"
    LODGER = "同居人"


@dataclass(frozen=True)
class PersonName:
    """A registered name and its katakana reading (氏名, 氏名カナ).

    Foreign residents' names are recorded in the Latin alphabet (or in kanji for names
    written in Chinese characters) with a katakana reading.
    """

    family: str
    given: str
    family_kana: str
    given_kana: str

    @property
    def full(self) -> str:
        """The name as printed: ``山田　太郎`` (full-width space) or ``NGUYEN THI LAN``."""
        return _join(self.family, self.given)

    @property
    def full_kana(self) -> str:
        """The reading as printed: ``ヤマダ　タロウ``."""
        return f"{self.family_kana}\u3000{self.given_kana}"


def _join(family: str, given: str) -> str:
    separator = " " if (family + given).isascii() else "\u3000"
    return f"{family}{separator}{given}"


@dataclass(frozen=True)
class Address:
    """住所: a Japanese address split the way the resident registry splits it.

    ``town`` is the 町字 (including the 丁目, e.g. ``富士見台二丁目``), ``block`` the 番地号
    (``12番3号`` or ``5118番地``), ``building`` the 方書 (building name and room).
    ``town_code`` is the 町字 id and ``lg_code`` the 6-digit local government code; both are
    None for addresses outside the municipality where they are not known.
    """

    postal_code: str
    prefecture: str
    municipality: str
    town: str
    block: str
    building: str | None = None
    town_code: str | None = None
    lg_code: str | None = None

    def one_line(self) -> str:
        """The whole address on one line, as on a certificate or a form."""
        text = f"{self.prefecture}{self.municipality}{self.town}{self.block}"
        return f"{text}\u3000{self.building}" if self.building else text


@dataclass(frozen=True)
class ForeignResidentStatus:
    """Items recorded for a foreign resident (外国人住民).

    ``period_of_stay`` and ``expires_on`` are None for permanent statuses (永住者,
    特別永住者), whose stay has no end date.
    """

    nationality: str
    residence_status: str
    period_of_stay: str | None
    expires_on: date | None
    card_number: str


@dataclass(frozen=True)
class Resident:
    """One person's entry in the resident registry (住民記録).

    ``relationship`` is the 続柄 to the head of the household ``household_number``.
    ``previous_address`` (前住所) is recorded for people who moved in; it is None for
    those born here or whose earlier record predates the system. The My Number is kept
    out of ``repr`` so that a logged record does not leak it.
    """

    resident_number: str
    household_number: str
    name: PersonName
    sex: Sex
    birth_date: PartialDate
    relationship: Relationship
    address: Address
    my_number: str = field(repr=False)
    resident_code: str
    became_resident_on: date
    previous_address: Address | None = None
    former_surname: str | None = None
    alias: str | None = None
    foreign: ForeignResidentStatus | None = None

    @property
    def is_foreign(self) -> bool:
        """True for foreign residents (外国人住民)."""
        return self.foreign is not None

    def age_on(self, day: date) -> int | None:
        """Age on ``day``, or None when a partly unknown birth date leaves it open."""
        return self.birth_date.age_on(day)


@dataclass(frozen=True)
class Household:
    """A household (世帯): its number and members, the head (世帯主) first.

    Each member's ``relationship`` tells how they relate to the head.
    """

    household_number: str
    members: tuple[Resident, ...]

    def __post_init__(self) -> None:
        heads = [m for m in self.members if m.relationship is Relationship.HEAD]
        if len(heads) != 1 or self.members[0] is not heads[0]:
            raise ValueError(f"household {self.household_number} needs exactly one head, first")

    @property
    def head(self) -> Resident:
        """The head of household."""
        return self.members[0]

    @property
    def address(self) -> Address:
        """The household's address (that of its head)."""
        return self.head.address


class AccountType(StrEnum):
    """預金種目."""

    ORDINARY = "普通"
    CURRENT = "当座"


@dataclass(frozen=True)
class PublicFundsAccount:
    """A public-funds account (公金受取口座) registered with the Digital Agency.

    ``holder_kana`` is the account holder's name in full-width katakana with a full-width
    space between family and given name.
    """

    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: AccountType
    account_number: str
    holder_kana: str
