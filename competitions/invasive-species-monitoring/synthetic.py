"""Invasive Species Monitoring: Kaggle's train_labels.csv.zip (``name``, the photo's number
from 1, and ``invasive``, 0 or 1), sample_submission.csv.zip (name, invasive), and
train.7z and test.7z of ``train/<name>.jpg`` and ``test/<name>.jpg``, small JPEGs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import py7zr

from pytest_mlebench.data.synthetic import photo, zip_csv


def write_7z(path: Path, members: dict[str, bytes]) -> None:
    with py7zr.SevenZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(data, name)


def build(raw: Path, rng: np.random.Generator) -> None:
    n_train, n_test = 100, 20
    zip_csv(raw / "train_labels.csv.zip",
            pd.DataFrame({"name": np.arange(1, n_train + 1), "invasive": rng.integers(0, 2, n_train)}))
    zip_csv(raw / "sample_submission.csv.zip",
            pd.DataFrame({"name": np.arange(1, n_test + 1), "invasive": 0.5}))
    write_7z(raw / "train.7z", {f"train/{i}.jpg": photo(rng) for i in range(1, n_train + 1)})
    write_7z(raw / "test.7z", {f"test/{i}.jpg": photo(rng) for i in range(1, n_test + 1)})
