"""APTOS 2019 Blindness Detection: Kaggle's train.csv, test.csv and sample, and the PNG folders
train_images/ and test_images/, ids of 12 hex digits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import hex_ids, photo, write_folder


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = hex_ids(rng, 90, 12)
    grades = pd.DataFrame({"id_code": ids[:70], "diagnosis": rng.integers(0, 5, 70)})
    grades.to_csv(raw / "train.csv", index=False)
    pd.DataFrame({"id_code": ids[70:]}).to_csv(raw / "test.csv", index=False)
    pd.DataFrame({"id_code": ids[70:], "diagnosis": 0}).to_csv(raw / "sample_submission.csv", index=False)
    write_folder(raw / "train_images", {f"{i}.png": photo(rng, "PNG", (8, 8)) for i in ids[:70]})
    write_folder(raw / "test_images", {f"{i}.png": photo(rng, "PNG", (8, 8)) for i in ids[70:]})
