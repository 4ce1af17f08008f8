"""Humpback Whale Identification (playground): Kaggle's train.csv (Image, Id: "w_" and 7 hex digits,
or new_whale), the JPEG folders train/ and test/ (8-hex-digit names) and a sample (Image, Id)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import hex_ids, photo, write_folder


def build(raw: Path, rng: np.random.Generator) -> None:
    names = [f"{i}.jpg" for i in hex_ids(rng, 210, 8)]
    whales = ["new_whale", "w_1287fbc", "w_98baff9", *(f"w_{i}" for i in hex_ids(rng, 60, 7))]
    ids = rng.choice(whales, 200, p=np.r_[0.2, 0.1, 0.1, np.full(60, 0.6 / 60)])
    pd.DataFrame({"Image": names[:200], "Id": ids}).to_csv(raw / "train.csv", index=False)
    write_folder(raw / "train", {n: photo(rng, shape=(8, 8)) for n in names[:200]})
    write_folder(raw / "test", {n: photo(rng, shape=(8, 8)) for n in names[200:]})
    pd.DataFrame({"Image": names[200:], "Id": "new_whale w_1287fbc w_98baff9 w_7554f44 w_1eafe46"}).to_csv(
        raw / "sample_submission.csv", index=False)
