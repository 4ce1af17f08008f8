"""Spaceship Titanic: MLE-bench's split of Kaggle's train.csv (its test labels were never released).

MLE-bench holds out 10% with train_test_split(random_state=0); the rows here are the
same, in the same order, and keep Kaggle's text as written.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
TARGET = "Transported"


def prepare(raw: Path, public: Path, private: Path) -> None:
    passengers = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    train, test = train_test_split(passengers, test_size=TEST_SIZE, random_state=SEED)
    write_csv(train, public / "train.csv")
    write_csv(test.drop(columns=[TARGET]), public / "test.csv")
    write_csv(test[["PassengerId"]].assign(**{TARGET: "False"}), public / "sample_submission.csv")
    write_csv(test[["PassengerId", TARGET]], private / ANSWERS)
