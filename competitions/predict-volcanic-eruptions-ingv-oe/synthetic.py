"""INGV Volcanic Eruption Prediction: Kaggle's train.csv (segment ids and times to eruption), its
sample submission, and one CSV of ten sensors' readings per segment in train/ and test/, with
empty cells where a reading is missing and whole sensors missing in some segments."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, write_folder

SENSORS = [f"sensor_{i}" for i in range(1, 11)]
#: Readings per segment (Kaggle's have 60,001: ten minutes at 100 Hz).
READINGS = 12


def _segment(rng: np.random.Generator) -> bytes:
    """Readings as whole numbers (normalized to int16's range), blank where missing."""
    values = pd.DataFrame(rng.integers(-2000, 2000, (READINGS, len(SENSORS))), columns=SENSORS)
    values = values.astype("Int64").mask(rng.random(values.shape) < 0.05)
    silent = rng.random(len(SENSORS)) < 0.15  # a sensor that recorded nothing in this segment
    values.loc[:, silent] = pd.NA
    return csv_bytes(values)


def build(raw: Path, rng: np.random.Generator) -> None:
    # Drawn without materializing the range: an integer population is sampled by its size.
    ids = 500_000 + rng.choice(2_146_500_000, 100, replace=False)
    train_ids, test_ids = ids[:80], ids[80:]
    times = rng.integers(6_000, 49_100_000, len(train_ids))
    (raw / "train.csv").write_bytes(csv_bytes(pd.DataFrame(
        {"segment_id": train_ids, "time_to_eruption": times})))
    (raw / "sample_submission.csv").write_bytes(csv_bytes(pd.DataFrame(
        {"segment_id": test_ids, "time_to_eruption": 0})))
    write_folder(raw / "train", {f"{i}.csv": _segment(rng) for i in train_ids})
    write_folder(raw / "test", {f"{i}.csv": _segment(rng) for i in test_ids})
