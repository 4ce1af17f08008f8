"""Histopathologic Cancer Detection: MLE-bench's split of Kaggle's labelled tissue patches.

Kaggle's test labels were never released, so MLE-bench holds out of train_labels.csv
the share Kaggle's own test set had of all patches (57,458 of 277,483): the ratio is
counted from the .tif files of Kaggle's test/, and train_test_split (random_state=0)
draws from the id column in file order. Both sides keep the file's row order. The
held-out patches move from train/ to test/.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import constant_submission, write_csv
from pytest_mlebench.data.prepare.images import RawImages, place_split
from pytest_mlebench.data.store import ANSWERS

SEED = 0


def prepare(raw: Path, public: Path, private: Path) -> None:
    labels = pd.read_csv(raw / "train_labels.csv", dtype=str, keep_default_na=False)
    with RawImages(raw, "test") as kaggle_test:
        n_kaggle_test = sum(1 for key in kaggle_test.keys if "/" not in key and key.endswith(".tif"))
    test_ratio = n_kaggle_test / (len(labels) + n_kaggle_test)
    _train_ids, test_ids = train_test_split(labels["id"], test_size=test_ratio, random_state=SEED)
    held_out = labels["id"].isin(test_ids)
    train, test = labels[~held_out], labels[held_out]

    train_dir, test_dir = public / "train", public / "test"
    place_split(raw, "train", "tissue patches", ".tif", [(train["id"], train_dir), (test["id"], test_dir)])

    write_csv(train, public / "train_labels.csv")
    write_csv(constant_submission(test["id"], ["label"], 0), public / "sample_submission.csv")
    write_csv(test, private / ANSWERS)
