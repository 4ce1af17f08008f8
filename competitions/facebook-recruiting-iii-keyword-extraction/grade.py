"""Micro-averaged F1 over tags, as MLE-bench grades this competition.

Tags are whitespace-separated; a cell pandas reads as missing (empty, "null", "NA", ...)
predicts no tag, as MLE-bench's pandas reading makes it. The tag vocabulary is the set of
tags in the answers: a predicted tag outside it is dropped before counting (scikit-learn's
MultiLabelBinarizer with fixed classes ignores it), so it is neither a true nor a false
positive. F1 is 2 TP / (2 TP + FP + FN) summed over all questions, 0 when there is nothing
to count.
"""

from __future__ import annotations

import warnings

import pandas as pd
from sklearn.metrics import f1_score
from sklearn.preprocessing import MultiLabelBinarizer

from pytest_mlebench.grading.metrics import PANDAS_NA_TEXTS

#: What this grade computes, for listings (competition.yaml's metric gives only the checks).
SCORE_NAME = "micro_f1_over_tags"


def tag_lists(cells: pd.Series) -> list[list[str]]:
    """Each cell's tags; none for a cell pandas reads as missing."""
    return [[] if cell in PANDAS_NA_TEXTS else cell.split() for cell in cells.astype(str)]


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked and in the answers' row order (validate.score)."""
    truth, predicted = tag_lists(answers["Tags"]), tag_lists(submission["Tags"])
    binarizer = MultiLabelBinarizer(classes=sorted({tag for tags in truth for tag in tags}),
                                    sparse_output=True)
    y_true = binarizer.fit_transform(truth)
    with warnings.catch_warnings():  # "unknown class(es) will be ignored": MLE-bench's semantics
        warnings.simplefilter("ignore", UserWarning)
        y_pred = binarizer.transform(predicted)
    return float(f1_score(y_true, y_pred, average="micro", zero_division=0.0))
