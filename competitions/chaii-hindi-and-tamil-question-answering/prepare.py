"""chaii (Hindi and Tamil question answering): MLE-bench's split of Kaggle's train.csv (the
competition's test set was hidden in its notebooks and never released).

MLE-bench holds out 10% of the questions with train_test_split(random_state=0); the rows here
are the same, in the same order, with Kaggle's text as written. The public test set loses the
answer and its offset; the answers are each question's ``answer_text`` under the submission's
column name, ``PredictionString``.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from pytest_mlebench.data.prepare.tabular import read_text_csv, split_table, write_csv
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
#: MLE-bench's placeholder prediction in the sample submission.
SAMPLE_PREDICTION = "dummy text"


def prepare(raw: Path, public: Path, private: Path) -> None:
    questions = read_text_csv(raw / "train.csv")
    train, test = split_table(questions, TEST_SIZE, SEED)
    write_csv(train, public / "train.csv")
    write_csv(test.drop_columns(["answer_start", "answer_text"]), public / "test.csv")
    write_csv(pa.table({"id": test["id"], "PredictionString": pa.array([SAMPLE_PREDICTION] * test.num_rows)}),
              public / "sample_submission.csv")
    write_csv(pa.table({"id": test["id"], "PredictionString": test["answer_text"]}), private / ANSWERS)
