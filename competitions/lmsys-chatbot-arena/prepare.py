"""LMSYS Chatbot Arena: MLE-bench's split of Kaggle's labelled conversations.

Kaggle's test set was never released (its test.csv holds three example rows), so
MLE-bench holds out 10% of train.csv (train_test_split, random_state=0, over the
file's rows in order). The public test rows keep the prompt and both responses but not
which models wrote them; the answers keep every column of the held-out rows, the
one-hot winner columns included, which are already a submission's shape.
"""

from __future__ import annotations

from pathlib import Path

from pytest_mlebench.data.prepare import tabular
from pytest_mlebench.data.prepare.files import constant_submission, write_csv, write_once
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
CLASSES = ["winner_model_a", "winner_model_b", "winner_tie"]
TEST_COLUMNS = ["id", "prompt", "response_a", "response_b"]


def prepare(raw: Path, public: Path, private: Path) -> None:
    conversations = tabular.read_text_csv(raw / "train.csv")
    train, test = tabular.split_table(conversations, TEST_SIZE, SEED)
    write_once(public / "train.csv", lambda tmp: tabular.write_csv(train, tmp))
    write_once(public / "test.csv", lambda tmp: tabular.write_csv(test.select(TEST_COLUMNS), tmp))
    ids = test.column("id").to_pandas().rename("id")
    write_csv(constant_submission(ids, CLASSES, 1 / 3), public / "sample_submission.csv")
    write_once(private / ANSWERS, lambda tmp: tabular.write_csv(test, tmp))
