"""hms-harmful-brain-activity-classification: MLE-bench's split of Kaggle's labelled windows by
spectrogram (10%, the parquet recordings hard-linked to their side) and its KL divergence over
vote shares, with an eeg_id repeated once per window, on the competition's own synthetic raw files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.grader import Grader
from pytest_mlebench.grading.validate import InvalidSubmission

CID = "hms-harmful-brain-activity-classification"
TARGETS = ["seizure_vote", "lpd_vote", "gpd_vote", "lrda_vote", "grda_vote", "other_vote"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def mlebench_split(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """MLE-bench's split, computed its way: train_test_split over the unique spectrogram ids."""
    labels = text(raw / "train.csv")
    _, held_out = train_test_split(labels["spectrogram_id"].unique().tolist(), test_size=0.1, random_state=0)
    test = labels["spectrogram_id"].isin(held_out)
    return labels[~test].reset_index(drop=True), labels[test].reset_index(drop=True)


def shares(votes: pd.DataFrame) -> pd.DataFrame:
    counts = votes[TARGETS].astype(int)
    return counts.div(counts.sum(axis=1), axis=0)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    public = prepared.data.public
    train, test = mlebench_split(prepared.raw)
    assert text(public / "train.csv").equals(train)
    assert text(public / "test.csv").equals(test[["spectrogram_id", "eeg_id", "patient_id"]])
    assert test["spectrogram_id"].nunique() == 3 and test["eeg_id"].duplicated().any()
    assert set(train["eeg_id"]).isdisjoint(test["eeg_id"])
    answers = pd.read_csv(prepared.data.answers_path, dtype={"eeg_id": str})
    assert answers["eeg_id"].equals(test["eeg_id"])
    assert answers[TARGETS].equals(shares(test))  # exactly: the floats pandas' division gives
    sample = pd.read_csv(prepared.sample_path, dtype={"eeg_id": str})
    assert sample["eeg_id"].equals(test["eeg_id"]) and (sample[TARGETS] == 1 / 6).all(axis=None)
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "example_figures", "sample_submission.csv", "test.csv", "test_eegs",
        "test_spectrograms", "train.csv", "train_eegs", "train_spectrograms"]


@pytest.mark.parametrize(("kind", "column"), [("eegs", "eeg_id"), ("spectrograms", "spectrogram_id")])
def test_recordings_are_hard_linked_to_their_side(prepared: Prepared, kind: str, column: str) -> None:
    public, raw = prepared.data.public, prepared.raw / f"train_{kind}"
    for side, rows in zip(("train", "test"), mlebench_split(prepared.raw), strict=True):
        files = sorted((public / f"{side}_{kind}").iterdir())
        assert [f.name for f in files] == sorted(f"{i}.parquet" for i in set(rows[column]))
        assert all(f.stat().st_ino == (raw / f.name).stat().st_ino for f in files)
    figures = sorted(p.name for p in (public / "example_figures").iterdir())
    assert figures == sorted(p.name for p in (prepared.raw / "example_figures").iterdir())


def test_the_sample_scores_its_hand_computed_value(prepared: Prepared) -> None:
    truth = shares(mlebench_split(prepared.raw)[1]).to_numpy()
    expected = np.mean([sum(y * math.log(6 * y) for y in row if y > 0) for row in truth])
    assert prepared.score(prepared.sample_path) == pytest.approx(expected, rel=1e-12)


def test_the_answers_score_0(prepared: Prepared, tmp_path: Path) -> None:
    """Not exactly: a share of 1 is scored against 1 - 1e-15, the clipped prediction."""
    assert 0 <= prepared.score(prepared.data.answers_path) < 1e-14


def by_hand(prepared: Prepared, folder: Path) -> Grader:
    """EEG 7 with two windows, EEG 5 with one."""
    answers = pd.DataFrame([["7", 0.5, 0.5, 0, 0, 0, 0], ["5", 0, 0, 0, 0, 0, 1],
                            ["7", 0.25, 0, 0, 0.75, 0, 0]], columns=["eeg_id", *TARGETS])
    answers.to_csv(folder / "answers.csv", index=False)
    return prepared.competition.grader(folder / "answers.csv")


def submit(folder: Path, rows: list[tuple[str, list[float]]]) -> Path:
    path = folder / "submission.csv"
    pd.DataFrame([[i, *p] for i, p in rows], columns=["eeg_id", *TARGETS]).to_csv(path, index=False)
    return path


