"""Kendall tau of the predicted cell orders, swaps summed over all test notebooks (Kaggle's metric).

A notebook's predicted order must list each of its cells once: MLE-bench refuses an order
of another length and fails on one of the right length that repeats a cell or names a
cell the notebook lacks, so neither is scored there. Here each is invalid, and the
reason names the notebook. Cells are split on whitespace, as MLE-bench splits them.
"""

from __future__ import annotations

import pandas as pd

from pytest_mlebench.grading.metrics import get_metric
from pytest_mlebench.grading.validate import InvalidSubmission

ID, ORDER = "id", "cell_order"


def not_a_permutation(true_order: str, predicted_order: str) -> str | None:
    """Why ``predicted_order`` is not an order of the cells of ``true_order``, or None."""
    truth, predicted = true_order.split(), predicted_order.split()
    if len(predicted) != len(truth):
        return f"lists {len(predicted)} cells, the notebook has {len(truth)}"
    if len(set(predicted)) != len(predicted):
        repeated = sorted({cell for cell in predicted if predicted.count(cell) > 1})
        return f"repeats cells {repeated[:3]}"
    unknown = sorted(set(predicted) - set(truth))
    if unknown:
        return f"names cells the notebook lacks, {unknown[:3]}"
    return None


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked and in the answers' row order (validate.score)."""
    truth, predicted = answers[ORDER].astype(str), submission[ORDER].astype(str)
    for notebook, true_order, predicted_order in zip(answers[ID], truth, predicted, strict=True):
        if (reason := not_a_permutation(true_order, predicted_order)) is not None:
            raise InvalidSubmission(f"the cell_order of notebook {notebook!r} {reason}")
    return get_metric("kendall_tau_of_orders").fn(truth.to_frame(), predicted.to_frame())
