"""Hotel-ID 2021: MLE-bench's 90/10 split of Kaggle's labelled hotel-room photos.

Kaggle kept its test labels, so MLE-bench holds out 10% of train.csv (train_test_split,
random_state=0, over the file's rows in order) after dropping the one photo listed twice
(ce27d36c9147cc19.jpg, which could otherwise land on both sides). Training photos stay under
train_images/<chain>/; held-out ones go flat into test_images/. Kaggle's own test_images/ and
sample are not shipped. The answers are the held-out rows with all their columns.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
DUPLICATE = "ce27d36c9147cc19.jpg"
#: MLE-bench's sample guesses these five hotels for every photo.
SAMPLE_GUESS = "36363 53586 18807 64314 60181"


def prepare(raw: Path, public: Path, private: Path) -> None:
    labels = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    labels = labels[labels["image"] != DUPLICATE]
    train, test = train_test_split(labels, test_size=TEST_SIZE, random_state=SEED)

    pairs = zip(train["image"], train["chain"], strict=True)
    destinations = {f"{c}/{i}": public / "train_images" / c / i for i, c in pairs}
    destinations |= {f"{c}/{i}": public / "test_images" / i
                     for i, c in zip(test["image"], test["chain"], strict=True)}
    with RawImages(raw, "train_images") as files:
        files.place(destinations, "hotel photos")

    write_csv(train, public / "train.csv")
    write_csv(test[["image"]].assign(hotel_id=SAMPLE_GUESS), public / "sample_submission.csv")
    write_csv(test, private / ANSWERS)
