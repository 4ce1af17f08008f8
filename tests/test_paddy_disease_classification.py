"""paddy-disease-classification: MLE-bench's 75/25 split of Kaggle's labelled photos (hard-linked
into train_images/<label>/ and test_images/) and accuracy with MLE-bench's reading of labels, on
the competition's own synthetic raw files."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, files, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "paddy-disease-classification"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    train, test = (part.reset_index(drop=True) for part in
                   train_test_split(text(raw / "train.csv"), train_size=0.75, random_state=0))
    assert text(public / "train.csv").equals(train)
    assert text(prepared.data.answers_path).equals(test)
    assert text(prepared.sample_path).equals(test[["image_id"]].assign(label=""))
    assert len(test) == 23 and sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test_images", "train.csv", "train_images"]
    labelled = zip(train["image_id"], train["label"], strict=True)
    assert files(public / "train_images") == sorted(f"{label}/{image}" for image, label in labelled)
    assert files(public / "test_images") == sorted(test["image_id"])
    for image, label in zip(test["image_id"], test["label"], strict=True):
        assert os.path.samefile(public / "test_images" / image, raw / "train_images" / label / image)


def test_the_empty_sample_scores_zero_and_the_answers_one(prepared: Prepared, tmp_path: Path) -> None:
    assert prepared.score(prepared.sample_path) == 0.0
    answers = text(prepared.data.answers_path)
    answers[["image_id", "label"]].iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """Two of four right; "NA" is missing to pandas, so wrong, never refused."""
    pd.DataFrame({"image_id": ["a.jpg", "b.jpg", "c.jpg", "d.jpg"],
                  "label": ["blast", "normal", "hispa", "tungro"]}).to_csv(tmp_path / "answers.csv",
                                                                           index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    pd.DataFrame({"image_id": ["d.jpg", "c.jpg", "b.jpg", "a.jpg"],
                  "label": ["tungro", "NA", "blast", "blast"]}).to_csv(tmp_path / "sub.csv", index=False)
    assert grader.score(tmp_path / "sub.csv") == 0.5


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'image_id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'label'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("missing row", "wrong row count: expected 23 rows"),
    ("extra row", "wrong row count: expected 23 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "image_id", "label")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


def test_numbers_for_labels_are_refused(prepared: Prepared, tmp_path: Path) -> None:
    """pandas reads them as numbers, which MLE-bench's scikit-learn call refuses beside text."""
    sample = text(prepared.sample_path)
    sample.assign(label=range(len(sample))).to_csv(tmp_path / "numbers.csv", index=False)
    with pytest.raises(InvalidSubmission, match="only numbers or booleans"):
        prepared.score(tmp_path / "numbers.csv")
