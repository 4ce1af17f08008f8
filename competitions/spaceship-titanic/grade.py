"""Accuracy on ``Transported`` with MLE-bench's reading of the values.

MLE-bench reads the submission with pandas and compares what pandas made of each
column: "True", "true" and "TRUE" are the same boolean, and a column pandas reads as
0/1 integers compares equal to the booleans. The texts are therefore read back the
same way here, column by column, before they are compared; a column that scikit-learn
cannot compare with the answers (text beside booleans) is invalid, as it is there.
"""

from __future__ import annotations

import io

import pandas as pd
from sklearn.metrics import accuracy_score

from pytest_mlebench.grading.validate import InvalidSubmission

TARGET = "Transported"


def as_pandas_reads(values: pd.Series) -> pd.Series:
    """The column as pandas' CSV reader types it (bool, int, float or text)."""
    text = "\n".join(["value", *values.astype(str)])
    return pd.read_csv(io.StringIO(text))["value"]


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    truth, predicted = as_pandas_reads(answers[TARGET]), as_pandas_reads(submission[TARGET])
    try:
        return float(accuracy_score(truth.to_numpy(), predicted.to_numpy()))
    except (TypeError, ValueError) as exc:
        raise InvalidSubmission(f"column {TARGET!r} cannot be compared with the answers: {exc}") from None
