"""What a competition's test asserts, as sentences a user can act on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..grading.record import Level


def validity_failure(record: Mapping[str, Any]) -> str | None:
    """Why the run has no valid submission, or None."""
    if record.get("valid_submission"):
        return None
    parts = [f"invalid submission: {record.get('invalid_reason')}"]
    if record.get("harness_error"):
        parts.append(f"harness error: {record['harness_error']}")
    if record.get("timed_out"):
        parts.append(f"the agent was stopped at the time limit ({record.get('time_limit_s'):g}s)")
    elif record.get("exit_code") not in (0, None):
        parts.append(f"the agent exited with code {record.get('exit_code')}")
    return "; ".join(parts)


def requirement_failure(record: Mapping[str, Any], level: str) -> str | None:
    """Why a valid run misses ``--mlebench-require level``, or None when it meets it."""
    wanted = Level.from_option(level)
    if wanted is Level.VALID:
        return None
    if record.get("leaderboard_source") == "none":
        return (f"--mlebench-require {level}: no leaderboard to compare with "
                f"({record.get('leaderboard_problem') or 'none found'})")
    if Level.of(record) >= wanted:
        return None
    words = "the median" if wanted is Level.ABOVE_MEDIAN else f"a {wanted.words} medal"
    threshold_field = wanted.threshold_field
    direction = "lower" if record.get("is_lower_better") else "higher"
    return (
        f"--mlebench-require {level}: score {record.get('score'):.6g} ({direction} is better) misses "
        f"{words}: threshold {record.get(threshold_field):.6g}; rank {record.get('rank')} of "
        f"{record.get('n_teams')} teams on the {record.get('leaderboard_source')} leaderboard"
    )
