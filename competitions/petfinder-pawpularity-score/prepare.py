"""PetFinder Pawpularity: MLE-bench's 90/10 split of Kaggle's scored pet photos.

Kaggle's test set (its photos hidden behind a code competition) has no public scores, so, as
in MLE-bench, a tenth of train.csv is held out (``train_test_split(test_size=0.1,
random_state=0)`` over the file's rows in order). Both sides' photos come from raw train/ and
keep their names; the public test.csv is the held-out rows without Pawpularity; the answers
keep every column. The sample predicts a random score in [1, 100] with two decimals per row,
drawn as MLE-bench draws it (``np.random.default_rng(0).uniform(1, 100)``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.prepare.images import place_split
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
TARGET = "Pawpularity"


def sample_scores(n: int) -> np.ndarray:
    """MLE-bench's sample predictions: uniform in [1, 100], rounded to hundredths."""
    return np.random.default_rng(SEED).uniform(1, 100, n).round(2)


def prepare(raw: Path, public: Path, private: Path) -> None:
    scored = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    train, test = train_test_split(scored, test_size=TEST_SIZE, random_state=SEED)
    place_split(raw, "train", "pet photos", ".jpg",
                [(train["Id"], public / "train"), (test["Id"], public / "test")])
    write_csv(train, public / "train.csv")
    write_csv(test.drop(columns=TARGET), public / "test.csv")
    write_csv(test[["Id"]].assign(**{TARGET: sample_scores(len(test))}), public / "sample_submission.csv")
    write_csv(test, private / ANSWERS)