def test_scores_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """Per row, the sum of y ln(y / p) over the classes with votes; a 0 prediction counts as 1e-15."""
    grader = by_hand(prepared, tmp_path)
    first, other, second = [0.25, 0.25, 0.5, 0, 0, 0], [0, 0, 0, 0, 0, 1.0], [0.5, 0, 0, 0.25, 0, 0.25]
    expected = np.mean([0.5 * math.log(0.5 / 0.25) * 2,              # EEG 7, first window
                        math.log(1 / (1 - 1e-15)),                    # EEG 5: 1 clipped to 1 - 1e-15
                        0.25 * math.log(0.25 / 0.5) + 0.75 * math.log(0.75 / 0.25)])
    # Rows of different EEGs in any order; an EEG's rows pair in order with its windows.
    assert grader.score(submit(tmp_path, [("5", other), ("7", first), ("7", second)])) == pytest.approx(
        expected, rel=1e-12)
    swapped = np.mean([0.5 * math.log(0.5 / 0.5) + 0.5 * math.log(0.5 / 1e-15),
                       math.log(1 / (1 - 1e-15)),
                       0.25 * math.log(0.25 / 0.25) + 0.75 * math.log(0.75 / 1e-15)])
    assert grader.score(submit(tmp_path, [("7", second), ("5", other), ("7", first)])) == pytest.approx(
        swapped, rel=1e-12)


def test_rows_must_sum_to_1_at_5_decimals(prepared: Prepared, tmp_path: Path) -> None:
    """As MLE-bench tests it, with Python's round(): 0.999995 is just below its decimal as a float."""
    grader = by_hand(prepared, tmp_path)
    rows = [("7", [0.5, 0.5, 0, 0, 0, 0]), ("5", [0, 0, 0, 0, 0, 1]), ("7", [0.25, 0, 0, 0.75, 0, 0])]
    for total, valid in ((0.999995, False), (0.9999951, True), (1.0000049, True), (0.9999, False)):
        sub = submit(tmp_path, [*rows[:2], ("7", [0.25, 0, 0, 0.75 - (1 - total), 0, 0])])
        if valid:
            assert grader.check(sub) is None
        else:
            assert "1 rows of class probabilities do not sum to 1 when rounded to 5 decimals: " \
                   "id '7 #2'" in (grader.check(sub) or "")
    outside = submit(tmp_path, [*rows[:2], ("7", [1.25, 0, 0, -0.25, 0, 0])])
    assert "values outside [0, 1]" in (grader.check(outside) or "")


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'eeg_id'"),
    ("repeated id", "duplicated ids: 1 ids appear more often than in the test set"),
    ("renamed column", "missing columns: 'seizure_vote'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "column 'seizure_vote' has 1 missing or NaN values"),
    ("NaN value", "column 'seizure_vote' has 1 missing or NaN values"),
    ("missing row", "wrong row count"),
    ("extra row", "'not-a-test-id' 1 times, expected 0"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score_broken_sample(kind, tmp_path)


def test_the_by_eeg_variant_has_one_row_per_eeg(prepared: Prepared, tmp_path: Path) -> None:
    variant = prepared.competition.with_variant("by-eeg")
    public, private = tmp_path / "public", tmp_path / "private"
    public.mkdir(), private.mkdir()
    variant.prepare_into(prepared.raw, public, private)
    train, test = mlebench_split(prepared.raw)
    assert text(public / "train.csv").equals(train)
    first = test.drop_duplicates("eeg_id")[["spectrogram_id", "eeg_id", "patient_id"]]
    assert text(public / "test.csv").equals(first.reset_index(drop=True))
    votes = test.astype({name: int for name in TARGETS}).groupby("eeg_id", sort=False)[TARGETS].sum()
    answers = pd.read_csv(private / "answers.csv", dtype={"eeg_id": str}).set_index("eeg_id")
    assert answers.index.tolist() == first["eeg_id"].tolist()
    assert np.allclose(answers[TARGETS], votes.div(votes.sum(axis=1), axis=0), rtol=0, atol=1e-15)
    grader = variant.grader(private / "answers.csv")
    assert grader.score(public / "sample_submission.csv") > 0
    assert 0 <= grader.score(private / "answers.csv") < 1e-14
