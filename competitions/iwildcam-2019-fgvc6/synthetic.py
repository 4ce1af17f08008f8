"""iWildCam 2019: Kaggle's train.csv (camera-trap image metadata with category_id and the
camera's location number), test.csv (the same without category_id), sample_submission.csv
(Id, Category) and the JPEGs, train_images.zip and test_images.zip, at their top level. Ids are
UUIDs; the 14 class numbers present in the training set run from 0 (empty) to 22."""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import photo, write_zip

#: The class numbers that occur in Kaggle's training set.
CLASSES = [0, 1, 3, 4, 5, 8, 10, 11, 13, 14, 16, 17, 18, 19, 22]


def _images(rng: np.random.Generator, n: int, locations: np.ndarray) -> pd.DataFrame:
    ids = [str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(n)]
    months, days, hours = rng.integers(1, 13, n), rng.integers(1, 29, n), rng.integers(0, 10, n)
    return pd.DataFrame({
        "date_captured": [f"2012-{m:02d}-{d:02d} 0{h}:1{h}:00"
                          for m, d, h in zip(months, days, hours, strict=True)],
        "file_name": [f"{i}.jpg" for i in ids],
        "frame_num": rng.integers(1, 4, n),
        "id": ids,
        "location": rng.choice(locations, n),
        "rights_holder": rng.choice(["Justin Brown", "Erin Boydston", ""], n),
        "seq_id": [str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(n)],
        "seq_num_frames": 3,
        "width": 2048,
        "height": 1536,
    })


def build(raw: Path, rng: np.random.Generator) -> None:
    train = _images(rng, 240, np.arange(40))
    train.insert(0, "category_id", rng.choice(CLASSES, len(train)))
    test = _images(rng, 40, np.arange(40, 50))
    train.to_csv(raw / "train.csv", index=False)
    test.to_csv(raw / "test.csv", index=False)
    pd.DataFrame({"Id": test["id"], "Category": 0}).to_csv(raw / "sample_submission.csv", index=False)
    for name, frame in (("train_images", train), ("test_images", test)):
        write_zip(raw / f"{name}.zip", {f"{i}.jpg": photo(rng, shape=(6, 8)) for i in frame["id"]})
