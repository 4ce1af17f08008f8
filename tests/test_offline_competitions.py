"""The offline competitions, prepared from installed packages through the real DataStore.

Each competition of the offline split is prepared once (module-scoped fixture)
into a temporary data directory. The checks are what a user relies on: the
agent's side holds no answers, the sample submission is valid, the truth scores
perfectly, the generated leaderboard loads and ranks (a copier of the sample
earns nothing), preparing twice gives the same bytes, and the ids line up.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Competition, read_id_list
from pytest_mlebench.data.store import (
    ANSWERS,
    GENERATED_LEADERBOARD,
    DataStore,
    PreparedCompetition,
    build_manifest,
)
from pytest_mlebench.grading.medals import award
from pytest_mlebench.grading.validate import read_csv, score
from pytest_mlebench.leaderboards.format import Leaderboard, load_leaderboard

ROOT = catalog_root()
OFFLINE = read_id_list(ROOT / "splits" / "offline.txt")

#: Competitions shown as image files: the size of each grayscale PNG.
IMAGE_SIZES = {"digits-png": (8, 8)}

#: A perfect submission's score under each metric the offline competitions use.
PERFECT = {
    "roc_auc": 1.0,
    "mean_columnwise_roc_auc": 1.0,
    "multiclass_log_loss": 0.0,
    "accuracy": 1.0,
    "rmse": 0.0,
}


@pytest.fixture(scope="module", params=OFFLINE)
def prepared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> PreparedCompetition:
    competition = Competition.from_folder(ROOT / request.param)
    return DataStore(tmp_path_factory.mktemp("data")).prepare(competition)


def _answers(prepared: PreparedCompetition) -> pd.DataFrame:
    return read_csv(prepared.private / ANSWERS)


def _leaderboard(prepared: PreparedCompetition) -> Leaderboard:
    metric = prepared.competition.grading_spec().metric
    return load_leaderboard(prepared.private / GENERATED_LEADERBOARD, metric.lower_is_better, "generated")


def _columns(path: Path) -> list[str]:
    return list(pd.read_csv(path, nrows=0).columns)


def _ids(path: Path, id_column: str) -> pd.Series:
    """The id column as text, as the grader compares ids."""
    return pd.read_csv(path, usecols=[id_column], dtype=str)[id_column]


def _label_columns(prepared: PreparedCompetition) -> list[str]:
    """The columns train.csv has and test.csv lacks."""
    test_columns = set(_columns(prepared.public / "test.csv"))
    return [c for c in _columns(prepared.public / "train.csv") if c not in test_columns]


def _sample_score(prepared: PreparedCompetition) -> float:
    spec = prepared.competition.grading_spec()
    return score(prepared.public / "sample_submission.csv", _answers(prepared), spec)


def test_offline_split_lists_offline_generated_competitions() -> None:
    assert len(OFFLINE) == 5
    for cid in OFFLINE:
        competition = Competition.from_folder(ROOT / cid)
        assert competition.id == cid
        assert competition.source == "offline"
        assert competition.leaderboard == "generated"
        assert not competition.awards_medals
        assert "pytest_mlebench/ladder.py" in competition.description_path.read_text()


def test_public_side_holds_no_answers(prepared: PreparedCompetition) -> None:
    public_names = {p.name for p in prepared.public.rglob("*")}
    assert not public_names & {ANSWERS, GENERATED_LEADERBOARD}
    assert {"train.csv", "test.csv", "sample_submission.csv", "description.md"} <= public_names

    train_columns = set(_columns(prepared.public / "train.csv"))
    test_columns = set(_columns(prepared.public / "test.csv"))
    assert _label_columns(prepared), "train.csv must hold the labels"
    assert test_columns < train_columns
    assert not test_columns & set(prepared.competition.target_columns)
    assert {ANSWERS, GENERATED_LEADERBOARD} <= {p.name for p in prepared.private.iterdir()}


def test_image_folders_hold_one_png_per_row(prepared: PreparedCompetition) -> None:
    size = IMAGE_SIZES.get(prepared.competition.id)
    id_column = prepared.competition.id_column
    for side in ("train", "test"):
        folder = prepared.public / side
        assert folder.is_dir() == (size is not None)
        if size is None:
            continue
        ids = _ids(prepared.public / f"{side}.csv", id_column)
        assert sorted(p.name for p in folder.iterdir()) == sorted(f"{i}.png" for i in ids)
        with Image.open(folder / f"{ids[0]}.png") as image:
            assert (image.mode, image.size) == ("L", size)


def test_ids_are_unique_and_line_up(prepared: PreparedCompetition) -> None:
    id_column = prepared.competition.id_column
    ids = {
        name: _ids(path, id_column).tolist()
        for name, path in (
            ("test", prepared.public / "test.csv"),
            ("sample", prepared.public / "sample_submission.csv"),
            ("answers", prepared.private / ANSWERS),
        )
    }
    assert len(set(ids["test"])) == len(ids["test"]) > 0
    assert ids["sample"] == ids["test"]
    assert ids["answers"] == ids["test"]
    train_ids = _ids(prepared.public / "train.csv", id_column)
    assert train_ids.is_unique
    assert not set(train_ids) & set(ids["test"])


def test_row_order_says_nothing_about_labels(prepared: PreparedCompetition) -> None:
    """Rows come in id order, and ids are random: sorted labels would leak through position."""
    id_column, label = prepared.competition.id_column, _label_columns(prepared)[0]
    train = pd.read_csv(prepared.public / "train.csv", usecols=[id_column, label])
    assert train[id_column].is_monotonic_increasing
    labels = train[label]
    assert not labels.is_monotonic_increasing
    assert not labels.is_monotonic_decreasing


def test_sample_submission_is_valid_and_earns_nothing(prepared: PreparedCompetition) -> None:
    value = _sample_score(prepared)
    leaderboard = _leaderboard(prepared)
    # The sample is the ladder's constant entry: on the board, never above its median.
    assert any(math.isclose(value, s, rel_tol=1e-9, abs_tol=1e-12) for s in leaderboard.scores)
    result = award(value, leaderboard)
    assert not result.any_medal
    assert not result.above_median


def test_answers_score_perfectly(prepared: PreparedCompetition) -> None:
    spec = prepared.competition.grading_spec()
    value = score(prepared.private / ANSWERS, _answers(prepared), spec)
    assert value == pytest.approx(PERFECT[spec.metric.name], abs=1e-9)


def test_leaderboard_ranks_with_spread(prepared: PreparedCompetition) -> None:
    leaderboard = _leaderboard(prepared)
    metric = prepared.competition.grading_spec().metric
    best, median = leaderboard.scores[0], float(np.median(leaderboard.scores))
    assert 20 <= leaderboard.n_teams <= 40
    assert len(set(leaderboard.scores)) >= leaderboard.n_teams // 2
    # Not saturated: the best reference solution is clearly short of perfect.
    assert abs(best - PERFECT[metric.name]) > 0.01
    # Not trivial: the best clearly beats the median (and the median the sample, above).
    assert abs(best - median) > 0.01 * abs(median)


def test_preparing_twice_gives_the_same_bytes(
    prepared: PreparedCompetition, tmp_path_factory: pytest.TempPathFactory
) -> None:
    again = DataStore(tmp_path_factory.mktemp("again")).prepare(prepared.competition)
    assert build_manifest(again.root) == build_manifest(prepared.root)
