"""icecube-neutrinos-in-deep-ice: MLE-bench's split of Kaggle's training batches (a tenth held
out, whole batches), streamed out of train_meta.parquet, and the mean angular error, on the
competition's own synthetic raw files."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.grader import Grader
from pytest_mlebench.grading.validate import InvalidSubmission

CID = "icecube-neutrinos-in-deep-ice"
TARGETS = ["azimuth", "zenith"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def mlebench_split(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame, list[int], list[int]]:
    """MLE-bench's split recomputed in memory: (train events, test events, train batches, test batches)."""
    meta = pd.read_parquet(raw / "train_meta.parquet")
    train_ids, test_ids = train_test_split(meta["batch_id"].unique(), test_size=0.1, random_state=0)
    held_out = meta["batch_id"].isin(test_ids)
    return (meta[~held_out].reset_index(drop=True), meta[held_out].reset_index(drop=True),
            sorted(train_ids), sorted(test_ids))


def unit_vectors(azimuth: np.ndarray, zenith: np.ndarray) -> np.ndarray:
    return np.stack([np.cos(azimuth) * np.sin(zenith), np.sin(azimuth) * np.sin(zenith), np.cos(zenith)],
                    axis=1)


def by_hand(prepared: Prepared, folder: Path, truth: list[tuple[float, float]]) -> Grader:
    """The grader over answers written by hand: events 0, 1, ... with these (azimuth, zenith)."""
    answers = pd.DataFrame(truth, columns=TARGETS).rename_axis("event_id").reset_index()
    answers.to_csv(folder / "answers.csv", index=False)
    return prepared.competition.grader(folder / "answers.csv")


def submit(folder: Path, predictions: list[tuple[float, float]]) -> Path:
    path = folder / "submission.csv"
    pd.DataFrame(predictions, columns=TARGETS).rename_axis("event_id").reset_index().to_csv(path, index=False)
    return path


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    train, test, train_batches, test_batches = mlebench_split(raw)
    assert len(test_batches) == 2 and len(train_batches) == 18 and len(test) == 30
    assert pd.read_parquet(public / "train_meta.parquet").equals(train)
    assert pd.read_parquet(public / "test_meta.parquet").equals(test.drop(columns=TARGETS))
    answers = pd.read_csv(prepared.data.answers_path)
    assert answers.equals(test[["event_id", *TARGETS]])
    assert text(prepared.sample_path).equals(test[["event_id"]].astype(str).assign(azimuth="1", zenith="1"))
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "sensor_geometry.csv", "test", "test_meta.parquet",
        "train", "train_meta.parquet"]
    for side, batches in (("train", train_batches), ("test", test_batches)):
        names = sorted(p.name for p in (public / side).iterdir())
        assert names == sorted(f"batch_{b}.parquet" for b in batches)
        # Kaggle's pulse files, unchanged: hard links to the raw ones.
        assert all(os.path.samefile(public / side / n, raw / "train" / n) for n in names)
    assert (public / "sensor_geometry.csv").read_bytes() == (raw / "sensor_geometry.csv").read_bytes()


def test_the_pulse_index_still_points_into_the_moved_pulse_files(prepared: Prepared) -> None:
    public = prepared.data.public
    meta = pd.read_parquet(public / "test_meta.parquet")
    for batch_id, events in meta.groupby("batch_id"):
        pulses = pd.read_parquet(public / "test" / f"batch_{batch_id}.parquet")
        for event in events.itertuples():
            rows = pulses.iloc[event.first_pulse_index:event.last_pulse_index + 1]
            assert set(rows.index) == {event.event_id}


def test_reading_the_meta_file_in_small_batches_changes_nothing(prepared: Prepared, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Kaggle's file is read as a stream: batch boundaries inside a batch id or a row group
    must not move an event, nor reorder the batch ids the split is drawn from."""
    module = prepared.competition.module("prepare")
    monkeypatch.setattr(module, "BATCH_ROWS", 7)
    public, private = tmp_path / "public", tmp_path / "private"
    public.mkdir()
    private.mkdir()
    module.prepare(prepared.raw, public, private)
    for name in ("train_meta.parquet", "test_meta.parquet"):
        assert pd.read_parquet(public / name).equals(pd.read_parquet(prepared.data.public / name))
    assert (private / "answers.csv").read_bytes() == prepared.data.answers_path.read_bytes()
    assert (public / "sample_submission.csv").read_bytes() == prepared.sample_path.read_bytes()


def test_the_answers_score_0_and_the_sample_its_mean_angle(prepared: Prepared, tmp_path: Path) -> None:
    answers = pd.read_csv(prepared.data.answers_path)
    # Rows in any order.
    answers.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    # Not exactly 0: an arccos of a dot product rounded just below 1, as in MLE-bench.
    assert prepared.score(tmp_path / "perfect.csv") == pytest.approx(0, abs=1e-7)
    truth = unit_vectors(answers["azimuth"].to_numpy(), answers["zenith"].to_numpy())
    one = unit_vectors(np.array([1.0]), np.array([1.0]))[0]
    assert prepared.score(prepared.sample_path) == pytest.approx(np.arccos(truth @ one).mean(), rel=1e-12)


def test_scores_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    grader = by_hand(prepared, tmp_path, [(0, math.pi / 2), (1.0, 0), (2.0, 1.0), (0.5, 0.5)])
    predictions = [(math.pi / 2, math.pi / 2),  # the x axis against the y axis: a right angle
                   (3.0, math.pi),              # straight up against straight down: pi, whatever the azimuths
                   (2.0 + 2 * math.pi, 1.0),    # another turn of the azimuth: the same direction
                   (0.5 + math.pi, -0.5)]       # a negative zenith with the opposite azimuth: the same
    assert grader.score(submit(tmp_path, predictions)) == pytest.approx((math.pi / 2 + math.pi) / 4, abs=1e-7)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'event_id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'azimuth'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "column 'azimuth' has 1 missing or NaN values"),
    ("NaN value", "column 'azimuth' has 1 missing or NaN values"),
    ("missing row", "wrong row count: expected 30 rows"),
    ("extra row", "wrong row count: expected 30 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "event_id", "azimuth")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


@pytest.mark.parametrize(("value", "reason"), [("inf", "infinite values"), ("north", "non-numeric values")])
def test_angles_must_be_finite_numbers(prepared: Prepared, tmp_path: Path, value: str, reason: str) -> None:
    sample = text(prepared.sample_path)
    sample.assign(zenith=[value, *sample["zenith"][1:]]).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(InvalidSubmission, match=f"column 'zenith' has 1 {reason}"):
        prepared.score(tmp_path / "bad.csv")
