"""iMet Collection 2020: Kaggle's train.csv (id: 32 hex digits, attribute_ids: space-separated
attribute numbers), labels.csv (attribute_id, attribute_name), PNG folders train/ and test/, and
a sample (id, attribute_ids)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import hex_ids, photo, write_folder


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = hex_ids(rng, 210, 32)
    attributes = [" ".join(map(str, sorted(rng.choice(12, rng.integers(1, 4), replace=False))))
                  for _ in range(200)]
    pd.DataFrame({"id": ids[:200], "attribute_ids": attributes}).to_csv(raw / "train.csv", index=False)
    pd.DataFrame({"attribute_id": range(12), "attribute_name": [f"tag::t{i}" for i in range(12)]}).to_csv(
        raw / "labels.csv", index=False)
    write_folder(raw / "train", {f"{i}.png": photo(rng, "PNG", (8, 8)) for i in ids[:200]})
    write_folder(raw / "test", {f"{i}.png": photo(rng, "PNG", (8, 8)) for i in ids[200:]})
    sample = pd.DataFrame({"id": ids[200:], "attribute_ids": "0 1 2"})
    sample.to_csv(raw / "sample_submission.csv", index=False)
