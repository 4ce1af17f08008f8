"""Aerial Cactus Identification: Kaggle's train.csv and sample, and train.zip and test.zip of
small JPEGs named by 32 hex digits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import hex_ids, photo, write_zip


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = [f"{h}.jpg" for h in hex_ids(rng, 90, 32)]
    labels = pd.DataFrame({"id": ids[:70], "has_cactus": rng.integers(0, 2, 70)})
    labels.to_csv(raw / "train.csv", index=False)
    write_zip(raw / "train.zip", {f"train/{i}": photo(rng, shape=(8, 8)) for i in ids[:70]})
    write_zip(raw / "test.zip", {f"test/{i}": photo(rng, shape=(8, 8)) for i in ids[70:]})
    pd.DataFrame({"id": ids[70:], "has_cactus": 0.5}).to_csv(raw / "sample_submission.csv", index=False)
