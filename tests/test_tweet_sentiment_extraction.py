"""tweet-sentiment-extraction: MLE-bench's 90/10 split of Kaggle's train.csv and its reading of
Kaggle's word-level Jaccard score, on the competition's own synthetic raw files."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.grader import Grader

CID = "tweet-sentiment-extraction"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)



def by_hand(prepared: Prepared, folder: Path, selected: list[str]) -> Grader:
    """The grader over answers written by hand: tweets t0, t1, ... with these selected texts."""
    answers = pd.DataFrame({"textID": [f"t{i}" for i in range(len(selected))], "text": selected,
                            "selected_text": selected, "sentiment": "neutral"})
    answers.to_csv(folder / "answers.csv", index=False)
    return prepared.competition.grader(folder / "answers.csv")


def submit(folder: Path, predictions: list[object], name: str = "submission.csv") -> Path:
    path = folder / name
    # Every cell quoted, as Kaggle asks: pandas leaves a lone carriage return unquoted.
    pd.DataFrame({"textID": [f"t{i}" for i in range(len(predictions))],
                  "selected_text": predictions}).to_csv(path, index=False, quoting=csv.QUOTE_ALL)
    return path


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    public = prepared.data.public
    kaggle = text(prepared.raw / "train.csv")
    train, test = (part.reset_index(drop=True)
                   for part in train_test_split(kaggle, test_size=0.1, random_state=0))
    assert text(public / "train.csv").equals(train)
    assert text(public / "test.csv").equals(test.drop(columns=["selected_text"]))
    assert prepared.answers.equals(test)
    assert text(public / "sample_submission.csv").equals(test[["textID"]].assign(selected_text=""))
    assert len(test) == 40 and sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test.csv", "train.csv"]
    # Kaggle's one blank tweet (row 314) is a training row, in MLE-bench's split as here.
    blank = kaggle.iloc[314]
    assert (blank["text"], blank["selected_text"]) == ("", "")
    assert blank["textID"] in set(train["textID"])


def test_the_sample_is_valid_and_the_answers_score_1(prepared: Prepared, tmp_path: Path) -> None:
    assert prepared.score(prepared.sample_path) == 0.0
    perfect = prepared.answers[["textID", "selected_text"]]
    perfect.to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0
    # Rows in any order, text in any case, words in any order and spacing.
    shuffled = perfect.iloc[::-1].assign(selected_text=[" ".join(t.upper().split()[::-1]) + "  "
                                                        for t in perfect["selected_text"][::-1]])
    shuffled.to_csv(tmp_path / "shuffled.csv", index=False)
    assert prepared.score(tmp_path / "shuffled.csv") == 1.0


def test_scores_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    grader = by_hand(prepared, tmp_path, ["Sooo SAD, miss you", "i love it", "good day", "ugh"])
    predictions = ["sad, miss",       # {sad, miss} of {sooo, sad, miss, you}: 2/4
                   "LOVE it it",      # {love, it} of {i, love, it}: 2/3
                   "good",            # 1/2
                   "sad"]             # 0/2
    assert grader.score(submit(tmp_path, predictions)) == pytest.approx((1 / 2 + 2 / 3 + 1 / 2 + 0) / 4)
    # Punctuation stays with its word: "sad" is not "sad,".
    assert grader.score(submit(tmp_path, ["sad", "i love it", "good day", "ugh"])) == pytest.approx(
        (0 + 1 + 1 + 1) / 4)


def test_cells_are_read_as_mlebench_s_pandas_reads_them(prepared: Prepared, tmp_path: Path) -> None:
    """"NA" and "null" are empty texts; a column of numbers only is compared as str() of them."""
    grader = by_hand(prepared, tmp_path, ["NA words", "null", "x"])
    # The answer "null" is empty: a worded prediction scores 0 there, and "NA" as a
    # prediction is empty too.
    assert grader.score(submit(tmp_path, ["NA words", "something", "NA"])) == pytest.approx(1 / 3)
    # A quoted line break or carriage return stays in its cell, and splits words as a space does.
    assert grader.score(submit(tmp_path, ["NA\r\nwords", "w", "x\ry"])) == pytest.approx((1 + 0 + 1 / 2) / 3)
    numbers = by_hand(prepared, tmp_path, ["2.50 apples", "7", "1000.0"])
    # A column of numbers only: pandas reads "2.50", "7" and "1e3" as the floats 2.5, 7.0 and
    # 1000.0, then compared as "2.5", "7.0" and "1000.0" (the answers' column is text).
    assert numbers.score(submit(tmp_path, ["2.50", "7", "1e3"])) == pytest.approx(1 / 3)


def test_a_row_without_a_word_on_either_side_is_invalid(prepared: Prepared, tmp_path: Path) -> None:
    """Kaggle's formula divides by zero there; MLE-bench's grader fails on such a file."""
    grader = by_hand(prepared, tmp_path, ["null", "", "x"])
    reason = grader.check(submit(tmp_path, ["", "  ", "x"])) or ""
    assert "2 rows have no word in either the prediction or the selected text ('t0', 't1')" in reason
    assert grader.score(submit(tmp_path, ["word", "word", "x"])) == pytest.approx(1 / 3)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'selected_text'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("missing row", "wrong row count: expected 40 rows"),
    ("extra row", "wrong row count: expected 40 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "textID", "selected_text")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    assert reason in (prepared.competition.grader(prepared.data.answers_path).check(tmp_path / "broken.csv")
                      or "")


def test_a_nan_prediction_is_an_empty_text(prepared: Prepared, tmp_path: Path) -> None:
    """As MLE-bench reads it: valid, and it scores 0 on its row (every answer here has a word)."""
    perfect = prepared.answers[["textID", "selected_text"]]
    with_nan = perfect.assign(selected_text=["nan", *perfect["selected_text"][1:]])
    with_nan.to_csv(tmp_path / "nan.csv", index=False)
    assert prepared.score(tmp_path / "nan.csv") == pytest.approx(39 / 40)
