"""Grading a submission into a record's fields, and the session report that totals records.

The totals keep MLE-bench's names and meanings (its aggregation reads them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InvalidSubmission
from .medals import award, thresholds
from .record import MEDAL_FIELDS, THRESHOLD_FIELDS

if TYPE_CHECKING:  # records are made and reported without loading pandas and the metrics
    from ..leaderboards.format import Leaderboard
    from .judge import Judge

#: MLE-bench's Grader rounds every score to this many decimals before placing it.
SCORE_DECIMALS = 5


def rounded(value: float) -> float:
    """The score as MLE-bench reports and ranks it: Python's round to 5 decimals."""
    return round(float(value), SCORE_DECIMALS)


def grade_submission(
    *,
    submission_path: Path | None,
    grader: Judge,
    leaderboard: Leaderboard | None,
    missing_reason: str = "no submission.csv was written",
) -> dict[str, Any]:
    """Score, validity and medals of one submission: the grading part of a record.

    The score is placed on the leaderboard rounded to 5 decimals, as MLE-bench does;
    the unrounded value is kept as ``raw_score``.
    """
    record: dict[str, Any] = {
        "score": None, "raw_score": None, "submission_exists": submission_path is not None,
        "valid_submission": False, "invalid_reason": None,
        "is_lower_better": grader.lower_is_better,
        "submission_path": str(submission_path) if submission_path else None,
        "n_teams": leaderboard.n_teams if leaderboard else None,
        "leaderboard_sha256": leaderboard.sha256 if leaderboard else None,
    }
    record |= {name: None for name in MEDAL_FIELDS}
    record |= {m: False for m in ("gold_medal", "silver_medal", "bronze_medal", "any_medal",
                                  "above_median")}
    if leaderboard is not None:
        # MLE-bench reports the thresholds of an invalid submission too.
        record |= dict(zip(THRESHOLD_FIELDS, thresholds(leaderboard), strict=True))
    if submission_path is None:
        record["invalid_reason"] = missing_reason
        return record
    try:
        value = grader.score(submission_path)
    except InvalidSubmission as exc:
        record["invalid_reason"] = str(exc)
        return record
    record["raw_score"] = value
    record["score"] = rounded(value)
    record["valid_submission"] = True
    if leaderboard is not None:
        medals = award(record["score"], leaderboard)
        record |= {name: getattr(medals, name) for name in MEDAL_FIELDS}
    return record


def sort_key(record: Mapping[str, Any]) -> tuple[str, int]:
    return str(record.get("competition_id")), int(record.get("seed") or 0)


def session_report(records: Iterable[Mapping[str, Any]], **meta: Any) -> dict[str, Any]:
    """MLE-bench's totals and the records; rates over seeds come from aggregate.py."""
    recs = sorted((dict(r) for r in records), key=sort_key)
    report: dict[str, Any] = dict(meta)
    report |= {
        "total_runs": len(recs),
        "total_runs_with_submissions": sum(bool(r["submission_exists"]) for r in recs),
        "total_valid_submissions": sum(bool(r["valid_submission"]) for r in recs),
        "total_medals": sum(bool(r["any_medal"]) for r in recs),
        "total_gold_medals": sum(bool(r["gold_medal"]) for r in recs),
        "total_silver_medals": sum(bool(r["silver_medal"]) for r in recs),
        "total_bronze_medals": sum(bool(r["bronze_medal"]) for r in recs),
        "total_above_median": sum(bool(r["above_median"]) for r in recs),
    }
    report["competition_reports"] = recs
    return report
