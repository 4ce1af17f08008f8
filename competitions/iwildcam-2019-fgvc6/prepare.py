"""iWildCam 2019: MLE-bench's split of Kaggle's labelled camera-trap images by camera location.

Kaggle kept its test labels, so MLE-bench holds out 10% of train.csv's locations (their
order of first appearance, train_test_split with random_state=8) and every image taken there:
no camera is seen on both sides. The held-out images move from train_images.zip to
test_images.zip, both holding the photos at their top level. As MLE-bench writes it, the
sample submission keeps the held-out rows' positions in train.csv as a first, unnamed column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.audio import zip_clips
from pytest_mlebench.data.prepare.files import write_csv, write_once
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 8


def prepare(raw: Path, public: Path, private: Path) -> None:
    images = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    locations = pd.unique(images["location"].to_numpy())  # in order of first appearance
    _, test_locations = train_test_split(locations, test_size=TEST_SIZE, random_state=SEED)
    held_out = images["location"].isin(test_locations)
    train, test = images[~held_out], images[held_out]

    with RawImages(raw, "train_images") as photos:
        for side, ids in (("train", train["id"]), ("test", test["id"])):
            zip_clips(photos, {f"{i}.jpg": f"{i}.jpg" for i in ids}, public / f"{side}_images.zip", "",
                      f"packing {side} photos")

    write_csv(train, public / "train.csv")
    write_csv(test.drop(columns="category_id"), public / "test.csv")
    sample = pd.DataFrame({"Id": test["id"], "Category": 0})
    write_once(public / "sample_submission.csv", lambda tmp: sample.to_csv(tmp, index=True))
    write_csv(pd.DataFrame({"Id": test["id"], "Category": test["category_id"]}), private / ANSWERS)
