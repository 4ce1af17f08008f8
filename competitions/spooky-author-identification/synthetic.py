"""Spooky Author Identification: Kaggle's train.zip and test.zip, one CSV each, ids like id00042."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import text, zip_csv


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = [f"id{x:05d}" for x in rng.choice(10**5, size=400, replace=False)]
    train = pd.DataFrame({"id": ids[:300], "text": [text(rng, 10) for _ in range(300)],
                          "author": rng.choice(["EAP", "HPL", "MWS"], size=300)})
    zip_csv(raw / "train.zip", train, "train.csv")
    test = pd.DataFrame({"id": ids[300:], "text": [text(rng) for _ in range(100)]})
    zip_csv(raw / "test.zip", test, "test.csv")
