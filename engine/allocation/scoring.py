"""Points (指数) or ranks for each applicant, and the one common priority order.

Every facility ranks applicants by the same order: the points total (or the household's
rank, where the lower-ranked parent counts), then the municipality's tie-break chain, then
a lottery that depends only on the applicant id and the round's seed, so the order never
depends on the order applicants were listed in.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from engine.allocation.config import WORK_REASONS, AllocationConfig, Band

RANKS = "ABCDEFGHI"


@dataclass(frozen=True)
class Guardian:
    """A parent or guardian: why care is needed, and how much they work."""

    reason: str
    days_per_week: int = 0
    hours_per_week: int = 0


@dataclass(frozen=True)
class Applicant:
    """One child's application as the allocation sees it."""

    id: str
    age_class: int
    guardians: tuple[Guardian, ...]
    preferences: tuple[str, ...]
    adjustments: frozenset[str] = frozenset()
    transfer: bool = False
    municipal_tax: int = 0
    young_children: int = 1
    previously_declined: bool = False
    waiting_months: int = 0
    label: str = ""

    @property
    def single_parent(self) -> bool:
        return any(g.reason == "absent" for g in self.guardians)


@dataclass(frozen=True)
class Score:
    """An applicant's standing: eligibility, values, and the sort key (smaller first)."""

    eligible: bool
    base_points: int = 0
    adjustment_points: int = 0
    rank: str = ""
    key: tuple[int | str, ...] = field(default=())
    why_not_ja: str = ""
    why_not_en: str = ""

    @property
    def total(self) -> int:
        return self.base_points + self.adjustment_points

    def shown(self, scoring: str) -> tuple[str, str]:
        """The value residents are told, e.g. ("80点", "80 points") or ("Bランク", "rank B")."""
        if scoring == "rank":
            return f"{self.rank}ランク（調整指数 {self.adjustment_points:+d}）", (
                f"rank {self.rank} (adjustment {self.adjustment_points:+d})"
            )
        return f"{self.total}点", f"{self.total} points"


def _band(bands: list[Band], g: Guardian) -> Band | None:
    for band in bands:
        if g.days_per_week >= band.min_days and g.hours_per_week >= band.min_hours:
            return band
    return None


def _guardian_value(config: AllocationConfig, g: Guardian) -> tuple[Band | None, str, str]:
    """The band a guardian meets, or None with the reason (ja, en)."""
    if g.reason in WORK_REASONS:
        monthly = g.hours_per_week * config.weeks_per_month
        if monthly < config.working_hours_floor:
            return (
                None,
                f"就労時間が月{monthly:g}時間で、保育の必要性の基準（月{config.working_hours_floor}"
                "時間以上）に届きません。",
                f"Working {monthly:g} hours a month is below the floor of "
                f"{config.working_hours_floor} hours.",
            )
    bands = config.base.get(g.reason)
    if not bands:
        return (
            None,
            f"この自治体の基準に「{g.reason}」の事由がありません。",
            f"The reason '{g.reason}' is not in this municipality's criteria.",
        )
    band = _band(bands, g)
    if band is None:
        return (
            None,
            "就労の日数・時間が基準表のどの区分にも当たりません。",
            "The days and hours worked meet no row of the criteria table.",
        )
    return band, "", ""


def lottery(seed: str, applicant_id: str) -> str:
    """The last tie-break: a draw fixed by the round's seed and the applicant only."""
    return hashlib.sha256(f"{seed}:{applicant_id}".encode()).hexdigest()


def score(config: AllocationConfig, a: Applicant, seed: str = "") -> Score:
    """Points or rank of ``a`` under ``config``, with its place in the common order."""
    if not a.guardians:
        return Score(False, why_not_ja="保護者の情報がありません。", why_not_en="No guardian.")
    base = 0
    worst = 0
    for g in a.guardians:
        if g.reason == "absent" and config.scoring == "points":
            base += config.absent_parent_points
            continue
        band, why_ja, why_en = _guardian_value(config, g)
        if band is None:
            return Score(False, why_not_ja=why_ja, why_not_en=why_en)
        if config.scoring == "points":
            base += band.points or 0
        else:
            worst = max(worst, RANKS.index(band.rank or "I"))
    adjust = sum(
        config.adjustments[c].points for c in sorted(a.adjustments) if c in config.adjustments
    )
    if config.declined_offer_penalty and a.previously_declined:
        adjust += config.declined_offer_points
    rank = RANKS[worst] if config.scoring == "rank" else ""
    head: tuple[int | str, ...] = (-(base + adjust),) if config.scoring == "points" else (worst,)
    reasons = [g.reason for g in a.guardians if g.reason != "absent"]
    order = config.reason_order
    values: dict[str, int] = {
        "new_entry": 1 if a.transfer else 0,
        "base_points": -base,
        "adjustment_points": -adjust,
        "rank": worst,
        "single_parent": 0 if a.single_parent else 1,
        "parent_illness": 0 if "illness" in reasons else 1,
        "parent_disability": 0 if "disability" in reasons else 1,
        "child_disability": 0 if "child_disability" in a.adjustments else 1,
        "leaving_small_facility": 0 if "leaving_small_facility" in a.adjustments else 1,
        "reason_type": min((order.index(r) for r in reasons if r in order), default=len(order)),
        "more_young_children": -a.young_children,
        "lower_income": a.municipal_tax,
        "siblings_enrolled": 0 if "siblings_enrolled" in a.adjustments else 1,
        "waiting_months": -a.waiting_months,
    }
    key = (*head, *(values[t] for t in config.tie_breaks), lottery(seed, a.id), a.id)
    return Score(True, base, adjust, rank, key)
