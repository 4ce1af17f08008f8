"""Kaggle's metrics, each from its published definition, as plain functions of two frames.

A metric only computes: the submission reaching it has already been validated and
aligned by id (validate.py), and its ``value_type`` (and, where one value at a time
says too little, its ``check``) tells the validator what a prediction may hold, so a
bad value is reported as the submission's fault before any metric sees it.

Each computes what MLE-bench's grader computes on the same predictions: the
scikit-learn function it calls, with the same arguments, and a refusal wherever its
grader refuses (see each function's docstring). Where scikit-learn's import (with scipy,
84 MB) or its matrices would be most of a grade's cost (log loss, RMSLE, accuracy, AUC),
the same arithmetic is done here, in the same order, and the tests hold it to
scikit-learn's result to the bit; scikit-learn is imported only by the metrics that call it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas._libs.parsers import STR_NA_VALUES

from . import jaccard
from .levenshtein import item_distances, mean_distance
from .string_ids import chunks

#: What a metric's predictions may hold, in the words a user reads when they do not.
VALUE_TYPES: dict[str, str] = {
    "probability": "numbers in [0, 1]",
    "distribution": "numbers in [0, 1], one column per class, each row summing to 1",
    "number": "finite numbers",
    "nonnegative": "finite numbers >= 0",
    "integer": "whole numbers",
    "label": "non-empty labels",
    "text": "text, compared as written (an empty cell is a value too)",
}

#: MLE-bench's graders accept a row of class probabilities when
#: ``np.isclose(row_sum, 1, atol=1e-6)`` holds: |sum - 1| <= 1e-6 + 1e-5 (numpy's rtol).
ROW_SUM_ATOL = 1e-6
ROW_SUM_RTOL = 1e-5

#: The cells pandas' read_csv turns into NaN by default. MLE-bench reads submissions and
#: answers that way, and its text graders then compare str(NaN): any two of these match.
PANDAS_NA_TEXTS = frozenset(STR_NA_VALUES)
#: The same, as Arrow strings, for pyarrow's ``is_in``.
PANDAS_NA_TEXT_ARRAY = pa.array(sorted(PANDAS_NA_TEXTS), pa.large_string())

FrameMetric = Callable[[pd.DataFrame, pd.DataFrame], float]
ColumnMetric = Callable[[pd.Series, pd.Series], float]
#: The reason predictions (typed, indexed by id) cannot be scored, or None.
Check = Callable[[pd.DataFrame], str | None]

#: The heavy modules a metric's computation imports, named on its Metric: scikit-learn's
#: metrics bring scipy's statistics with them (84 MB and 0.7 s of imports here), which a
#: grade of accuracy or AUC never uses. A grader imports its metric's at load (``Metric.load``).
SKLEARN = ("sklearn.metrics",)
SCIPY_STATS = ("scipy.stats",)
SCIPY_SPECIAL = ("scipy.special",)


def _skm() -> ModuleType:
    """scikit-learn's metrics, imported on first use (see SKLEARN)."""
    return importlib.import_module("sklearn.metrics")


@dataclass(frozen=True)
class Metric:
    """A metric's name, direction, accepted predictions and computation.

    ``fn(y_true, y_pred)`` takes frames with the same target columns whose rows
    are aligned by id, and returns a Python float. ``check(y_pred)``, when set, runs
    with the validation (so the agents' endpoint refuses the same files) and names
    the rows a whole-row or whole-value rule refuses.
    """

    name: str
    lower_is_better: bool
    value_type: str
    fn: FrameMetric
    check: Check | None = None
    #: The heavy modules ``fn`` imports (SKLEARN, ...).
    modules: tuple[str, ...] = ()

    def load(self) -> None:
        """Import what ``fn`` needs now: a grading service's forked children then find it loaded."""
        for module in self.modules:
            importlib.import_module(module)

    @property
    def numeric(self) -> bool:
        """Whether its predictions are numbers (read as floats), not labels or text."""
        return self.value_type not in ("label", "text")

    def __post_init__(self) -> None:
        if self.value_type not in VALUE_TYPES:
            raise ValueError(
                f"metric {self.name!r}: value_type {self.value_type!r} is not one of "
                f"{', '.join(VALUE_TYPES)}"
            )


def _one_column(name: str, fn: ColumnMetric) -> FrameMetric:
    """A frame metric for metrics Kaggle defines on a single target column."""

    def single(y_true: pd.DataFrame, y_pred: pd.DataFrame) -> float:
        if y_true.shape[1] != 1:
            raise ValueError(
                f"{name} takes one target column, got {y_true.shape[1]}: {list(y_true.columns)}"
            )
        column = y_true.columns[0]
        return float(fn(y_true[column], y_pred[column]))

    return single


