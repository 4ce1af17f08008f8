"""Aerial Cactus Identification: MLE-bench's split of Kaggle's labelled photos.

Kaggle never released its test labels, so MLE-bench holds out 19% of train.csv
(train_test_split, random_state=0, over the file's rows in order), close to the share
of Kaggle's own test set (4,000 of 21,500 images), and moves the held-out photos from
train.zip to test.zip. As in MLE-bench, both archives hold the photos at their top
level, under their own names.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.audio import zip_clips
from pytest_mlebench.data.prepare.files import constant_submission, write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.19
SEED = 0


def prepare(raw: Path, public: Path, private: Path) -> None:
    labels = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    train, test = train_test_split(labels, test_size=TEST_SIZE, random_state=SEED)

    with RawImages(raw, "train") as photos:
        for side, ids in (("train", train["id"]), ("test", test["id"])):
            zip_clips(photos, {i: i for i in ids}, public / f"{side}.zip", "", f"packing {side} photos")

    write_csv(train, public / "train.csv")
    write_csv(constant_submission(test["id"], ["has_cactus"], 0.5), public / "sample_submission.csv")
    write_csv(test, private / ANSWERS)
