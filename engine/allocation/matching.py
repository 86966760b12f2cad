"""Deferred acceptance over one common priority order, with an explanation per applicant.

Applicants propose to their preferences in order; each class (a facility's age class)
holds the best applicants up to its places and rejects the rest, who propose to their
next choice. With one priority order shared by every facility this is stable (nobody
loses a place they listed to someone ranked lower) and listing more preferences never
hurts; the result does not depend on the order applicants are given in.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from engine.allocation.config import AllocationConfig
from engine.allocation.scoring import Applicant, Score, score

Status = Literal["offered", "waitlisted", "ineligible"]
ClassKey = tuple[str, int]

TIE_BREAK_LABELS: dict[str, tuple[str, str]] = {
    "new_entry": ("新規の申込み", "new entry before transfer"),
    "base_points": ("基本指数", "base points"),
    "adjustment_points": ("調整指数", "adjustment points"),
    "rank": ("ランク", "rank"),
    "single_parent": ("ひとり親家庭", "single-parent household"),
    "parent_illness": ("保護者の疾病", "a parent's illness"),
    "parent_disability": ("保護者の障害", "a parent's disability"),
    "child_disability": ("お子さんの障害", "the child's disability"),
    "leaving_small_facility": ("小規模保育等の卒園", "leaving a small facility"),
    "reason_type": ("保育を必要とする事由", "the reason care is needed"),
    "more_young_children": ("未就学児の人数", "more young children"),
    "lower_income": ("市区町村民税の所得割額が低い", "lower municipal income tax"),
    "siblings_enrolled": ("きょうだいの在園", "a sibling enrolled"),
    "waiting_months": ("待機期間", "time on the waiting list"),
}


@dataclass(frozen=True)
class Outcome:
    """What one applicant gets in a round, and why."""

    applicant_id: str
    status: Status
    facility: str | None
    choice: int | None
    position: int
    score: Score
    explanation_ja: str
    explanation_en: str


def ordinal_ja(n: int) -> str:
    return f"第{n}希望"


def ordinal_en(n: int) -> str:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n if n < 20 else n % 10, "th")
    return f"{n}{suffix} choice"


def _capacity(config: AllocationConfig) -> dict[ClassKey, int]:
    return {(f.code, age): n for f in config.facilities for age, n in f.capacity.items()}


def deferred_acceptance(
    preferences: dict[str, list[ClassKey]],
    position: dict[str, int],
    capacity: dict[ClassKey, int],
) -> dict[str, tuple[ClassKey, int]]:
    """Applicant-proposing deferred acceptance; ``position`` is the common order (0 best).

    Returns each placed applicant's class and the index of that preference.
    """
    held: dict[ClassKey, list[tuple[int, str]]] = {}
    next_choice = dict.fromkeys(preferences, 0)
    placed: dict[str, tuple[ClassKey, int]] = {}
    free = deque(sorted(preferences, key=position.__getitem__))
    while free:
        aid = free.popleft()
        prefs = preferences[aid]
        while next_choice[aid] < len(prefs):
            i = next_choice[aid]
            next_choice[aid] += 1
            ck = prefs[i]
            places = capacity.get(ck, 0)
            if places <= 0:
                continue
            heap = held.setdefault(ck, [])
            heapq.heappush(heap, (-position[aid], aid))  # the worst held is on top
            placed[aid] = (ck, i)
            if len(heap) <= places:
                break
            _, bumped = heapq.heappop(heap)
            del placed[bumped]
            if bumped != aid:
                free.append(bumped)
                break
    return placed


def allocate(
    config: AllocationConfig, applicants: Sequence[Applicant], seed: str = ""
) -> list[Outcome]:
    """The round's result for every applicant, sorted by applicant id.

    Identical input (in any order) gives an identical result: the priority order is a
    total order fixed by the data, the seed and the applicant ids.
    """
    ids = [a.id for a in applicants]
    if len(set(ids)) != len(ids):
        raise ValueError("applicant ids must be unique")
    scores = {a.id: score(config, a, seed) for a in applicants}
    eligible = sorted(
        (a for a in applicants if scores[a.id].eligible), key=lambda a: scores[a.id].key
    )
    position = {a.id: i for i, a in enumerate(eligible)}
    capacity = _capacity(config)
    facilities = {f.code: f for f in config.facilities}
    prefs = {a.id: [(code, a.age_class) for code in a.preferences] for a in eligible}
    placed = deferred_acceptance(prefs, position, capacity)
    cutoff: dict[ClassKey, str] = {}
    for aid, (ck, _) in placed.items():
        if ck not in cutoff or position[aid] > position[cutoff[ck]]:
            cutoff[ck] = aid
    outcomes = []
    for a in sorted(applicants, key=lambda a: a.id):
        s = scores[a.id]
        if not s.eligible:
            outcomes.append(
                Outcome(
                    a.id, "ineligible", None, None, 0, s,
                    f"保育の必要性の基準に当たらないため、利用調整の対象になりません。{s.why_not_ja}",
                    f"Not allocated: the need-for-care criteria are not met. {s.why_not_en}",
                )
            )  # fmt: skip
            continue
        got = placed.get(a.id)
        upto = got[1] if got else len(a.preferences)
        ja, en = [], []
        if got:
            fac = facilities[got[0][0]]  # a placement is only ever in a configured class
            shown_ja, shown_en = s.shown(config.scoring)
            ja.append(f"{ordinal_ja(upto + 1)}の「{fac.name.ja}」に内定しました（{shown_ja}）。")
            en.append(f"Offered your {ordinal_en(upto + 1)}, {fac.name.get('en')} ({shown_en}).")
        else:
            shown_ja, shown_en = s.shown(config.scoring)
            ja.append(f"今回は内定となりませんでした（保留、{shown_ja}）。")
            en.append(f"No place this round: waitlisted ({shown_en}).")
        for i, code in enumerate(a.preferences[:upto]):
            ja_i, en_i = _why_not(config, a, s, (code, a.age_class), i, cutoff, scores, capacity)
            ja.append(ja_i)
            en.append(en_i)
        outcomes.append(
            Outcome(
                a.id,
                "offered" if got else "waitlisted",
                got[0][0] if got else None,
                upto + 1 if got else None,
                position[a.id] + 1,
                s,
                "".join(ja),
                " ".join(en),
            )
        )
    return outcomes


def _why_not(
    config: AllocationConfig,
    a: Applicant,
    s: Score,
    ck: ClassKey,
    i: int,
    cutoff: dict[ClassKey, str],
    scores: dict[str, Score],
    capacity: dict[ClassKey, int],
) -> tuple[str, str]:
    code, age = ck
    fac = config.facility(code)
    nth_ja, nth_en = ordinal_ja(i + 1), ordinal_en(i + 1)
    if fac is None:
        return (
            f"{nth_ja}の施設コード「{code}」は、この利用調整の施設にありません。",
            f"Your {nth_en} ({code}) is not a facility in this round.",
        )
    if capacity.get(ck, 0) <= 0:
        return (
            f"{nth_ja}の「{fac.name.ja}」は、今回{age}歳児クラスの募集がありません。",
            f"Your {nth_en}, {fac.name.get('en')}, has no places for age {age} this round.",
        )
    last = scores[cutoff[ck]]
    last_ja, last_en = last.shown(config.scoring)
    ja = f"{nth_ja}の「{fac.name.ja}」（{age}歳児クラス）は、{last_ja}以上の方で定員に達しました。"
    en = (
        f"Your {nth_en}, {fac.name.get('en')} (age {age}), was full with applicants of "
        f"{last_en} or more."
    )
    if last.key[0] == s.key[0]:
        chain = [TIE_BREAK_LABELS[t] for t in config.tie_breaks]
        ja += "同じ指数の方とは、" + "、".join(c[0] for c in chain) + "、抽選の順で比べました。"
        en += " Equal standing was decided by " + ", ".join(c[1] for c in chain) + ", then lot."
    return ja, en
