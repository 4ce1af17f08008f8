"""Tabular Playground Series - Dec 2021: MLE-bench's split of Kaggle's 4-million-row train.csv.

Kaggle's test labels were never released, so MLE-bench holds out 10% of train.csv
with train_test_split(random_state=0). The rows are routed while streaming the file,
which keeps memory at a few blocks instead of the whole table.
"""

from __future__ import annotations

from pathlib import Path

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.prepare.tabular import DEFAULT_BLOCK_SIZE, stream_split_csv, write_test_files

TEST_SIZE = 0.1
SEED = 0
#: MLE-bench's sample submission predicts cover type 2 (the most common) everywhere.
SAMPLE = {"Cover_Type": "2"}


def prepare(raw: Path, public: Path, private: Path, block_size: int = DEFAULT_BLOCK_SIZE, *,
            competition: Competition) -> None:
    """``block_size``: bytes of CSV parsed at a time, which bounds memory."""
    test = stream_split_csv(raw / "train.csv", public / "train.csv", TEST_SIZE, SEED, block_size)
    write_test_files(test, public, private, competition, SAMPLE)
