"""Plant Pathology 2020: MLE-bench's split of Kaggle's labelled leaf photos.

Kaggle's test labels were never released, so, as in MLE-bench, 10% of train.csv is
held out (train_test_split, random_state=0, over the file's rows in order). Image
names would tell the two sides apart, so every image is renamed in its side's new
order: ``Train_<i>`` for training, ``Test_<i>`` for test, both in ``images/``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import constant_submission, write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
LABELS = ["healthy", "multiple_diseases", "rust", "scab"]


def prepare(raw: Path, public: Path, private: Path) -> None:
    labelled = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    train, test = train_test_split(labelled, test_size=TEST_SIZE, random_state=SEED)
    new_names = {
        **{old: f"Train_{i}" for i, old in enumerate(train["image_id"])},
        **{old: f"Test_{i}" for i, old in enumerate(test["image_id"])},
    }
    train = train.assign(image_id=train["image_id"].map(new_names))
    test = test.assign(image_id=test["image_id"].map(new_names))

    with RawImages(raw, "images") as images:
        images.place({f"{old}.jpg": public / "images" / f"{new}.jpg" for old, new in new_names.items()},
                     "linking leaf images")
    write_csv(train, public / "train.csv")
    write_csv(test[["image_id"]], public / "test.csv")
    write_csv(constant_submission(test["image_id"], LABELS, 0.25), public / "sample_submission.csv")
    write_csv(test[["image_id", *LABELS]], private / ANSWERS)
