"""F0.5 of the ink mask, as MLE-bench grades it.

Each test fragment's mask is its run-length encoding ("start length" pairs, 1-indexed, pixels
taken left to right then top to bottom) over the fragment's width x height, both from the
answers. A fragment scores scikit-learn's F-beta with beta 0.5, 1.25 |P & T| / (0.25 |T| + |P|),
0 when both masks are empty; the score is the mean over fragments (MLE-bench's test set is
one). MLE-bench refuses a prediction that is not a string, and pandas reads an empty cell (or
"nan", "NA", ...) as NaN, so those are refused too; whitespace is an empty mask. Malformed
encodings are refused (grading/rle.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pytest_mlebench.grading import rle
from pytest_mlebench.grading.metrics import PANDAS_NA_TEXTS
from pytest_mlebench.grading.validate import InvalidSubmission

SCORE_NAME = "f0.5"
BETA_SQUARED = 0.25


def f_half(predicted: str, truth: str, pixels: int, where: str) -> float:
    """One fragment's F0.5, in scikit-learn's form (0 where its denominator is 0)."""
    p, t, both = rle.counts(predicted, truth, pixels, where)
    denominator = BETA_SQUARED * t + p
    return (1 + BETA_SQUARED) * both / denominator if denominator else 0.0


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked, in the answers' row order."""
    scores = []
    for fragment, predicted, truth, width, height in zip(
            answers["Id"], submission["Predicted"], answers["Predicted"], answers["width"],
            answers["height"], strict=True):
        if predicted in PANDAS_NA_TEXTS:
            raise InvalidSubmission(
                f"id {fragment!r}: Predicted is {predicted!r}, which MLE-bench reads as NaN and "
                "refuses (it must be a string); an empty mask is written as a space")
        scores.append(f_half(predicted, truth, int(width) * int(height), f"id {fragment!r}"))
    return float(np.mean(scores))
