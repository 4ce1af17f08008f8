"""chaii-hindi-and-tamil-question-answering: MLE-bench's 90/10 split of Kaggle's train.csv and its
scikit-learn reading of the word-level Jaccard score, on the competition's own synthetic raw files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.grader import Grader

CID = "chaii-hindi-and-tamil-question-answering"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)



def by_hand(prepared: Prepared, folder: Path, answers: list[str]) -> Grader:
    """The grader over answers written by hand, for questions q0, q1, ..."""
    frame = pd.DataFrame({"id": [f"q{i}" for i in range(len(answers))], "PredictionString": answers})
    frame.to_csv(folder / "answers.csv", index=False)
    return prepared.competition.grader(folder / "answers.csv")


def submit(folder: Path, predictions: list[object]) -> Path:
    path = folder / "submission.csv"
    pd.DataFrame({"id": [f"q{i}" for i in range(len(predictions))],
                  "PredictionString": predictions}).to_csv(path, index=False)
    return path


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    public = prepared.data.public
    kaggle = text(prepared.raw / "train.csv")
    train, test = (part.reset_index(drop=True)
                   for part in train_test_split(kaggle, test_size=0.1, random_state=0))
    assert text(public / "train.csv").equals(train)
    assert text(public / "test.csv").equals(test[["id", "context", "question", "language"]])
    answers = test[["id", "answer_text"]].rename(columns={"answer_text": "PredictionString"})
    assert prepared.answers.equals(answers)
    assert text(public / "sample_submission.csv").equals(test[["id"]].assign(PredictionString="dummy text"))
    assert len(test) == 20 and sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test.csv", "train.csv"]
    # Contexts span lines and are kept byte for byte.
    assert any("\n" in c for c in test["context"])


def test_the_sample_is_valid_and_the_answers_score_1(prepared: Prepared, tmp_path: Path) -> None:
    assert prepared.score(prepared.sample_path) == 0.0
    perfect = prepared.answers
    perfect.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0


def test_scores_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    grader = by_hand(prepared, tmp_path, ["नई दिल्ली", "சென்னை", "1947", "Mahatma Gandhi ji"])
    predictions = ["दिल्ली",              # 1 of {नई, दिल्ली}: 1/2
                   "சென்னை நகரம்",         # 1 of {சென்னை, நகரம்}: 1/2
                   "1947",                # 1
                   "GANDHI mahatma"]      # 2 of {mahatma, gandhi, ji}: 2/3
    assert grader.score(submit(tmp_path, predictions)) == pytest.approx((1 / 2 + 1 / 2 + 1 + 2 / 3) / 4)


def test_a_row_without_a_word_on_either_side_scores_0(prepared: Prepared, tmp_path: Path) -> None:
    """MLE-bench's scikit-learn grader scores it 0 (zero_division) where Kaggle's formula is
    undefined; "NA" and "null" are empty texts, as pandas reads them."""
    grader = by_hand(prepared, tmp_path, ["", "null", "x y"])
    assert grader.score(submit(tmp_path, ["", "NA", "x y"])) == pytest.approx(1 / 3)
    assert grader.score(submit(tmp_path, ["nan", "words", "y"])) == pytest.approx(1 / 6)


def test_predictions_pandas_reads_as_numbers_only_are_invalid(prepared: Prepared, tmp_path: Path) -> None:
    """MLE-bench's grader lower-cases each prediction: a column pandas types as numbers (or
    booleans) fails there, and is refused here; numbers beside text are text."""
    grader = by_hand(prepared, tmp_path, ["1947", "2001", "x"])
    for predictions in (["1947", "2001", "3"], ["1947", "", "3.5"], ["True", "false", "TRUE"]):
        reason = grader.check(submit(tmp_path, predictions)) or ""
        assert "holds only numbers or booleans as pandas reads it" in reason
    assert grader.score(submit(tmp_path, ["1947", "2001", "x"])) == 1.0


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'PredictionString'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("missing row", "wrong row count: expected 20 rows"),
    ("extra row", "wrong row count: expected 20 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "id", "PredictionString")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    assert reason in (prepared.competition.grader(prepared.data.answers_path).check(tmp_path / "broken.csv")
                      or "")


def test_an_unknown_id_is_invalid(prepared: Prepared, tmp_path: Path) -> None:
    answers = prepared.answers
    answers.assign(id=["0123abcde", *answers["id"][1:]]).to_csv(tmp_path / "unknown.csv", index=False)
    reason = prepared.competition.grader(prepared.data.answers_path).check(tmp_path / "unknown.csv") or ""
    assert "ids do not match the test set: 1 test ids are missing" in reason and "'0123abcde'" in reason
