"""rsna-breast-cancer-detection: MLE-bench's 90/10 split of Kaggle's patients (their mammograms
hard-linked into train_images/ and test_images/), one answer per breast, and probabilistic F1,
on the competition's own synthetic raw files."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pydicom
import pytest
from competition_checks import Prepared, files, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "rsna-breast-cancer-detection"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    table = pd.read_csv(raw / "train.csv")
    _, held_out = train_test_split(table["patient_id"].unique(), test_size=0.1, random_state=42)
    is_test = table["patient_id"].isin(held_out)
    assert len(held_out) == 6
    assert pd.read_csv(public / "train.csv").equals(table[~is_test].reset_index(drop=True))
    test = pd.read_csv(public / "test.csv")
    assert list(test.columns) == ["site_id", "patient_id", "image_id", "laterality", "view", "age",
                                  "implant", "machine_id", "prediction_id"]
    assert test["image_id"].tolist() == table.loc[is_test, "image_id"].tolist()
    assert (test["prediction_id"] == test["patient_id"].astype(str) + "_" + test["laterality"]).all()
    answers = text(prepared.data.answers_path)
    assert answers["prediction_id"].tolist() == sorted(set(test["prediction_id"]))
    sample = text(prepared.sample_path)
    assert sample["prediction_id"].equals(answers["prediction_id"])
    assert set(sample["cancer"]) == {repr(float(table.loc[~is_test, "cancer"].mean()))}
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test.csv", "test_images", "train.csv", "train_images"]
    for side, rows in (("train_images", table[~is_test]), ("test_images", table[is_test])):
        names = sorted(f"{p}/{i}.dcm" for p, i in zip(rows["patient_id"], rows["image_id"], strict=True))
        assert files(public / side) == names
        assert all(os.path.samefile(public / side / n, raw / "train_images" / n) for n in names)
    assert pydicom.dcmread(public / "test_images" / names[0]).Modality == "MG"


def test_a_breast_s_answer_is_its_images_label(prepared: Prepared) -> None:
    table = pd.read_csv(prepared.raw / "train.csv")
    table["prediction_id"] = table["patient_id"].astype(str) + "_" + table["laterality"]
    labels = table.groupby("prediction_id")["cancer"].agg(["min", "max"])
    assert (labels["min"] == labels["max"]).all()  # Kaggle's labels are per breast
    answers = pd.read_csv(prepared.data.answers_path)
    assert answers["cancer"].tolist() == labels.loc[answers["prediction_id"], "max"].tolist()
    assert answers["cancer"].sum() >= 1


def test_the_answers_score_one_and_the_sample_the_positive_share(prepared: Prepared, tmp_path: Path) -> None:
    answers = text(prepared.data.answers_path)
    answers.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0
    # A constant c: precision = positives / n, recall = c; F1 = 2 p c / (p + c).
    p, c = (answers["cancer"] == "1").mean(), float(text(prepared.sample_path)["cancer"][0])
    assert prepared.score(prepared.sample_path) == pytest.approx(2 * p * c / (p + c), abs=1e-5)


def test_a_score_by_hand_clips_the_predictions(prepared: Prepared, tmp_path: Path) -> None:
    """Positives a, b; c negative. Clipped: 1.5 -> 1, -1 -> 0. TP 1 + 0 = 1, FP 0.25: precision
    0.8, recall 0.5, F1 = 0.8 / 1.3."""
    pd.DataFrame({"prediction_id": ["1_L", "1_R", "2_L"], "cancer": [1, 1, 0]}).to_csv(
        tmp_path / "answers.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    pd.DataFrame({"prediction_id": ["2_L", "1_R", "1_L"], "cancer": [0.25, -1, 1.5]}).to_csv(
        tmp_path / "sub.csv", index=False)
    assert grader.score(tmp_path / "sub.csv") == pytest.approx(0.8 / 1.3)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'prediction_id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'cancer'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "column 'cancer' has 1 missing or NaN values"),
    ("NaN value", "column 'cancer' has 1 missing or NaN values"),
    ("missing row", "wrong row count: expected 12 rows"),
    ("extra row", "wrong row count: expected 12 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "prediction_id", "cancer")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


def test_all_zero_predictions_score_zero(prepared: Prepared, tmp_path: Path) -> None:
    """Precision is then 0 / 0: MLE-bench's numpy division makes it NaN, and its score 0."""
    text(prepared.sample_path).assign(cancer=0).to_csv(tmp_path / "zeros.csv", index=False)
    assert prepared.score(tmp_path / "zeros.csv") == 0.0
