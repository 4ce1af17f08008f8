"""Spooky Author Identification: MLE-bench's split of Kaggle's labelled excerpts.

Kaggle's test labels were never released, so MLE-bench holds out 10% of train.csv
(train_test_split, random_state=0, over the file's rows in order). The truth is
one-hot per author, the shape of a submission's probabilities.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
AUTHORS = ["EAP", "HPL", "MWS"]
#: The constant probabilities of Kaggle's own sample submission.
SAMPLE_PROBABILITIES = {"EAP": 0.403493538995863, "HPL": 0.287808366106543, "MWS": 0.308698094897594}


def prepare(raw: Path, public: Path, private: Path) -> None:
    excerpts = pd.read_csv(raw / "train.zip", dtype=str, keep_default_na=False)
    unknown = set(excerpts["author"]) - set(AUTHORS)
    if unknown:
        raise ValueError(f"train.csv names authors outside {AUTHORS}: {sorted(unknown)}")
    train, test = train_test_split(excerpts, test_size=TEST_SIZE, random_state=SEED)

    write_csv(train, public / "train.csv")
    write_csv(test[["id", "text"]], public / "test.csv")
    write_csv(test[["id"]].assign(**SAMPLE_PROBABILITIES), public / "sample_submission.csv")
    one_hot = pd.DataFrame({author: (test["author"] == author).astype(int) for author in AUTHORS})
    write_csv(pd.concat([test[["id"]], one_hot], axis=1), private / ANSWERS)
