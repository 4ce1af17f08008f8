"""Diabetes (scikit-learn's load_diabetes): regress disease progression on ten baselines."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.datasets import load_diabetes

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.offline import prepare_offline


def prepare(raw: Path | None, public: Path, private: Path, *, competition: Competition) -> None:
    """``raw`` is unused: the data ships with scikit-learn.

    The unscaled values (age in years, sex as 1/2, ...) read like a real table.
    """
    diabetes = load_diabetes(as_frame=True, scaled=False)
    labels = pd.DataFrame({"progression": diabetes.target.to_numpy()})
    prepare_offline(competition, public, private, labels, features=diabetes.data)
