"""iMet Collection 2020: MLE-bench's 85/15 split of Kaggle's labelled museum photos.

Kaggle kept its test labels, so MLE-bench holds out 15% of train.csv (train_test_split,
random_state=0, over the file's rows in order); the photos move from raw train/ into train/ and
test/, labels.csv is shipped as it is, and Kaggle's own test/ and sample are not.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import link_or_copy, write_csv
from pytest_mlebench.data.prepare.images import place_split
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.15
SEED = 0
#: MLE-bench's sample predicts these attributes for every photo.
SAMPLE_GUESS = "0 1 2"


def prepare(raw: Path, public: Path, private: Path) -> None:
    labels = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    train, test = train_test_split(labels, test_size=TEST_SIZE, random_state=SEED)
    place_split(raw, "train", "museum photos", ".png",
                [(train["id"], public / "train"), (test["id"], public / "test")])
    link_or_copy(raw / "labels.csv", public / "labels.csv")
    write_csv(train, public / "train.csv")
    write_csv(test.assign(attribute_ids=SAMPLE_GUESS), public / "sample_submission.csv")
    write_csv(test, private / ANSWERS)
