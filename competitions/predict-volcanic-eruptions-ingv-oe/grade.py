"""The mean absolute error in whole units, as MLE-bench's grader returns it.

MLE-bench rounds the MAE to the nearest whole number (Python's round: a half goes to the
even neighbour), the precision of Kaggle's leaderboard, whose scores are whole numbers
too. The harness's own rounding to 5 decimals then changes nothing.
"""

from __future__ import annotations

import pandas as pd
from sklearn.metrics import mean_absolute_error

#: What this grade computes, for listings (competition.yaml's metric gives only the checks).
SCORE_NAME = "mae_rounded_to_whole_number"

TARGET = "time_to_eruption"


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked, in the answers' row order (validate.score)."""
    truth = pd.to_numeric(answers[TARGET]).to_numpy(dtype=float)
    return float(round(mean_absolute_error(truth, submission[TARGET].to_numpy(dtype=float))))