def _mean_over_columns(fn: ColumnMetric) -> FrameMetric:
    """Kaggle's "mean column-wise" variant: the metric per target column, averaged."""

    def columnwise(y_true: pd.DataFrame, y_pred: pd.DataFrame) -> float:
        return float(np.mean([fn(y_true[column], y_pred[column]) for column in y_true.columns]))

    return columnwise


def _roc_auc(truth: pd.Series, pred: pd.Series) -> float:
    classes = truth.unique()
    if len(classes) < 2:
        raise ValueError(
            f"ROC AUC is undefined: the truth of column {truth.name!r} holds a single class "
            f"({classes[0]!r}); it needs both 0 and 1"
        )
    if len(classes) > 2:  # scikit-learn's refusal of a multiclass truth, in its words
        return float(_skm().roc_auc_score(truth.to_numpy(), pred.to_numpy()))
    return binary_auc(truth.to_numpy() == classes.max(), pred.to_numpy(dtype=float))


def binary_auc(positive: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC of scores for a two-class truth, tied scores counted half, by one sort.

    This is the Mann-Whitney statistic: the area scikit-learn's roc_auc_score integrates
    over the ROC curve (to the last bits of a float), at a third of its cost. Twice the rank
    sum is summed in integers, so the only rounding is the final division.
    """
    order = np.argsort(score)
    ranked = score[order]
    starts = np.flatnonzero(np.concatenate(([True], ranked[1:] != ranked[:-1])))
    del ranked  # a million rows' temporaries are 8 MB each: each goes once it has served
    positives = np.add.reduceat(positive[order], starts, dtype=np.int64)
    del order
    n_pos = int(positives.sum())
    n_neg = len(score) - n_pos
    # A tie group spanning ranks start+1..end has the mean rank (start + end + 1) / 2; each
    # group's end is the next group's start (the last one's, the row count).
    twice_rank_sum = (int(np.dot(starts, positives)) + int(np.dot(starts[1:], positives[:-1]))
                      + len(score) * int(positives[-1]) + n_pos)
    return (twice_rank_sum - n_pos * (n_pos + 1)) / (2 * n_pos * n_neg)


def _some_ids(index: pd.Index, values: np.ndarray, limit: int = 3) -> str:
    shown = ", ".join(f"id {i!r} = {float(v)!r}" for i, v in zip(index[:limit], values[:limit], strict=False))
    return shown + (f" and {len(index) - limit} more" if len(index) > limit else "")


def _rows_sum_to_one(y_pred: pd.DataFrame) -> str | None:
    """MLE-bench refuses (dog-breed, leaf, spooky) a row whose probabilities do not sum to 1;
    scikit-learn would only warn and score it unnormalized."""
    sums = y_pred.sum(axis=1).to_numpy()
    bad = ~np.isclose(sums, 1, rtol=ROW_SUM_RTOL, atol=ROW_SUM_ATOL)
    if not bad.any():
        return None
    return (f"{int(bad.sum())} rows of class probabilities do not sum to 1 (|sum - 1| must be at most "
            f"{ROW_SUM_ATOL:g} + {ROW_SUM_RTOL:g}): {_some_ids(y_pred.index[bad], sums[bad])}")


def _whole_classes(y_pred: pd.DataFrame) -> str | None:
    """Class numbers scikit-learn can take: a whole number beyond int64 (1e308, say) is a
    "continuous" target there, which MLE-bench's classification graders refuse."""
    for column in y_pred.columns:
        values = y_pred[column].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            bad = values != values.astype(np.int64)
        if bad.any():
            return (f"column {column!r} has {int(bad.sum())} values that are not class numbers "
                    f"(whole numbers within 64-bit integers): {_some_ids(y_pred.index[bad], values[bad])}")
    return None


#: scikit-learn's log loss clips float64 probabilities to [eps, 1 - eps].
LOG_LOSS_EPS = float(np.finfo(np.float64).eps)


def _log_loss_of_true_class(chosen: np.ndarray) -> float:
    """scikit-learn's log loss (1.9) given each row's probability of its true class, to the bit:
    it clips every probability to [eps, 1 - eps], takes numpy's log, sums each row's terms (all
    0 but the true class's) and averages the rows. Here only the one term per row is made, so
    grading a log loss needs neither scikit-learn's import (with scipy, 84 MB) nor its
    row-by-class matrices."""
    return float(np.mean(-np.log(np.clip(chosen, LOG_LOSS_EPS, 1 - LOG_LOSS_EPS))))


def _binary_log_loss(truth: pd.Series, pred: pd.Series) -> float:
    """scikit-learn's log_loss(truth, pred, labels=[0, 1]), as MLE-bench calls it: a row of
    class 0 is scored by 1 - p, as scikit-learn's second column computes it (a confident miss
    costs 36.04). A truth other than 0 or 1 is scikit-learn's error."""
    labels = truth.to_numpy(dtype=float)
    if not np.isin(labels, (0, 1)).all():
        raise ValueError(f"binary log loss needs a truth of 0 and 1; column {truth.name!r} holds others")
    p = pred.to_numpy(dtype=float)
    return _log_loss_of_true_class(np.where(labels == 1, p, 1 - p))


def _one_hot_labels(y_true: pd.DataFrame) -> np.ndarray:
    """Each row's class, the column holding its 1, or ValueError unless every row has one 1
    and zeros elsewhere; a column at a time, so no temporary is as large as the table."""
    ones = np.zeros(len(y_true), dtype=np.intp)
    others = np.zeros(len(y_true), dtype=np.intp)
    labels = np.zeros(len(y_true), dtype=np.intp)
    for j, column in enumerate(y_true.columns):
        values = y_true[column].to_numpy(dtype=float)
        hit = values == 1
        labels[hit] = j
        ones += hit
        others += values != 0
    if not ((ones == 1) & (others == 1)).all():
        raise ValueError("multiclass_log_loss needs one-hot truth: one 1 per row, 0 elsewhere")
    return labels


def _multiclass_log_loss(y_true: pd.DataFrame, y_pred: pd.DataFrame) -> float:
    """scikit-learn's log loss of the one-hot truth, as MLE-bench calls it: no renormalizing
    (rows off 1 are refused by ``_rows_sum_to_one``), eps = float64 machine epsilon.

    With one-hot truth each row's loss is its true class's clipped probability alone: every
    other term of its sum is 0 exactly. So that one probability per row is scored: the same
    clipping, logarithm and mean over the same row losses in the same order, hence the same
    loss to the last bit, without the million-by-120 indicator matrix and its temporaries
    (730 MB for dog-breed's 120 breeds on 200,000 rows)."""
    labels = _one_hot_labels(y_true)
    chosen = np.empty(len(labels))
    for j, column in enumerate(y_true.columns):
        hit = labels == j
        chosen[hit] = y_pred[column].to_numpy(dtype=float)[hit]
    return _log_loss_of_true_class(chosen)


def _share_equal(truth: np.ndarray, pred: np.ndarray) -> float:
    """scikit-learn's accuracy_score of two columns of labels (texts, or whole numbers), to
    the bit: the share of equal pairs, a count over the row count. Its checks first sort each
    column's values to find the kind of target, which for labels like these always passes."""
    return int(np.count_nonzero(truth == pred)) / len(truth)


def _texts(values: pd.Series) -> pa.ChunkedArray:
    """The column's texts as Arrow strings (those pandas' str dtype holds, without a copy):
    compared in C++, never as a million Python objects."""
    return pa.chunked_array(chunks(values.astype(str)), type=pa.large_string())


def _share_true(same: pa.ChunkedArray) -> float:
    """``_share_equal`` where ``same`` says which pairs of texts are equal."""
    return int(pc.sum(same).as_py() or 0) / len(same)


def _accuracy(truth: pd.Series, pred: pd.Series) -> float:
    return _share_true(pc.equal(_texts(truth), _texts(pred)))


def _class_accuracy(truth: pd.Series, pred: pd.Series) -> float:
    """Share of class numbers equal as numbers: "2.0" is class 2, as pandas reads it for MLE-bench
    (``_whole_classes`` has refused any other number)."""
    return _share_equal(truth.to_numpy(dtype=float), pred.to_numpy(dtype=float))


def _text_accuracy(truth: pd.Series, pred: pd.Series) -> float:
    """The share of texts equal as MLE-bench compares them: pandas reads each of
    PANDAS_NA_TEXTS as NaN, which ``astype(str)`` writes "nan" (itself one of them), and every
    other text stays as written. So two texts match when both are such texts, or neither is
    and they are equal; found without writing either column again."""
    t, p = _texts(truth), _texts(pred)
    t_na, p_na = (pc.is_in(x, value_set=PANDAS_NA_TEXT_ARRAY) for x in (t, p))
    return _share_true(pc.if_else(pc.or_(t_na, p_na), pc.and_(t_na, p_na), pc.equal(t, p)))


# scikit-learn's regression errors (1.9) of one column, to the bit, without its import: each is
# the mean, over the rows of an n-by-1 column as it shapes one, of a float64 array worked out
# in place (a million rows' temporaries are 8 MB each).

def _column_mean(values: np.ndarray) -> float:
    """The mean as scikit-learn takes it of one column: numpy's sum over an n-by-1 array."""
    return float(values[:, None].mean(axis=0)[0])


def _root_mean_square(differences: np.ndarray) -> float:
    np.square(differences, out=differences)
    return float(np.sqrt(_column_mean(differences)))


def _rmse(truth: pd.Series, pred: pd.Series) -> float:
    """root_mean_squared_error: the root of the mean of (truth - pred) squared."""
    return _root_mean_square(truth.to_numpy(dtype=float) - pred.to_numpy(dtype=float))


def _mae(truth: pd.Series, pred: pd.Series) -> float:
    """mean_absolute_error: the mean of |pred - truth|."""
    errors = pred.to_numpy(dtype=float) - truth.to_numpy(dtype=float)
    return _column_mean(np.abs(errors, out=errors))


def _rmsle(truth: pd.Series, pred: pd.Series) -> float:
    """root_mean_squared_log_error: the root of the mean of the squared difference of log1p's;
    values at or below -1 are its error."""
    t, p = truth.to_numpy(dtype=float), pred.to_numpy(dtype=float)
    if (t <= -1).any() or (p <= -1).any():
        raise ValueError("RMSLE is undefined for values at or below -1")
    differences = np.log1p(t)
    differences -= np.log1p(p)
    return _root_mean_square(differences)


def _quadratic_weighted_kappa(truth: pd.Series, pred: pd.Series) -> float:
    """scikit-learn's cohen_kappa_score(weights="quadratic"), as MLE-bench calls it.

    Its weights are squared distances between the *positions* of the labels among the
    sorted labels that occur in truth or predictions, not between the labels' values:
    with grades 0-4 in the truth, a predicted 6 sits one place above 4 and costs as a 5.
    """
    return float(_skm().cohen_kappa_score(pred.to_numpy(dtype=float), truth.to_numpy(dtype=float),
                                       weights="quadratic"))


def _spearman(truth: pd.Series, pred: pd.Series) -> float:
    """scipy's spearmanr (ties take their average rank), as MLE-bench calls it."""
    from scipy import stats

    return float(stats.spearmanr(truth.to_numpy(), pred.to_numpy()).statistic)


def _columns_vary(y_pred: pd.DataFrame) -> str | None:
    """A rank correlation is undefined for a constant column: scipy returns NaN, and the
    mean MLE-bench takes over the columns is then NaN too."""
    constant = [column for column in y_pred.columns if y_pred[column].nunique() < 2]
    if not constant:
        return None
    return (f"{len(constant)} columns hold a single value, for which a rank correlation is "
            f"undefined: {', '.join(map(repr, constant[:3]))}{' and more' if len(constant) > 3 else ''}")


def _inversions(truth: list[str], pred: list[str]) -> int:
    """Swaps of adjacent items that sort ``pred`` into ``truth`` (a permutation of it): the
    pairs the two orders put the other way round. Counted exactly over all pairs at once
    (a notebook has at most a few thousand cells); scipy's kendalltau costs a millisecond
    a call, twenty seconds on AI4Code's 20,000 notebooks."""
    rank = {item: i for i, item in enumerate(truth)}
    ranks = np.fromiter((rank[item] for item in pred), dtype=np.int64, count=len(pred))
    return int(np.count_nonzero(np.triu(ranks[:, None] > ranks[None, :], k=1)))


def _kendall_tau_of_orders(truth: pd.Series, pred: pd.Series) -> float:
    """Kaggle's AI4Code metric: orders are space-separated items, and the swaps every order
    needs are summed over all rows before tau is taken, K = 1 - 4 sum(S_i) / sum(n_i (n_i - 1)),
    so a long order weighs more than a short one. Each predicted order must be a permutation
    of its true one (the competition's grade.py says which row is not)."""
    swaps = worst = 0
    for true_text, pred_text in zip(truth, pred, strict=True):
        true_items, pred_items = true_text.split(), pred_text.split()
        if sorted(true_items) != sorted(pred_items):
            raise ValueError("a predicted order is not a permutation of its true order")
        swaps += _inversions(true_items, pred_items)
        worst += len(true_items) * (len(true_items) - 1)
    return 1 - 4 * swaps / worst
def _pearson(truth: pd.Series, pred: pd.Series) -> float:
    """scipy's pearsonr of (truth, predictions), as MLE-bench calls it."""
    from scipy import stats

    return float(stats.pearsonr(truth.to_numpy(dtype=float), pred.to_numpy(dtype=float))[0])


def _not_constant(y_pred: pd.DataFrame) -> str | None:
    """A correlation needs predictions that vary: scipy returns NaN for constant ones (which
    MLE-bench then reports as the score), so they are refused with the reason instead."""
    for column in y_pred.columns:
        values = y_pred[column].to_numpy(dtype=float)
        if len(values) and (values == values[0]).all():
            return (f"column {column!r} predicts {float(values[0])!r} for every row: the Pearson "
                    f"correlation of constant predictions is undefined")
    return None


def _mean_angular_error(y_true: pd.DataFrame, y_pred: pd.DataFrame) -> float:
    """Kaggle's IceCube metric, in radians, as its host's notebook and MLE-bench's grader compute
    it: the first target column is the azimuth, the second the zenith; each direction becomes a
    unit vector, the angle between the true and the predicted one is the arccos of their dot
    product (clipped to [-1, 1] against rounding), and the score is the mean angle. The dot
    product is taken in the same order of operations, so a perfect prediction scores what
    MLE-bench's does: a few nanoradians, not 0 (a product rounded just below 1 has an arccos
    of 1e-8 or so). Any finite angles are accepted: they only pass through sine and cosine."""
    if y_true.shape[1] != 2:
        raise ValueError(f"mean_angular_error takes two target columns (azimuth, zenith), got "
                         f"{list(y_true.columns)}")
    azimuth, zenith = (y_true[c].to_numpy(dtype=float) for c in y_true.columns)
    pred_azimuth, pred_zenith = (y_pred[c].to_numpy(dtype=float) for c in y_true.columns)
    cosine = (np.sin(zenith) * np.sin(pred_zenith)
              * (np.cos(azimuth) * np.cos(pred_azimuth) + np.sin(azimuth) * np.sin(pred_azimuth))
              + np.cos(zenith) * np.cos(pred_zenith))
    return float(np.mean(np.arccos(np.clip(cosine, -1, 1))))


def _matthews(truth: pd.Series, pred: pd.Series) -> float:
    """scikit-learn's matthews_corrcoef, as MLE-bench calls it: 0 where it is undefined (a
    constant prediction or truth), which is what a sample of all zeros scores."""
    return float(_skm().matthews_corrcoef(truth.to_numpy(dtype=float), pred.to_numpy(dtype=float)))


def _zero_or_one(y_pred: pd.DataFrame) -> str | None:
    """A binary label is 0 or 1: scikit-learn would score a 2 as a third class (and MLE-bench's
    grader with it), a prediction no binary truth can match."""
    for column in y_pred.columns:
        values = y_pred[column].to_numpy(dtype=float)
        bad = (values != 0) & (values != 1)
        if bad.any():
            return (f"column {column!r} has {int(bad.sum())} values other than 0 and 1: "
                    f"{_some_ids(y_pred.index[bad], values[bad])}")
    return None


def _whole_numbers(text: str) -> list[int] | None:
    """A sequence as MLE-bench's gesture grader parses it, ``int`` of each whitespace-separated
    item, or None where that fails. An empty text is no sequence there: pandas reads the empty
    cell as NaN and ``int("nan")`` fails."""
    try:
        items = [int(item) for item in text.split()]
    except ValueError:
        return None
    return items or None


def _whole_number_sequences(y_pred: pd.DataFrame) -> str | None:
    """MLE-bench refuses a file with any prediction that is not whole numbers separated by
    spaces (an empty one included)."""
    for column in y_pred.columns:
        bad = [(i, v) for i, v in y_pred[column].items() if _whole_numbers(v) is None]
        if bad:
            shown = ", ".join(f"id {i!r} = {v!r}" for i, v in bad[:3])
            return (f"column {column!r} has {len(bad)} values that are not whole numbers separated by "
                    f"spaces (an empty sequence included): {shown}{' and more' if len(bad) > 3 else ''}")
    return None


def _sequence_edit_rate(truth: pd.Series, pred: pd.Series) -> float:
    """Kaggle's gesture score as MLE-bench computes it: the edit distances between predicted and
    true sequences of whole numbers (an edit inserts, deletes or replaces one number), summed
    over the rows and divided by the number of true items; 0 is perfect, and it can exceed 1."""
    true_items = [_whole_numbers(text) for text in truth]
    pred_items = [_whole_numbers(text) for text in pred]
    if any(items is None for items in true_items):
        raise ValueError("a true sequence is not whole numbers separated by spaces")
    total = sum(len(items) for items in true_items)
    if total == 0:
        raise ValueError("the sequence edit rate of no true items is undefined")
    return float(item_distances(true_items, pred_items).sum() / total)


def _lwlrap(y_true: pd.DataFrame, y_pred: pd.DataFrame) -> float:
    """Label-weighted label-ranking average precision, as MLE-bench computes it (Kaggle's own
    recipe): scikit-learn's label_ranking_average_precision_score over the rows with at least
    one true label, each row weighted by its number of true labels, so every true label counts
    once. Scores only rank a row's labels: any finite numbers will do."""
    truth = y_true.to_numpy(dtype=float) > 0
    scores = y_pred[y_true.columns].to_numpy(dtype=float)
    weights = truth.sum(axis=1)
    labelled = weights > 0
    if not labelled.any():
        raise ValueError("lwlrap is undefined: no row of the truth has a label")
    return float(_skm().label_ranking_average_precision_score(
        truth[labelled], scores[labelled], sample_weight=weights[labelled]))


#: Kaggle's OSIC metric: a confidence below 70 ml counts as 70, an error above 1000 ml as 1000.
LAPLACE_MIN_SIGMA = 70.0
LAPLACE_MAX_ERROR = 1000.0


def _laplace_log_likelihood(y_true: pd.DataFrame, y_pred: pd.DataFrame) -> float:
    """Kaggle's modified Laplace log likelihood (OSIC pulmonary fibrosis), as MLE-bench computes it.

    Two target columns: the predicted value, then its confidence sigma (the truth's second column
    is not used). Sigma is raised to 70 and the absolute error cut at 1000; each row scores
    -sqrt(2) * error / sigma - ln(sqrt(2) * sigma), and the rows are averaged. Higher is better;
    the best, an exact value at sigma 70, is -ln(70 sqrt(2)) = -4.59512.
    """
    if y_true.shape[1] != 2:
        raise ValueError(f"laplace_log_likelihood takes a value and a confidence column, got "
                         f"{list(y_true.columns)}")
    value, sigma = y_true.columns
    sd = np.maximum(y_pred[sigma].to_numpy(dtype=float), LAPLACE_MIN_SIGMA)
    error = np.minimum(np.abs(y_true[value].to_numpy(dtype=float) - y_pred[value].to_numpy(dtype=float)),
                       LAPLACE_MAX_ERROR)
    return float(np.mean(-np.sqrt(2) * error / sd - np.log(np.sqrt(2) * sd)))


#: Kaggle's KL divergence metric clips predictions to [1e-15, 1 - 1e-15].
KL_EPS = 1e-15


def _rows_round_to_one(y_pred: pd.DataFrame) -> str | None:
    """MLE-bench's HMS grader refuses a row whose probabilities do not sum to 1 at 5 decimals:
    Python's ``round(sum, 5) == 1``, so a sum of 0.999995 (just below it as a float) is refused."""
    sums = y_pred.sum(axis=1).to_numpy()
    bad = np.array([round(total, 5) != 1 for total in sums.tolist()], dtype=bool)
    if not bad.any():
        return None
    return (f"{int(bad.sum())} rows of class probabilities do not sum to 1 when rounded to 5 "
            f"decimals: {_some_ids(y_pred.index[bad], sums[bad])}")


def _kl_divergence(y_true: pd.DataFrame, y_pred: pd.DataFrame) -> float:
    """Kaggle's Kullback-Leibler divergence of the predicted distributions from the true ones, as
    MLE-bench's HMS grader calls it: predictions clipped to [1e-15, 1 - 1e-15], a class the truth
    gives 0 counts 0 (scipy's rel_entr), each row's terms summed, the rows averaged (Kaggle's
    micro average). Lower is better, 0 is perfect."""
    from scipy import special

    truth = y_true.to_numpy(dtype=float)
    pred = np.clip(y_pred[y_true.columns].to_numpy(dtype=float), KL_EPS, 1 - KL_EPS)
    return float(special.rel_entr(truth, pred).sum(axis=1).mean())


# -- class-number metrics of the camera-trap and species competitions (iwildcam, inaturalist, herbarium) --

def _macro_f1(truth: pd.Series, pred: pd.Series) -> float:
    """scikit-learn's f1_score(average="macro"), as MLE-bench calls it on class numbers: the
    classes are those of the truth and the predictions together, so a predicted class no image
    has adds an F1 of 0 to the average; an undefined F1 (a class never predicted) counts 0."""
    return float(_skm().f1_score(truth.to_numpy(dtype=float).astype(np.int64),
                              pred.to_numpy(dtype=float).astype(np.int64), average="macro", zero_division=0))


def _first_label(text: str) -> int | None:
    """A prediction's top class as MLE-bench's iNaturalist grader reads it: ``int`` of the first
    whitespace-separated item (the rest, Kaggle's lower-ranked guesses, is ignored), or None."""
    items = text.split()
    try:
        return int(items[0]) if items else None
    except ValueError:
        return None


def _first_labels_are_classes(y_pred: pd.DataFrame) -> str | None:
    """MLE-bench's grader fails on a prediction whose first item is not a whole number ("3.0"
    and an empty cell included: pandas reads those as floats, which it cannot split)."""
    for column in y_pred.columns:
        bad = [(i, v) for i, v in y_pred[column].items() if _first_label(v) is None]
        if bad:
            shown = ", ".join(f"id {i!r} = {v!r}" for i, v in bad[:3])
            return (f"column {column!r} has {len(bad)} predictions whose first item is not a whole "
                    f"class number: {shown}{' and more' if len(bad) > 3 else ''}")
    return None


def _top1_error(truth: pd.Series, pred: pd.Series) -> float:
    """The share of rows whose first predicted class is not the true one: 1 - accuracy."""
    true_classes = [int(value) for value in truth]
    return float(1 - _skm().accuracy_score(true_classes, [_first_label(value) for value in pred]))

# -- alaska2-image-steganalysis: ROC AUC with TPR bands weighted ------------------------------------

#: The TPR bands of ALASKA2's weighted AUC and their weights: the band below 40% TPR counts twice.
ALASKA_TPR_CUTS = (0.0, 0.4, 1.0)
ALASKA_WEIGHTS = (2.0, 1.0)


def _alaska_weighted_auc(truth: pd.Series, pred: pd.Series) -> float:
    """ALASKA2's weighted AUC as MLE-bench computes it: scikit-learn's ROC curve with each band
    edge missing from the TPRs put in (its FPR interpolated linearly), then per band the area
    left of the curve, the integral of (1 - FPR) dTPR over the band (the band's points, closed by (1, top)),
    weighted; the sum is divided by the weighted band widths, so a perfect ranking scores 1."""
    classes = truth.unique()
    if len(classes) < 2:
        raise ValueError(f"weighted AUC is undefined: the truth holds a single class ({classes[0]!r})")
    fpr, tpr, _ = _skm().roc_curve(truth.to_numpy(dtype=float), pred.to_numpy(dtype=float), pos_label=1)
    for cut in ALASKA_TPR_CUTS:
        if cut not in tpr:
            i = int(np.searchsorted(tpr, cut, side="right"))  # the first TPR above the cut
            at = fpr[i - 1] + (fpr[i] - fpr[i - 1]) * (cut - tpr[i - 1]) / (tpr[i] - tpr[i - 1])
            fpr, tpr = np.insert(fpr, i, at), np.insert(tpr, i, cut)
    total = 0.0
    for low, high, weight in zip(ALASKA_TPR_CUTS[:-1], ALASKA_TPR_CUTS[1:], ALASKA_WEIGHTS, strict=True):
        inside = (low <= tpr) & (tpr <= high)
        xs, ys = np.append(fpr[inside], 1.0), np.append(tpr[inside], high) - low
        total += weight * _skm().auc(xs, ys)
    widths = np.diff(ALASKA_TPR_CUTS)
    return float(total / np.dot(widths, ALASKA_WEIGHTS))


METRICS: dict[str, Metric] = {
    metric.name: metric
    for metric in (
        Metric("roc_auc", False, "probability", _one_column("roc_auc", _roc_auc)),
        Metric("mean_columnwise_roc_auc", False, "probability", _mean_over_columns(_roc_auc)),
        Metric("multiclass_log_loss", True, "distribution", _multiclass_log_loss, _rows_sum_to_one),
        Metric("binary_log_loss", True, "probability",
               _one_column("binary_log_loss", _binary_log_loss)),
        Metric("mean_columnwise_log_loss", True, "probability",
               _mean_over_columns(_binary_log_loss)),
        Metric("accuracy", False, "label", _mean_over_columns(_accuracy)),
        Metric("class_accuracy", False, "integer", _mean_over_columns(_class_accuracy), _whole_classes),
        Metric("text_accuracy", False, "text", _mean_over_columns(_text_accuracy)),
        Metric("rmse", True, "number", _one_column("rmse", _rmse)),
        Metric("mae", True, "number", _one_column("mae", _mae)),
        Metric("rmsle", True, "nonnegative", _one_column("rmsle", _rmsle)),
        Metric("mean_columnwise_rmsle", True, "nonnegative", _mean_over_columns(_rmsle)),
        Metric("quadratic_weighted_kappa", False, "integer",
               _one_column("quadratic_weighted_kappa", _quadratic_weighted_kappa), _whole_classes,
               SKLEARN),
        Metric("mean_columnwise_spearman", False, "number", _mean_over_columns(_spearman), _columns_vary,
               SCIPY_STATS),
        Metric("kendall_tau_of_orders", False, "text",
               _one_column("kendall_tau_of_orders", _kendall_tau_of_orders)),
        Metric("mean_levenshtein", True, "text", _one_column("mean_levenshtein", mean_distance)),
        Metric("pearson", False, "number", _one_column("pearson", _pearson), _not_constant, SCIPY_STATS),
        Metric("word_jaccard", False, "text", _one_column("word_jaccard", jaccard.mean_word_jaccard)),
        Metric("mean_angular_error", True, "number", _mean_angular_error),
        Metric("matthews_corrcoef", False, "integer", _one_column("matthews_corrcoef", _matthews),
               _zero_or_one, SKLEARN),
        Metric("mean_columnwise_rmse", True, "number", _mean_over_columns(_rmse)),
        Metric("sequence_edit_rate", True, "text", _one_column("sequence_edit_rate", _sequence_edit_rate),
               _whole_number_sequences),
        Metric("lwlrap", False, "number", _lwlrap, modules=SKLEARN),
        Metric("laplace_log_likelihood", False, "number", _laplace_log_likelihood),
        Metric("kl_divergence", True, "distribution", _kl_divergence, _rows_round_to_one, SCIPY_SPECIAL),
        Metric("macro_f1", False, "integer", _one_column("macro_f1", _macro_f1), _whole_classes, SKLEARN),
        Metric("top1_error", True, "text", _one_column("top1_error", _top1_error),
               _first_labels_are_classes, SKLEARN),
        Metric("alaska_weighted_auc", False, "number",
               _one_column("alaska_weighted_auc", _alaska_weighted_auc), modules=SKLEARN),
    )
}


# -- mean average precision at k (hotel-id-2021-fgvc8, whale-categorization-playground) --------

#: How many ranked guesses MAP@5 reads per row.
MAP_K = 5


def _average_precision_at_k(truth: set[str], guesses: list[str], k: int) -> float:
    """AP@k as MLE-bench computes it: only the first k guesses count, a repeated guess never
    scores twice, and the sum of precisions at the hits is divided by min(|truth|, k)."""
    guesses = guesses[:k]
    hits, total = 0, 0.0
    for i, guess in enumerate(guesses):
        if guess in truth and guess not in guesses[:i]:
            hits += 1
            total += hits / (i + 1)
    return total / min(len(truth), k) if truth else 0.0


def _map_at_5(truth: pd.Series, pred: pd.Series) -> float:
    """Kaggle's MAP@5 over space-separated guesses, as MLE-bench splits them: on single spaces
    (``str.split(" ")``, so a doubled space is an empty guess that takes a place), the truth's
    labels a set. An empty cell is MLE-bench's NaN, read as the one guess "nan"."""
    def labels(text: str) -> list[str]:
        return (text if text != "" else "nan").split(" ")

    return float(np.mean([_average_precision_at_k(set(labels(t)), labels(p), MAP_K)
                          for t, p in zip(truth, pred, strict=True)]))


METRICS["map_at_5"] = Metric("map_at_5", False, "text", _one_column("map_at_5", _map_at_5))


def _micro_f1_of_label_sets(truth: pd.Series, pred: pd.Series) -> float:
    """imet-2020-fgvc7's score as MLE-bench computes it: micro F1 over whitespace-separated
    labels, 2 TP / (2 TP + FP + FN) summed over all rows, where only the labels that occur in the
    truth are classes: a predicted label outside them is dropped (scikit-learn's
    MultiLabelBinarizer ignores it), never a false positive. A repeated label counts once."""
    true_sets = [set(text.split()) for text in truth]
    classes = set().union(*true_sets)
    pred_sets = [set(text.split()) & classes for text in pred]
    tp = sum(len(t & p) for t, p in zip(true_sets, pred_sets, strict=True))
    wrong = sum(len(t ^ p) for t, p in zip(true_sets, pred_sets, strict=True))
    return 2 * tp / (2 * tp + wrong) if tp + wrong else 0.0


METRICS["micro_f1_of_label_sets"] = Metric("micro_f1_of_label_sets", False, "text",
                                           _one_column("micro_f1_of_label_sets", _micro_f1_of_label_sets))


def get_metric(name: str) -> Metric:
    """The metric called ``name``; a typo in a competition.yaml names the valid choices."""
    try:
        return METRICS[name]
    except KeyError:
        raise KeyError(f"unknown metric {name!r}; valid metrics: {', '.join(sorted(METRICS))}") from None


# -- probabilistic F1 (rsna-breast-cancer-detection) ---------------------------------------------

def _probabilistic_f1(truth: pd.Series, pred: pd.Series) -> float:
    """Kaggle's pF1 (beta 1) as MLE-bench computes it: each prediction clipped to [0, 1] counts
    as that fraction of a true (label 1) or false (label 0) positive; precision is the true
    share of the predicted mass, recall the true mass over the positives; 0 when either is 0
    or undefined (no prediction above 0: MLE-bench's numpy division gives NaN, then 0)."""
    labels = truth.to_numpy(dtype=float) == 1
    if not labels.any():
        raise ValueError("probabilistic F1 needs a positive among the answers")
    scores = np.clip(pred.to_numpy(dtype=float), 0.0, 1.0)
    true_mass, false_mass = float(scores[labels].sum()), float(scores[~labels].sum())
    if true_mass == 0:
        return 0.0
    precision, recall = true_mass / (true_mass + false_mass), true_mass / int(labels.sum())
    return 2 * precision * recall / (precision + recall)


METRICS["probabilistic_f1"] = Metric("probabilistic_f1", False, "number",
                                     _one_column("probabilistic_f1", _probabilistic_f1))
