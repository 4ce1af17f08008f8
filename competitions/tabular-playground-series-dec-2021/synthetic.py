"""Tabular Playground Series Dec 2021: Kaggle's train.csv, test.csv and sample of forest cover
types, the rare classes as rare as in Kaggle's file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes


def forest(n: int, rng: np.random.Generator, first_id: int, with_target: bool) -> pd.DataFrame:
    frame = pd.DataFrame({"Id": np.arange(first_id, first_id + n), "Elevation": rng.integers(1800, 3900, n)})
    for name in ("Aspect", "Slope", "Horizontal_Distance_To_Hydrology", "Vertical_Distance_To_Hydrology",
                 "Horizontal_Distance_To_Roadways", "Hillshade_9am", "Hillshade_Noon", "Hillshade_3pm",
                 "Horizontal_Distance_To_Fire_Points"):
        frame[name] = rng.integers(-50, 400, n)
    for i in range(1, 5):
        frame[f"Wilderness_Area{i}"] = rng.integers(0, 2, n)
    for i in range(1, 41):
        frame[f"Soil_Type{i}"] = rng.integers(0, 2, n)
    if with_target:
        frame["Cover_Type"] = rng.choice(np.arange(1, 8), n, p=[0.36, 0.56, 0.05, 0.005, 0.005, 0.01, 0.01])
    return frame


def build(raw: Path, rng: np.random.Generator) -> None:
    (raw / "train.csv").write_bytes(csv_bytes(forest(3000, rng, 0, with_target=True)))
    test = forest(40, rng, 4_000_000, with_target=False)
    (raw / "test.csv").write_bytes(csv_bytes(test))
    (raw / "sample_submission.csv").write_bytes(csv_bytes(test[["Id"]].assign(Cover_Type=2)))
