"""lwlrap over Kaggle's 80 classes, the columns in the order MLE-bench's grader requires.

MLE-bench refuses a submission whose first column is not ``fname`` or whose class columns
are not the sample submission's, in its order; so does this grader, naming the first column
out of place. The score itself is the lwlrap metric (grading/metrics.py).
"""

from __future__ import annotations

import pandas as pd

from pytest_mlebench.grading.metrics import get_metric
from pytest_mlebench.grading.validate import InvalidSubmission


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked, in the answers' row order (validate.score)."""
    expected = list(answers.columns)
    given = list(submission.attrs["layout"].columns)
    if given != expected:  # the same columns (validate.py checked): some are out of place
        at = next(i for i, (g, e) in enumerate(zip(given, expected, strict=True)) if g != e)
        raise InvalidSubmission(
            f"column {at + 1} is {given[at]!r} where {expected[at]!r} belongs: the columns must be "
            f"fname, then the {len(expected) - 1} classes in the sample submission's order")
    classes = expected[1:]
    return get_metric("lwlrap").fn(answers[classes].astype(float), submission[classes])
