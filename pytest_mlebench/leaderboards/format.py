"""MLE-bench's leaderboard files: their columns, strict loading, and writing.

A medal is only as good as the leaderboard it is measured against, so loading is
strict: a Git LFS pointer, a file that is not the one expected (sha256), a
leaderboard without scores, one whose scores are all equal (Kaggle once served all
zeros) or one ordered against the metric's direction is refused with the reason,
never graded against.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

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
    import numpy as np  # pandas: loaded when medals are first needed, not with the plugin
    import pandas as pd

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
    import pandas as pd

    ordered = sorted((float(s) for s in scores), reverse=not lower_is_better)
    pd.DataFrame({
        "scoreNullable": ordered,
        "teamId": range(1, len(ordered) + 1),
        "hasTeamName": True,
        "submissionDate": submission_date,
        "score": ordered,
        "hasScore": True,
    }, columns=list(LEADERBOARD_COLUMNS)).to_csv(path, index=False)
