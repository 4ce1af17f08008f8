"""New York City Taxi Fare Prediction: MLE-bench's split of Kaggle's 55-million-row train.csv.

Kaggle's test fares were never released, so MLE-bench holds out 9,914 rows (the size
of Kaggle's own test set) with train_test_split(random_state=0). The 5.7 GB file is
not loaded: the same rows are selected while streaming it, a block at a time. As in
MLE-bench, the training rows are public as labels.csv, and Kaggle's
GCP-Coupons-Instructions.rtf is passed on.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.prepare.tabular import DEFAULT_BLOCK_SIZE, stream_split_csv, write_test_files

TEST_ROWS = 9914
SEED = 0
#: Kaggle's sample submission predicts the mean training fare for every ride.
SAMPLE = {"fare_amount": "11.35"}


def prepare(raw: Path, public: Path, private: Path, block_size: int = DEFAULT_BLOCK_SIZE, *,
            competition: Competition) -> None:
    """``block_size``: bytes of CSV parsed at a time, which bounds memory."""
    test = stream_split_csv(raw / "train.csv", public / "labels.csv", TEST_ROWS, SEED, block_size)
    shutil.copyfile(raw / "GCP-Coupons-Instructions.rtf", public / "GCP-Coupons-Instructions.rtf")
    write_test_files(test, public, private, competition, SAMPLE)
