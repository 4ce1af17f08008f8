"""petfinder-pawpularity-score: MLE-bench's 90/10 split of Kaggle's scored photos, its random
sample and RMSE with predictions refused outside [1, 100], on the competition's own synthetic
raw files."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "petfinder-pawpularity-score"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    train, test = (part.reset_index(drop=True) for part in
                   train_test_split(text(raw / "train.csv"), test_size=0.1, random_state=0))
    assert (len(train), len(test)) == (81, 9)
    assert text(public / "train.csv").equals(train)
    assert text(public / "test.csv").equals(test.drop(columns="Pawpularity"))
    assert text(prepared.data.answers_path).equals(test)
    sample = text(prepared.sample_path)
    assert sample["Id"].equals(test["Id"]) and list(sample.columns) == ["Id", "Pawpularity"]
    expected = np.random.default_rng(0).uniform(1, 100, len(test)).round(2)
    assert np.array_equal(sample["Pawpularity"].astype(float), expected)
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test", "test.csv", "train", "train.csv"]
    for folder, ids in (("train", train["Id"]), ("test", test["Id"])):
        assert sorted(p.name for p in (public / folder).iterdir()) == sorted(f"{i}.jpg" for i in ids)
        assert all(os.path.samefile(public / folder / f"{i}.jpg", raw / "train" / f"{i}.jpg") for i in ids)


def test_the_answers_score_zero_and_scores_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    answers = text(prepared.data.answers_path)
    answers[["Id", "Pawpularity"]].iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 0.0
    truth = answers["Pawpularity"].astype(float)
    # 3 off on one photo, 4 on another: RMSE = sqrt((9 + 16) / n).
    shift = np.zeros(len(truth))
    shift[0] = 3 if truth[0] <= 97 else -3
    shift[1] = -4 if truth[1] >= 5 else 4
    answers[["Id"]].assign(Pawpularity=truth + shift).to_csv(tmp_path / "off.csv", index=False)
    assert prepared.score(tmp_path / "off.csv") == pytest.approx(np.sqrt(25 / len(truth)))
    sample = text(prepared.sample_path)
    expected = np.sqrt(np.mean((sample["Pawpularity"].astype(float).to_numpy() - truth.to_numpy()) ** 2))
    assert prepared.score(prepared.sample_path) == pytest.approx(expected)


@pytest.mark.parametrize("value", ["0.99", "100.5", "-3"])
def test_a_prediction_outside_1_to_100_is_refused(prepared: Prepared, tmp_path: Path, value: str) -> None:
    sample = text(prepared.sample_path)
    sample.assign(Pawpularity=[value, *sample["Pawpularity"][1:]]).to_csv(tmp_path / "out.csv", index=False)
    with pytest.raises(InvalidSubmission, match=r"1 values outside \[1, 100\]"):
        prepared.score(tmp_path / "out.csv")


def test_the_bounds_themselves_are_valid(prepared: Prepared, tmp_path: Path) -> None:
    sample = text(prepared.sample_path)
    bounds = ["1", "100", *sample["Pawpularity"][2:]]
    sample.assign(Pawpularity=bounds).to_csv(tmp_path / "bounds.csv", index=False)
    assert prepared.score(tmp_path / "bounds.csv") > 0


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'Id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'Pawpularity'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "missing or NaN values"),
    ("NaN value", "missing or NaN values"),
    ("missing row", "wrong row count: expected 9 rows"),
    ("extra row", "wrong row count: expected 9 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "Id", "Pawpularity")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")
