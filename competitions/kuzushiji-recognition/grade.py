"""Kaggle's Kuzushiji F1, as MLE-bench grades it.

A prediction is ``<Unicode> <X> <Y>``, repeated; a true character is ``<Unicode> <X> <Y>
<Width> <Height>``. The true characters of a page are taken in the answers' order, and each
takes the first prediction not yet taken that has its label and whose point lies strictly
inside its box (xmin < X < xmin + Width, same for Y): a true positive; a character left
without one is a false negative, and every prediction left over a false positive. The counts
are summed over all pages: F1 = 2PR / (P + R), 0 when nothing is predicted or true.

The cells are read as MLE-bench's pandas reads them: a cell pandas reads as missing ("",
"NA", "nan"...) predicts nothing. Predictions are split at single spaces
(``str.split(" ")``), so two spaces in a row make an empty item; a page whose items are not
whole triples, or whose X or Y is not a number to Python's ``float``, makes the file
invalid, as does a column pandas types as numbers or booleans (MLE-bench fails on those).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pytest_mlebench.grading.jaccard import as_pandas_reads
from pytest_mlebench.grading.validate import InvalidSubmission

SCORE_NAME = "kuzushiji_f1"
ID, TARGET = "image_id", "labels"
#: Characters x predictions compared in one array: bounds memory on a page of many predictions.
MATRIX_CELLS = 1 << 22


def _predictions(page: str, cell: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A page's predicted labels, X and Y, or InvalidSubmission naming the page."""
    if not isinstance(cell, str):
        raise InvalidSubmission(f"page {page!r}: labels {cell!r} is read as a number, not as "
                                f"'<Unicode> <X> <Y>' triples")
    if cell == "":
        return np.array([], dtype=str), np.array([]), np.array([])
    items = cell.split(" ")
    if len(items) % 3:
        raise InvalidSubmission(f"page {page!r}: {len(items)} space-separated items in labels, not "
                                f"'<Unicode> <X> <Y>' triples (one space between items)")
    try:
        xs, ys = [float(v) for v in items[1::3]], [float(v) for v in items[2::3]]
    except ValueError as exc:
        raise InvalidSubmission(f"page {page!r}: X and Y must be numbers ({exc})") from None
    return np.array(items[0::3], dtype=str), np.array(xs), np.array(ys)


def page_counts(truth: str, labels: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) of one page."""
    if truth == "":
        return 0, len(labels), 0
    items = truth.split(" ")
    boxes = np.array([items[i::5] for i in range(1, 5)], dtype=float)
    true_labels = np.array(items[0::5], dtype=str)
    if len(labels) == 0:
        return 0, 0, len(true_labels)
    unused = np.ones(len(labels), dtype=bool)
    tp = 0
    step = max(1, MATRIX_CELLS // len(labels))  # true characters compared at a time
    for first in range(0, len(true_labels), step):
        rows = slice(first, first + step)
        xmin, ymin = boxes[0][rows, None], boxes[1][rows, None]
        inside = ((xmin < xs) & (xmin + boxes[2][rows, None] > xs) & (ymin < ys)
                  & (ymin + boxes[3][rows, None] > ys) & (true_labels[rows, None] == labels))
        for row in np.flatnonzero(inside.any(axis=1)):
            free = np.flatnonzero(inside[row] & unused)
            if len(free):
                unused[free[0]] = False
                tp += 1
    return tp, int(unused.sum()), len(true_labels) - tp


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked, in the answers' row order (validate.score)."""
    pages = answers[ID].astype(str).tolist()
    predicted = [_predictions(page, cell)
                 for page, cell in zip(pages, as_pandas_reads(submission[TARGET]), strict=True)]
    truth = answers[TARGET].astype(str).tolist()
    tp, fp, fn = (sum(counts) for counts in zip(*(page_counts(t, *p) for t, p in
                                                   zip(truth, predicted, strict=True)), strict=True))
    if tp + fp == 0 or tp + fn == 0:
        return 0.0
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return 2 * precision * recall / (precision + recall) if precision > 0 and recall > 0 else 0.0
