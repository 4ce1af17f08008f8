"""rsna-2022-cervical-spine-fracture-detection: MLE-bench's split (10% of the studies public,
boxed, segmented and both kept at 10%, drawn with random.Random(0)), the melted answers, the
studies' CT folders hard-linked, and the weighted multi-label log loss, on the competition's own
synthetic raw files."""

from __future__ import annotations

import math
import os
import random
from pathlib import Path

import pandas as pd
import pydicom
import pytest
from competition_checks import Prepared, files, malformed, prepare_one, text

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "rsna-2022-cervical-spine-fracture-detection"
TARGETS = ["patient_overall", *(f"C{k}" for k in range(1, 8))]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def mlebench_draw(raw: Path) -> tuple[list[str], list[str], list[str]]:
    """The public studies, boxed and segmented ones, drawn by MLE-bench's sequence of samples."""
    rng = random.Random(0)
    studies = text(raw / "train.csv")["StudyInstanceUID"].tolist()
    boxed = sorted(set(text(raw / "train_bounding_boxes.csv")["StudyInstanceUID"]))
    segmented = sorted(p.stem for p in (raw / "segmentations").glob("*.nii"))
    both = [u for u in boxed if u in segmented]
    common = rng.sample(both, round(len(both) / 10))
    seg = rng.sample([u for u in segmented if u not in both], round(len(segmented) / 10) - len(common))
    box = rng.sample([u for u in boxed if u not in both], round(len(boxed) / 10) - len(common))
    chosen = common + seg + box
    chosen += rng.sample([u for u in studies if u not in chosen], round(len(studies) / 10) - len(chosen))
    return chosen, common + box, common + seg


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    train_ids, boxed, segmented = mlebench_draw(raw)
    assert (len(train_ids), len(boxed), len(segmented)) == (6, 2, 2)
    labels = text(raw / "train.csv")
    is_public = labels["StudyInstanceUID"].isin(train_ids)
    assert text(public / "train.csv").equals(labels[is_public].reset_index(drop=True))
    boxes = text(raw / "train_bounding_boxes.csv")
    assert text(public / "train_bounding_boxes.csv").equals(
        boxes[boxes["StudyInstanceUID"].isin(boxed)].reset_index(drop=True))
    held_out = labels.loc[~is_public, "StudyInstanceUID"].tolist()
    answers = text(prepared.data.answers_path)
    assert list(answers.columns) == ["StudyInstanceUID", "prediction_type", "fractured", "row_id"]
    # Melted a target at a time: every study's patient_overall, then every study's C1, ...
    assert answers["row_id"].tolist() == [f"{u}_{t}" for t in TARGETS for u in held_out]
    melted = labels[~is_public].set_index("StudyInstanceUID")
    assert answers["fractured"].tolist() == [melted.at[u, t] for t in TARGETS for u in held_out]
    assert text(public / "test.csv").equals(answers[["StudyInstanceUID", "prediction_type", "row_id"]])
    assert text(prepared.sample_path).equals(answers[["row_id"]].assign(fractured="0.5"))
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "segmentations", "test.csv", "test_images",
        "train.csv", "train_bounding_boxes.csv", "train_images"]
    assert files(public / "segmentations") == sorted(f"{u}.nii" for u in segmented)
    everything = files(raw / "train_images")
    for side, ids in (("train_images", train_ids), ("test_images", held_out)):
        expected = [name for name in everything if name.split("/")[0] in set(ids)]
        assert files(public / side) == expected
        assert {name.split("/")[0] for name in expected} == set(ids)
        assert all(os.path.samefile(public / side / n, raw / "train_images" / n) for n in expected)
    assert pydicom.dcmread(public / "test_images" / expected[0]).Modality == "CT"


def test_the_answers_score_zero_and_the_sample_log_2(prepared: Prepared, tmp_path: Path) -> None:
    text(prepared.data.answers_path)[["row_id", "fractured"]].iloc[::-1].to_csv(
        tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == pytest.approx(0.0, abs=1e-12)  # log(1 - 1e-15)
    # 0.5 everywhere: every loss is log 2, whatever the weights.
    assert prepared.score(prepared.sample_path) == pytest.approx(math.log(2), abs=1e-5)


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """Study a: fractured at C1 (so patient_overall 1), predicted 0.5 for patient_overall and 0
    elsewhere: the weighted losses are 14 log 2 (overall), 2 * 34.539 (C1 at the 1e-15 clip),
    0 for C2..C7 (weights 1); weights sum 14 + 2 + 6 = 22. Study b: all 0, predicted 0 except C7
    = 0.5: log 2 over weights 7 + 7 = 14. The score is their mean."""
    rows = [(s, t) for s in ("1.2.3.4", "1.2.3.5") for t in TARGETS]
    truth = [1, 1, 0, 0, 0, 0, 0, 0, *[0] * 8]
    pred = [0.5, 0, 0, 0, 0, 0, 0, 0, *[0] * 7, 0.5]
    ids = [f"{s}_{t}" for s, t in rows]
    pd.DataFrame({"StudyInstanceUID": [s for s, _ in rows], "prediction_type": [t for _, t in rows],
                  "fractured": truth, "row_id": ids}).to_csv(tmp_path / "answers.csv", index=False)
    pd.DataFrame({"row_id": ids, "fractured": pred}).to_csv(tmp_path / "sub.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    a = (14 * math.log(2) - 2 * math.log(1e-15)) / 22
    b = math.log(2) / 14
    assert grader.score(tmp_path / "sub.csv") == pytest.approx((a + b) / 2, abs=1e-5)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'row_id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'fractured'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "column 'fractured' has 1 missing or NaN values"),
    ("NaN value", "column 'fractured' has 1 missing or NaN values"),
    ("missing row", "wrong row count: expected 432 rows"),
    ("extra row", "wrong row count: expected 432 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "row_id", "fractured")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


def test_a_probability_outside_0_and_1_is_refused(prepared: Prepared, tmp_path: Path) -> None:
    """As MLE-bench refuses it."""
    sample = text(prepared.sample_path)
    sample.assign(fractured=["-0.1", *sample["fractured"][1:]]).to_csv(tmp_path / "under.csv", index=False)
    with pytest.raises(InvalidSubmission, match=r"values outside \[0, 1\]"):
        prepared.score(tmp_path / "under.csv")
