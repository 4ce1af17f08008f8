"""Paddy Doctor: MLE-bench's split of Kaggle's labelled paddy leaf photos.

Kaggle's test labels were never released, so, as in MLE-bench, a quarter of train.csv is
held out (``train_test_split(train_size=0.75, random_state=0)`` over the file's rows in
order). Training photos stay in ``train_images/<label>/``; held-out photos move, under
their own names, to ``test_images/``. The sample submission leaves every label empty, as
MLE-bench's does; the answers keep every train.csv column (MLE-bench's private/test.csv).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TRAIN_SIZE = 0.75
SEED = 0


def prepare(raw: Path, public: Path, private: Path) -> None:
    labelled = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    train, test = train_test_split(labelled, train_size=TRAIN_SIZE, random_state=SEED)

    destinations = {f"{label}/{image}": public / "train_images" / label / image
                    for image, label in zip(train["image_id"], train["label"], strict=True)}
    destinations.update({f"{label}/{image}": public / "test_images" / image
                         for image, label in zip(test["image_id"], test["label"], strict=True)})
    with RawImages(raw, "train_images") as photos:
        photos.place(destinations, "linking paddy photos")

    write_csv(train, public / "train.csv")
    write_csv(test[["image_id"]].assign(label=""), public / "sample_submission.csv")
    write_csv(test, private / ANSWERS)
