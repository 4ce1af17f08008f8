"""The competition's weighted multi-label log loss, as MLE-bench computes it.

Each held-out study has eight answers: ``patient_overall`` (any fracture) and one per vertebra,
C1 to C7. A prediction's binary log loss (predictions clipped to [1e-15, 1 - 1e-15]) is weighted
by its target and label: patient_overall 7 when negative and 14 when positive, a vertebra 1 and
2. A study's loss is its weighted sum divided by the sum of its eight weights; the score is the
plain mean over studies. Lower is better.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SCORE_NAME = "weighted_multi_label_log_loss"
TARGETS = ["patient_overall", *(f"C{k}" for k in range(1, 8))]
#: Weights of a negative and of a positive label, in TARGETS order.
NEGATIVE = np.array([7, 1, 1, 1, 1, 1, 1, 1], dtype=float)
POSITIVE = np.array([14, 2, 2, 2, 2, 2, 2, 2], dtype=float)
EPS = 1e-15


def weighted_log_loss(truth: np.ndarray, pred: np.ndarray) -> float:
    """The score of (studies x TARGETS) matrices of labels and probabilities."""
    pred = np.clip(pred, EPS, 1 - EPS)
    losses = -(truth * np.log(pred) + (1 - truth) * np.log(1 - pred))
    weights = np.where(truth == 1, POSITIVE, NEGATIVE)
    return float(np.mean((losses * weights).sum(axis=1) / weights.sum(axis=1)))


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked, in the answers' row order; the answers name each row's
    study and target."""
    rows = pd.DataFrame({"study": answers["StudyInstanceUID"].to_numpy(),
                         "target": answers["prediction_type"].to_numpy(),
                         "truth": answers["fractured"].astype(float).to_numpy(),
                         "pred": submission["fractured"].to_numpy(dtype=float)})
    table = rows.pivot(index="study", columns="target")
    return weighted_log_loss(table["truth"][TARGETS].to_numpy(), table["pred"][TARGETS].to_numpy())
