"""Playground Series S3E18 (enzyme substrates): MLE-bench's 90/10 split of Kaggle's train.csv.

Kaggle's test labels were never released, so MLE-bench holds out 10% of train.csv with
train_test_split(test_size=0.1, random_state=0). The public test.csv drops all six targets
EC1 to EC6, though only EC1 and EC2 are graded; the training rows keep all six. Rows and
their order are MLE-bench's; cells keep Kaggle's text.
"""

from __future__ import annotations

from pathlib import Path

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.prepare.tabular import read_text_csv, split_table, write_csv, write_test_files

TEST_SIZE = 0.1
SEED = 0
#: Targets in train.csv that are not graded (and so are dropped from the test rows too).
UNGRADED = ["EC3", "EC4", "EC5", "EC6"]
#: MLE-bench's sample submission: 0.5 for both graded targets.
SAMPLE = {"EC1": "0.5", "EC2": "0.5"}


def prepare(raw: Path, public: Path, private: Path, *, competition: Competition) -> None:
    train, test = split_table(read_text_csv(raw / "train.csv"), TEST_SIZE, SEED)
    write_csv(train, public / "train.csv")
    write_test_files(test.drop_columns(UNGRADED), public, private, competition, SAMPLE)
