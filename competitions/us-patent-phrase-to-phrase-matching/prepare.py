"""U.S. Patent Phrase to Phrase Matching: MLE-bench's split of Kaggle's train.csv (the scored
test set was hidden in Kaggle's notebooks and never released).

MLE-bench holds out 10% of the phrase pairs with train_test_split(random_state=0); the rows
here are the same, in the same order, with Kaggle's text and scores as written.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from pytest_mlebench.data.prepare.tabular import read_text_csv, split_table, write_csv
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0


def prepare(raw: Path, public: Path, private: Path) -> None:
    pairs = read_text_csv(raw / "train.csv")
    train, test = split_table(pairs, TEST_SIZE, SEED)
    write_csv(train, public / "train.csv")
    write_csv(test.drop_columns(["score"]), public / "test.csv")
    # MLE-bench's sample predicts 0 for every pair: constant, so it has no Pearson correlation.
    write_csv(pa.table({"id": test["id"], "score": pa.array(["0"] * test.num_rows)}),
              public / "sample_submission.csv")
    write_csv(test, private / ANSWERS)
