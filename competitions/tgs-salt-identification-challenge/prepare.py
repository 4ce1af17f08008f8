"""TGS Salt: MLE-bench's split of Kaggle's 4,000 labelled 101x101 seismic images.

Kaggle's test masks were never released, so, as in MLE-bench, a quarter of the labelled
images (``train_test_split(test_size=0.25, random_state=0)`` over
``competition_data/train.csv`` in its order) is held out. Everything comes from
``competition_data.zip`` (or its unpacked folder) except depths.csv, read beside it.
Kaggle's unlabelled test images are dropped.

Public: train.csv (id, rle_mask; sorted by id), train/images and train/masks of the
training ids, test/images of the held-out ids, depths.csv restricted to the training ids
(sorted by id: the held-out images' depths are dropped, as MLE-bench drops them), and a
sample submission predicting ``1 1`` (the top-left pixel) for every held-out id. The
answers are the held-out rows of train.csv, sorted by id.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.25
SEED = 0
SAMPLE_MASK = "1 1"


def split(labelled: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """MLE-bench's (train, test) rows, each sorted by id."""
    train, test = train_test_split(labelled, test_size=TEST_SIZE, random_state=SEED)
    return train.sort_values("id"), test.sort_values("id")


def prepare(raw: Path, public: Path, private: Path) -> None:
    with RawImages(raw, "competition_data") as files:
        with files.open_file("train.csv") as fh:
            labelled = pd.read_csv(fh, dtype=str, keep_default_na=False)
        train, test = split(labelled)
        destinations = {f"train/{kind}/{image}.png": public / "train" / kind / f"{image}.png"
                        for image in train["id"] for kind in ("images", "masks")}
        destinations.update({f"train/images/{image}.png": public / "test" / "images" / f"{image}.png"
                             for image in test["id"]})
        files.place(destinations, "linking salt images")

    write_csv(train, public / "train.csv")
    write_csv(test[["id"]].assign(rle_mask=SAMPLE_MASK), public / "sample_submission.csv")
    depths = pd.read_csv(raw / "depths.csv", dtype=str, keep_default_na=False)
    write_csv(depths[depths["id"].isin(set(train["id"]))].sort_values("id"), public / "depths.csv")
    write_csv(test, private / ANSWERS)
