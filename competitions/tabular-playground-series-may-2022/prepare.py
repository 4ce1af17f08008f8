"""Tabular Playground Series - May 2022: MLE-bench's split of Kaggle's 900,000 labelled rows.

Kaggle's test labels were never released, so MLE-bench holds out 100,000 rows with
train_test_split(random_state=0), then renumbers the ids in split order: train rows
0, 1, ... and the test rows on from there.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.prepare.tabular import (
    read_text_csv,
    split_table,
    with_ids,
    write_csv,
    write_test_files,
)

TEST_ROWS = 100_000
SEED = 0
SAMPLE = {"target": "0.5"}


def prepare(raw: Path, public: Path, private: Path, *,
            competition: Competition) -> None:
    train, test = split_table(read_text_csv(raw / "train.csv"), TEST_ROWS, SEED)
    n_train = train.num_rows
    write_csv(with_ids(train, "id", np.arange(n_train)), public / "train.csv")
    test = with_ids(test, "id", np.arange(n_train, n_train + test.num_rows))
    write_test_files(test, public, private, competition, SAMPLE)
