"""Multi-class log loss, refusing a file whose first column is not ``id``, as MLE-bench does.

MLE-bench's grader checks that each row's probabilities sum to 1 over the columns
after the first one, whatever their names: with ``id`` elsewhere, that sum takes in
the ids and the file is refused there, so it is refused here too.
"""

from __future__ import annotations

import pandas as pd

from pytest_mlebench.grading.metrics import get_metric
from pytest_mlebench.grading.validate import InvalidSubmission

AUTHORS = ["EAP", "HPL", "MWS"]


def grade(submission: pd.DataFrame, answers: pd.DataFrame, truth: pd.DataFrame) -> float:
    """``submission`` arrives checked, in the answers' row order, ``truth`` typed (validate.score)."""
    columns = submission.attrs["layout"].columns
    if columns[0] != "id":
        raise InvalidSubmission(f"the first column must be 'id' (as in sample_submission.csv), "
                                f"got columns {list(columns)}")
    return get_metric("multiclass_log_loss").fn(truth[AUTHORS], submission[AUTHORS])
