"""rsna-miccai-brain-tumor-radiogenomic-classification: MLE-bench's 90/10 split of Kaggle's
labelled patients (their MRI folders hard-linked into train/ and test/) and ROC AUC, on the
competition's own synthetic raw files."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pydicom
import pytest
from competition_checks import Prepared, files, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "rsna-miccai-brain-tumor-radiogenomic-classification"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    train, test = (part.reset_index(drop=True) for part in
                   train_test_split(text(raw / "train_labels.csv"), test_size=0.1, random_state=0))
    assert text(public / "train_labels.csv").equals(train)
    assert text(prepared.data.answers_path).equals(test)
    assert text(prepared.sample_path).equals(test[["BraTS21ID"]].assign(MGMT_value="0.5"))
    assert len(test) == 10 and test["BraTS21ID"].str.fullmatch(r"\d{5}").all()
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test", "train", "train_labels.csv"]
    everything = files(raw / "train")
    for side, ids in (("train", train["BraTS21ID"]), ("test", test["BraTS21ID"])):
        expected = [name for name in everything if name.split("/")[0] in set(ids)]
        assert files(public / side) == expected
        assert {name.split("/")[1] for name in expected} == {"FLAIR", "T1w", "T1wCE", "T2w"}
        # Kaggle's slices, unchanged: hard links to the raw training files.
        assert all(os.path.samefile(public / side / name, raw / "train" / name) for name in expected)
    assert pydicom.dcmread(public / "test" / expected[0]).Modality == "MR"


def test_the_sample_scores_one_half_and_the_answers_one(prepared: Prepared, tmp_path: Path) -> None:
    assert prepared.score(prepared.sample_path) == 0.5
    text(prepared.data.answers_path).iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """AUC: the share of (methylated, unmethylated) pairs ranked the right way, ties counting half."""
    ids = ["00000", "00002", "00003", "00005", "00006"]
    answers = pd.DataFrame({"BraTS21ID": ids, "MGMT_value": [1, 0, 1, 0, 0]})
    answers.to_csv(tmp_path / "answers.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    scores = [0.9, 0.8, 0.3, 0.3, 0.1]  # 00000 beats all 3; 00003 ties 00005, beats 00006, loses to 00002
    pd.DataFrame({"BraTS21ID": ids, "MGMT_value": scores}).to_csv(tmp_path / "sub.csv", index=False)
    assert grader.score(tmp_path / "sub.csv") == pytest.approx((3 + 1.5) / 6)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'BraTS21ID'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'MGMT_value'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "column 'MGMT_value' has 1 missing or NaN values"),
    ("NaN value", "column 'MGMT_value' has 1 missing or NaN values"),
    ("missing row", "wrong row count: expected 10 rows"),
    ("extra row", "wrong row count: expected 10 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "BraTS21ID", "MGMT_value")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


def test_a_probability_outside_0_and_1_is_refused(prepared: Prepared, tmp_path: Path) -> None:
    """As MLE-bench refuses it."""
    sample = text(prepared.sample_path)
    sample.assign(MGMT_value=["1.5", *sample["MGMT_value"][1:]]).to_csv(tmp_path / "over.csv", index=False)
    with pytest.raises(InvalidSubmission, match=r"values outside \[0, 1\]"):
        prepared.score(tmp_path / "over.csv")


def test_ids_without_their_leading_zeros_are_not_the_test_ids(prepared: Prepared, tmp_path: Path) -> None:
    """The recorded known issue: compared as texts, 13 is not 00013 (MLE-bench reads both as 13)."""
    sample = text(prepared.sample_path)
    sample.assign(BraTS21ID=sample["BraTS21ID"].astype(int)).to_csv(tmp_path / "unpadded.csv", index=False)
    with pytest.raises(InvalidSubmission):
        prepared.score(tmp_path / "unpadded.csv")
