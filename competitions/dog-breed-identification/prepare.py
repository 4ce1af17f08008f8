"""Dog Breed Identification: MLE-bench's split of Kaggle's labelled dog photos.

Kaggle kept its test labels, so MLE-bench holds out 10% of labels.csv
(train_test_split, random_state=0, over the file's rows in order); the held-out
photos move from train/ to test/. The truth is one-hot over the breeds, in the
column order of Kaggle's sample submission, the shape of a submission.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import constant_submission, one_hot, write_csv
from pytest_mlebench.data.prepare.images import place_split
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0


def prepare(raw: Path, public: Path, private: Path) -> None:
    labels = pd.read_csv(raw / "labels.csv", dtype=str, keep_default_na=False)
    breeds = list(pd.read_csv(raw / "sample_submission.csv", nrows=0).columns.drop("id"))
    train, test = train_test_split(labels, test_size=TEST_SIZE, random_state=SEED)
    answers = one_hot(test["id"], test["breed"], breeds)  # first: an unknown breed stops here

    train_dir, test_dir = public / "train", public / "test"
    place_split(raw, "train", "dog photos", ".jpg", [(train["id"], train_dir), (test["id"], test_dir)])

    write_csv(train, public / "labels.csv")
    write_csv(constant_submission(test["id"], breeds, 1 / len(breeds)), public / "sample_submission.csv")
    write_csv(answers, private / ANSWERS)
