"""Leaf Classification: Kaggle's zipped train.csv, test.csv and sample (one column per species),
and images.zip of every leaf, numbered ids in shuffled order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.synthetic import photo, write_zip, zip_csv


def build(raw: Path, rng: np.random.Generator) -> None:
    species = list(Competition.from_folder(Path(__file__).parent).target_columns)
    ids = rng.permutation(np.arange(1, 101))
    features = {f"{kind}{k}": np.round(rng.random(100), 6) for kind in ("margin", "shape", "texture")
                for k in range(1, 4)}
    leaves = pd.DataFrame({"id": ids, "species": rng.choice(species, 100), **features})
    leaves.loc[3, "margin1"] = 0  # written "0" by Kaggle; kept as written
    zip_csv(raw / "train.csv.zip", leaves.iloc[:75])
    zip_csv(raw / "test.csv.zip", leaves.iloc[75:].drop(columns="species"))
    sample = pd.DataFrame({"id": ids[75:], **dict.fromkeys(species, 1 / 99)})
    zip_csv(raw / "sample_submission.csv.zip", sample)
    write_zip(raw / "images.zip", {f"images/{i}.jpg": photo(rng, shape=(8, 8)) for i in ids})
