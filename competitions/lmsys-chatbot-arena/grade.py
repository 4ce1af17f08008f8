"""Multi-class log loss over the three outcomes, with MLE-bench's test of a row's sum.

MLE-bench refuses a row whose probabilities, summed and rounded to 6 decimals, are not
exactly 1: a tolerance of about 5e-7, tighter than the generic check's (about 1.1e-5)
that runs first. The log loss itself is the generic one (scikit-learn's, unnormalized).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pytest_mlebench.grading.metrics import get_metric
from pytest_mlebench.grading.validate import InvalidSubmission

CLASSES = ["winner_model_a", "winner_model_b", "winner_tie"]
DECIMALS = 6


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked, in the answers' row order (validate.score)."""
    predicted = submission[CLASSES].astype(float)
    sums = predicted.sum(axis=1).to_numpy()
    off = np.round(sums, DECIMALS) != 1
    if off.any():
        shown = ", ".join(f"id {i!r} sums to {s!r}" for i, s in
                          zip(submission["id"][off][:3], sums[off][:3], strict=True))
        raise InvalidSubmission(f"{int(off.sum())} rows of probabilities do not sum to 1 when rounded "
                                f"to {DECIMALS} decimals, as MLE-bench requires: {shown}")
    truth = answers[CLASSES].astype(float).reset_index(drop=True)
    return get_metric("multiclass_log_loss").fn(truth, predicted.reset_index(drop=True))
