"""us-patent-phrase-to-phrase-matching: MLE-bench's 90/10 split of Kaggle's train.csv and the Pearson
correlation its grader computes, on the competition's own synthetic raw files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.grader import Grader

CID = "us-patent-phrase-to-phrase-matching"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)



def grader(prepared: Prepared) -> Grader:
    return prepared.competition.grader(prepared.data.answers_path)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    public = prepared.data.public
    kaggle = text(prepared.raw / "train.csv")
    train, test = (part.reset_index(drop=True)
                   for part in train_test_split(kaggle, test_size=0.1, random_state=0))
    assert text(public / "train.csv").equals(train)
    assert text(public / "test.csv").equals(test.drop(columns=["score"]))
    assert prepared.answers.equals(test)
    assert text(public / "sample_submission.csv").equals(test[["id"]].assign(score="0"))
    assert len(test) == 40 and sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test.csv", "train.csv"]


def test_the_sample_is_refused_as_constant_and_the_answers_score_1(prepared: Prepared,
                                                                  tmp_path: Path) -> None:
    """MLE-bench's sample predicts 0 everywhere: no correlation (a known issue). With one value
    changed the same file is valid, so its ids and columns are right."""
    reason = grader(prepared).check(prepared.sample_path) or ""
    assert "column 'score' predicts 0.0 for every row: the Pearson correlation of constant" in reason
    sample = text(prepared.sample_path)
    sample.assign(score=["1", *sample["score"][1:]]).to_csv(tmp_path / "one.csv", index=False)
    assert np.isfinite(prepared.score(tmp_path / "one.csv"))
    perfect = prepared.answers[["id", "score"]]
    perfect.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == pytest.approx(1.0, abs=1e-12)
    # Only how the predictions vary counts: any increasing linear map of the truth scores 1.
    perfect.assign(score=3 * perfect["score"].astype(float) - 7).to_csv(tmp_path / "scaled.csv", index=False)
    assert prepared.score(tmp_path / "scaled.csv") == pytest.approx(1.0, abs=1e-12)


def test_scores_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    pd.DataFrame({"id": ["a", "b", "c"], "anchor": "x", "target": "y", "context": "A47",
                  "score": ["0.0", "0.5", "1.0"]}).to_csv(tmp_path / "answers.csv", index=False)
    hand = prepared.competition.grader(tmp_path / "answers.csv")
    # Deviations from the means: truth (-0.5, 0, 0.5), predictions 1, 3, 2 -> (-1, 1, 0):
    # r = 0.5 / sqrt(0.5 * 2) = 0.5.
    pd.DataFrame({"id": ["c", "a", "b"], "score": [2, 1, 3]}).to_csv(tmp_path / "half.csv", index=False)
    assert hand.score(tmp_path / "half.csv") == pytest.approx(0.5)
    pd.DataFrame({"id": ["a", "b", "c"], "score": [1, 0.5, 0]}).to_csv(tmp_path / "reverse.csv", index=False)
    assert hand.score(tmp_path / "reverse.csv") == pytest.approx(-1.0)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'score'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("missing row", "wrong row count: expected 40 rows"),
    ("extra row", "wrong row count: expected 40 rows"),
    ("blank value", "column 'score' has 1 missing or NaN values"),
    ("NaN value", "column 'score' has 1 missing or NaN values"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    # From the answers rather than the (constant, already refused) sample.
    submission = prepared.answers[["id", "score"]]
    malformed(submission, kind, "id", "score").to_csv(tmp_path / "broken.csv", index=False)
    assert reason in (grader(prepared).check(tmp_path / "broken.csv") or "")


@pytest.mark.parametrize(("value", "reason"), [
    ("high", "column 'score' has 1 non-numeric values"),
    ("inf", "column 'score' has 1 infinite values"),
])
def test_a_value_that_is_not_a_finite_number_is_invalid(prepared: Prepared, tmp_path: Path,
                                                        value: str, reason: str) -> None:
    submission = prepared.answers[["id", "score"]]
    submission.assign(score=[value, *submission["score"][1:]]).to_csv(tmp_path / "bad.csv", index=False)
    assert reason in (grader(prepared).check(tmp_path / "bad.csv") or "")
