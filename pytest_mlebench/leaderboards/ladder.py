"""The reference ladder: deterministic solutions that stand in for human teams.

Competitions built offline have no Kaggle leaderboard, so medals and "above
median" need a field to be measured against. The ladder is that field: a fixed
list of ordinary solutions, each fitted on the competition's training rows and
scored on its answers with the competition's own metric. Every report marks such
a leaderboard as ``generated``; this docstring is what it means.

The entries, in the order they are fitted:

1. ``constant``: the training prior, the same prediction for every test row
   (class frequencies for probabilities, the most frequent class for labels
   and integers, the training mean for numbers). It is also the sample
   submission.
2. One entry per model family and training fraction, named
   ``<family>@<fraction>``. The families, with classification / regression
   estimators (scikit-learn defaults unless stated):

   - ``naive_bayes``: GaussianNB (classification only).
   - ``linear``: StandardScaler, then LogisticRegression(max_iter=1000) /
     Ridge(alpha=1.0).
   - ``knn``: StandardScaler, then KNeighbors with k = min(15, training rows);
     pool of at most 2,000 rows.
   - ``random_forest``: 50 trees, min_samples_leaf=5; pool of at most
     5,000 rows.
   - ``hist_gradient_boosting``: 50 iterations at learning_rate=0.2, early
     stopping off; pool of at most 50,000 rows.

   A family's pool is the first rows (up to its cap) of one fixed permutation
   of the training rows; the fractions 5%, 10%, 25%, 50% and 100% of that pool
   (rounded up) form nested training sets, a learning curve per family. For
   classification every label value seen in training (each label column's,
   for several columns) is added to a training set that lacks it, taking the
   first such row of the permutation, so each entry predicts every column.

With several target columns (multi-label tasks), estimators that handle several
outputs natively (constant, knn, random_forest) fit them jointly and the others
one column at a time (MultiOutputClassifier); a probability is that of label 1.
Classification tasks give 26 entries, regression tasks 21.

Numbers that must be nonnegative are clipped at 0.

Everything is seeded (``SEED``) and runs on one thread (threadpoolctl limits
OpenMP and BLAS): threads could reorder floating-point sums, and they fight
pytest-xdist workers for the cores. The same data and library versions give the
same leaderboard file byte for byte. The caps keep a ladder to a few seconds of
CPU even for 100,000+ training rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.multioutput import MultiOutputClassifier, MultiOutputRegressor
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import get_tags
from threadpoolctl import threadpool_limits

from ..grading.metrics import Metric
from .format import write_leaderboard

SEED = 0
FRACTIONS = (0.05, 0.1, 0.25, 0.5, 1.0)

#: Builds an estimator for a training set of the given number of rows.
Factory = Callable[[int], BaseEstimator]


@dataclass(frozen=True)
class Family:
    """One model family of the ladder; ``None`` where it has no estimator of that kind."""

    name: str
    classifier: Factory | None
    regressor: Factory | None
    #: Largest pool of training rows the family sees; ``None``: all of them.
    max_rows: int | None = None


BOOSTING = {"max_iter": 50, "learning_rate": 0.2, "early_stopping": False, "random_state": SEED}

FAMILIES = (
    Family("naive_bayes", lambda n: GaussianNB(), None),
    Family(
        "linear",
        lambda n: make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
        lambda n: make_pipeline(StandardScaler(), Ridge(alpha=1.0)),
    ),
    Family(
        "knn",
        lambda n: make_pipeline(StandardScaler(), KNeighborsClassifier(min(15, n))),
        lambda n: make_pipeline(StandardScaler(), KNeighborsRegressor(min(15, n))),
        max_rows=2_000,
    ),
    Family(
        "random_forest",
        lambda n: RandomForestClassifier(50, min_samples_leaf=5, random_state=SEED),
        lambda n: RandomForestRegressor(50, min_samples_leaf=5, random_state=SEED),
        max_rows=5_000,
    ),
    Family(
        "hist_gradient_boosting",
        lambda n: HistGradientBoostingClassifier(**BOOSTING),
        lambda n: HistGradientBoostingRegressor(**BOOSTING),
        max_rows=50_000,
    ),
)


@dataclass(frozen=True)
class LadderEntry:
    """One reference solution: its name, how many rows it was fitted on, its score."""

    name: str
    rows: int
    score: float


#: Value types fitted with regressors; every other one is a classification.
REGRESSION_TYPES = ("number", "nonnegative")


def _is_regression(metric: Metric) -> bool:
    return metric.value_type in REGRESSION_TYPES


def _fit_predict(
    estimator: BaseEstimator,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    metric: Metric,
    columns: list[str],
) -> pd.DataFrame:
    """Fit, then predict the submission's target columns in the metric's value type."""
    if y_train.ndim == 2 and not get_tags(estimator).target_tags.multi_output:
        wrapper = MultiOutputRegressor if _is_regression(metric) else MultiOutputClassifier
        estimator = wrapper(estimator)
    estimator.fit(x_train, y_train)
    if metric.value_type == "distribution":
        proba = estimator.predict_proba(x_test)
        return pd.DataFrame(proba, columns=list(estimator.classes_))[columns]
    if metric.value_type == "probability":
        proba = estimator.predict_proba(x_test)
        per_column = proba if isinstance(proba, list) else [proba]
        return pd.DataFrame({c: p[:, 1] for c, p in zip(columns, per_column, strict=True)})
    values = estimator.predict(x_test).reshape(len(x_test), -1)
    if metric.value_type == "nonnegative":
        values = np.clip(values, 0, None)
    return pd.DataFrame(values, columns=columns)


def _constant(metric: Metric) -> BaseEstimator:
    return DummyRegressor(strategy="mean") if _is_regression(metric) else DummyClassifier(strategy="prior")


def constant_prediction(
    y_train: np.ndarray, x_test: np.ndarray, metric: Metric, columns: list[str]
) -> pd.DataFrame:
    """The ladder's ``constant`` entry: a valid prediction that knows only the training prior."""
    x_dummy = np.zeros((len(y_train), 1))
    return _fit_predict(_constant(metric), x_dummy, y_train, x_test, metric, columns)


