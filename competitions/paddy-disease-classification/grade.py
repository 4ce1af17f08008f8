"""Accuracy with the semantics of MLE-bench's grader, which reads the submission with pandas.

A label pandas reads as missing ("", "NA", "null", ...) is filled with "" and so is simply
wrong, as the sample submission's empty labels are. A label column pandas types as numbers
or booleans (every label a number, say) makes scikit-learn refuse to compare it with the
answers' text, so MLE-bench grades nothing: it is refused here.
"""

from __future__ import annotations

import pandas as pd
from sklearn.metrics import accuracy_score

from pytest_mlebench.grading.jaccard import as_pandas_reads
from pytest_mlebench.grading.validate import InvalidSubmission

TARGET = "label"


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked, in the answers' row order (validate.score)."""
    predicted = as_pandas_reads(submission[TARGET])
    if not all(isinstance(v, str) for v in predicted):
        raise InvalidSubmission(
            f"column {TARGET!r} holds only numbers or booleans as pandas reads it, and MLE-bench's "
            f"grader cannot compare those with the answers' disease names; predict the names")
    return float(accuracy_score(answers[TARGET].astype(str).to_numpy(), predicted.to_numpy(dtype=str)))
