"""Kaggle's CHAMPS score: the log of the mean absolute error within each coupling type (the
answers' ``type``), averaged over the types, so a 1% gain on a rare type counts as much as
on a common one.

Kaggle's metric floors each type's MAE at 1e-9 (a perfect submission scores log(1e-9),
about -20.7233); MLE-bench's grader leaves the floor out and returns -inf for a type
predicted exactly. The floor is applied here: a score must be a number, and the two agree
whenever every type's MAE is at least 1e-9 (any score above -20.72, the whole leaderboard).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import mean_absolute_error

#: What this grade computes, for listings (competition.yaml's metric gives only the checks).
SCORE_NAME = "mean_log_mae_over_types"

TARGET = "scalar_coupling_constant"
#: Kaggle's floor under each type's MAE.
MAE_FLOOR = 1e-9


def grade(submission: pd.DataFrame, answers: pd.DataFrame, variant: str | None = None) -> float:
    """``submission`` arrives checked, in the answers' row order (validate.score). The variant
    (``test-structures``) changes the public files only, not the score."""
    truth = pd.to_numeric(answers[TARGET]).to_numpy(dtype=float)
    predicted = submission[TARGET].to_numpy(dtype=float)
    types = answers["type"].astype(str).str.strip().to_numpy()
    maes = [mean_absolute_error(truth[types == kind], predicted[types == kind]) for kind in np.unique(types)]
    return float(np.mean(np.log(np.maximum(maes, MAE_FLOOR))))
