"""Plant Pathology 2021: MLE-bench's 80/20 split of Kaggle's labelled apple-leaf photos.

Kaggle's test photos are hidden (a code competition with three public examples), so, as in
MLE-bench, a fifth of train.csv is held out (``train_test_split(test_size=0.2,
random_state=0)`` over the file's rows in order). The photos of both sides come from raw
train_images/ under their own names; the sample predicts ``healthy`` for every photo; the
answers are the held-out rows (image, labels). Kaggle's own test photos and sample are unused.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.prepare.images import place_split
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.2
SEED = 0
SAMPLE_LABEL = "healthy"


def prepare(raw: Path, public: Path, private: Path) -> None:
    labelled = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    train, test = train_test_split(labelled, test_size=TEST_SIZE, random_state=SEED)
    place_split(raw, "train_images", "leaf photos", "",
                [(train["image"], public / "train_images"), (test["image"], public / "test_images")])
    write_csv(train, public / "train.csv")
    write_csv(test.assign(labels=SAMPLE_LABEL), public / "sample_submission.csv")
    write_csv(test, private / ANSWERS)
