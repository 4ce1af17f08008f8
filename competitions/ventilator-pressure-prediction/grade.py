"""Mean absolute error over the inspiratory phase, as MLE-bench's grade.py computes it.

Every test row needs a pressure, but only the rows whose answer has ``u_out == 0`` (the
valve letting air out is closed: the breath is being drawn in) are scored; the
expiratory rows are dropped before the MAE is taken. MLE-bench pairs the rows by id
(it sorts both files by id), as the checked submission here already is.
"""

from __future__ import annotations

import pandas as pd

from pytest_mlebench.grading.metrics import get_metric

#: What this grade computes, for listings (competition.yaml's metric gives only the checks).
SCORE_NAME = "mae_over_inspiratory_phase"
TARGET = "pressure"


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked, in the answers' row order (validate.score)."""
    inspiratory = (pd.to_numeric(answers["u_out"], errors="raise") == 0).to_numpy()
    if not inspiratory.any():
        raise ValueError("the answers hold no inspiratory row (u_out == 0): nothing is scored")
    truth = answers.loc[inspiratory, [TARGET]].astype(float).reset_index(drop=True)
    predicted = submission.loc[inspiratory, [TARGET]].reset_index(drop=True)
    return get_metric("mae").fn(truth, predicted)
