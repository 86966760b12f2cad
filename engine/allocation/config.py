"""A municipality's allocation rules (利用調整基準), loaded from data.

Each municipality publishes its own criteria: how points (指数) or ranks are given for
each reason care is needed, which adjustments add or subtract, the working-hours floor,
the tie-break chain, and whether declining an offer lowers priority later. The files are
``procedures/kosodate/allocation/<name>.yaml``; unknown keys are load errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from forms.spec import LocalizedText

# Reasons care is needed (保育の必要性の事由, 子ども・子育て支援法施行規則 1条の5).
REASONS = (
    "employed",  # 就労（外勤）
    "self_employed",  # 就労（自営・内職）
    "pregnancy",  # 妊娠・出産
    "illness",  # 疾病
    "disability",  # 障害
    "care_of_relative",  # 親族の介護・看護
    "disaster",  # 災害復旧
    "job_search",  # 求職活動
    "study",  # 就学
    "absent",  # ひとり親家庭で、もう一方の親がいない
)
WORK_REASONS = frozenset({"employed", "self_employed"})

# The tie-break criteria a chain may list, each with the direction that wins.
TIE_BREAKS = (
    "new_entry",  # new entry before transfer (新規 > 転園)
    "base_points",  # higher base points (基本指数)
    "adjustment_points",  # higher adjustment points (調整指数)
    "rank",  # better household rank (ranks style)
    "single_parent",  # single-parent household first
    "parent_illness",  # a parent's illness
    "parent_disability",  # a parent's disability
    "child_disability",  # the child's disability
    "leaving_small_facility",  # leaving a small facility at its age limit (卒園)
    "reason_type",  # the reason's order in reason_order
    "more_young_children",  # more children under school age
    "lower_income",  # lower municipal income tax (市区町村民税所得割額)
    "siblings_enrolled",  # a sibling at a facility
    "waiting_months",  # longer time on the waiting list
)

ScoringStyle = Literal["points", "rank"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Band(Strict):
    """A row of a base table: the first row the parent meets gives the value."""

    min_days: int = Field(default=0, ge=0, le=7, description="days a week at least")
    min_hours: int = Field(default=0, ge=0, le=80, description="hours a week at least")
    points: int | None = Field(default=None, ge=0)
    rank: str | None = Field(default=None, pattern=r"^[A-I]$")


class Adjustment(Strict):
    label: LocalizedText
    points: int


class Facility(Strict):
    code: str = Field(pattern=r"^[A-Za-z0-9-]{1,20}$")
    name: LocalizedText
    small: bool = Field(default=False, description="小規模保育 (ages 0-2 only)")
    # Places offered in this round per age class (0歳児クラス to 5歳児クラス).
    capacity: dict[int, int]

    @model_validator(mode="after")
    def _ages(self) -> Facility:
        for age, places in self.capacity.items():
            if not 0 <= age <= 5 or places < 0:
                raise ValueError(f"capacity: age class {age} with {places} places (0-5, >= 0)")
        return self


class AllocationConfig(Strict):
    """The allocation rules of one municipality, and the places it offers this round."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    municipality: LocalizedText
    scoring: ScoringStyle
    # Below this many working hours a month a work reason gives no need of care.
    working_hours_floor: int = Field(ge=0, le=200, description="hours a month")
    # Weeks per month used to turn weekly hours into monthly hours.
    weeks_per_month: float = Field(default=4.0, gt=0)
    # Base values per reason, first matching band wins (points or rank, per scoring).
    base: dict[str, list[Band]]
    # points: what the absent parent of a single-parent household counts for.
    absent_parent_points: int = 0
    adjustments: dict[str, Adjustment] = Field(default_factory=dict)
    declined_offer_penalty: bool = False
    declined_offer_points: int = Field(default=0, le=0, description="added when penalised")
    tie_breaks: list[str] = Field(min_length=1)
    reason_order: list[str] = Field(default_factory=lambda: list(REASONS))
    facilities: list[Facility] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> AllocationConfig:
        problems: list[str] = []
        for reason, bands in self.base.items():
            if reason not in REASONS:
                problems.append(f"base: unknown reason '{reason}' (known: {', '.join(REASONS)})")
            for i, band in enumerate(bands):
                want = "points" if self.scoring == "points" else "rank"
                if getattr(band, want) is None:
                    problems.append(f"base.{reason}[{i}]: needs '{want}'")
        for key in self.tie_breaks:
            if key not in TIE_BREAKS:
                problems.append(f"tie_breaks: unknown '{key}' (known: {', '.join(TIE_BREAKS)})")
        if len(set(self.tie_breaks)) != len(self.tie_breaks):
            problems.append("tie_breaks: a criterion is listed twice")
        for reason in self.reason_order:
            if reason not in REASONS:
                problems.append(f"reason_order: unknown reason '{reason}'")
        codes = [f.code for f in self.facilities]
        if len(set(codes)) != len(codes):
            problems.append("facilities: a facility code is listed twice")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def facility(self, code: str) -> Facility | None:
        """The facility with ``code``, or None."""
        return next((f for f in self.facilities if f.code == code), None)


class ConfigError(ValueError):
    """An allocation configuration that cannot be used; the message says what to fix."""


def config_dir(procedures_dir: Path) -> Path:
    """Where the allocation configurations of a procedures folder are."""
    return procedures_dir / "kosodate" / "allocation"


def available(procedures_dir: Path) -> list[str]:
    """The names of the configurations shipped in ``procedures_dir``."""
    return sorted(p.stem for p in config_dir(procedures_dir).glob("*.yaml"))


def load_config(procedures_dir: Path, name: str) -> AllocationConfig:
    """The configuration ``name``; :class:`ConfigError` when missing or invalid."""
    path = config_dir(procedures_dir) / f"{name}.yaml"
    if not path.is_file() or "/" in name:
        known = ", ".join(available(procedures_dir)) or "-"
        raise ConfigError(
            f"利用調整の設定「{name}」が見つかりません（あるもの: {known}）。 "
            f"Allocation configuration '{name}' not found (known: {known})."
        )
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        config = AllocationConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(
            f"利用調整の設定 {path.name} に誤りがあります。 {path.name} is invalid: {exc}"
        ) from exc
    if config.name != name:
        raise ConfigError(
            f"{path.name}: name は「{name}」にしてください。 {path.name}: name must be '{name}'."
        )
    return config