def _training_rows(order: np.ndarray, size: int, y: np.ndarray | None) -> np.ndarray:
    """The first ``size`` rows of ``order``, plus one row for each label value they lack."""
    chosen = list(order[:size])
    if y is not None:
        labels = y.reshape(len(y), -1)
        for j in range(labels.shape[1]):
            column = labels[:, j]
            seen = set(column[chosen])
            for value in np.unique(column):
                if value not in seen:
                    chosen.append(next(i for i in order if column[i] == value))
    return np.asarray(chosen)


def run_ladder(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    answers: pd.DataFrame,
    metric: Metric,
) -> list[LadderEntry]:
    """Fit and score every entry of the ladder; best first.

    ``answers`` holds only the target columns, row for row with ``x_test``, in the
    form the metric reads (one-hot columns for distributions). ``y_train`` is 1-D
    (labels or numbers) or 2-D (one column per label of a multi-label task).
    """
    columns = list(answers.columns)
    regression = _is_regression(metric)
    order = np.random.default_rng(SEED).permutation(len(x_train))

    def score(prediction: pd.DataFrame) -> float:
        return float(metric.fn(answers, prediction))

    with threadpool_limits(limits=1):
        constant = constant_prediction(y_train, x_test, metric, columns)
        entries = [LadderEntry("constant", len(x_train), score(constant))]
        for family in FAMILIES:
            factory = family.regressor if regression else family.classifier
            if factory is None:
                continue
            pool = min(len(order), family.max_rows or len(order))
            for fraction in FRACTIONS:
                rows = _training_rows(order, math.ceil(fraction * pool), None if regression else y_train)
                estimator = factory(len(rows))
                prediction = _fit_predict(estimator, x_train[rows], y_train[rows], x_test, metric, columns)
                entries.append(LadderEntry(f"{family.name}@{fraction:.0%}", len(rows), score(prediction)))
    return sorted(entries, key=lambda e: e.score, reverse=not metric.lower_is_better)


def write_ladder_leaderboard(path: Path, entries: list[LadderEntry], metric: Metric) -> None:
    """Write the ladder as a Kaggle-style leaderboard, best first."""
    write_leaderboard(path, [e.score for e in entries], metric.lower_is_better)
