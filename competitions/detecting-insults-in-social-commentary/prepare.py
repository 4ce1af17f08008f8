"""Detecting Insults: Kaggle released the test labels, so the test set is Kaggle's own.

As in MLE-bench: train.csv is Kaggle's, the test set is every row of
test_with_solutions.csv (public and private parts alike; the later verification
set is not used), and a row is known by its comment text. The public test is
that file without its labels; the sample submission has MLE-bench's name and
columns (``Insult, Date, Comment``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.store import ANSWERS


def prepare(raw: Path, public: Path, private: Path) -> None:
    shutil.copyfile(raw / "train.csv", public / "train.csv")
    # As text: blank dates stay blank and comments are not reinterpreted.
    test = pd.read_csv(raw / "test_with_solutions.csv", dtype=str, keep_default_na=False)
    write_csv(test[["Date", "Comment"]], public / "test.csv")
    write_csv(test[["Insult", "Date", "Comment"]].assign(Insult=0), public / "sample_submission_null.csv")
    write_csv(test[["Insult", "Date", "Comment"]], private / ANSWERS)
