"""Foreign residents' households: students, workers and their families, permanent residents.

Each foreign resident carries the items the registry keeps for them (国籍, 在留資格,
在留期間, 満了日, card number). Periods of stay follow the statuses' usual lengths; the
stay of anyone with a limited status ends in the future.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from adapters.mock.drafts import PARTIAL, HouseholdDraft, MemberDraft, Precision, draw_birth
from adapters.mock.names import FOREIGN_NAMES, KOREAN_ALIASES, ForeignNames, NamePair, given_names
from adapters.records import ForeignResidentStatus, PersonName, Relationship, Sex

# Periods of stay (在留期間) by residence status, in months.
_PERIODS: dict[str, tuple[int, ...]] = {
    "留学": (15, 24, 27, 51),
    "技術・人文知識・国際業務": (12, 36, 60),
    "家族滞在": (12, 36, 60),
    "永住者の配偶者等": (12, 36, 60),
}


def period_text(months: int) -> str:
    """A period of stay as written on the residence card: ``2年3月``, ``5年``, ``6月``."""
    years, rest = divmod(months, 12)
    if years and rest:
        return f"{years}年{rest}月"
    return f"{years}年" if years else f"{rest}月"


class ForeignHouseholds:
    """Draws foreign residents' households from ``rng`` as of ``today``."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self._rng = rng
        self._today = today

    def _sex(self) -> Sex:
        return self._rng.choice((Sex.MALE, Sex.FEMALE))

    def _status(self, status: str, nationality: str) -> ForeignResidentStatus:
        card = (
            "".join(self._rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
            + f"{self._rng.randint(0, 99_999_999):08d}"
            + "".join(self._rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
        )
        if status in ("永住者", "特別永住者"):
            return ForeignResidentStatus(nationality, status, None, None, card)
        months = self._rng.choice(_PERIODS[status])
        expires = self._today + timedelta(days=self._rng.randint(30, months * 30 - 1))
        return ForeignResidentStatus(nationality, status, period_text(months), expires, card)

    def _foreigner(
        self,
        names: ForeignNames,
        relationship: Relationship,
        sex: Sex,
        age: int,
        family: NamePair,
        status: str,
        taken: set[str],
        precision: Precision = "day",
    ) -> MemberDraft:
        pool = names.male if sex is Sex.MALE else names.female
        given = self._rng.choice([n for n in pool if n[0] not in taken])
        taken.add(given[0])
        return MemberDraft(
            relationship=relationship,
            sex=sex,
            birth_date=draw_birth(self._rng, self._today, age, precision),
            name=PersonName(family[0], given[0], family[1], given[1]),
            foreign=self._status(status, names.nationality),
        )

    def single(self, precision: Precision | None = None) -> HouseholdDraft:
        """A foreign student (留学) or worker (技術・人文知識・国際業務) living alone."""
        names = self._rng.choice([n for n in FOREIGN_NAMES if n.nationality != "韓国"])
        recorded: Precision = "day"
        if precision is not None:
            recorded = precision
        elif self._rng.random() < 0.05:
            recorded = self._rng.choice(PARTIAL)
        if self._rng.random() < 0.5:
            status, age = "留学", self._rng.randint(19, 28)
        else:
            status, age = "技術・人文知識・国際業務", self._rng.randint(23, 45)
        family = self._rng.choice(names.family)
        head = self._foreigner(
            names, Relationship.HEAD, self._sex(), age, family, status, set(), recorded
        )
        return HouseholdDraft("foreign_single", (head,), True)

    def family(self) -> HouseholdDraft:
        """A foreign worker's family (家族滞在) or a permanent residents' family (永住者)."""
        names = self._rng.choice([n for n in FOREIGN_NAMES if n.nationality != "韓国"])
        family = self._rng.choice(names.family)
        permanent = self._rng.random() < 0.5
        head_status = "永住者" if permanent else "技術・人文知識・国際業務"
        spouse_status = "永住者" if permanent else "家族滞在"
        child_status = "永住者の配偶者等" if permanent else "家族滞在"
        head_age = self._rng.randint(28, 55)
        spouse_age = max(22, head_age + self._rng.randint(-6, 2))
        taken: set[str] = set()
        head = self._foreigner(
            names, Relationship.HEAD, Sex.MALE, head_age, family, head_status, taken
        )
        spouse = self._foreigner(
            names, Relationship.WIFE, Sex.FEMALE, spouse_age, family, spouse_status, taken
        )
        max_child = min(15, spouse_age - 20)
        children = [
            self._foreigner(
                names,
                Relationship.CHILD,
                self._sex(),
                self._rng.randint(0, max_child),
                family,
                child_status,
                taken,
            )
            for _ in range(self._rng.randint(1, 2))
        ]
        return HouseholdDraft("foreign_family", (head, spouse, *children), True)

    def special_permanent_resident(self, precision: Precision | None = None) -> HouseholdDraft:
        """An elderly special permanent resident (特別永住者) using a Japanese alias (通称)."""
        names = next(n for n in FOREIGN_NAMES if n.nationality == "韓国")
        if precision is None:
            precision = "day" if self._rng.random() < 0.85 else "month"
        sex = self._sex()
        age = self._rng.randint(70, 95)
        member = self._foreigner(
            names,
            Relationship.HEAD,
            sex,
            age,
            self._rng.choice(names.family),
            "特別永住者",
            set(),
            precision,
        )
        alias_family = self._rng.choice(KOREAN_ALIASES)
        birth_year = member.birth_date.year or 1940
        alias_given = self._rng.choice(given_names(sex, birth_year))
        alias = f"{alias_family[0]}\u3000{alias_given[0]}"
        return HouseholdDraft("special_permanent_resident", (replace(member, alias=alias),), False)
