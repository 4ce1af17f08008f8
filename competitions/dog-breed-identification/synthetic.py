"""Dog Breed Identification: Kaggle's labels.csv and sample (one column per breed), and the JPEG
folders train/ and test/, ids of 32 hex digits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.synthetic import hex_ids, photo, write_folder


def build(raw: Path, rng: np.random.Generator) -> None:
    breeds = list(Competition.from_folder(Path(__file__).parent).target_columns)
    ids = hex_ids(rng, 80, 32)
    pd.DataFrame({"id": ids[:60], "breed": rng.choice(breeds, 60)}).to_csv(raw / "labels.csv", index=False)
    pd.DataFrame({"id": ids[60:], **dict.fromkeys(breeds, 1 / 120)}).to_csv(
        raw / "sample_submission.csv", index=False)
    write_folder(raw / "train", {f"{i}.jpg": photo(rng, shape=(8, 8)) for i in ids[:60]})
    write_folder(raw / "test", {f"{i}.jpg": photo(rng, shape=(8, 8)) for i in ids[60:]})
