"""Kaggle's word-level Jaccard score (grading/jaccard.py) with the semantics of MLE-bench's grader.

MLE-bench reads both files with pandas and scores with scikit-learn's
``jaccard_score(average="samples")`` over each row's set of lower-cased words, which
differs from Kaggle's formula in two places, both reproduced here:

- a row where neither the prediction nor the answer has a word scores 0 (scikit-learn's
  ``zero_division``), where the formula would divide by zero;
- the predictions must be text as pandas types them: a column pandas reads as numbers or
  booleans (every prediction a number, say) cannot be lower-cased there and is refused.

A cell pandas reads as missing ("", "NA", "null", ...) is an empty prediction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pytest_mlebench.grading.jaccard import as_pandas_reads, row_scores
from pytest_mlebench.grading.validate import InvalidSubmission

TARGET = "PredictionString"


def texts(cells: pd.Series) -> list[str] | None:
    """The cells as MLE-bench's grader takes them, or None when pandas types them other than text."""
    values = as_pandas_reads(cells).tolist()
    return values if all(isinstance(v, str) for v in values) else None


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked, in the answers' row order (validate.score)."""
    truth = texts(answers[TARGET])
    if truth is None:
        raise ValueError(f"the answers' {TARGET!r} column is not text as pandas reads it")
    predicted = texts(submission[TARGET])
    if predicted is None:
        raise InvalidSubmission(
            f"column {TARGET!r} holds only numbers or booleans as pandas reads it, and MLE-bench's "
            f"grader can only split text into words; predict the answers as text")
    return float(np.nan_to_num(row_scores(truth, predicted), nan=0.0).mean())
