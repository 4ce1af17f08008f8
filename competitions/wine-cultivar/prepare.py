"""Wine recognition (scikit-learn's load_wine): three cultivars, probabilities per cultivar."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.datasets import load_wine

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.offline import prepare_offline


def prepare(raw: Path | None, public: Path, private: Path, *, competition: Competition) -> None:
    """``raw`` is unused: the data ships with scikit-learn."""
    wine = load_wine(as_frame=True)
    labels = pd.DataFrame({"cultivar": wine.target_names[wine.target.to_numpy()]})
    prepare_offline(competition, public, private, labels, features=wine.data)
