"""SETI Breakthrough Listen: MLE-bench's split of Kaggle's labelled cadence snippets.

Kaggle never released its test labels, so MLE-bench holds out 10% of train_labels.csv
(train_test_split, random_state=0, over the file's rows in order) and moves the held-out
snippets from train/ to test/, each under its first character's subfolder as Kaggle stores
them. Kaggle's own test/ snippets and sample submission are dropped; old_leaky_data/, the
pre-relaunch data (labels of its test set included), is shipped whole, as MLE-bench ships it.
Every .npy file (about 840 kB each, some 146,000 of them with the old data) is hard-linked.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import constant_submission, write_csv
from pytest_mlebench.data.prepare.images import RawImages, place_split
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
OLD = "old_leaky_data"


def snippets(ids: pd.Series) -> list[str]:
    """Each snippet's path under train/ (or test/) without its suffix: ``<first char>/<id>``."""
    return [f"{i[0]}/{i}" for i in ids]


def prepare(raw: Path, public: Path, private: Path) -> None:
    labels = pd.read_csv(raw / "train_labels.csv", dtype=str, keep_default_na=False)
    train, test = train_test_split(labels, test_size=TEST_SIZE, random_state=SEED)
    place_split(raw, "train", "linking cadence snippets", ".npy",
                [(snippets(train["id"]), public / "train"), (snippets(test["id"]), public / "test")])
    with RawImages(raw, OLD) as old:
        old.place({key: public / OLD / key for key in old.keys}, f"linking {OLD}")
    write_csv(train, public / "train_labels.csv")
    write_csv(constant_submission(test["id"], ["target"], 0.5), public / "sample_submission.csv")
    write_csv(test, private / ANSWERS)
