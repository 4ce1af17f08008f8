"""Kaggle's medal rules, and refusing leaderboards that would award medals wrongly."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pandas as pd
import pytest

from pytest_mlebench.grading.medals import award, medal_positions, thresholds
from pytest_mlebench.leaderboards.format import (
    LEADERBOARD_COLUMNS,
    Leaderboard,
    LeaderboardError,
    load_leaderboard,
    write_leaderboard,
)


@pytest.mark.parametrize("n_teams, positions", [
    (1, (1, 1, 1)),
    (9, (1, 1, 3)),
    (10, (1, 2, 4)),
    (99, (9, 19, 39)),
    (100, (10, 20, 40)),
    (249, (10, 49, 99)),
    (250, (10, 50, 100)),
    (999, (11, 50, 100)),
    (1000, (12, 50, 100)),
    (5000, (20, 250, 500)),
])
def test_medal_positions_follow_kaggles_table(n_teams, positions):
    assert medal_positions(n_teams) == positions


def test_medal_positions_need_a_team():
    with pytest.raises(ValueError, match="at least one team"):
        medal_positions(0)


def ladder(n: int, lower_is_better: bool) -> Leaderboard:
    """n teams scoring 1..n, best first."""
    scores = range(1, n + 1) if lower_is_better else range(n, 0, -1)
    return Leaderboard(tuple(float(s) for s in scores), lower_is_better, "generated")


@pytest.mark.parametrize("lower_is_better, expected", [
    (False, (10.0, 9.0, 7.0, 5.5)),
    (True, (1.0, 2.0, 4.0, 5.5)),
])
def test_thresholds_are_the_scores_at_the_medal_positions_and_the_median(lower_is_better, expected):
    # 10 teams: gold at position 1, silver at 2, bronze at 4.
    assert thresholds(ladder(10, lower_is_better)) == expected


def medal(score: float, lb: Leaderboard) -> str | None:
    result = award(score, lb)
    won = [name for name in ("gold", "silver", "bronze") if getattr(result, f"{name}_medal")]
    assert len(won) <= 1, "medals are exclusive"
    assert result.any_medal == bool(won)
    return won[0] if won else None


@pytest.mark.parametrize("score, expected", [
    (11.0, "gold"), (10.0, "gold"), (9.5, "silver"), (9.0, "silver"),
    (8.0, "bronze"), (7.0, "bronze"), (6.99, None), (0.0, None),
])
def test_a_score_equal_to_a_threshold_earns_it_higher_is_better(score, expected):
    assert medal(score, ladder(10, lower_is_better=False)) == expected


@pytest.mark.parametrize("score, expected", [
    (0.5, "gold"), (1.0, "gold"), (1.5, "silver"), (2.0, "silver"),
    (3.0, "bronze"), (4.0, "bronze"), (4.01, None), (11.0, None),
])
def test_a_score_equal_to_a_threshold_earns_it_lower_is_better(score, expected):
    assert medal(score, ladder(10, lower_is_better=True)) == expected


def test_tied_teams_at_a_threshold_share_it():
    lb = Leaderboard((0.9, 0.8, 0.8, 0.8, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0), False, "shipped")
    # Silver position 2 and bronze position 4 both fall on the 0.8 tie.
    assert thresholds(lb)[1:3] == (0.8, 0.8)
    assert medal(0.8, lb) == "silver"
    assert medal(0.79, lb) is None


@pytest.mark.parametrize("lower_is_better, median_score, better, worse", [
    (False, 5.5, 5.6, 5.4),
    (True, 5.5, 5.4, 5.6),
])
def test_above_median_means_strictly_better_than_the_median(lower_is_better, median_score,
                                                            better, worse):
    lb = ladder(10, lower_is_better)
    assert award(better, lb).above_median
    assert not award(median_score, lb).above_median
    assert not award(worse, lb).above_median


def test_rank_counts_strictly_better_teams_and_percentile_strictly_worse():
    lb = Leaderboard((0.9, 0.8, 0.8, 0.7), False, "kaggle")
    tied = award(0.8, lb)
    assert (tied.rank, tied.percentile) == (2, 25.0)
    top = award(0.95, lb)
    assert (top.rank, top.percentile) == (1, 100.0)
    last = award(0.1, lb)
    assert (last.rank, last.percentile) == (5, 0.0)


def test_rank_and_percentile_lower_is_better():
    result = award(2.5, ladder(10, lower_is_better=True))
    assert (result.rank, result.percentile) == (3, 80.0)


def test_medal_results_hold_only_plain_python_values():
    # numpy scalars break pytest-xdist's report channel.
    lb = Leaderboard(tuple(pd.Series([3.0, 2.0, 1.0]).to_numpy()), False, "kaggle")
    assert all(type(s) is float for s in lb.scores)
    result = award(pd.Series([2.0]).to_numpy()[0], lb)
    expected = {"rank": int, "percentile": float}
    for field in dataclasses.fields(result):
        value = getattr(result, field.name)
        kind = expected.get(field.name, float if field.name.endswith("threshold") else bool)
        assert type(value) is kind, field.name


def test_a_non_finite_score_cannot_be_placed():
    with pytest.raises(ValueError, match="non-finite"):
        award(float("nan"), ladder(10, lower_is_better=False))


# Loading and writing leaderboard files


def test_written_leaderboard_has_kaggles_columns_best_first_and_loads_back(tmp_path):
    path = tmp_path / "leaderboard.csv"
    write_leaderboard(path, [0.3, 0.1, 0.2], lower_is_better=True)
    table = pd.read_csv(path)
    assert tuple(table.columns) == LEADERBOARD_COLUMNS
    assert table["score"].tolist() == table["scoreNullable"].tolist() == [0.1, 0.2, 0.3]
    assert table["teamId"].tolist() == [1, 2, 3]
    assert table["hasTeamName"].all() and table["hasScore"].all()
    assert (table["submissionDate"] == "2024-01-01 00:00:00").all()
    lb = load_leaderboard(path, lower_is_better=True, source="generated")
    assert lb == Leaderboard((0.1, 0.2, 0.3), True, "generated",
                             hashlib.sha256(path.read_bytes()).hexdigest())
    assert lb.n_teams == 3


def test_scores_survive_the_round_trip_exactly(tmp_path):
    scores = [0.1 + 0.2, 1 / 3, 2 / 3]
    write_leaderboard(tmp_path / "lb.csv", scores, lower_is_better=False)
    assert load_leaderboard(tmp_path / "lb.csv", False, "generated").scores == tuple(
        sorted(scores, reverse=True))


def write_table(path: Path, rows: list[dict]) -> Path:
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def entry(score: float | None, has_score: bool = True) -> dict:
    return {"scoreNullable": score, "teamId": 1, "hasTeamName": True,
            "submissionDate": "2020-01-01", "score": score, "hasScore": has_score}


def test_rows_without_a_score_are_dropped(tmp_path):
    path = write_table(tmp_path / "lb.csv", [
        entry(0.9), entry(0.8), entry(None, has_score=False), entry(0.0, has_score=False),
        entry(None), entry(0.5),
    ])
    assert load_leaderboard(path, False, "mlebench").scores == (0.9, 0.8, 0.5)


def test_missing_file(tmp_path):
    with pytest.raises(LeaderboardError, match=r"no leaderboard file at .*lb\.csv"):
        load_leaderboard(tmp_path / "lb.csv", False, "mlebench")


def test_a_git_lfs_pointer_says_to_pull_in_its_repository(tmp_path):
    repo = tmp_path / "mle-bench"
    (repo / ".git").mkdir(parents=True)
    folder = repo / "mlebench" / "competitions" / "spaceship-titanic"
    folder.mkdir(parents=True)
    pointer = folder / "leaderboard.csv"
    pointer.write_text("version https://git-lfs.github.com/spec/v1\n"
                       "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
                       "size 12345\n")
    with pytest.raises(LeaderboardError) as excinfo:
        load_leaderboard(pointer, False, "mlebench")
    message = str(excinfo.value)
    assert "Git LFS pointer" in message
    assert f"run `git lfs pull` in {repo.resolve()}" in message


def test_a_file_without_a_score_column_is_refused(tmp_path):
    path = write_table(tmp_path / "lb.csv", [{"teamId": 1, "points": 3}])
    with pytest.raises(LeaderboardError, match="no 'score' column"):
        load_leaderboard(path, False, "kaggle")


def test_a_leaderboard_without_scores_is_refused(tmp_path):
    path = write_table(tmp_path / "lb.csv", [entry(None, False), entry(None, False)])
    with pytest.raises(LeaderboardError, match="has no scores"):
        load_leaderboard(path, False, "kaggle")


def test_an_all_equal_leaderboard_is_refused(tmp_path):
    # Kaggle once served all zeros for a competition's leaderboard.
    path = write_table(tmp_path / "lb.csv", [entry(0.0)] * 5)
    with pytest.raises(LeaderboardError, match=r"every score is 0 \(5 teams\)"):
        load_leaderboard(path, False, "kaggle")


def test_non_numeric_scores_are_refused(tmp_path):
    path = write_table(tmp_path / "lb.csv", [entry(0.9), {**entry(0.5), "score": "0.5 points"}])
    with pytest.raises(LeaderboardError, match="not finite numbers"):
        load_leaderboard(path, False, "kaggle")


@pytest.mark.parametrize("lower_is_better", [False, True])
def test_an_order_against_the_metrics_direction_is_refused(tmp_path, lower_is_better):
    scores = [0.1, 0.2, 0.3] if not lower_is_better else [0.3, 0.2, 0.1]
    path = write_table(tmp_path / "lb.csv", [entry(s) for s in scores])
    with pytest.raises(LeaderboardError, match="order contradicts the metric's direction"):
        load_leaderboard(path, lower_is_better, "kaggle")


def test_ties_do_not_contradict_the_order(tmp_path):
    path = write_table(tmp_path / "lb.csv", [entry(s) for s in (0.9, 0.9, 0.7, 0.7, 0.1)])
    assert load_leaderboard(path, False, "kaggle").scores == (0.9, 0.9, 0.7, 0.7, 0.1)


def test_a_partly_unsorted_leaderboard_names_the_first_disorder(tmp_path):
    path = write_table(tmp_path / "lb.csv", [entry(s) for s in (0.9, 0.8, 0.85, 0.1)])
    with pytest.raises(LeaderboardError, match=r"position 2 scores 0\.8 and position 3 scores 0\.85"):
        load_leaderboard(path, False, "kaggle")
