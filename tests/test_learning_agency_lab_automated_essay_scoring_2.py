"""learning-agency-lab-automated-essay-scoring-2: MLE-bench's 90/10 split of Kaggle's scored
essays and its quadratic weighted kappa, on the competition's own synthetic raw files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "learning-agency-lab-automated-essay-scoring-2"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)



def truth(prepared: Prepared) -> pd.DataFrame:
    return text(prepared.data.answers_path)[["essay_id", "score"]]


def submit(frame: pd.DataFrame, folder: Path) -> Path:
    path = folder / "submission.csv"
    frame.to_csv(path, index=False)
    return path


def kappa_by_hand(true: np.ndarray, pred: np.ndarray) -> float:
    """Kaggle's formula over the classes present in either column, numbered by position."""
    classes = np.unique(np.concatenate([true, pred]))
    n = len(classes)
    i, j = np.searchsorted(classes, true), np.searchsorted(classes, pred)
    observed = np.zeros((n, n))
    np.add.at(observed, (i, j), 1)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    weights = (np.subtract.outer(np.arange(n), np.arange(n)) ** 2) / (n - 1) ** 2
    return 1 - (weights * observed).sum() / (weights * expected).sum()


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    kaggle = text(prepared.raw / "train.csv")
    train, test = train_test_split(kaggle, test_size=0.1, random_state=0)
    public = prepared.data.public
    assert text(public / "train.csv").equals(train.reset_index(drop=True))
    assert text(public / "test.csv").equals(test[["essay_id", "full_text"]].reset_index(drop=True))
    assert text(prepared.data.answers_path).equals(test.reset_index(drop=True))
    assert len(kaggle) == 257 and len(test) == 26
    assert {p.name for p in public.iterdir()} >= {"train.csv", "test.csv", "sample_submission.csv"}
    assert "\n\n" in "".join(text(public / "test.csv")["full_text"])  # paragraphs kept


def test_the_sample_is_mlebench_s_random_scores_and_valid(prepared: Prepared) -> None:
    sample = text(prepared.sample_path)
    assert sample["essay_id"].tolist() == truth(prepared)["essay_id"].tolist()
    expected = np.random.RandomState(42).randint(1, 7, size=len(sample))
    assert sample["score"].astype(int).tolist() == expected.tolist()
    assert -1 <= prepared.score(prepared.sample_path) < 0.9


def test_the_answers_score_1(prepared: Prepared, tmp_path: Path) -> None:
    answers = truth(prepared)
    assert prepared.score(submit(answers, tmp_path)) == 1.0
    # Any row order, and scores written as floats, pair by id.
    shuffled = answers.iloc[::-1].assign(score=answers["score"].iloc[::-1].astype(float))
    assert prepared.score(submit(shuffled, tmp_path)) == 1.0


def test_a_hand_computed_kappa(prepared: Prepared, tmp_path: Path) -> None:
    answers = truth(prepared)
    true = answers["score"].astype(int).to_numpy()
    pred = true.copy()
    pred[:6] = [1, 6, 2, 5, 3, 4]
    pred[6] = 7  # outside 1..6: one more class, one place above 6, as in MLE-bench
    got = prepared.score(submit(answers.assign(score=pred), tmp_path))
    assert got == pytest.approx(kappa_by_hand(true, pred), abs=1e-12)
    assert got < 1


def test_three_essays_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """Truth 1, 2, 3 predicted 1, 3, 3; weights (i - j)^2 / 4. O has one essay on (1,1), (2,3)
    and (3,3): sum(w O) = 1/4. The histograms are (1, 1, 1) and (1, 0, 2), so each row of E is
    (1/3, 0, 2/3): sum(w E) = 2/3 + 1/4 + 1/3 = 5/4, and kappa = 1 - (1/4) / (5/4) = 0.8."""
    answers = pd.DataFrame({"essay_id": ["a", "b", "c"], "full_text": "x", "score": [1, 2, 3]})
    answers.to_csv(tmp_path / "answers.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    sub = submit(pd.DataFrame({"essay_id": ["c", "b", "a"], "score": [3, 3, 1]}), tmp_path)
    assert grader.score(sub) == pytest.approx(0.8, abs=1e-12)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns"),
    ("extra column", "unexpected columns"),
    ("blank value", "missing or NaN values"),
    ("NaN value", "missing or NaN values"),
    ("missing row", "wrong row count"),
    ("extra row", "wrong row count"),
])
def test_a_malformed_submission_is_invalid_with_its_reason(
    prepared: Prepared, tmp_path: Path, kind: str, reason: str
) -> None:
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score_broken_sample(kind, tmp_path)


@pytest.mark.parametrize(("value", "reason"), [
    ("3.5", "non-integer values"), ("three", "non-numeric values"), ("inf", "infinite values"),
])
def test_a_score_that_is_no_class_is_invalid(prepared: Prepared, tmp_path: Path, value: str,
                                            reason: str) -> None:
    answers = truth(prepared)
    broken = answers.assign(score=[value, *answers["score"].iloc[1:]])
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(submit(broken, tmp_path))
