"""MCRMSE over the three scored measurements at the scored bases, as MLE-bench's grade.py computes it.

A submission predicts five measurements at every base; only ``reactivity``, ``deg_Mg_pH10``
and ``deg_Mg_50C`` are scored, and only at the rows whose answer has ``keep`` (the first
``seq_scored`` bases of each sequence). The score is the mean over those three columns of
each column's RMSE.

MLE-bench sorts both files by id_seqpos and then selects the scored rows of the submission
with the answers' ``keep`` column *by row label*: the submission's row at line i of its
file is kept when the answers' row at line i is scored, whatever ids the two rows hold,
and the kept rows of both are then paired in id order. A submission in the answers' order
(the sample submission's) is scored as intended; one in another order has other rows
selected and is scored against the wrong bases. That is reproduced by default, from where
each prediction sits in the file (``attrs["layout"]``), and recorded in competition.yaml;
the ``by-id`` variant scores every prediction at the base its id names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pytest_mlebench.grading.metrics import get_metric

#: What this grade computes, for listings (competition.yaml's metric gives only the checks).
SCORE_NAME = "mcrmse_over_scored_bases"
#: The measurements Kaggle scores; deg_pH10 and deg_50C are predicted but not scored.
SCORED = ["reactivity", "deg_Mg_pH10", "deg_Mg_50C"]
_FLAGS = {"True": True, "False": False}


def _keep(answers: pd.DataFrame) -> np.ndarray:
    """The answers' ``keep`` column (text, as the answers are read) as booleans."""
    text = answers["keep"].astype(str).str.strip()
    unknown = sorted(set(text) - set(_FLAGS))
    if unknown:
        raise ValueError(f"the answers' keep column holds {unknown[:3]}, not True/False")
    return text.map(_FLAGS).to_numpy(dtype=bool)


def grade(submission: pd.DataFrame, answers: pd.DataFrame, variant: str | None = None) -> float:
    """``submission`` arrives checked, in the answers' row order (validate.score)."""
    keep = _keep(answers)
    truth = answers[SCORED].astype(float)
    predicted = submission[SCORED]
    if variant is None:
        # The k-th id in sorted order, on both sides; the submission's rows are kept by the
        # answers' keep at their own file line.
        in_id_order = np.argsort(answers["id_seqpos"].astype(str).str.strip().to_numpy(dtype=str),
                                 kind="stable")
        file_line = submission.attrs["layout"].rows
        truth = truth.iloc[in_id_order][keep[in_id_order]]
        predicted = predicted.iloc[in_id_order][keep[file_line[in_id_order]]]
    elif variant == "by-id":
        truth, predicted = truth[keep], predicted[keep]
    else:
        raise ValueError(f"unknown variant {variant!r}")
    if truth.empty:
        raise ValueError("the answers score no base (keep is False everywhere)")
    return get_metric("mean_columnwise_rmse").fn(truth.reset_index(drop=True),
                                                 predicted.reset_index(drop=True))
