"""vinbigdata-chest-xray-abnormalities-detection: MLE-bench's 90/10 split of Kaggle's training
images (their DICOM files hard-linked into train/ and test/), its one-box-per-class answers and
its COCO mAP at IoU 0.4 with both quirks, on the competition's own synthetic raw files."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pydicom
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "vinbigdata-chest-xray-abnormalities-detection"
ID, TARGET = "image_id", "PredictionString"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    rows = text(raw / "train.csv")
    unique = np.asarray(rows["image_id"].unique(), dtype=object)  # in order of first appearance
    train, test = train_test_split(unique, test_size=0.1, random_state=0)
    assert len(train) == 54 and len(test) == 6
    assert text(public / "train.csv").equals(rows[rows["image_id"].isin(train)].reset_index(drop=True))
    assert text(prepared.sample_path).equals(pd.DataFrame({ID: test, TARGET: "14 1 0 0 1 1"}))
    assert text(prepared.data.answers_path)[ID].tolist() == sorted(test)
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test", "train", "train.csv"]
    for side, ids in (("train", train), ("test", test)):
        names = sorted(f"{i}.dicom" for i in ids)
        assert sorted(p.name for p in (public / side).iterdir()) == names
        assert all(os.path.samefile(public / side / n, raw / "train" / n) for n in names)
    assert pydicom.dcmread(public / "test" / names[0]).Modality == "DX"


def test_the_answers_keep_the_first_box_of_each_class(prepared: Prepared) -> None:
    rows = text(prepared.raw / "train.csv")
    for image, truth in text(prepared.data.answers_path).itertuples(index=False):
        mine = rows[rows["image_id"] == image]
        classes = sorted(set(mine["class_id"].astype(int)))
        values = truth.split(" ")
        assert [int(v) for v in values[0::6]] == classes
        for k, c in enumerate(classes):
            box = [float(v) for v in values[6 * k + 2:6 * k + 6]]
            first = mine[mine["class_id"] == str(c)].iloc[0]
            expected = [0.0, 0.0, 1.0, 1.0] if c == 14 else \
                [float(first[col]) for col in ("x_min", "y_min", "x_max", "y_max")]
            assert box == expected


def grade(tmp_path: Path, prepared: Prepared, truth: list[str], pred: list[str],
          order: list[int] | None = None) -> float:
    ids = [f"{i:032x}" for i in range(len(truth))]
    pd.DataFrame({ID: ids, TARGET: truth}).to_csv(tmp_path / "answers.csv", index=False)
    sub = pd.DataFrame({ID: ids, TARGET: pred})
    sub.iloc[order or slice(None)].to_csv(tmp_path / "sub.csv", index=False)
    return prepared.competition.grader(tmp_path / "answers.csv").score(tmp_path / "sub.csv")


def test_the_sample_is_valid_and_the_answers_score_as_in_mlebench(prepared: Prepared,
                                                                    tmp_path: Path) -> None:
    """The answers as a submission lose the first true box (annotation id 0, see known_issues):
    its class's AP drops, so the score is below 1, and equals MLE-bench's on these files."""
    answers = text(prepared.data.answers_path)
    assert 0 < prepared.score(prepared.sample_path) < 1
    answers.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == pytest.approx(0.75)


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """Class 3 on two images, class 14 on a third. The first true box (id 0) is image 0's class 3:
    a prediction on it counts as a false alarm. Image 1's class 3 is hit. Class 3: ranked by
    confidence (0.9 image 1 hit, 0.8 image 0 'false alarm'): precision 1 up to recall 1/2,
    none beyond: AP = 51 / 101 (COCO's recall points 0, 0.01, ..., 0.5). Class 14: 1."""
    truth = ["3 1.0 10 10 50 50", "3 1.0 5 5 30 40", "14 1.0 0 0 1 1"]
    pred = ["3 0.8 10 10 50 50", "3 0.9 5 5 30 40", "14 0.5 0 0 1 1"]
    assert grade(tmp_path, prepared, truth, pred) == pytest.approx((51 / 101 + 1) / 2)


def test_boxes_are_read_as_x_y_width_height(prepared: Prepared, tmp_path: Path) -> None:
    """Image 0's "No finding" is the first true box (id 0): a hit on it is a false alarm, so
    class 14 scores 0 and the score is class 1's AP / 2. Class 1's truth 100 100 110 110 is, to
    COCO, 100..210 on both axes. The prediction 100 100 150 150 (COCO 100..250) overlaps it by
    110^2 / 150^2 = 0.54, a hit, though as corners its IoU is 100 / 2500; 50 50 55 55
    (COCO 50..105) overlaps by 5^2 / (110^2 + 55^2 - 5^2), a miss."""
    truth = ["14 1 0 0 1 1", "1 1 100 100 110 110"]
    assert grade(tmp_path, prepared, truth, ["14 1 0 0 1 1", "1 1 100 100 150 150"]) == pytest.approx(0.5)
    assert grade(tmp_path, prepared, truth, ["14 1 0 0 1 1", "1 1 50 50 55 55"]) == 0.0


def test_the_first_predicted_box_leaves_its_truth_free(prepared: Prepared, tmp_path: Path) -> None:
    """Class 1 has a true box on images 1 and 2 (class 14 on image 0 scores 0, as above). Image 1
    gets two boxes on its truth (0.9, 0.8), image 2 one (0.7). When image 1's row comes first in
    the file, its 0.9 box is annotation 0 and leaves the truth free: both are hits, AP 1.
    Otherwise the 0.8 box is a false alarm: precision 1 to recall 1/2, then 2/3: AP (51 + 50 *
    2/3) / 101."""
    truth = ["14 1 0 0 1 1", "1 1 0 0 10 10", "1 1 50 50 60 60"]
    pred = ["14 1 0 0 1 1", "1 0.9 0 0 10 10 1 0.8 0 0 10 10", "1 0.7 50 50 60 60"]
    assert grade(tmp_path, prepared, truth, pred, order=[1, 0, 2]) == pytest.approx(0.5)
    assert grade(tmp_path, prepared, truth, pred, order=[0, 1, 2]) == \
        pytest.approx((51 + 50 * 2 / 3) / 101 / 2)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", f"missing columns: '{ID}'"),
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
    broken = malformed(text(prepared.sample_path), kind, ID, TARGET)
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


@pytest.mark.parametrize(("cell", "reason"), [
    ("14 1 0 0 1", "has 5 values, not a multiple of 6"),
    ("No 1 0 0 1 1", "has 'No' where a number belongs"),
    ("14  1 0 0 1 1", "has 7 values"),  # split at single spaces, as MLE-bench does
    ("14 nan 0 0 1 1", "non-finite number 'nan'"),
])
def test_a_malformed_prediction_string_names_its_row(prepared: Prepared, tmp_path: Path,
                                                     cell: str, reason: str) -> None:
    sample = text(prepared.sample_path)
    first = sample[ID].iloc[0]
    sample.assign(**{TARGET: [cell, *sample[TARGET].iloc[1:]]}).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(InvalidSubmission, match=f"row '{first}'.*{reason}"):
        prepared.score(tmp_path / "bad.csv")


def test_unknown_classes_are_ignored_and_classes_truncated(prepared: Prepared, tmp_path: Path) -> None:
    sample = text(prepared.sample_path)
    base = prepared.score(prepared.sample_path)
    sample.assign(**{TARGET: sample[TARGET] + " 20 0.9 0 0 5 5"}).to_csv(tmp_path / "u.csv", index=False)
    assert prepared.score(tmp_path / "u.csv") == base
    sample.assign(**{TARGET: "14.7 1 0 0 1 1"}).to_csv(tmp_path / "t.csv", index=False)
    assert prepared.score(tmp_path / "t.csv") == base
    assert np.isfinite(base)


def test_variant_coco_boxes_scores_the_boxes_predicted(prepared: Prepared, tmp_path: Path) -> None:
    """With both quirks fixed the answers score 1, and IoU is that of the corners: 100 100 150
    150 against 100 100 110 110 is a miss (IoU 0.04), 101 101 111 111 a hit (81 / 119)."""
    fixed = prepared.competition.with_variant("coco-boxes")
    text(prepared.data.answers_path).to_csv(tmp_path / "perfect.csv", index=False)
    assert fixed.grader(prepared.data.answers_path).score(tmp_path / "perfect.csv") == pytest.approx(1.0)
    ids = [f"{i:032x}" for i in range(2)]
    pd.DataFrame({ID: ids, TARGET: ["14 1 0 0 1 1", "1 1 100 100 110 110"]}).to_csv(
        tmp_path / "answers.csv", index=False)
    grader = fixed.grader(tmp_path / "answers.csv")
    for box, expected in (("100 100 150 150", 0.5), ("101 101 111 111", 1.0)):
        sub = pd.DataFrame({ID: ids, TARGET: ["14 1 0 0 1 1", f"1 1 {box}"]})
        sub.to_csv(tmp_path / "s.csv", index=False)
        assert grader.score(tmp_path / "s.csv") == pytest.approx(expected)
