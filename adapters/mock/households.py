"""Household compositions for the demo population: who lives together, their names and ages.

A :class:`HouseholdFactory` draws households of typical shapes (a couple with children,
an elderly person alone, three generations, foreign residents, ...) from a seeded
generator. Ages are chosen so that parents are at least 20 years older than their
children. Addresses and numbers are assigned later, in :mod:`adapters.mock.population`.
"""

from __future__ import annotations

import random
from datetime import date

from adapters.mock.drafts import PARTIAL, HouseholdDraft, MemberDraft, Precision, draw_birth
from adapters.mock.foreign_households import ForeignHouseholds
from adapters.mock.names import SURNAMES, NamePair, given_names
from adapters.partial_date import PartialDate
from adapters.records import PersonName, Relationship, Sex


class HouseholdFactory:
    """Draws households from ``rng`` as of ``today``."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self._rng = rng
        self._today = today
        self.foreign = ForeignHouseholds(rng, today)

    # -- people --------------------------------------------------------------------------

    def _birth(self, age: int, precision: Precision = "day") -> PartialDate:
        return draw_birth(self._rng, self._today, age, precision)

    def _given(self, sex: Sex, birth: PartialDate, taken: set[str]) -> NamePair:
        year = birth.year if birth.year is not None else 1940
        choices = [n for n in given_names(sex, year) if n[0] not in taken]
        name = self._rng.choice(choices)
        taken.add(name[0])
        return name

    def _person(
        self,
        relationship: Relationship,
        sex: Sex,
        age: int,
        family: NamePair,
        taken: set[str],
        precision: Precision = "day",
        former_surname: str | None = None,
    ) -> MemberDraft:
        birth = self._birth(age, precision)
        given = self._given(sex, birth, taken)
        return MemberDraft(
            relationship=relationship,
            sex=sex,
            birth_date=birth,
            name=PersonName(family[0], given[0], family[1], given[1]),
            former_surname=former_surname,
        )

    def _surname(self, avoid: str | None = None) -> NamePair:
        while True:
            surname = self._rng.choice(SURNAMES)
            if surname[0] != avoid:
                return surname

    def _sex(self) -> Sex:
        return self._rng.choice((Sex.MALE, Sex.FEMALE))

    def _couple(
        self, head_age: int, family: NamePair, taken: set[str], min_age: int = 18
    ) -> tuple[MemberDraft, MemberDraft]:
        """A head and spouse sharing the family name (夫婦同姓), neither under ``min_age``."""
        head_sex = Sex.MALE if self._rng.random() < 0.85 else Sex.FEMALE
        spouse_sex = Sex.FEMALE if head_sex is Sex.MALE else Sex.MALE
        gap = self._rng.randint(-6, 3) if head_sex is Sex.MALE else self._rng.randint(-3, 6)
        spouse_age = max(min_age, min(100, head_age + gap))
        maiden = self._surname(avoid=family[0])[0] if self._rng.random() < 0.08 else None
        head = self._person(Relationship.HEAD, head_sex, head_age, family, taken)
        relationship = Relationship.WIFE if spouse_sex is Sex.FEMALE else Relationship.HUSBAND
        spouse = self._person(relationship, spouse_sex, spouse_age, family, taken, "day", maiden)
        return head, spouse

    def _children(
        self, max_age: int, family: NamePair, taken: set[str], forced_age: int | None = None
    ) -> list[MemberDraft]:
        """Children of the head, oldest first, none older than ``max_age``."""
        if forced_age is not None:
            ages = [forced_age]
        else:
            count = self._rng.choices((1, 2, 3), weights=(35, 45, 20))[0]
            ages = [self._rng.randint(0, max(0, max_age))]
            while len(ages) < count and ages[-1] >= 1:
                ages.append(ages[-1] - self._rng.randint(1, min(5, ages[-1])))
        return [self._person(Relationship.CHILD, self._sex(), age, family, taken) for age in ages]

    # -- Japanese households -------------------------------------------------------------

    def single_adult(self, age: int | None = None) -> HouseholdDraft:
        """One adult aged 18-64 living alone, sometimes sharing with a lodger (同居人)."""
        taken: set[str] = set()
        age = self._rng.randint(18, 64) if age is None else age
        members = [self._person(Relationship.HEAD, self._sex(), age, self._surname(), taken)]
        if age < 40 and self._rng.random() < 0.08:
            lodger_age = max(18, age + self._rng.randint(-4, 4))
            lodger_family = self._surname(avoid=members[0].name.family)
            members.append(
                self._person(Relationship.LODGER, self._sex(), lodger_age, lodger_family, taken)
            )
        return HouseholdDraft("single_adult", tuple(members), self._rng.random() < 0.75)

    def couple(self) -> HouseholdDraft:
        """A couple without children, or two siblings sharing a home."""
        taken: set[str] = set()
        family = self._surname()
        if self._rng.random() < 0.12:
            age = self._rng.randint(25, 70)
            head = self._person(Relationship.HEAD, self._sex(), age, family, taken)
            younger = self._sex()
            relationship = (
                Relationship.YOUNGER_BROTHER if younger is Sex.MALE else Relationship.YOUNGER_SISTER
            )
            sibling_age = max(18, age - self._rng.randint(1, 8))
            sibling = self._person(relationship, younger, sibling_age, family, taken)
            return HouseholdDraft("siblings", (head, sibling), self._rng.random() < 0.5)
        head, spouse = self._couple(self._rng.randint(23, 70), family, taken)
        return HouseholdDraft("couple", (head, spouse), self._rng.random() < 0.55)

    def family(self, child_age: int | None = None) -> HouseholdDraft:
        """A couple with one to three children under 18."""
        taken: set[str] = set()
        family = self._surname()
        low = max(25, (child_age or 0) + 21)
        head_age = self._rng.randint(low, max(low, 52))
        head, spouse = self._couple(head_age, family, taken, min_age=low)
        youngest_parent = min(_age(head, self._today), _age(spouse, self._today))
        max_child = min(17, youngest_parent - 20)
        children = self._children(max_child, family, taken, child_age)
        return HouseholdDraft("family", (head, spouse, *children), self._rng.random() < 0.4)

    def single_parent(self) -> HouseholdDraft:
        """A parent (usually the mother) with one to three children under 18."""
        taken: set[str] = set()
        family = self._surname()
        sex = Sex.FEMALE if self._rng.random() < 0.85 else Sex.MALE
        parent = self._person(Relationship.HEAD, sex, self._rng.randint(24, 52), family, taken)
        max_child = min(17, _age(parent, self._today) - 20)
        children = self._children(max_child, family, taken)
        return HouseholdDraft("single_parent", (parent, *children), self._rng.random() < 0.6)

    def three_generations(self) -> HouseholdDraft:
        """Grandparents with a married child and grandchildren, or a family with a parent."""
        taken: set[str] = set()
        family = self._surname()
        if self._rng.random() < 0.5:
            head, spouse = self._couple(self._rng.randint(62, 80), family, taken, min_age=55)
            youngest_parent = min(_age(head, self._today), _age(spouse, self._today))
            child_age = self._rng.randint(30, min(45, youngest_parent - 22))
            child = self._person(Relationship.CHILD, Sex.MALE, child_age, family, taken)
            in_law_age = max(25, child_age + self._rng.randint(-5, 2))
            in_law = self._person(Relationship.CHILDS_WIFE, Sex.FEMALE, in_law_age, family, taken)
            max_grandchild = min(15, min(child_age, in_law_age) - 20)
            grandchildren = [
                self._person(
                    Relationship.GRANDCHILD,
                    self._sex(),
                    self._rng.randint(0, max_grandchild),
                    family,
                    taken,
                )
                for _ in range(self._rng.randint(1, 2))
            ]
            members = (head, spouse, child, in_law, *grandchildren)
            return HouseholdDraft("three_generations", members, False)
        head, spouse = self._couple(self._rng.randint(35, 50), family, taken)
        youngest_parent = min(_age(head, self._today), _age(spouse, self._today))
        children = self._children(min(17, youngest_parent - 20), family, taken)
        parent_age = min(100, _age(head, self._today) + self._rng.randint(22, 35))
        relationship, sex = self._rng.choice(
            ((Relationship.MOTHER, Sex.FEMALE), (Relationship.FATHER, Sex.MALE))
        )
        elder = self._person(relationship, sex, parent_age, family, taken)
        return HouseholdDraft("three_generations", (head, spouse, *children, elder), False)

    def elderly_single(
        self, age: int | None = None, precision: Precision | None = None
    ) -> HouseholdDraft:
        """One person aged 65-100 living alone; the oldest sometimes with a partial birth date.

        Without ``precision``, a resident aged 95 or more has a three in ten chance of a
        birth date recorded only in part.
        """
        taken: set[str] = set()
        age = self._rng.randint(65, 100) if age is None else age
        recorded: Precision = "day"
        if precision is not None:
            recorded = precision
        elif age >= 95 and self._rng.random() < 0.3:
            recorded = self._rng.choice(PARTIAL)
        sex = Sex.FEMALE if self._rng.random() < 0.65 else Sex.MALE
        head = self._person(Relationship.HEAD, sex, age, self._surname(), taken, recorded)
        return HouseholdDraft("elderly_single", (head,), self._rng.random() < 0.2)

    def elderly_couple(self) -> HouseholdDraft:
        """A couple aged 65-95."""
        taken: set[str] = set()
        head, spouse = self._couple(self._rng.randint(67, 95), self._surname(), taken)
        return HouseholdDraft("elderly_couple", (head, spouse), self._rng.random() < 0.15)

    def parents_with_adult_child(self) -> HouseholdDraft:
        """Parents aged 45-85 with an adult child aged 18-50 still at home."""
        taken: set[str] = set()
        family = self._surname()
        head, spouse = self._couple(self._rng.randint(45, 85), family, taken)
        youngest_parent = min(_age(head, self._today), _age(spouse, self._today))
        child_age = self._rng.randint(18, max(18, min(50, youngest_parent - 22)))
        child = self._person(Relationship.CHILD, self._sex(), child_age, family, taken)
        return HouseholdDraft("parents_with_adult_child", (head, spouse, child), False)

    # -- mixes ---------------------------------------------------------------------------

    def random_household(self) -> HouseholdDraft:
        """A household of a shape drawn with realistic weights."""
        makers = (
            (self.single_adult, 16),
            (self.couple, 11),
            (self.family, 26),
            (self.single_parent, 5),
            (self.three_generations, 5),
            (self.elderly_single, 13),
            (self.elderly_couple, 10),
            (self.parents_with_adult_child, 8),
            (self.foreign.single, 2),
            (self.foreign.family, 1),
            (self.foreign.special_permanent_resident, 1),
        )
        maker = self._rng.choices([m for m, _ in makers], weights=[w for _, w in makers])[0]
        return maker()

    def with_age(self, age: int) -> HouseholdDraft:
        """A household containing someone exactly ``age`` years old."""
        if age < 18:
            return self.family(child_age=age)
        if age < 65:
            return self.single_adult(age)
        return self.elderly_single(age, precision="day")


def _age(member: MemberDraft, today: date) -> int:
    """Age of a member whose birth date is complete (all generated parents have one)."""
    age = member.birth_date.age_on(today)
    if age is None:
        raise ValueError("parents are generated with complete birth dates")
    return age
