"""seti-breakthrough-listen: MLE-bench's 90/10 split of Kaggle's labelled cadences (their .npy
files hard-linked into train/ and test/, old_leaky_data/ shipped whole) and ROC AUC, on the
competition's own synthetic raw files."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, files, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "seti-breakthrough-listen"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    train, test = (part.reset_index(drop=True) for part in
                   train_test_split(text(raw / "train_labels.csv"), test_size=0.1, random_state=0))
    assert text(public / "train_labels.csv").equals(train)
    assert text(prepared.data.answers_path).equals(test)
    assert text(prepared.sample_path).equals(test[["id"]].assign(target="0.5"))
    assert len(test) == 40 and sorted(p.name for p in public.iterdir()) == [
        "description.md", "old_leaky_data", "sample_submission.csv", "test", "train", "train_labels.csv"]
    for side, ids in (("train", train["id"]), ("test", test["id"])):
        expected = sorted(f"{i[0]}/{i}.npy" for i in ids)
        assert files(public / side) == expected
        # Kaggle's snippets, unchanged: hard links to the raw training files.
        assert all(os.path.samefile(public / side / name, raw / "train" / name) for name in expected)
    assert files(public / "old_leaky_data") == files(raw / "old_leaky_data")
    assert np.load(public / "test" / expected[0]).dtype == np.float16


def test_the_sample_scores_one_half_and_the_answers_one(prepared: Prepared, tmp_path: Path) -> None:
    assert prepared.score(prepared.sample_path) == 0.5
    answers = text(prepared.data.answers_path)
    answers.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """AUC: the share of (needle, haystack) pairs ranked the right way, ties counting half."""
    pd.DataFrame({"id": [f"c{i}" for i in range(5)], "target": [1, 0, 1, 0, 0]}).to_csv(
        tmp_path / "answers.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    scores = [0.9, 0.8, 0.3, 0.3, 0.1]  # pairs: c0 beats all 3; c2 ties c3, beats c4, loses to c1
    submission = pd.DataFrame({"id": [f"c{i}" for i in range(5)], "target": scores})
    submission.to_csv(tmp_path / "sub.csv", index=False)
    assert grader.score(tmp_path / "sub.csv") == pytest.approx((3 + 1.5) / 6)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'target'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "column 'target' has 1 missing or NaN values"),
    ("NaN value", "column 'target' has 1 missing or NaN values"),
    ("missing row", "wrong row count: expected 40 rows"),
    ("extra row", "wrong row count: expected 40 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    malformed(text(prepared.sample_path), kind, "id", "target").to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


def test_a_probability_outside_0_and_1_is_refused(prepared: Prepared, tmp_path: Path) -> None:
    """As MLE-bench refuses it."""
    sample = text(prepared.sample_path)
    sample.assign(target=["1.5", *sample["target"][1:]]).to_csv(tmp_path / "over.csv", index=False)
    with pytest.raises(InvalidSubmission, match=r"values outside \[0, 1\]"):
        prepared.score(tmp_path / "over.csv")
