"""The floor benchmarks/grading.py measures our graders against: the least work that makes
the same checks, written for speed and nothing else (no reasons, no MLE-bench quirks).

pyarrow reads both files with types inferred; ids are aligned by sorting each side once;
the submission must have the answers' row count, no repeated and no unknown id and only
finite predictions; then the metric in numpy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.grading.metrics import binary_auc

if TYPE_CHECKING:
    from pytest_mlebench.grading.validate import GradingSpec


def spec_of(cid: str) -> GradingSpec:
    """The competition's columns and metric (imports the metrics: done before timing)."""
    return Competition.from_folder(catalog_root() / cid).grading_spec()


def _aligned(truth_ids: pa.ChunkedArray, ids: pa.ChunkedArray) -> np.ndarray:
    """The submission row of each answer row, by one sort per side (pyarrow's, in C++)."""
    if len(ids) != len(truth_ids):
        raise ValueError("wrong row count")
    if truth_ids.type != ids.type:
        truth_ids, ids = truth_ids.cast(pa.string()), ids.cast(pa.string())
    truth_order, order = pc.sort_indices(truth_ids), pc.sort_indices(ids)
    sorted_ids = ids.take(order)
    if pc.any(pc.equal(sorted_ids[1:], sorted_ids[:-1])).as_py():
        raise ValueError("duplicated ids")
    if not pc.all(pc.equal(truth_ids.take(truth_order), sorted_ids)).as_py():
        raise ValueError("ids do not match")
    positions = np.empty(len(ids), dtype=np.intp)
    positions[truth_order.to_numpy()] = order.to_numpy()
    return positions


def _kappa(truth: np.ndarray, pred: np.ndarray) -> float:
    labels, codes = np.unique(np.concatenate([truth, pred]), return_inverse=True)
    k = len(labels)
    t, p = codes[: len(truth)], codes[len(truth):]
    observed = np.bincount(t * k + p, minlength=k * k).reshape(k, k).astype(float)
    expected = np.outer(observed.sum(1), observed.sum(0)) / observed.sum()
    weights = (np.arange(k)[:, None] - np.arange(k)[None, :]) ** 2
    return 1 - (weights * observed).sum() / (weights * expected).sum()


def _metric(name: str, truth: np.ndarray, pred: np.ndarray) -> float:
    """``truth`` and ``pred``: 2-D, one column per target."""
    if name == "roc_auc" or name == "mean_columnwise_roc_auc":
        return float(np.mean([binary_auc(truth[:, j] == truth[:, j].max(), pred[:, j])
                              for j in range(truth.shape[1])]))
    if name == "rmse":
        return float(np.sqrt(np.mean((truth - pred) ** 2)))
    if name == "mean_columnwise_rmsle":
        return float(np.mean(np.sqrt(np.mean((np.log1p(truth) - np.log1p(pred)) ** 2, axis=0))))
    if name in ("binary_log_loss", "multiclass_log_loss"):
        eps = np.finfo(float).eps
        if truth.shape[1] == 1:
            p = np.clip(pred[:, 0], eps, 1 - eps)
            return float(-np.mean(truth[:, 0] * np.log(p) + (1 - truth[:, 0]) * np.log(1 - p)))
        p = np.clip(pred / pred.sum(axis=1, keepdims=True), eps, 1 - eps)
        return float(-np.mean(np.log(p[truth.astype(bool)])))
    if name in ("class_accuracy", "text_accuracy"):
        return float(np.mean(truth[:, 0] == pred[:, 0]))
    if name == "quadratic_weighted_kappa":
        return float(_kappa(truth[:, 0], pred[:, 0]))
    raise NotImplementedError(f"no floor for metric {name}")


def _column(table: pa.Table, name: str, text: bool) -> np.ndarray:
    column = table.column(name)
    if text:
        return np.asarray(column.cast(pa.string()).to_numpy(zero_copy_only=False), dtype=object)
    values = column.cast(pa.float64()).to_numpy()
    if not np.isfinite(values).all():
        raise ValueError(f"non-finite values in {name}")
    return values


def grade(spec: GradingSpec, answers_path: str, submission_path: str) -> float:
    truth_table, table = pcsv.read_csv(answers_path), pcsv.read_csv(submission_path)
    text = not spec.metric.numeric
    positions = _aligned(truth_table.column(spec.id_column), table.column(spec.id_column))
    truth = np.column_stack([_column(truth_table, c, text) for c in spec.target_columns])
    pred = np.column_stack([_column(table, c, text) for c in spec.target_columns])[positions]
    return _metric(spec.metric.name, truth, pred)
