"""Grading: metrics, strict submission checks, leaderboards and medals (no pytest here)."""

from .grader import Grader
from .medals import (
    LEADERBOARD_COLUMNS,
    Leaderboard,
    LeaderboardError,
    MedalResult,
    award,
    load_leaderboard,
    medal_positions,
    thresholds,
    write_leaderboard,
)
from .metrics import METRICS, VALUE_TYPES, Metric, get_metric
from .validate import (
    GradingSpec,
    InvalidSubmission,
    check_submission,
    read_csv,
    score,
)

__all__ = [
    "LEADERBOARD_COLUMNS",
    "METRICS",
    "VALUE_TYPES",
    "Grader",
    "GradingSpec",
    "InvalidSubmission",
    "Leaderboard",
    "LeaderboardError",
    "MedalResult",
    "Metric",
    "award",
    "check_submission",
    "get_metric",
    "load_leaderboard",
    "medal_positions",
    "read_csv",
    "score",
    "thresholds",
    "write_leaderboard",
]
