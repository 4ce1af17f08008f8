"""Plant Pathology 2020: Kaggle's train.csv (one-hot over four labels), test.csv and sample, and
images/ of Train_N.jpg and Test_N.jpg."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.synthetic import photo, write_file

LABELS = ["healthy", "multiple_diseases", "rust", "scab"]


def build(raw: Path, rng: np.random.Generator) -> None:
    n = 100
    classes = rng.integers(0, 4, n)
    _, test = train_test_split(np.arange(n), test_size=0.1, random_state=0)
    classes[test] = np.arange(len(test)) % 4  # every class among the test rows, so each AUC is defined
    train = pd.DataFrame({"image_id": [f"Train_{i}" for i in range(n)]})
    for c, name in enumerate(LABELS):
        train[name] = (classes == c).astype(int)
    train.to_csv(raw / "train.csv", index=False)
    pd.DataFrame({"image_id": [f"Test_{i}" for i in range(8)]}).to_csv(raw / "test.csv", index=False)
    pd.DataFrame({"image_id": [f"Test_{i}" for i in range(8)], **dict.fromkeys(LABELS, 0.25)}).to_csv(
        raw / "sample_submission.csv", index=False)
    for name in [*train["image_id"], *(f"Test_{i}" for i in range(8))]:
        write_file(raw / "images" / f"{name}.jpg", photo(rng))
