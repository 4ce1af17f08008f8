"""APTOS 2019 Blindness Detection: MLE-bench's split of Kaggle's graded retina photos.

Kaggle kept its test grades, so MLE-bench holds out 10% of train.csv
(train_test_split, random_state=0, over the file's rows in order); the held-out
photos move from train_images/ to test_images/.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import constant_submission, write_csv
from pytest_mlebench.data.prepare.images import place_split
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0


def prepare(raw: Path, public: Path, private: Path) -> None:
    grades = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    train, test = train_test_split(grades, test_size=TEST_SIZE, random_state=SEED)

    train_dir, test_dir = public / "train_images", public / "test_images"
    place_split(raw, "train_images", "retina photos", ".png",
                [(train["id_code"], train_dir), (test["id_code"], test_dir)])

    write_csv(train, public / "train.csv")
    write_csv(test.drop(columns="diagnosis"), public / "test.csv")
    write_csv(constant_submission(test["id_code"], ["diagnosis"], 0), public / "sample_submission.csv")
    write_csv(test[["id_code", "diagnosis"]], private / ANSWERS)
