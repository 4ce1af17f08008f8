"""Humpback Whale Identification (playground): MLE-bench's split of Kaggle's labelled flukes.

Kaggle kept its test labels, so MLE-bench splits train.csv itself: for every whale (in order of
first appearance) with two or more photos, two of them (``DataFrame.sample(2, random_state=0)``)
go one to train and one to test; a whale's only photo goes to test with probability 0.1 (one
``numpy.random.default_rng(0)`` shared over the whales); the photos left are split 90/10 by
train_test_split(random_state=0). A whale seen only in test is relabelled ``new_whale``.
The photos are linked from raw train/ into train/ and test/; Kaggle's unlabelled test/ is not shipped.
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
NEW_WHALE = "new_whale"
#: MLE-bench's sample makes these five guesses for every photo.
SAMPLE_GUESS = "new_whale w_1287fbc w_98baff9 w_7554f44 w_1eafe46"


def _sides(labels: pd.DataFrame) -> pd.Series:
    """"train" or "test" for each row, drawn in MLE-bench's order so its seeds give the same split."""
    side = pd.Series("undecided", index=labels.index)
    rng = np.random.default_rng(SEED)
    for _whale, photos in labels.groupby("Id", sort=False):
        if len(photos) >= 2:
            first, second = photos.sample(2, random_state=SEED).index[:2]
            side[first], side[second] = "train", "test"
        else:
            side[photos.index[0]] = rng.choice(["train", "test"], replace=False, p=[1 - TEST_SIZE, TEST_SIZE])
    rest = labels[side == "undecided"]
    train, test = train_test_split(rest, test_size=TEST_SIZE, random_state=SEED)
    side[train.index], side[test.index] = "train", "test"
    return side


def prepare(raw: Path, public: Path, private: Path) -> None:
    labels = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    side = _sides(labels)
    train, answers = labels[side == "train"], labels[side == "test"].copy()
    answers.loc[~answers["Id"].isin(set(train["Id"])), "Id"] = NEW_WHALE

    place_split(raw, "train", "whale flukes", "",
                [(train["Image"], public / "train"), (answers["Image"], public / "test")])
    write_csv(train, public / "train.csv")
    write_csv(answers.assign(Id=SAMPLE_GUESS), public / "sample_submission.csv")
    write_csv(answers, private / ANSWERS)
