"""Hotel-ID 2021: Kaggle's train.csv (image, chain, hotel_id, timestamp), train_images/<chain>/<image>
JPEGs (16-hex-digit names), a few unlabelled test_images/ and a sample (image, hotel_id)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import hex_ids, photo, write_folder


def build(raw: Path, rng: np.random.Generator) -> None:
    names = [f"{i}.jpg" for i in hex_ids(rng, 203, 16)]
    names[7] = "ce27d36c9147cc19.jpg"  # Kaggle lists this one twice
    hotels = rng.choice([36363, 53586, 18807, 64314, 60181, 1000, 2222, 777], 200)
    chains = hotels % 5
    train = pd.DataFrame({"image": [*names[:200], names[7]], "chain": [*chains, chains[7]],
                          "hotel_id": [*hotels, hotels[7]],
                          "timestamp": pd.Timestamp("2018-01-01") + pd.to_timedelta(
                              rng.integers(0, 10**7, 201), unit="s")})
    train["timestamp"] = train["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S")
    train.to_csv(raw / "train.csv", index=False)
    for chain in sorted(set(chains)):
        write_folder(raw / "train_images" / str(chain),
                     {n: photo(rng, shape=(8, 8))
                      for n, c in zip(names[:200], chains, strict=True) if c == chain})
    write_folder(raw / "test_images", {n: photo(rng, shape=(8, 8)) for n in names[200:]})
    pd.DataFrame({"image": names[200:], "hotel_id": "36363 53586 18807 64314 60181"}).to_csv(
        raw / "sample_submission.csv", index=False)
