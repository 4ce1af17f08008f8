"""plant-pathology-2021-fgvc8: MLE-bench's 80/20 split of Kaggle's labelled leaf photos and its
micro F1 over the answers' labels, on the competition's own synthetic raw files."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "plant-pathology-2021-fgvc8"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    train, test = (part.reset_index(drop=True) for part in
                   train_test_split(text(raw / "train.csv"), test_size=0.2, random_state=0))
    assert (len(train), len(test)) == (80, 20)
    assert text(public / "train.csv").equals(train)
    assert text(prepared.data.answers_path).equals(test)
    assert text(prepared.sample_path).equals(test.assign(labels="healthy"))
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test_images", "train.csv", "train_images"]
    for folder, images in (("train_images", train["image"]), ("test_images", test["image"])):
        assert sorted(p.name for p in (public / folder).iterdir()) == sorted(images)
        assert all(os.path.samefile(public / folder / i, raw / "train_images" / i) for i in images)


def test_the_answers_score_one_and_the_sample_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    answers = text(prepared.data.answers_path)
    answers.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0
    true_sets = answers["labels"].str.split()
    n_true, tp = true_sets.str.len().sum(), (answers["labels"] == "healthy").sum()
    fp = len(answers) - tp  # "healthy" on a diseased leaf
    assert prepared.score(prepared.sample_path) == pytest.approx(2 * tp / (2 * tp + fp + n_true - tp))


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """TP 3 (rust, scab, healthy), FN 2 (scab, powdery_mildew), no FP: "complex" and "mould" are
    no labels of these answers (ignored, MLE-bench's defect) and "NA" is empty to pandas."""
    pd.DataFrame({"image": ["a.jpg", "b.jpg", "c.jpg", "d.jpg"],
                  "labels": ["rust scab", "scab", "healthy", "powdery_mildew"]}).to_csv(
        tmp_path / "answers.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    pd.DataFrame({"image": ["d.jpg", "c.jpg", "b.jpg", "a.jpg"],
                  "labels": ["NA", "healthy mould", "complex", "scab rust rust"]}).to_csv(
        tmp_path / "sub.csv", index=False)
    assert grader.score(tmp_path / "sub.csv") == pytest.approx(6 / 8)


def test_numbers_for_labels_are_refused(prepared: Prepared, tmp_path: Path) -> None:
    sample = text(prepared.sample_path)
    sample.assign(labels=range(len(sample))).to_csv(tmp_path / "numbers.csv", index=False)
    with pytest.raises(InvalidSubmission, match="only numbers or booleans"):
        prepared.score(tmp_path / "numbers.csv")


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'image'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'labels'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("missing row", "wrong row count: expected 20 rows"),
    ("extra row", "wrong row count: expected 20 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "image", "labels")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")
