"""Leaderboards and Kaggle's medal rules, as MLE-bench applies them.

A medal is only as good as the leaderboard it is measured against, so loading is
strict: a Git LFS pointer, a leaderboard without scores, one whose scores are all
equal (Kaggle once served all zeros) or one ordered against the metric's direction
is refused with the reason, never graded against.
"""

from __future__ import annotations

import hashlib
import math
import os
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

#: The columns of MLE-bench's leaderboard files: Kaggle API leaderboard entries, best first.
LEADERBOARD_COLUMNS = ("scoreNullable", "teamId", "hasTeamName", "submissionDate", "score", "hasScore")

#: How a Git LFS pointer file begins; a checkout without LFS holds these instead of data.
LFS_POINTER_PREFIX = "version https://git-lfs.github.com/spec/"


class LeaderboardError(ValueError):
    """A leaderboard that medals must not be awarded against; its str says why."""


@dataclass(frozen=True)
class Leaderboard:
    """The scores of the human teams, best first, and where they came from."""

    scores: tuple[float, ...]
    lower_is_better: bool
    source: str
    #: sha256 of the file it was read from: which leaderboard, exactly, a medal is against.
    sha256: str | None = None

    def __post_init__(self) -> None:
        # Plain floats only: results travel through xdist, which cannot carry numpy scalars.
        object.__setattr__(self, "scores", tuple(float(s) for s in self.scores))

    @property
    def n_teams(self) -> int:
        return len(self.scores)


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


def _repository_of(path: Path) -> Path:
    """The git checkout holding ``path`` (where `git lfs pull` must run), else its folder."""
    resolved = path.resolve()
    for folder in resolved.parents:
        if (folder / ".git").exists():
            return folder
    return resolved.parent


def load_leaderboard(path: str | os.PathLike[str], lower_is_better: bool, source: str,
                     expected_sha256: str | None = None) -> Leaderboard:
    """A leaderboard file in MLE-bench's format, checked before any medal depends on it;
    with ``expected_sha256``, refused unless it is that exact file."""
    path = Path(path)
    if not path.is_file():
        raise LeaderboardError(f"no leaderboard file at {path}")
    with path.open("rb") as handle:
        if handle.read(len(LFS_POINTER_PREFIX)) == LFS_POINTER_PREFIX.encode():
            raise LeaderboardError(
                f"{path} is a Git LFS pointer, not the leaderboard: run `git lfs pull` in "
                f"{_repository_of(path)}"
            )
        handle.seek(0)
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    if expected_sha256 is not None and digest != expected_sha256:
        raise LeaderboardError(
            f"{path} is not MLE-bench's leaderboard: its sha256 is {digest}, MLE-bench's file "
            f"has {expected_sha256}; restore it (reinstall the plugin)")
    try:
        table = pd.read_csv(path)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise LeaderboardError(f"{path} is not a readable CSV: {exc}") from None
    if "score" not in table.columns:
        raise LeaderboardError(
            f"{path} has no 'score' column (it has {list(table.columns)}); expected the columns "
            f"of Kaggle's leaderboard entries {list(LEADERBOARD_COLUMNS)}"
        )
    scores = pd.to_numeric(table["score"], errors="coerce")
    garbled = (scores.isna() & table["score"].notna()) | np.isinf(scores)
    if garbled.any():
        raise LeaderboardError(
            f"{path} has scores that are not finite numbers: {table['score'][garbled].head(3).tolist()}"
        )
    scored = scores.notna()
    if "hasScore" in table.columns:
        scored &= table["hasScore"].astype(str).str.strip().str.lower() != "false"
    values = scores[scored].to_numpy(dtype=float)
    if len(values) == 0:
        raise LeaderboardError(f"{path} has no scores")
    if values.min() == values.max():
        raise LeaderboardError(
            f"{path}: every score is {values[0]:g} ({len(values)} teams); such a leaderboard "
            f"(Kaggle once served all zeros) cannot rank a submission"
        )
    steps = np.diff(values)
    backwards = np.flatnonzero(steps < 0 if lower_is_better else steps > 0)
    if len(backwards):
        i = int(backwards[0])
        direction = "lower" if lower_is_better else "higher"
        raise LeaderboardError(
            f"{path}: the leaderboard's order contradicts the metric's direction ({direction} "
            f"is better, best first): position {i + 1} scores {values[i]:g} and position "
            f"{i + 2} scores {values[i + 1]:g}"
        )
    return Leaderboard(tuple(values), lower_is_better, source, digest)


def write_leaderboard(
    path: str | os.PathLike[str],
    scores: Sequence[float],
    lower_is_better: bool,
    submission_date: str = "2024-01-01 00:00:00",
) -> None:
    """Write scores in MLE-bench's leaderboard format, best first (for generated ladders)."""
    ordered = sorted((float(s) for s in scores), reverse=not lower_is_better)
    pd.DataFrame({
        "scoreNullable": ordered,
        "teamId": range(1, len(ordered) + 1),
        "hasTeamName": True,
        "submissionDate": submission_date,
        "score": ordered,
        "hasScore": True,
    }, columns=list(LEADERBOARD_COLUMNS)).to_csv(path, index=False)


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
