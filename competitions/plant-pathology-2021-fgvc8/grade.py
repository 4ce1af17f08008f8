"""Micro F1 over label sets with the semantics of MLE-bench's grader, which reads the
submission with pandas and splits the labels with pandas' ``.str`` methods.

The score itself is the shared metric (imet-2020-fgvc7's: only the answers' labels are
classes). A labels column pandas types as numbers or booleans (every cell a number, say) has no
``.str`` there, so MLE-bench grades nothing: it is refused here. An empty or "NA" cell is no
labels, as MLE-bench fills NaN with "".
"""

from __future__ import annotations

import pandas as pd

from pytest_mlebench.grading.jaccard import as_pandas_reads
from pytest_mlebench.grading.metrics import get_metric
from pytest_mlebench.grading.validate import InvalidSubmission

TARGET = "labels"


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked, in the answers' row order (validate.score)."""
    read = as_pandas_reads(submission[TARGET])
    if not all(isinstance(v, str) for v in read):
        raise InvalidSubmission(
            f"column {TARGET!r} holds only numbers or booleans as pandas reads it, which MLE-bench's "
            f"grader cannot split into disease names; predict the names")
    predicted = pd.DataFrame({TARGET: read.to_numpy(dtype=str)})
    truth = answers[[TARGET]].reset_index(drop=True)
    return get_metric("micro_f1_of_label_sets").fn(truth, predicted)
