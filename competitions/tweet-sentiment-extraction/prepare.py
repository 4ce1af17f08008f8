"""Tweet Sentiment Extraction: MLE-bench's split of Kaggle's train.csv (its test labels were never
released).

MLE-bench holds out 10% of the tweets with train_test_split(random_state=0); the rows here are
the same, in the same order. Cells keep Kaggle's text as written (MLE-bench's pandas round
trip writes an empty cell for the one tweet Kaggle left blank and for any text pandas reads as
missing, such as "NA"); the grader reads both files as pandas does, so scores are the same.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from pytest_mlebench.data.prepare.tabular import read_text_csv, split_table, write_csv
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
TARGET = "selected_text"


def prepare(raw: Path, public: Path, private: Path) -> None:
    tweets = read_text_csv(raw / "train.csv")
    train, test = split_table(tweets, TEST_SIZE, SEED)
    write_csv(train, public / "train.csv")
    write_csv(test.drop_columns([TARGET]), public / "test.csv")
    # MLE-bench's sample predicts an empty selection for every tweet.
    sample = pa.table({"textID": test["textID"], TARGET: pa.array([""] * test.num_rows)})
    write_csv(sample, public / "sample_submission.csv")
    write_csv(test, private / ANSWERS)
