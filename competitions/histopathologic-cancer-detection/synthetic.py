"""Histopathologic Cancer Detection: Kaggle's train_labels.csv and sample, and the TIFF folders
train/ and test/, ids of 40 hex digits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import hex_ids, photo, write_folder


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = hex_ids(rng, 90, 40)
    labels = pd.DataFrame({"id": ids[:65], "label": rng.integers(0, 2, 65)})
    labels.to_csv(raw / "train_labels.csv", index=False)
    pd.DataFrame({"id": ids[65:], "label": 0}).to_csv(raw / "sample_submission.csv", index=False)
    write_folder(raw / "train", {f"{i}.tif": photo(rng, "TIFF", (8, 8)) for i in ids[:65]})
    write_folder(raw / "test", {f"{i}.tif": photo(rng, "TIFF", (8, 8)) for i in ids[65:]})
