"""Playground Series S3E18: Kaggle's train.csv (id, 31 molecular descriptors, the binary targets
EC1 to EC6), test.csv (id and descriptors, ids continuing after train's) and sample_submission.csv
(id, EC1, EC2 at 0.5). Descriptors are floats of about ten significant digits, three of them
counts, as in Kaggle's files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes

FEATURES = ["BertzCT", "Chi1", "Chi1n", "Chi1v", "Chi2n", "Chi2v", "Chi3v", "Chi4n", "EState_VSA1",
            "EState_VSA2", "ExactMolWt", "FpDensityMorgan1", "FpDensityMorgan2", "FpDensityMorgan3",
            "HallKierAlpha", "HeavyAtomMolWt", "Kappa3", "MaxAbsEStateIndex", "MinEStateIndex",
            "NumHeteroatoms", "PEOE_VSA10", "PEOE_VSA14", "PEOE_VSA6", "PEOE_VSA7", "PEOE_VSA8",
            "SMR_VSA10", "SMR_VSA5", "SlogP_VSA3", "VSA_EState9", "fr_COO", "fr_COO2"]
COUNTS = {"NumHeteroatoms", "fr_COO", "fr_COO2"}
TARGETS = [f"EC{i}" for i in range(1, 7)]


def molecules(first_id: int, n: int, rng: np.random.Generator, with_targets: bool) -> pd.DataFrame:
    frame = pd.DataFrame({"id": np.arange(first_id, first_id + n)})
    for name in FEATURES:
        if name in COUNTS:
            frame[name] = rng.integers(0, 12, n)
        else:
            # Whole values sometimes ("1.0", as Kaggle's floats are written), else 7 decimals.
            values = rng.gamma(2.0, 20.0, n) * rng.choice([-1, 1], n, p=[0.1, 0.9])
            frame[name] = np.where(rng.random(n) < 0.05, values.round(), values.round(7))
    if with_targets:
        signal = frame["BertzCT"] / 40 + rng.normal(size=n)
        for i, name in enumerate(TARGETS):
            frame[name] = (signal + rng.normal(size=n) * (1 + i) > 1).astype(int)
    return frame


def build(raw: Path, rng: np.random.Generator) -> None:
    (raw / "train.csv").write_bytes(csv_bytes(molecules(0, 400, rng, with_targets=True)))
    test = molecules(400, 80, rng, with_targets=False)
    (raw / "test.csv").write_bytes(csv_bytes(test))
    (raw / "sample_submission.csv").write_bytes(csv_bytes(test[["id"]].assign(EC1=0.5, EC2=0.5)))
