"""Google Brain - Ventilator Pressure Prediction: Kaggle's train.csv, test.csv and sample_submission.csv.

As in Kaggle's files: 80 time steps a breath, breath ids ascending with gaps (train and test
breaths disjoint), ids counting rows from 1 in each file, R in {5, 20, 50}, C in {10, 20, 50},
an inspiratory phase (u_out 0) of about 30 steps, pressures on Kaggle's grid of 0.0703 cmH2O,
and floats written with all their digits (some exactly 0, some tiny enough that 10
significant digits print them with an exponent).

MLE-bench holds out 10% of the training breaths, so train.csv has 50 breaths (5 held out).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes

STEPS = 80
TRAIN_BREATHS, TEST_BREATHS = 50, 12
#: Kaggle's pressures are an integer count of this step above this floor.
PRESSURE_FLOOR, PRESSURE_STEP = -1.895744294564641, 0.07030214545121005


def breaths(ids: np.ndarray, rng: np.random.Generator, with_pressure: bool) -> pd.DataFrame:
    """One row per time step of each breath, in breath order."""
    n = len(ids) * STEPS
    steps = np.tile(np.arange(STEPS), len(ids))
    inhaling = steps < np.repeat(rng.integers(28, 34, len(ids)), STEPS)
    time_step = np.cumsum(rng.normal(0.0336, 0.0004, n).reshape(len(ids), STEPS), axis=1)
    time_step[:, 0] = 0.0
    u_in = np.where(inhaling, rng.uniform(0, 100, n), rng.uniform(0, 5, n))
    u_in[rng.random(n) < 0.05] = 0.0
    tiny = rng.random(n) < 0.02
    u_in[tiny] = rng.uniform(1e-6, 1e-4, int(tiny.sum()))
    frame = pd.DataFrame({
        "id": np.arange(1, n + 1),
        "breath_id": np.repeat(ids, STEPS),
        "R": np.repeat(rng.choice([5, 20, 50], len(ids)), STEPS),
        "C": np.repeat(rng.choice([10, 20, 50], len(ids)), STEPS),
        "time_step": time_step.ravel(),
        "u_in": u_in,
        "u_out": (~inhaling).astype(int),
    })
    if with_pressure:
        frame["pressure"] = PRESSURE_FLOOR + PRESSURE_STEP * rng.integers(0, 950, n)
    return frame


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = rng.permutation(np.arange(1, 2 * (TRAIN_BREATHS + TEST_BREATHS)))
    train_ids = np.sort(ids[:TRAIN_BREATHS])
    test_ids = np.sort(ids[TRAIN_BREATHS:TRAIN_BREATHS + TEST_BREATHS])
    (raw / "train.csv").write_bytes(csv_bytes(breaths(train_ids, rng, with_pressure=True)))
    test = breaths(test_ids, rng, with_pressure=False)
    (raw / "test.csv").write_bytes(csv_bytes(test))
    (raw / "sample_submission.csv").write_bytes(csv_bytes(test[["id"]].assign(pressure=0)))
