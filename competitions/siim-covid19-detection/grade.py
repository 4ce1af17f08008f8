"""mAP at IoU 0.5 over study rows and image rows, as MLE-bench's siim grader computes it.

Each of the answers' classes (negative, typical, indeterminate, atypical, none, opacity) is a
detection class of its own; its average precision is scikit-learn's over the pairs of
pytest_mlebench.grading.detection.pooled_average_precision, then the classes are averaged.
A PredictionString is split at whitespace; a cell of spaces predicts nothing (valid, as in
MLE-bench), an empty cell is refused (MLE-bench reads it as NaN and fails). A class the
answers do not have is not scored.
"""

from __future__ import annotations

import pandas as pd

from pytest_mlebench.grading.detection import parse_column, pooled_average_precision

SCORE_NAME = "map_iou_0.5"
ID, TARGET = "id", "PredictionString"
IOU_THRESHOLD = 0.5


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked, in the answers' row order (validate.score)."""
    ids = answers[ID].astype(str).tolist()
    truths = parse_column(answers[TARGET].astype(str).tolist(), ids, TARGET, str.split)
    preds = parse_column(submission[TARGET].astype(str).tolist(), ids, TARGET, str.split)
    return pooled_average_precision(preds, truths, IOU_THRESHOLD)
