"""siim-covid19-detection: MLE-bench's 90/10 split of Kaggle's training studies (their folders
hard-linked into train/ and test/) and its mAP at IoU 0.5, on the competition's own synthetic
raw files."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pydicom
import pytest
from competition_checks import Prepared, files, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "siim-covid19-detection"
TARGET = "PredictionString"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    train, test = (part.sort_values("id").reset_index(drop=True) for part in
                   train_test_split(text(raw / "train_study_level.csv"), test_size=0.1, random_state=0))
    assert len(test) == 6 and len(train) == 54
    assert text(public / "train_study_level.csv").equals(train)
    images = text(raw / "train_image_level.csv")
    of = lambda part: (images[(images["StudyInstanceUID"] + "_study").isin(part["id"])]  # noqa: E731
                       .sort_values("id").reset_index(drop=True))
    assert text(public / "train_image_level.csv").equals(of(train))
    answers = text(prepared.data.answers_path)
    assert answers["id"].tolist() == [*test["id"], *of(test)["id"]]
    assert answers[TARGET].tolist()[len(test):] == of(test)["label"].tolist()
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test", "train", "train_image_level.csv",
        "train_study_level.csv"]
    everything = files(raw / "train")
    for side, part in (("train", train), ("test", test)):
        studies = set(part["id"].str.removesuffix("_study"))
        expected = [name for name in everything if name.split("/")[0] in studies]
        assert files(public / side) == expected
        assert all(os.path.samefile(public / side / name, raw / "train" / name) for name in expected)
    assert {f"{Path(name).stem}_image" for name in expected} == set(of(test)["id"])
    assert pydicom.dcmread(public / "test" / expected[0]).Modality == "DX"


def test_the_study_answer_is_the_one_hot_class(prepared: Prepared) -> None:
    studies = text(prepared.raw / "train_study_level.csv").set_index("id")
    columns = ["negative", "typical", "indeterminate", "atypical"]
    for row in text(prepared.data.answers_path).itertuples():
        if row.id.endswith("_study"):
            label = columns[studies.loc[row.id].tolist().index("1")]
            assert row.PredictionString == f"{label} 1 0 0 1 1"


def test_the_sample_is_valid_and_the_answers_score_one(prepared: Prepared, tmp_path: Path) -> None:
    sample = text(prepared.sample_path)
    assert sample["id"].tolist() == text(prepared.data.answers_path)["id"].tolist()
    assert set(sample[TARGET]) == {"negative 1 0 0 1 1", "none 1 0 0 1 1"}
    assert 0 < prepared.score(prepared.sample_path) < 1
    text(prepared.data.answers_path).iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0


def grade(tmp_path: Path, prepared: Prepared, truth: list[str], pred: list[str]) -> float:
    ids = [f"s{i}" for i in range(len(truth))]
    pd.DataFrame({"id": ids, TARGET: truth}).to_csv(tmp_path / "answers.csv", index=False)
    pd.DataFrame({"id": ids, TARGET: pred}).to_csv(tmp_path / "sub.csv", index=False)
    return prepared.competition.grader(tmp_path / "answers.csv").score(tmp_path / "sub.csv")


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """One class, two rows. Row 0: truth boxes A (0 0 10 10) and B (20 20 30 30); predictions
    0.9 on A (hit), 0.8 at 50 50 60 60 (false alarm). Row 1: no truth; prediction 0.7 (false
    alarm). Pairs: (1, .9) (0, .8) (0, .7) and B missed (1, 0). Ranked: precision 1 at recall
    1/2, then at score 0 recall 1 with precision 2/4: AP = 1/2 * 1 + 1/2 * 1/2 = 0.75."""
    truth = ["opacity 1 0 0 10 10 opacity 1 20 20 30 30", "none 1 0 0 1 1"]
    pred = ["opacity 0.9 0 0 10 10 opacity 0.8 50 50 60 60", "opacity 0.7 1 1 5 5 none 1 0 0 1 1"]
    # Class none: row 1's truth hit at 1.0, row 0 has neither (0, 0): AP 1. Mean (0.75 + 1) / 2.
    assert grade(tmp_path, prepared, truth, pred) == pytest.approx((0.75 + 1) / 2)


def test_iou_must_exceed_one_half(prepared: Prepared, tmp_path: Path) -> None:
    """0 0 10 10 against 0 0 10 20: IoU exactly 1/2 is a miss (and a false alarm)."""
    truth, pred = ["opacity 1 0 0 10 20", "none 1 0 0 1 1"], ["opacity 1 0 0 10 10", "none 1 0 0 1 1"]
    # opacity pairs: (0, 1), (1, 0) and row 1's (0, 0): the positive ties the negative at 0,
    # so recall 1 comes with precision 1/3. Class none: AP 1.
    assert grade(tmp_path, prepared, truth, pred) == pytest.approx((1 / 3 + 1) / 2)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", f"missing columns: '{TARGET}'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", f"{TARGET} is empty"),
    ("NaN value", "has 1 values, not a multiple of 6"),
    ("missing row", "wrong row count"),
    ("extra row", "wrong row count"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "id", TARGET)
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


@pytest.mark.parametrize(("cell", "reason"), [
    ("none 1 0 0 1", "has 5 values, not a multiple of 6"),
    ("none one 0 0 1 1", "has 'one' where a number belongs"),
    ("none 1 0 0 inf 1", "non-finite number 'inf'"),
])
def test_a_malformed_prediction_string_names_its_row(prepared: Prepared, tmp_path: Path,
                                                     cell: str, reason: str) -> None:
    sample = text(prepared.sample_path)
    first = sample["id"].iloc[0]
    sample.assign(**{TARGET: [cell, *sample[TARGET].iloc[1:]]}).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(InvalidSubmission, match=f"row '{first}'.*{reason}"):
        prepared.score(tmp_path / "bad.csv")


def test_spaces_predict_nothing_and_unknown_classes_are_ignored(prepared: Prepared, tmp_path: Path) -> None:
    """As in MLE-bench: a cell of spaces is a row without predictions; a class the answers lack
    scores as no prediction."""
    sample = text(prepared.sample_path)
    base = prepared.score(prepared.sample_path)
    typo = sample.assign(**{TARGET: sample[TARGET] + " Opacity 0.5 0 0 9 9"})
    typo.to_csv(tmp_path / "typo.csv", index=False)
    assert prepared.score(tmp_path / "typo.csv") == base
    sample.assign(**{TARGET: " "}).to_csv(tmp_path / "empty.csv", index=False)
    assert 0 <= prepared.score(tmp_path / "empty.csv") < base
