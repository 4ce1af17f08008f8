"""Tabular Playground Series May 2022: Kaggle's train.csv, test.csv and sample of manufacturing
controls, f_27 a 10-letter string as in Kaggle's file.

MLE-bench holds out a fixed 100,000 rows, so train.csv has more than that.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes


def controls(n: int, rng: np.random.Generator, first_id: int, with_target: bool) -> pd.DataFrame:
    frame = pd.DataFrame({"id": np.arange(first_id, first_id + n)})
    for i in range(31):
        if i == 27:
            letters = rng.integers(ord("A"), ord("U"), (n, 10), dtype=np.uint8)
            frame["f_27"] = letters.view("S10").ravel().astype(str)
        elif 7 <= i <= 18 or i in (29, 30):
            frame[f"f_{i:02d}"] = rng.integers(0, 12, n)
        else:
            frame[f"f_{i:02d}"] = rng.normal(size=n).round(6)
    if with_target:
        frame["target"] = (frame["f_00"] + rng.normal(size=n) > 0).astype(int)
    return frame


def build(raw: Path, rng: np.random.Generator) -> None:
    (raw / "train.csv").write_bytes(csv_bytes(controls(101_000, rng, 0, with_target=True)))
    test = controls(40, rng, 900_000, with_target=False)
    (raw / "test.csv").write_bytes(csv_bytes(test))
    (raw / "sample_submission.csv").write_bytes(csv_bytes(test[["id"]].assign(target=0.5)))
