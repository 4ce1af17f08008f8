"""Each metric against a hand computation of its published definition."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from pytest_mlebench.grading.metrics import METRICS, SKLEARN, VALUE_TYPES, Metric, get_metric


def frame(**columns: list) -> pd.DataFrame:
    return pd.DataFrame(columns)


def compute(name: str, y_true: pd.DataFrame, y_pred: pd.DataFrame) -> float:
    value = get_metric(name).fn(y_true, y_pred)
    assert type(value) is float  # a numpy scalar would break xdist's report channel
    return value


def pairwise_auc(truth: np.ndarray, pred: np.ndarray) -> float:
    """AUC as the chance a random positive outranks a random negative, ties counting half."""
    pos, neg = pred[truth == 1], pred[truth == 0]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return wins / (len(pos) * len(neg))


def test_roc_auc_is_the_chance_a_positive_outranks_a_negative():
    truth = np.array([0, 0, 1, 1, 0, 1, 0])
    pred = np.array([0.1, 0.4, 0.35, 0.8, 0.35, 0.9, 0.2])
    value = compute("roc_auc", frame(t=truth.tolist()), frame(t=pred.tolist()))
    assert value == pytest.approx(pairwise_auc(truth, pred))
    assert value == pytest.approx(10.5 / 12)


@pytest.mark.parametrize("distinct", [2, 7, 1000])
def test_roc_auc_by_one_sort_equals_scikit_learns_with_ties_and_a_last_group_of_positives(distinct):
    """The rank sum is summed group by group of tied scores, the last group included."""
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(distinct)
    truth = rng.random(5000) < 0.3
    pred = rng.integers(0, distinct, 5000).astype(float)
    truth[pred == pred.max()] = True  # the highest-scored group all positives
    value = compute("roc_auc", frame(t=truth.astype(int).tolist()), frame(t=pred.tolist()))
    assert value == pytest.approx(roc_auc_score(truth, pred), abs=1e-12)


def test_mean_columnwise_roc_auc_averages_the_columns():
    a_true, a_pred = np.array([0, 1, 0, 1]), np.array([0.2, 0.9, 0.3, 0.1])
    b_true, b_pred = np.array([1, 1, 0, 0]), np.array([0.6, 0.7, 0.1, 0.6])
    value = compute("mean_columnwise_roc_auc",
                    frame(a=a_true.tolist(), b=b_true.tolist()),
                    frame(a=a_pred.tolist(), b=b_pred.tolist()))
    expected = (pairwise_auc(a_true, a_pred) + pairwise_auc(b_true, b_pred)) / 2
    assert value == pytest.approx(expected)


@pytest.mark.parametrize("name", ["roc_auc", "mean_columnwise_roc_auc"])
def test_auc_with_a_single_class_in_the_truth_is_an_error(name):
    with pytest.raises(ValueError, match="single class"):
        compute(name, frame(t=[1, 1, 1]), frame(t=[0.2, 0.5, 0.9]))


#: scikit-learn clips probabilities to [eps, 1 - eps], eps the float64 machine epsilon.
EPS = 2.0**-52


def test_multiclass_log_loss_clips_at_machine_epsilon_without_renormalizing():
    truth = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]]
    pred = [[0.5, 0.25, 0.25], [0.0, 0.0, 1.0], [0.2, 0.3, 0.5], [0.1, 0.8, 0.1]]
    # Only the true class's probability counts: -log of it, clipped.
    expected = -(math.log(0.5) + math.log(EPS) + math.log(0.5) + math.log(0.8)) / 4
    cols = ["a", "b", "c"]
    value = compute("multiclass_log_loss",
                    pd.DataFrame(truth, columns=cols), pd.DataFrame(pred, columns=cols))
    assert value == pytest.approx(expected, rel=1e-12)
    # The confident miss on row 2 costs 52 ln 2 = 36.04, not Kaggle's 34.54 (clip at 1e-15).
    assert -math.log(EPS) == pytest.approx(36.0436533891)


def test_multiclass_log_loss_of_hard_predictions_costs_52_ln_2_per_miss():
    truth = pd.DataFrame([[1, 0], [0, 1], [1, 0], [0, 1]], columns=["a", "b"])
    pred = pd.DataFrame([[1, 0], [1, 0], [1, 0], [0, 1]], columns=["a", "b"])
    # One miss in four; a hit costs -log(1 - eps), about 2.2e-16 each.
    expected = (52 * math.log(2) - 3 * math.log1p(-EPS)) / 4
    assert compute("multiclass_log_loss", truth, pred) == pytest.approx(expected, rel=1e-12)


def test_rows_of_probabilities_must_sum_to_one_within_numpys_isclose():
    check = get_metric("multiclass_log_loss").check
    ok = pd.DataFrame({"a": [0.5, 0.3 + 1e-5], "b": [0.5, 0.7]}, index=["r1", "r2"])
    assert check(ok) is None  # |1.00001 - 1| <= 1e-6 + 1e-5
    off = pd.DataFrame({"a": [0.5, 0.2, 0.5], "b": [0.5, 0.7, 0.5 + 2e-5]}, index=["r1", "r2", "r3"])
    reason = check(off)
    assert reason.startswith("2 rows of class probabilities do not sum to 1")
    assert "id 'r2' = 0.8999999999999999" in reason and "'r3'" in reason and "'r1'" not in reason


def test_multiclass_log_loss_of_a_uniform_guess_is_log_of_the_class_count():
    truth = pd.DataFrame([[1, 0, 0], [0, 0, 1]], columns=["a", "b", "c"])
    pred = pd.DataFrame([[1 / 3, 1 / 3, 1 / 3]] * 2, columns=["a", "b", "c"])
    assert compute("multiclass_log_loss", truth, pred) == pytest.approx(math.log(3))


@pytest.mark.parametrize("classes", [2, 3, 12])
def test_multiclass_log_loss_is_scikit_learns_of_the_one_hot_matrix_to_the_bit(classes):
    """As MLE-bench calls it (the one-hot matrix), a class no row has included."""
    from sklearn.metrics import log_loss

    rng = np.random.default_rng(classes)
    onehot = np.eye(classes)[rng.integers(0, max(classes - 1, 2), 3000)]
    pred = rng.random((3000, classes)) + 0.01
    pred /= pred.sum(axis=1, keepdims=True)
    pred[:100] = np.eye(classes)[rng.integers(0, classes, 100)]  # clipped at eps and 1 - eps
    names = [f"c{i}" for i in range(classes)]
    truth, predicted = pd.DataFrame(onehot, columns=names), pd.DataFrame(pred, columns=names)
    assert compute("multiclass_log_loss", truth, predicted) == log_loss(onehot, pred)


def test_multiclass_log_loss_reads_prediction_columns_by_name():
    truth = pd.DataFrame([[1, 0], [0, 1]], columns=["cat", "dog"])
    pred = pd.DataFrame([[0.2, 0.8], [0.7, 0.3]], columns=["dog", "cat"])
    expected = -(math.log(0.8) + math.log(0.7)) / 2
    assert compute("multiclass_log_loss", truth, pred) == pytest.approx(expected)


@pytest.mark.parametrize("rows", [[[1, 1], [0, 1]], [[1, 1e-20], [0, 1]], [[0.5, 0.5], [0, 1]],
                                  [[0, 0], [0, 1]]])
def test_multiclass_log_loss_refuses_truth_that_is_not_one_hot(rows):
    truth = pd.DataFrame(rows, columns=["a", "b"])
    with pytest.raises(ValueError, match="one-hot"):
        compute("multiclass_log_loss", truth, pd.DataFrame([[0.5, 0.5]] * 2, columns=["a", "b"]))


def binary_cross_entropy(truth: np.ndarray, pred: np.ndarray) -> float:
    p, q = np.clip(pred, EPS, 1 - EPS), np.clip(1 - pred, EPS, 1 - EPS)
    return float(-np.mean(truth * np.log(p) + (1 - truth) * np.log(q)))


@pytest.mark.parametrize("rows", [1, 7, 16, 33, 4099, 100_003])
def test_binary_log_loss_and_the_regression_errors_are_scikit_learns_to_the_bit(rows):
    """Computed without scikit-learn, as its 1.9 computes them: the same float at every size
    (numpy's pairwise sums and vector tails), with probabilities clipped at eps and 1 - eps."""
    from sklearn.metrics import (
        log_loss,
        mean_absolute_error,
        root_mean_squared_error,
        root_mean_squared_log_error,
    )

    rng = np.random.default_rng(rows)
    truth, pred = (rng.random(rows) < 0.4).astype(float), rng.random(rows)
    pred[: max(1, rows // 20)] = rng.choice([0.0, 1.0, 1e-17, 1 - 1e-17, 0.5], max(1, rows // 20))
    assert compute("binary_log_loss", frame(t=truth), frame(t=pred)) == log_loss(truth, pred, labels=[0, 1])
    values = rng.random(rows) * rng.choice([1, 10, 1000], rows)
    guesses = values * rng.uniform(0.5, 1.5, rows)
    guesses[: rows // 10] = 0
    assert (compute("rmsle", frame(y=values), frame(y=guesses))
            == root_mean_squared_log_error(values, guesses))
    signed = values - rng.choice([0, 500], rows)
    assert compute("rmse", frame(y=signed), frame(y=guesses)) == root_mean_squared_error(signed, guesses)
    assert compute("mae", frame(y=signed), frame(y=guesses)) == mean_absolute_error(signed, guesses)
    assert (compute("mean_columnwise_rmse", frame(a=signed, b=values), frame(a=guesses, b=signed))
            == np.mean([root_mean_squared_error(signed, guesses), root_mean_squared_error(values, signed)]))


def test_binary_log_loss_and_rmsle_refuse_what_scikit_learn_refuses():
    with pytest.raises(ValueError, match="0 and 1"):
        compute("binary_log_loss", frame(t=[0.5, 1.0]), frame(t=[0.5, 0.5]))
    with pytest.raises(ValueError, match="-1"):
        compute("rmsle", frame(y=[1.0, 2.0]), frame(y=[-1.0, 2.0]))


def test_binary_log_loss_with_clipping():
    truth = np.array([1, 0, 1, 0, 1])
    pred = np.array([0.9, 0.2, 0.0, 1.0, 0.6])
    value = compute("binary_log_loss", frame(t=truth.tolist()), frame(t=pred.tolist()))
    assert value == pytest.approx(binary_cross_entropy(truth, pred))
    assert math.isfinite(value)


def test_binary_log_loss_of_hard_predictions_costs_52_ln_2_per_miss():
    value = compute("binary_log_loss", frame(t=[1, 0, 1, 0]), frame(t=[1, 1, 0, 0]))
    assert value == pytest.approx((2 * 52 * math.log(2) - 2 * math.log1p(-EPS)) / 4, rel=1e-12)


def test_binary_log_loss_is_defined_for_a_single_class_truth():
    value = compute("binary_log_loss", frame(t=[1, 1]), frame(t=[0.5, 0.25]))
    assert value == pytest.approx(-(math.log(0.5) + math.log(0.25)) / 2)


def test_mean_columnwise_log_loss_averages_binary_log_loss_over_columns():
    a_true, a_pred = np.array([1, 0, 0]), np.array([0.7, 0.1, 0.4])
    b_true, b_pred = np.array([0, 0, 1]), np.array([0.05, 0.5, 0.99])
    value = compute("mean_columnwise_log_loss",
                    frame(a=a_true.tolist(), b=b_true.tolist()),
                    frame(a=a_pred.tolist(), b=b_pred.tolist()))
    expected = (binary_cross_entropy(a_true, a_pred) + binary_cross_entropy(b_true, b_pred)) / 2
    assert value == pytest.approx(expected)


def test_accuracy_compares_labels_as_strings():
    value = compute("accuracy", frame(t=["1", "cat", "2"]), frame(t=[1, "cat", "3"]))
    assert value == pytest.approx(2 / 3)


def test_class_accuracy_compares_class_numbers_as_numbers():
    value = compute("class_accuracy", frame(t=[2.0, 1.0, 3.0]), frame(t=[2.0, 1.0, 1e18]))
    assert value == pytest.approx(2 / 3)


@pytest.mark.parametrize("name", ["class_accuracy", "quadratic_weighted_kappa"])
def test_class_numbers_beyond_64_bit_integers_are_refused(name):
    # scikit-learn calls such values continuous and MLE-bench's grader refuses the file.
    reason = get_metric(name).check(pd.DataFrame({"y": [1.0, 1e308, 2.0**63]}, index=["a", "b", "c"]))
    assert "2 values that are not class numbers" in reason and "id 'b' = 1e+308" in reason
    assert get_metric(name).check(pd.DataFrame({"y": [1.0, 7.0, -(2.0**63)]})) is None


def test_text_accuracy_compares_text_as_pandas_reads_it():
    # pandas reads "NA", "null" and an empty cell as NaN on both sides, so they match each other.
    truth = frame(t=["NA", "null", "two", " two", "", "N A"])
    pred = frame(t=["", "nan", "two", "two", "NULL", "N A"])
    assert compute("text_accuracy", truth, pred) == pytest.approx(5 / 6)


def test_accuracy_over_several_columns_is_the_mean_of_the_columns():
    truth = frame(a=["x", "y", "z", "x"], b=["p", "p", "q", "q"])
    pred = frame(a=["x", "y", "y", "y"], b=["p", "p", "q", "q"])
    assert compute("accuracy", truth, pred) == pytest.approx((2 / 4 + 4 / 4) / 2)


def test_rmse():
    truth, pred = np.array([3.0, -0.5, 2.0, 7.0]), np.array([2.5, 0.0, 2.0, 8.0])
    expected = math.sqrt(((truth - pred) ** 2).sum() / len(truth))
    assert compute("rmse", frame(y=truth.tolist()), frame(y=pred.tolist())) == pytest.approx(expected)


def test_mae():
    truth, pred = np.array([3.0, -0.5, 2.0, 7.0]), np.array([2.5, 0.0, 2.0, 8.0])
    assert compute("mae", frame(y=truth.tolist()), frame(y=pred.tolist())) == pytest.approx(0.5)


def test_mean_columnwise_rmse_averages_each_columns_rmse():
    # Kaggle's MCRMSE: the RMSE of each column, then their mean (not the RMSE of all values).
    a_true, a_pred = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 3.0, 0.0])
    b_true, b_pred = np.array([0.5, 0.5, 0.5, 0.5]), np.array([1.5, -0.5, 0.5, 0.5])
    value = compute("mean_columnwise_rmse", frame(a=a_true.tolist(), b=b_true.tolist()),
                    frame(a=a_pred.tolist(), b=b_pred.tolist()))
    assert value == pytest.approx((math.sqrt(16 / 4) + math.sqrt(2 / 4)) / 2)
    assert value != pytest.approx(math.sqrt(18 / 8))


def rmsle(truth: np.ndarray, pred: np.ndarray) -> float:
    return math.sqrt(((np.log(pred + 1) - np.log(truth + 1)) ** 2).mean())


def test_rmsle():
    truth, pred = np.array([3.0, 5.0, 2.5, 7.0]), np.array([2.5, 5.0, 4.0, 8.0])
    value = compute("rmsle", frame(y=truth.tolist()), frame(y=pred.tolist()))
    assert value == pytest.approx(rmsle(truth, pred))


def test_mean_columnwise_rmsle_averages_the_columns():
    a_true, a_pred = np.array([1.0, 2.0, 3.0]), np.array([1.5, 2.0, 0.0])
    b_true, b_pred = np.array([10.0, 0.0, 4.0]), np.array([12.0, 1.0, 4.0])
    value = compute("mean_columnwise_rmsle",
                    frame(a=a_true.tolist(), b=b_true.tolist()),
                    frame(a=a_pred.tolist(), b=b_pred.tolist()))
    assert value == pytest.approx((rmsle(a_true, a_pred) + rmsle(b_true, b_pred)) / 2)


def positional_qwk(a: list[float], b: list[float]) -> float:
    """Quadratic weighted kappa as scikit-learn defines it (and so MLE-bench): a confusion
    matrix over the sorted labels that occur, weights (i - j)^2 between label positions."""
    labels = sorted(set(a) | set(b))
    at = {label: i for i, label in enumerate(labels)}
    n = len(labels)
    observed = np.zeros((n, n))
    for x, y in zip(a, b, strict=True):
        observed[at[x], at[y]] += 1
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / len(a)
    i, j = np.indices((n, n))
    weights = (i - j) ** 2
    return 1 - (weights * observed).sum() / (weights * expected).sum()


@pytest.mark.parametrize("truth, pred", [
    ([0, 1, 2, 3, 4, 2, 1], [0, 2, 2, 3, 3, 1, 1]),
    ([1, 1, 4, 4, 2], [1, 4, 4, 2, 1]),
    ([1, 2, 3, 4], [4, 3, 2, 1]),
])
def test_quadratic_weighted_kappa_matches_scikit_learns_definition(truth, pred):
    value = compute("quadratic_weighted_kappa", frame(y=truth), frame(y=pred))
    assert value == pytest.approx(positional_qwk(truth, pred))


def test_quadratic_weighted_kappa_weighs_label_positions_not_values():
    # 3 occurs nowhere, so 4 sits at position 3: off by one from 2, as if 4 were 3.
    value = compute("quadratic_weighted_kappa", frame(y=[1, 1, 4, 4, 2]), frame(y=[1, 4, 4, 2, 1]))
    assert value == pytest.approx(positional_qwk([1, 1, 3, 3, 2], [1, 3, 3, 2, 1]))
    # Grades 0-4 and a predicted 6: kappa 0.96, the same as a predicted 5 (0.875 by grade distance).
    assert compute("quadratic_weighted_kappa", frame(y=[0, 1, 2, 3, 4]),
                   frame(y=[0, 1, 2, 3, 6])) == pytest.approx(0.96)


def test_quadratic_weighted_kappa_of_perfect_predictions_is_one():
    labels = [0, 3, 1, 2, 2]
    assert compute("quadratic_weighted_kappa", frame(y=labels), frame(y=labels)) == 1.0


def test_quadratic_weighted_kappa_survives_a_wild_prediction():
    # Positions, not values: 10**6 is just the label after 2.
    value = compute("quadratic_weighted_kappa", frame(y=[0, 1, 2]), frame(y=[0, 1, 10**6]))
    assert value == pytest.approx(positional_qwk([0, 1, 2], [0, 1, 3]))


def test_matthews_corrcoef_from_the_confusion_matrix():
    """(TP TN - FP FN) / sqrt((TP + FP)(TP + FN)(TN + FP)(TN + FN)), and 0 where a margin is empty."""
    truth, pred = [1, 1, 1, 0, 0, 0, 0, 1], [1, 1, 0, 0, 0, 1, 0, 1]  # TP 3, TN 3, FP 1, FN 1
    assert compute("matthews_corrcoef", frame(y=truth), frame(y=pred)) == pytest.approx((9 - 1) / 16)
    assert compute("matthews_corrcoef", frame(y=truth), frame(y=[0] * 8)) == 0.0
    assert compute("matthews_corrcoef", frame(y=truth), frame(y=[1 - v for v in truth])) == -1.0


def test_matthews_corrcoef_takes_only_0_and_1():
    check = get_metric("matthews_corrcoef").check
    assert check(frame(y=[0.0, 1.0, 1.0])) is None
    assert "1 values other than 0 and 1: id 1 = 2.0" in check(pd.DataFrame({"y": [0.0, 2.0]}))


@pytest.mark.parametrize("name", ["rmse", "roc_auc", "quadratic_weighted_kappa"])
def test_single_column_metrics_refuse_several_columns(name):
    two = frame(a=[0, 1], b=[1, 0])
    with pytest.raises(ValueError, match="takes one target column"):
        compute(name, two, two)


def test_mean_angular_error_is_the_mean_angle_between_the_directions():
    # (azimuth, zenith): the x axis against the y axis, up against down, and a direction
    # against itself written with another turn of the azimuth and a negated zenith.
    truth = frame(az=[0.0, 0.3, 1.0], zen=[math.pi / 2, 0.0, 0.4])
    pred = frame(az=[math.pi / 2, 2.0, 1.0 + math.pi + 2 * math.pi], zen=[math.pi / 2, math.pi, -0.4])
    assert compute("mean_angular_error", truth, pred) == pytest.approx((math.pi / 2 + math.pi) / 3,
                                                                        abs=1e-7)


def test_mean_angular_error_reads_the_azimuth_then_the_zenith():
    # Swapping the columns swaps the angles' roles: (0, pi/2) is the x axis, (pi/2, 0) is up.
    truth, pred = frame(a=[0.0], z=[math.pi / 2]), frame(a=[math.pi / 2], z=[0.0])
    assert compute("mean_angular_error", truth, pred) == pytest.approx(math.pi / 2)
    assert compute("mean_angular_error", truth, pred[["z", "a"]].set_axis(["a", "z"], axis=1)) == \
        pytest.approx(0, abs=1e-7)
    with pytest.raises(ValueError, match="two target columns"):
        compute("mean_angular_error", truth[["a"]], pred[["a"]])



def test_laplace_log_likelihood_clips_the_confidence_and_the_error():
    """Kaggle's OSIC formula per row: sigma = max(c, 70), delta = min(|y - p|, 1000),
    -sqrt(2) delta / sigma - ln(sqrt(2) sigma); the truth's confidence column is not used."""
    truth = frame(fvc=[2000.0, 2000.0, 2000.0, 2000.0], c=[1.0, 2.0, 3.0, 4.0])
    pred = frame(fvc=[2100.0, 2000.0, 4000.0, 1900.0], c=[100.0, 30.0, 200.0, -10.0])
    rows = [-math.sqrt(2) * 100 / 100 - math.log(math.sqrt(2) * 100),
            -math.log(math.sqrt(2) * 70),                                   # sigma 30 counts as 70
            -math.sqrt(2) * 1000 / 200 - math.log(math.sqrt(2) * 200),      # error 2000 counts as 1000
            -math.sqrt(2) * 100 / 70 - math.log(math.sqrt(2) * 70)]         # a negative sigma too
    assert compute("laplace_log_likelihood", truth, pred) == pytest.approx(np.mean(rows), rel=1e-12)
    with pytest.raises(ValueError, match="a value and a confidence column"):
        compute("laplace_log_likelihood", frame(fvc=[1.0]), frame(fvc=[1.0]))



def test_kl_divergence_sums_each_row_and_averages_the_rows():
    """Kaggle's KL metric: per row, sum of y ln(y / p) over the classes with y > 0, predictions
    clipped to [1e-15, 1 - 1e-15]; the rows averaged (micro average)."""
    truth = pd.DataFrame([[0.5, 0.5, 0.0], [0.0, 0.25, 0.75], [1.0, 0.0, 0.0]], columns=list("abc"))
    pred = pd.DataFrame([[0.25, 0.25, 0.5], [0.5, 0.5, 0.0], [0.0, 1.0, 0.0]], columns=list("cab"))
    # Columns pair by name: row 1 predicts a = 0.5, b = 0.0 (clipped to 1e-15), c = 0.5; row 2
    # gives a, its one class, 1 (clipped to 1 - 1e-15).
    rows = [0.5 * math.log(0.5 / 0.25) + 0.5 * math.log(0.5 / 0.5),
            0.25 * math.log(0.25 / 1e-15) + 0.75 * math.log(0.75 / 0.5),
            -math.log(1 - 1e-15)]
    assert compute("kl_divergence", truth, pred) == pytest.approx(np.mean(rows), rel=1e-12)


def test_kl_divergence_rows_must_sum_to_one_at_5_decimals_as_python_rounds():
    check = get_metric("kl_divergence").check
    assert check is not None
    ok = pd.DataFrame({"a": [0.5, 0.9999951, 1.0000049], "b": [0.5, 0.0, 0.0]}, index=["x", "y", "z"])
    assert check(ok) is None
    # 0.999995 is a little below its decimal as a float: round() gives 0.99999.
    bad = pd.DataFrame({"a": [0.999995, 0.5], "b": [0.0, 0.6]}, index=["x", "y"])
    assert check(bad) == ("2 rows of class probabilities do not sum to 1 when rounded to 5 decimals: "
                          "id 'x' = 0.999995, id 'y' = 1.1")


#: For each metric: truth, a perfect prediction and a poor one.
CASES = {
    "roc_auc": ([[0], [1], [0], [1]], [[0.1], [0.9], [0.2], [0.8]], [[0.9], [0.1], [0.2], [0.3]]),
    "mean_columnwise_roc_auc": ([[0, 1], [1, 0], [1, 1], [0, 0]],
                                [[0.1, 0.9], [0.9, 0.1], [0.8, 0.7], [0.2, 0.1]],
                                [[0.9, 0.1], [0.1, 0.9], [0.3, 0.2], [0.5, 0.6]]),
    "multiclass_log_loss": ([[1, 0], [0, 1]], [[1, 0], [0, 1]], [[0.4, 0.6], [0.5, 0.5]]),
    "binary_log_loss": ([[1], [0]], [[1], [0]], [[0.3], [0.6]]),
    "mean_columnwise_log_loss": ([[1, 0], [0, 1]], [[1, 0], [0, 1]], [[0.5, 0.5], [0.5, 0.9]]),
    "accuracy": ([["a"], ["b"]], [["a"], ["b"]], [["b"], ["b"]]),
    "class_accuracy": ([[1], [2]], [[1], [2]], [[2], [2]]),
    "text_accuracy": ([["a"], ["b"]], [["a"], ["b"]], [["b"], ["b"]]),
    "rmse": ([[1.0], [2.0]], [[1.0], [2.0]], [[3.0], [0.0]]),
    "mae": ([[1.0], [2.0]], [[1.0], [2.0]], [[3.0], [0.0]]),
    "rmsle": ([[1.0], [2.0]], [[1.0], [2.0]], [[3.0], [0.0]]),
    "mean_columnwise_rmsle": ([[1.0, 5.0], [2.0, 0.0]], [[1.0, 5.0], [2.0, 0.0]],
                              [[3.0, 1.0], [0.0, 9.0]]),
    "quadratic_weighted_kappa": ([[0], [1], [2]], [[0], [1], [2]], [[2], [1], [1]]),
    "mean_columnwise_spearman": ([[0.1, 1.0], [0.5, 0.0], [0.9, 0.5]], [[0.2, 0.9], [0.3, 0.1], [0.4, 0.5]],
                                 [[0.9, 0.1], [0.3, 0.9], [0.4, 0.5]]),
    "kendall_tau_of_orders": ([["a b c"], ["x y"]], [["a b c"], ["x y"]], [["c a b"], ["y x"]]),
    "mean_levenshtein": ([["kitten"], ["a b ."]], [["kitten"], ["a b ."]], [["sitting"], ["a ."]]),
    "pearson": ([[0.0], [0.5], [1.0]], [[0.0], [0.5], [1.0]], [[1.0], [0.0], [0.5]]),
    "word_jaccard": ([["a b"], ["c"]], [["B a"], ["c"]], [["a"], ["d"]]),
    "mean_angular_error": ([[0.0, 1.0], [2.0, 2.5]], [[0.0, 1.0], [2.0, 2.5]], [[3.0, 1.0], [2.0, 0.5]]),
    "matthews_corrcoef": ([[0], [1], [1], [0]], [[0], [1], [1], [0]], [[1], [1], [0], [0]]),
    "mean_columnwise_rmse": ([[1.0, 5.0], [2.0, 0.0]], [[1.0, 5.0], [2.0, 0.0]],
                             [[3.0, 1.0], [0.0, 9.0]]),
    "sequence_edit_rate": ([["1 2 4"], ["2"]], [["1 2 4"], ["2"]], [["3 2"], ["2 2 2"]]),
    "lwlrap": ([[1, 0, 0], [0, 1, 1]], [[0.9, 0.1, 0.2], [0.1, 0.8, 0.7]],
               [[0.1, 0.9, 0.2], [0.9, 0.1, 0.2]]),
    "laplace_log_likelihood": ([[2000, 70], [3000, 70]], [[2000, 70], [3000, 70]],
                               [[2500, 70], [1000, 500]]),
    "kl_divergence": ([[0.5, 0.5, 0], [0, 0, 1]], [[0.5, 0.5, 0], [0, 0, 1]],
                      [[0.2, 0.2, 0.6], [0.5, 0.5, 0]]),
    "macro_f1": ([[0], [1], [2]], [[0], [1], [2]], [[1], [1], [2]]),
    "top1_error": ([["3"], ["7"]], [["3 1"], ["7"]], [["1 3"], ["7"]]),
    "alaska_weighted_auc": ([[1], [0], [1], [0]], [[0.9], [0.1], [0.8], [0.2]], [[0.9], [0.8], [0.3], [0.1]]),
}


def test_every_metric_has_a_direction_case():
    assert set(CASES) == set(METRICS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_perfect_predictions_beat_poor_ones_in_the_metrics_direction(name):
    truth, perfect, poor = CASES[name]
    columns = [f"c{i}" for i in range(len(truth[0]))]
    as_frame = lambda rows: pd.DataFrame(rows, columns=columns)  # noqa: E731
    best = compute(name, as_frame(truth), as_frame(perfect))
    worse = compute(name, as_frame(truth), as_frame(poor))
    metric = get_metric(name)
    assert (best < worse) if metric.lower_is_better else (best > worse)


#: Run in a fresh process: each metric of a group computes its case after ``Metric.load``;
#: prints the heavy modules loaded by then and those its computation loaded on top.
IMPORTS = r"""
import json, sys
import pandas as pd
from pytest_mlebench.grading.metrics import get_metric
heavy = lambda: {m for m in sys.modules if m.split(".")[0] in ("sklearn", "scipy")}
seen = {}
for name, (truth, _, poor) in json.loads(sys.argv[1]).items():
    metric = get_metric(name)
    metric.load()
    loaded = heavy()
    columns = [f"c{i}" for i in range(len(truth[0]))]
    metric.fn(pd.DataFrame(truth, columns=columns), pd.DataFrame(poor, columns=columns))
    seen[name] = [sorted(loaded), sorted(heavy() - loaded)]
print(json.dumps(seen))
"""


def test_a_metric_s_heavy_imports_are_the_ones_it_names_and_come_at_its_load():
    """A grading service's children find loaded all a metric needs (a grader calls
    Metric.load), and a metric that names nothing needs neither scikit-learn nor scipy, so a
    grade of it never holds their 84 MB. One process per group of the same modules."""
    groups: dict[tuple[str, ...], dict] = {}
    for name, case in CASES.items():
        groups.setdefault(METRICS[name].modules, {})[name] = case
    assert () in groups and SKLEARN in groups
    for modules, cases in groups.items():
        out = subprocess.run([sys.executable, "-c", IMPORTS, json.dumps(cases)], capture_output=True,
                             text=True, check=True)
        for name, (loaded, late) in json.loads(out.stdout).items():
            assert late == [], f"{name} imported {late} after its load"
            assert bool(loaded) == bool(modules), f"{name} names {modules} and loaded {loaded}"


def test_get_metric_names_the_valid_metrics_on_a_typo():
    with pytest.raises(KeyError, match="roc_auc") as excinfo:
        get_metric("roc-auc")
    assert "unknown metric 'roc-auc'" in str(excinfo.value)
    assert all(name in str(excinfo.value) for name in METRICS)


def test_every_metric_declares_a_known_value_type():
    assert all(m.value_type in VALUE_TYPES for m in METRICS.values())
    with pytest.raises(ValueError, match="value_type"):
        Metric("x", True, "float", lambda t, p: 0.0)


def test_sequence_edit_rate_sums_item_edits_over_the_true_items():
    """Kaggle's examples: L([1 2 4], [3 2]) = 2, L([1], [2]) = 1, L([2 2 2], [2]) = 2; the sum
    over rows is divided by the number of true gestures (3 + 1 + 1), not the row count."""
    truth = frame(s=["3 2 1", "2", "1"])
    value = compute("sequence_edit_rate", truth, frame(s=["1 2 4", "1", "2 2 2"]))
    # L([1 2 4], [3 2 1]) = 2, L([1], [2]) = 1, L([2 2 2], [1]) = 3.
    assert value == pytest.approx((2 + 1 + 3) / 5)
    # Items are whole numbers, not characters: 12 is one item, unlike 1 then 2.
    assert compute("sequence_edit_rate", frame(s=["12 3"]), frame(s=["1 2 3"])) == pytest.approx(2 / 2)
    # Written as int() reads them: "+03" is 3.
    assert compute("sequence_edit_rate", frame(s=["3 4"]), frame(s=[" +03\t4 "])) == 0.0
    # More predicted items than true ones: the rate exceeds 1.
    assert compute("sequence_edit_rate", frame(s=["1"]), frame(s=["2 3 4"])) == pytest.approx(3.0)


@pytest.mark.parametrize("bad", ["", "  ", "1, 2", "1.0 2", "nan", "NA", "one"])
def test_sequence_edit_rate_refuses_what_is_not_whole_numbers(bad):
    check = get_metric("sequence_edit_rate").check
    assert check(frame(s=["1 2", "3"])) is None
    reason = check(pd.DataFrame({"s": ["1 2", bad]}, index=["a", "b"]))
    assert reason is not None and f"id 'b' = {bad!r}" in reason and "1 values" in reason


def test_lwlrap_weights_each_row_by_its_true_labels():
    """Row 1 (one true label, ranked 2nd): precision 1/2. Row 2 (two true labels, ranked 1st and
    3rd): precisions 1/1 and 2/3. Each true label counts once: (1/2 + 1 + 2/3) / 3. A row
    without a label is left out (scikit-learn would score it 1)."""
    truth = frame(a=[1, 0, 0], b=[0, 1, 0], c=[0, 1, 0])
    pred = frame(a=[0.5, 0.7, 0.1], b=[0.9, 0.8, 0.2], c=[0.1, 0.2, 0.3])
    assert compute("lwlrap", truth, pred) == pytest.approx((1 / 2 + 1 + 2 / 3) / 3)
    # Ties rank every tied label below the tie: a constant row gives each true label k / n.
    constant = frame(a=[0.0, 0.0, 0.0], b=[0.0, 0.0, 0.0], c=[0.0, 0.0, 0.0])
    assert compute("lwlrap", truth, constant) == pytest.approx((1 / 3 + 2 * (2 / 3)) / 3)
    # Only the order within a row counts: any finite numbers, columns matched by name.
    assert compute("lwlrap", truth, pred[["c", "a", "b"]] * 100 - 7) == pytest.approx(
        (1 / 2 + 1 + 2 / 3) / 3)
    with pytest.raises(ValueError, match="no row of the truth has a label"):
        compute("lwlrap", frame(a=[0, 0], b=[0, 0]), frame(a=[0.1, 0.2], b=[0.3, 0.4]))


# -- macro_f1 and top1_error (iwildcam-2019-fgvc6, inaturalist-2019-fgvc6, herbarium-*) --

def test_macro_f1_averages_the_f1_of_every_class_in_truth_or_predictions():
    # Class 0: P = 1/1, R = 1/2, F1 = 2/3. Class 1: P = 1/2, R = 1, F1 = 2/3. Class 9, only
    # predicted: F1 = 0. Class 2: never predicted, F1 = 0. Mean over 4 classes.
    truth, pred = frame(c=[0, 0, 1, 2]), frame(c=[0.0, 1.0, 1.0, 9.0])
    assert compute("macro_f1", truth, pred) == pytest.approx((2 / 3 + 2 / 3 + 0 + 0) / 4)
    assert compute("macro_f1", truth, truth) == 1.0


def test_top1_error_scores_the_first_item_of_each_prediction():
    truth = frame(c=["3", "7", "10", "0"])
    # Row 1 right ("3" first), row 2 wrong (7 is second), row 3 right ("+10" is int 10), row 4 wrong.
    assert compute("top1_error", truth, frame(c=["3 1 2", "1 7", " +10", "5"])) == pytest.approx(0.5)


@pytest.mark.parametrize("bad", ["", "  ", "3.0", "nan", "x 3", "3,4"])
def test_top1_error_refuses_a_first_item_that_is_not_a_class_number(bad):
    reason = get_metric("top1_error").check(pd.DataFrame({"c": ["1 2", bad]}, index=["a", "b"]))
    assert reason == (f"column 'c' has 1 predictions whose first item is not a whole class number: "
                      f"id 'b' = {bad!r}")


# -- alaska_weighted_auc: area left of the ROC curve, the TPR band [0, 0.4] weighted 2, [0.4, 1] 1 --

def test_alaska_weighted_auc_by_hand():
    """Truth 1 0 1 0 ranked 0.9 0.8 0.3 0.1: FPR is 0 up to TPR 0.5, then 0.5. Band [0, 0.4]:
    area 0.4 x (1 - 0) = 0.4, weighted 2. Band [0.4, 1]: 0.1 x 1 + 0.5 x (1 - 0.5) = 0.35.
    (0.8 + 0.35) / (2 x 0.4 + 0.6); plain AUC would be 3/4."""
    truth = frame(y=[1, 0, 1, 0])
    assert compute("alaska_weighted_auc", truth, frame(y=[0.9, 0.8, 0.3, 0.1])) == pytest.approx(1.15 / 1.4)
    # Perfect ranking (any numbers, not only probabilities): 1. Reversed: 0.
    assert compute("alaska_weighted_auc", truth, frame(y=[5.0, -1.0, 3.0, -2.0])) == pytest.approx(1.0)
    assert compute("alaska_weighted_auc", truth, frame(y=[0.1, 0.9, 0.2, 0.8])) == pytest.approx(0.0)
    # A constant: the diagonal. 2 x (0.4 - 0.4^2 / 2) + (0.6 - (1 - 0.4^2) / 2) = 0.64 + 0.18.
    assert compute("alaska_weighted_auc", truth, frame(y=[0.0] * 4)) == pytest.approx(0.82 / 1.4)


def test_alaska_weighted_auc_interpolates_the_band_edge():
    """Truth 1 1 1 0 0 ranked 3 2 0 1 0: TPR jumps 1/3 -> 2/3 at FPR 0, so TPR 0.4 is put in at
    FPR 0; then FPR 1/2 at TPR 2/3 and (ties at 0) 1 at TPR 1. Band [0, 0.4]: 0.4, weighted 2.
    Band [0.4, 1]: (2/3 - 0.4) x 1 + 1/3 x the trapezoid from (1/2, 2/3) to (1, 1): 1 - 3/4."""
    truth, pred = frame(y=[1, 1, 1, 0, 0]), frame(y=[3.0, 2.0, 0.0, 1.0, 0.0])
    upper = (2 / 3 - 0.4) + (1 / 3) * (1 - 0.75)
    assert compute("alaska_weighted_auc", truth, pred) == pytest.approx((0.8 + upper) / 1.4)
    with pytest.raises(ValueError, match="single class"):
        compute("alaska_weighted_auc", frame(y=[1, 1]), frame(y=[0.2, 0.3]))


CASES["map_at_5"] = ([["a"], ["b"]], [["a x"], ["b"]], [["x a"], ["x"]])


def test_map_at_5_scores_the_first_hit_of_five_guesses():
    """Row a: hit at place 2, AP 1/2. Row b: hit at place 1 (its repeat scores nothing), AP 1.
    Row c: the hit is 6th, beyond k, AP 0. Row d: a doubled space is an empty guess that takes
    place 2, so the hit is 3rd, AP 1/3. MAP = (1/2 + 1 + 0 + 1/3) / 4."""
    truth = frame(t=["7", "8", "9", "5"])
    pred = frame(t=["1 7 2", "8 8 8 8 8", "1 2 3 4 5 9", "1  5"])
    assert compute("map_at_5", truth, pred) == pytest.approx((1 / 2 + 1 + 0 + 1 / 3) / 4)
    # Two true labels: each hit's precision, divided by min(2, 5); an empty guess list scores 0.
    assert compute("map_at_5", frame(t=["1 2", "3"]), frame(t=["2 0 1", ""])) == pytest.approx(
        (1 + 2 / 3) / 2 / 2)


CASES["micro_f1_of_label_sets"] = ([["1 2"], ["3"]], [["1 2"], ["3"]], [["1"], ["2"]])


def test_micro_f1_of_label_sets_drops_labels_the_truth_never_holds():
    """TP: 1 (row a), 3 (row b) = 2; FP: 2 in row b (label 9 is no class: dropped); FN: 2 in rows
    a and c. F1 = 2*2 / (2*2 + 1 + 2) = 4/7. A repeated label counts once; an empty row predicts
    nothing."""
    truth = frame(t=["1 2", "3", "2"])
    assert compute("micro_f1_of_label_sets", truth, frame(t=["1 1", "3 2 9", ""])) == pytest.approx(4 / 7)


CASES["probabilistic_f1"] = ([[1], [0], [0]], [[1], [0], [0]], [[0.2], [0.9], [0.5]])


def test_probabilistic_f1_clips_and_counts_fractions_of_positives():
    """Clipped: 1.4 -> 1 and -2 -> 0. TP mass 1 + 0.5 = 1.5 over 3 positives (recall 0.5); FP mass
    0.5 (precision 1.5 / 2 = 0.75). F1 = 2 * 0.75 * 0.5 / 1.25 = 0.6."""
    truth = frame(y=[1, 1, 1, 0, 0])
    assert compute("probabilistic_f1", truth, frame(y=[1.4, 0.5, 0.0, 0.5, -2.0])) == pytest.approx(0.6)
    assert compute("probabilistic_f1", truth, frame(y=[0.0, 0.0, 0.0, 0.3, 0.0])) == 0.0
    assert compute("probabilistic_f1", truth, frame(y=[0.0, -1.0, 0.0, 0.0, 0.0])) == 0.0  # 0 / 0


@pytest.mark.parametrize("name", ["accuracy", "class_accuracy", "text_accuracy"])
@pytest.mark.parametrize("rows", [1, 7, 10001])
def test_accuracies_are_scikit_learns_to_the_bit(name, rows):
    from sklearn.metrics import accuracy_score

    rng = np.random.default_rng(rows)
    truth, pred = rng.integers(0, 4, rows), rng.integers(0, 4, rows)
    if name == "class_accuracy":
        values = truth.astype(float), pred.astype(float)
    else:
        values = truth.astype(str), np.where(pred == 3, "NA", pred.astype(str))  # "NA" as pandas reads it
    expected = accuracy_score(*(np.where(v == "NA", "nan", v) if v.dtype.kind == "U" else v for v in values))
    assert compute(name, frame(t=list(values[0])), frame(t=list(values[1]))) == expected
