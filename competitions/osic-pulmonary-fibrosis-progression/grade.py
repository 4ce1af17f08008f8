"""Kaggle's modified Laplace log likelihood over each test patient's last three visits, as
MLE-bench's grader scores it.

A submission predicts an FVC and a confidence for every patient at every week of the test span,
but only the rows of the last three weeks in which the patient was measured are scored (all of
them for a patient with fewer visits); the others are checked, then ignored. The metric itself,
with its clipping of the confidence at 70 and of the error at 1000, is METRICS'
``laplace_log_likelihood``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pytest_mlebench.grading.metrics import get_metric

#: How many of a patient's latest measured weeks are scored.
SCORED_VISITS = 3
TARGETS = ["FVC", "Confidence"]


def scored_rows(answers: pd.DataFrame) -> np.ndarray:
    """Which answer rows count: each patient's last three measured weeks."""
    measured = answers["Measured"].astype(str).str.strip() == "1"
    weeks = pd.DataFrame({"patient": answers["Patient"], "week": answers["Weeks"].astype(int)})[measured]
    latest = weeks.sort_values("week", kind="stable").groupby("patient").tail(SCORED_VISITS).index
    rows = np.zeros(len(answers), dtype=bool)
    rows[answers.index.get_indexer(latest)] = True
    return rows


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked, in the answers' row order (validate.score)."""
    rows = scored_rows(answers)
    truth = answers.loc[rows, TARGETS].astype(float).reset_index(drop=True)
    predicted = submission.loc[rows, TARGETS].reset_index(drop=True)
    return get_metric("laplace_log_likelihood").fn(truth, predicted)
