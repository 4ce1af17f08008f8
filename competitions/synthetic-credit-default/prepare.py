"""Generate the credit-default table: large, imbalanced and noisy, so AUC stays far from 1."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import make_classification

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.offline import prepare_offline

ROWS = 150_000
FEATURES = 20


def prepare(raw: Path | None, public: Path, private: Path, *, competition: Competition) -> None:
    """``raw`` is unused: the rows come from scikit-learn's generator."""
    x, y = make_classification(
        n_samples=ROWS,
        n_features=FEATURES,
        n_informative=6,
        n_redundant=4,
        n_clusters_per_class=3,
        weights=[0.85],
        flip_y=0.08,
        class_sep=0.8,
        random_state=7,
    )
    # Four decimals keep train.csv small; the ladder fits the very values written.
    features = pd.DataFrame(np.round(x, 4), columns=[f"x{i:02d}" for i in range(1, FEATURES + 1)])
    labels = pd.DataFrame({"default": y})
    prepare_offline(competition, public, private, labels, features=features)
