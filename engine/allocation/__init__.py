"""Childcare allocation (利用調整): configuration, scoring, matching, rounds on cases."""

from engine.allocation.config import AllocationConfig, ConfigError, available, load_config
from engine.allocation.matching import Outcome, allocate
from engine.allocation.scoring import Applicant, Guardian, Score, score

__all__ = [
    "AllocationConfig",
    "Applicant",
    "ConfigError",
    "Guardian",
    "Outcome",
    "Score",
    "allocate",
    "available",
    "load_config",
    "score",
]
