"""Dogs vs. Cats Redux: Kaggle's train.zip (``cat.0.jpg``, ``dog.0.jpg``...), test.zip of
numbered JPEGs, and the sample submission."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import photo, write_zip


def build(raw: Path, rng: np.random.Generator) -> None:
    # Labels drawn at random, numbered per animal, as Kaggle's 12,500 of each.
    animals = rng.choice(["cat", "dog"], 70)
    names = [f"{a}.{int((animals[:k] == a).sum())}.jpg" for k, a in enumerate(animals)]
    write_zip(raw / "train.zip", {f"train/{n}": photo(rng, shape=(8, 8)) for n in names})
    write_zip(raw / "test.zip", {f"test/{i}.jpg": photo(rng, shape=(8, 8)) for i in range(1, 21)})
    pd.DataFrame({"id": range(1, 21), "label": 0.5}).to_csv(raw / "sample_submission.csv", index=False)
