"""Mean column-wise ROC AUC over the test rows Kaggle scored, columns paired as MLE-bench pairs them.

test.csv also holds comments Kaggle never labelled (added to deter hand labelling);
a submission must predict them, as in MLE-bench, but they do not count.

MLE-bench's grader scores the submission's label columns, in the order the file
has them, against the answers' columns in theirs (toxic, severe_toxic, obscene,
threat, insult, identity_hate): a file with the right columns in another order
scores each column against another label. That is reproduced by default; the
``columns-by-name`` variant scores each column against the label it names.
"""

from __future__ import annotations

import pandas as pd

from pytest_mlebench.grading.metrics import get_metric

LABELS = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]


def grade(submission: pd.DataFrame, answers: pd.DataFrame, truth: pd.DataFrame,
          variant: str | None = None) -> float:
    """``submission`` arrives checked and in the answers' row order, ``truth`` typed (validate.score)."""
    if variant is None:
        in_file_order = [c for c in submission.attrs["layout"].columns if c in LABELS]
    elif variant == "columns-by-name":
        in_file_order = LABELS
    else:
        raise ValueError(f"unknown variant {variant!r}")
    scored = answers["scored"].astype(int).to_numpy() == 1
    truth = truth.loc[scored, LABELS].reset_index(drop=True)
    predicted = submission.loc[scored, in_file_order].reset_index(drop=True).set_axis(LABELS, axis=1)
    return get_metric("mean_columnwise_roc_auc").fn(truth, predicted)
