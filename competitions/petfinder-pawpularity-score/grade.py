"""RMSE as MLE-bench grades Pawpularity: a prediction outside [1, 100], the score's range,
makes the whole submission invalid rather than merely wrong."""

from __future__ import annotations

import pandas as pd

from pytest_mlebench.grading.metrics import get_metric
from pytest_mlebench.grading.validate import InvalidSubmission

TARGET = "Pawpularity"
LOW, HIGH = 1.0, 100.0


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked (finite numbers), in the answers' row order."""
    predicted = submission[TARGET]
    outside = predicted[(predicted < LOW) | (predicted > HIGH)]
    if len(outside):
        shown = ", ".join(f"id {submission.loc[i, 'Id']!r} = {v!r}" for i, v in outside.head(3).items())
        raise InvalidSubmission(f"column {TARGET!r} has {len(outside)} values outside [{LOW:g}, {HIGH:g}], "
                                f"the score's range: {shown}")
    truth = answers[[TARGET]].astype(float).reset_index(drop=True)
    return get_metric("rmse").fn(truth, submission[[TARGET]].reset_index(drop=True))
