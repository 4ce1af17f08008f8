"""Kaggle's medal rules, as MLE-bench applies them, on a loaded leaderboard
(leaderboards/format.py reads and checks the files)."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from ..leaderboards.format import Leaderboard


@dataclass(frozen=True)
class MedalResult:
    """Where a score lands on a leaderboard; every field a plain Python value."""

    gold_threshold: float
    silver_threshold: float
    bronze_threshold: float
    median_threshold: float
    gold_medal: bool
    silver_medal: bool
    bronze_medal: bool
    any_medal: bool
    above_median: bool
    #: 1 + the number of teams strictly better.
    rank: int
    #: Share of teams strictly worse, 0 to 100.
    percentile: float


def _better(a: float, b: float, lower_is_better: bool) -> bool:
    """Whether ``a`` is strictly better than ``b``."""
    return a < b if lower_is_better else a > b


def medal_positions(n_teams: int) -> tuple[int, int, int]:
    """Leaderboard positions (from 1) of the last gold, silver and bronze team.

    Kaggle's progression rules; integer arithmetic gives floor(fraction * N) exactly.
    """
    if n_teams < 1:
        raise ValueError(f"a leaderboard needs at least one team, got {n_teams}")
    if n_teams < 100:
        return max(1, n_teams // 10), max(1, n_teams * 2 // 10), max(1, n_teams * 4 // 10)
    if n_teams < 250:
        return 10, n_teams * 2 // 10, n_teams * 4 // 10
    gold = 10 + n_teams * 2 // 1000
    if n_teams < 1000:
        return gold, 50, 100
    return gold, n_teams * 5 // 100, n_teams // 10


def thresholds(lb: Leaderboard) -> tuple[float, float, float, float]:
    """Gold, silver and bronze thresholds (scores at the medal positions) and the median."""
    gold, silver, bronze = medal_positions(lb.n_teams)
    return (
        lb.scores[gold - 1],
        lb.scores[silver - 1],
        lb.scores[bronze - 1],
        float(statistics.median(lb.scores)),
    )


def award(score: float, lb: Leaderboard) -> MedalResult:
    """Medals, median, rank and percentile of ``score`` against ``lb``.

    A score equal to a threshold earns it; medals are exclusive; above median
    means strictly better than the median.
    """
    score = float(score)
    if not math.isfinite(score):
        raise ValueError(f"cannot place a non-finite score ({score}) on a leaderboard")
    gold_t, silver_t, bronze_t, median_t = thresholds(lb)
    lower = lb.lower_is_better
    gold = not _better(gold_t, score, lower)
    silver = not gold and not _better(silver_t, score, lower)
    bronze = not gold and not silver and not _better(bronze_t, score, lower)
    better_teams = sum(_better(s, score, lower) for s in lb.scores)
    worse_teams = sum(_better(score, s, lower) for s in lb.scores)
    return MedalResult(
        gold_threshold=gold_t,
        silver_threshold=silver_t,
        bronze_threshold=bronze_t,
        median_threshold=median_t,
        gold_medal=gold,
        silver_medal=silver,
        bronze_medal=bronze,
        any_medal=gold or silver or bronze,
        above_median=_better(score, median_t, lower),
        rank=1 + better_teams,
        percentile=100.0 * worse_teams / lb.n_teams,
    )
