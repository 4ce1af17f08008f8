"""Automated Essay Scoring 2.0: MLE-bench's split of Kaggle's scored essays.

Kaggle's test essays (about 8,000 on its rerun) were never released with their scores, so
MLE-bench holds out 10% of train.csv (train_test_split, random_state=0, over the file's rows
in order). The answers keep the essays' text, as MLE-bench's answers.csv does, and the sample
submission is MLE-bench's: scores drawn from RandomState(42) in 1..6, so it is valid but poor.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
#: MLE-bench's sample submission: RandomState(SAMPLE_SEED).randint(1, 7) per test essay.
SAMPLE_SEED = 42
LOWEST, HIGHEST = 1, 6


def sample_scores(n: int) -> np.ndarray:
    """The sample submission's scores, the draws MLE-bench makes."""
    return np.random.RandomState(SAMPLE_SEED).randint(LOWEST, HIGHEST + 1, size=n)


def prepare(raw: Path, public: Path, private: Path) -> None:
    essays = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    train, test = train_test_split(essays, test_size=TEST_SIZE, random_state=SEED)

    write_csv(train, public / "train.csv")
    write_csv(test[["essay_id", "full_text"]], public / "test.csv")
    write_csv(test[["essay_id"]].assign(score=sample_scores(len(test))), public / "sample_submission.csv")
    write_csv(test, private / ANSWERS)
