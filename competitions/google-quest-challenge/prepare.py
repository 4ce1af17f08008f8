"""Google QUEST Q&A Labeling: MLE-bench's split of Kaggle's train.csv (its test labels were never
released).

MLE-bench holds out 10% with train_test_split(random_state=0). Spearman's correlation is
undefined for a constant column, and ``question_type_spelling`` is almost always 0: when
the held-out rows hold a single value of it, MLE-bench swaps the first held-out row with
the first training row (in the split's order) whose value is not 0; so does this. The
rows keep Kaggle's text as written, in the split's order.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
ID = "qa_id"
RARE = "question_type_spelling"


def vary_the_rare_target(train: pd.DataFrame, test: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """MLE-bench's swap: a test set whose RARE column is constant trades its first row for the
    first training row whose RARE value is not 0."""
    rare_test = test[RARE].astype(float)
    if rare_test.nunique() != 1:
        return train, test
    donor = int(np.flatnonzero(train[RARE].astype(float).to_numpy() != 0)[0])
    train, test = train.reset_index(drop=True), test.reset_index(drop=True)
    first_test = test.iloc[0].copy()
    test.iloc[0] = train.iloc[donor]
    train.iloc[donor] = first_test
    return train, test


def prepare(raw: Path, public: Path, private: Path, *, competition: Competition) -> None:
    """The 30 targets are the grading's target columns (competition.yaml), in Kaggle's order."""
    targets = list(competition.target_columns)
    pairs = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    train, test = vary_the_rare_target(*train_test_split(pairs, test_size=TEST_SIZE, random_state=SEED))
    constant = [column for column in targets if test[column].astype(float).nunique() < 2]
    if constant:  # MLE-bench stops here too: no submission could be scored
        raise ValueError(f"the held-out rows hold a single value of {constant}")
    write_csv(train, public / "train.csv")
    write_csv(test.drop(columns=targets), public / "test.csv")
    write_csv(test[[ID, *targets]], private / ANSWERS)
    ramp = np.linspace(0, 1, len(test))  # MLE-bench's sample: every column rises from 0 to 1
    write_csv(pd.DataFrame({ID: test[ID].to_numpy(), **dict.fromkeys(targets, ramp)}),
              public / "sample_submission.csv")
