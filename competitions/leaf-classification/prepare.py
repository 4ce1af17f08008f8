"""Leaf Classification: MLE-bench's split of Kaggle's labelled leaves.

Kaggle kept its test labels, so MLE-bench holds out 10% of train.csv
(train_test_split, random_state=0, over the file's rows in order). images.zip holds
a picture of every leaf, Kaggle's unlabelled test leaves included; only the pictures
of the split's leaves, train and test, go to images/. The truth is one-hot over the
species, in the column order of Kaggle's sample submission. Feature values are kept
as Kaggle wrote them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import constant_submission, one_hot, write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0


def prepare(raw: Path, public: Path, private: Path) -> None:
    leaves = pd.read_csv(raw / "train.csv.zip", dtype=str, keep_default_na=False)
    species = list(pd.read_csv(raw / "sample_submission.csv.zip", nrows=0).columns.drop("id"))
    train, test = train_test_split(leaves, test_size=TEST_SIZE, random_state=SEED)
    answers = one_hot(test["id"], test["species"], species)  # first: an unknown species stops here

    with RawImages(raw, "images") as pictures:
        folder = public / "images"
        pictures.place({f"{i}.jpg": folder / f"{i}.jpg" for i in leaves["id"]}, "leaf pictures")

    write_csv(train, public / "train.csv")
    write_csv(test.drop(columns="species"), public / "test.csv")
    write_csv(constant_submission(test["id"], species, 1 / len(species)), public / "sample_submission.csv")
    write_csv(answers, private / ANSWERS)
