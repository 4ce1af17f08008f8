"""Paddy Doctor: Kaggle's train.csv (image_id such as ``100330.jpg``, label, variety, age),
sample_submission.csv (image_id, label, empty), train_images/<label>/<image_id> and
test_images/<image_id>, small JPEGs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import photo, write_file

LABELS = ["bacterial_leaf_blight", "bacterial_leaf_streak", "bacterial_panicle_blight", "blast",
          "brown_spot", "dead_heart", "downy_mildew", "hispa", "normal", "tungro"]
VARIETIES = ["ADT45", "IR20", "KarnatakaPonni", "Onthanel", "Ponni", "RR", "Surya", "Zonal",
             "AndraPonni", "AtchayaPonni"]


def build(raw: Path, rng: np.random.Generator) -> None:
    numbers = rng.choice(np.arange(100000, 111000), 110, replace=False)
    train = pd.DataFrame({
        "image_id": [f"{n}.jpg" for n in numbers[:90]],
        "label": rng.choice(LABELS, 90),
        "variety": rng.choice(VARIETIES, 90),
        "age": rng.choice(np.arange(45, 83), 90),
    })
    train.to_csv(raw / "train.csv", index=False)
    tests = [f"2{n}.jpg" for n in numbers[90:]]
    pd.DataFrame({"image_id": tests, "label": ""}).to_csv(raw / "sample_submission.csv", index=False)
    for image, label in zip(train["image_id"], train["label"], strict=True):
        write_file(raw / "train_images" / label / image, photo(rng))
    for image in tests:
        write_file(raw / "test_images" / image, photo(rng))
