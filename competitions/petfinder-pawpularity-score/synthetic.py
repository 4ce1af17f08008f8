"""PetFinder Pawpularity: Kaggle's train.csv (Id: 32 hex digits, twelve 0/1 photo-metadata
columns, Pawpularity 1..100), test.csv (Id and the metadata), sample_submission.csv (Id,
Pawpularity) and the photos train/<Id>.jpg and test/<Id>.jpg, small JPEGs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import hex_ids, photo, write_folder

FEATURES = ["Subject Focus", "Eyes", "Face", "Near", "Action", "Accessory", "Group", "Collage",
            "Human", "Occlusion", "Info", "Blur"]


def build(raw: Path, rng: np.random.Generator) -> None:
    n_train, n_test = 90, 8
    ids = hex_ids(rng, n_train + n_test, 32)
    metadata = pd.DataFrame(rng.integers(0, 2, (n_train + n_test, len(FEATURES))), columns=FEATURES)
    metadata.insert(0, "Id", ids)
    train = metadata.iloc[:n_train].assign(Pawpularity=rng.integers(1, 101, n_train))
    train.to_csv(raw / "train.csv", index=False)
    test = metadata.iloc[n_train:]
    test.to_csv(raw / "test.csv", index=False)
    test[["Id"]].assign(Pawpularity=rng.uniform(0, 100, n_test).round(2)).to_csv(
        raw / "sample_submission.csv", index=False)
    write_folder(raw / "train", {f"{i}.jpg": photo(rng) for i in ids[:n_train]})
    write_folder(raw / "test", {f"{i}.jpg": photo(rng) for i in ids[n_train:]})
