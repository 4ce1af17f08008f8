"""hotel-id-2021-fgvc8: MLE-bench's 90/10 split of Kaggle's labelled photos (the photo listed twice
dropped first) and MAP@5, on the competition's own synthetic raw files."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "hotel-id-2021-fgvc8"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    labels = text(raw / "train.csv")
    labels = labels[labels["image"] != "ce27d36c9147cc19.jpg"]
    train, test = (part.reset_index(drop=True) for part in
                   train_test_split(labels, test_size=0.1, random_state=0))
    assert text(public / "train.csv").equals(train)
    assert text(prepared.data.answers_path).equals(test)
    assert text(prepared.sample_path).equals(test[["image"]].assign(hotel_id="36363 53586 18807 64314 60181"))
    assert len(train) == 179 and len(test) == 20
    for image, chain in zip(train["image"], train["chain"], strict=True):
        assert os.path.samefile(public / "train_images" / chain / image, raw / "train_images" / chain / image)
    assert sorted(p.name for p in (public / "test_images").iterdir()) == sorted(test["image"])


def test_the_answers_score_one_and_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    answers = text(prepared.data.answers_path)
    answers[["image", "hotel_id"]].iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0
    # The truth second for the first photo, third for the second, absent elsewhere.
    guesses = ["0"] * len(answers)
    guesses[0] = f"0 {answers['hotel_id'][0]}"
    guesses[1] = f"0 1 {answers['hotel_id'][1]}"
    pd.DataFrame({"image": answers["image"], "hotel_id": guesses}).to_csv(tmp_path / "two.csv", index=False)
    assert prepared.score(tmp_path / "two.csv") == pytest.approx((1 / 2 + 1 / 3) / len(answers))


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'image'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'hotel_id'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("missing row", "wrong row count: expected 20 rows"),
    ("extra row", "wrong row count: expected 20 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "image", "hotel_id")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


def test_an_empty_guess_list_scores_zero_like_mlebench_s_nan(prepared: Prepared, tmp_path: Path) -> None:
    sample = text(prepared.sample_path)
    malformed(sample, "blank value", "image", "hotel_id").to_csv(tmp_path / "blank.csv", index=False)
    assert 0 <= prepared.score(tmp_path / "blank.csv") <= prepared.score(prepared.sample_path)
