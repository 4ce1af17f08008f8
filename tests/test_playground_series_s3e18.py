"""playground-series-s3e18 (dev): MLE-bench's 90/10 split of Kaggle's train.csv and the mean of
the ROC AUC of EC1 and EC2, on the competition's own synthetic raw files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

CID = "playground-series-s3e18"
TARGETS = ["EC1", "EC2"]
ALL_TARGETS = [f"EC{i}" for i in range(1, 7)]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    public = prepared.data.public
    kaggle = text(prepared.raw / "train.csv")
    train, test = (part.reset_index(drop=True)
                   for part in train_test_split(kaggle, test_size=0.1, random_state=0))
    assert text(public / "train.csv").equals(train)
    assert list(train.columns[-6:]) == ALL_TARGETS and train.shape[1] == 38
    public_test = text(public / "test.csv")
    assert public_test.equals(test.drop(columns=ALL_TARGETS)) and public_test.shape[1] == 32
    assert text(prepared.data.answers_path).equals(test[["id", *TARGETS]])
    assert text(prepared.sample_path).equals(test[["id"]].assign(EC1="0.5", EC2="0.5"))
    assert len(test) == 40 and sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test.csv", "train.csv"]


def test_the_sample_scores_chance_and_the_answers_score_1(prepared: Prepared) -> None:
    assert prepared.score(prepared.sample_path) == 0.5
    assert prepared.score(prepared.data.answers_path) == 1.0


def test_the_mean_of_both_columns_aucs(prepared: Prepared, tmp_path: Path) -> None:
    """By hand: EC1 ranked perfectly (1.0), EC2 with one of its four pairs the wrong way (0.75)."""
    answers = pd.DataFrame({"id": ["1", "2", "3", "4"], "EC1": [0, 0, 1, 1], "EC2": [1, 0, 1, 0]})
    answers.to_csv(tmp_path / "answers.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    submission = pd.DataFrame({"id": ["4", "3", "2", "1"], "EC1": [0.9, 0.8, 0.2, 0.1],
                               "EC2": [0.3, 0.2, 0.1, 0.7]})
    submission.to_csv(tmp_path / "submission.csv", index=False)
    assert grader.score(tmp_path / "submission.csv") == pytest.approx((1.0 + 0.75) / 2)
    # As MLE-bench computes it: scikit-learn's macro average over the two label columns.
    by_id = submission.set_index("id").loc[answers["id"]]
    assert (1.0 + 0.75) / 2 == pytest.approx(roc_auc_score(answers[TARGETS], by_id[TARGETS], average="macro"))


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'EC1'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "column 'EC1' has 1 missing or NaN values"),
    ("NaN value", "column 'EC1' has 1 missing or NaN values"),
    ("missing row", "wrong row count: expected 40 rows"),
    ("extra row", "wrong row count: expected 40 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    malformed(text(prepared.sample_path), kind, "id", "EC1").to_csv(tmp_path / "broken.csv", index=False)
    assert reason in (prepared.competition.grader(prepared.data.answers_path).check(tmp_path / "broken.csv")
                      or "")


def test_ungraded_targets_and_values_outside_0_1_are_refused(prepared: Prepared, tmp_path: Path) -> None:
    """MLE-bench ignores an EC3 column and ranks any number; here both make the file invalid."""
    sample = text(prepared.sample_path)
    grader = prepared.competition.grader(prepared.data.answers_path)
    sample.assign(EC3="0.5").to_csv(tmp_path / "ec3.csv", index=False)
    assert "unexpected columns: 'EC3'" in (grader.check(tmp_path / "ec3.csv") or "")
    sample.assign(EC2=["1.5", *sample["EC2"][1:]]).to_csv(tmp_path / "big.csv", index=False)
    assert "values outside [0, 1]" in (grader.check(tmp_path / "big.csv") or "")
