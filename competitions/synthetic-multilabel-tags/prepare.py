"""Generate bag-of-words documents with up to five tags each (make_multilabel_classification)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.datasets import make_multilabel_classification

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.offline import prepare_offline

ROWS = 4_000
WORDS = 20
TAGS = 5


def prepare(raw: Path | None, public: Path, private: Path, *, competition: Competition) -> None:
    """``raw`` is unused: the rows come from scikit-learn's generator."""
    counts, tags = make_multilabel_classification(
        n_samples=ROWS, n_features=WORDS, n_classes=TAGS, n_labels=2, length=50, random_state=3
    )
    features = pd.DataFrame(counts.astype(int), columns=[f"word_{i:02d}" for i in range(WORDS)])
    labels = pd.DataFrame(tags, columns=[f"tag_{i}" for i in range(TAGS)])
    prepare_offline(competition, public, private, labels, features=features)
