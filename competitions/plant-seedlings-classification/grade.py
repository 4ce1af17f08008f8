"""Micro-averaged F1 (one label per photo: the share of photos named right) with the semantics
of MLE-bench's grader, which reads the submission with pandas and calls scikit-learn.

A species pandas reads as missing ("", "NA", "null", ...) is NaN there, and scikit-learn counts
it wrong, among text labels. A column pandas types as numbers or booleans, or that is missing
everywhere, makes scikit-learn refuse it, so MLE-bench grades nothing: it is refused here.
"""

from __future__ import annotations

import pandas as pd
from sklearn.metrics import f1_score

from pytest_mlebench.grading.jaccard import as_pandas_reads
from pytest_mlebench.grading.validate import InvalidSubmission

TARGET = "species"


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked, in the answers' row order (validate.score)."""
    predicted = as_pandas_reads(submission[TARGET])  # a missing species is "", never a species
    if not all(isinstance(v, str) for v in predicted):
        raise InvalidSubmission(
            f"column {TARGET!r} holds only numbers or booleans as pandas reads it, and MLE-bench's "
            f"grader cannot compare those with the answers' species names; predict the names")
    if (predicted == "").all():
        raise InvalidSubmission(f"column {TARGET!r} is empty in every row; predict a species per photo")
    return float(f1_score(answers[TARGET].astype(str).to_numpy(), predicted.to_numpy(dtype=str),
                          average="micro"))
