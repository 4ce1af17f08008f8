"""predict-volcanic-eruptions-ingv-oe (high): MLE-bench's 90/10 split of Kaggle's segments,
their files hard-linked into train/ and test/, and the MAE rounded to a whole number, on the
competition's own synthetic raw files."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.grader import Grader
from pytest_mlebench.grading.validate import InvalidSubmission

CID = "predict-volcanic-eruptions-ingv-oe"
ID, TARGET = "segment_id", "time_to_eruption"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    public, raw = prepared.data.public, prepared.raw
    train, test = (part.reset_index(drop=True) for part in
                   train_test_split(text(raw / "train.csv"), test_size=0.1, random_state=0))
    assert len(test) == 8
    assert text(public / "train.csv").equals(train)
    assert prepared.answers.equals(test)
    assert text(public / "sample_submission.csv").equals(test.assign(**{TARGET: "0"}))
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test", "train", "train.csv"]
    for folder, ids in (("train", train[ID]), ("test", test[ID])):
        assert sorted(p.name for p in (public / folder).iterdir()) == sorted(f"{i}.csv" for i in ids)


def test_the_segments_are_hard_linked_from_kaggle_s_train_folder(prepared: Prepared) -> None:
    """Held-out segments come from Kaggle's train/; its own test/ segments are left out."""
    public, raw = prepared.data.public, prepared.raw
    for path in [*(public / "train").iterdir(), *(public / "test").iterdir()]:
        assert os.path.samefile(path, raw / "train" / path.name), path.name
    kaggle_test = {p.name for p in (raw / "test").iterdir()}
    assert not kaggle_test & {p.name for p in (public / "test").iterdir()}


def test_the_sample_scores_the_mean_time_and_the_answers_0(prepared: Prepared, tmp_path: Path) -> None:
    times = prepared.answers[TARGET].astype(float)
    assert prepared.score(prepared.sample_path) == round(times.mean())
    prepared.answers.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 0.0


def by_hand(prepared: Prepared, folder: Path, truth: list[int]) -> Grader:
    pd.DataFrame({ID: range(len(truth)), TARGET: truth}).to_csv(folder / "answers.csv", index=False)
    return prepared.competition.grader(folder / "answers.csv")


def submit(folder: Path, predictions: list[float]) -> Path:
    pd.DataFrame({ID: range(len(predictions)), TARGET: predictions}).to_csv(folder / "sub.csv", index=False)
    return folder / "sub.csv"


@pytest.mark.parametrize(("predictions", "score"), [
    ([101, 203, 300, 400], 1.0),      # errors 1, 3, 0, 0: MAE 1
    ([101, 201, 300, 400], 0.0),      # MAE 0.5: a half goes to the even neighbour, 0
    ([103, 203, 300, 400], 2.0),      # MAE 1.5: to 2
    ([100.4, 200, 300, 400.9], 0.0),  # MAE 0.325
])
def test_the_mae_is_rounded_to_a_whole_number(prepared: Prepared, tmp_path: Path,
                                              predictions: list[float], score: float) -> None:
    grader = by_hand(prepared, tmp_path, [100, 200, 300, 400])
    assert grader.score(submit(tmp_path, predictions)) == score


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns"),
    ("repeated id", "duplicated ids"),
    ("renamed column", f"missing columns: '{TARGET}'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "missing or NaN values"),
    ("NaN value", "missing or NaN values"),
    ("missing row", "wrong row count: expected 8 rows"),
    ("extra row", "wrong row count: expected 8 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    malformed(text(prepared.sample_path), kind, ID, TARGET).to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")
