"""Medals exactly as MLE-bench awards them, against the leaderboards the plugin ships.

MLE-bench rounds a score to 5 decimals before placing it, so a score a few
millionths on the wrong side of a threshold still earns it. The expected medals
below are worked out by hand from the shipped files: the team count gives the
medal positions (Kaggle's progression rules), the score at each position is the
threshold, and the rounded score is compared with it.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pandas as pd
import pytest

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Registry, read_id_list
from pytest_mlebench.data.store import PreparedCompetition
from pytest_mlebench.grading.grader import Grader
from pytest_mlebench.grading.metrics import Metric
from pytest_mlebench.grading.report import grade_submission
from pytest_mlebench.grading.validate import GradingSpec
from pytest_mlebench.leaderboards.sources import find_leaderboard

MANIFEST = Path(__file__).parent / "data" / "leaderboards-manifest.tsv"
REGISTRY = Registry()
REGISTRY.add_catalog(catalog_root())
EVERY_ID = sorted({*read_id_list(catalog_root() / "splits" / "all.txt"),
                   *read_id_list(catalog_root() / "splits" / "dev.txt")})
SHIPPED = {row["competition_id"]: row for row in csv.DictReader(MANIFEST.open(), delimiter="\t")}


def test_every_competition_of_mlebench_has_its_folder_and_81_their_leaderboard() -> None:
    assert len(EVERY_ID) == 82 and set(EVERY_ID) <= set(REGISTRY.competitions)
    assert sorted(SHIPPED) == sorted(c for c in EVERY_ID if c != "ventilator-pressure-prediction")
    ventilator = REGISTRY.competitions["ventilator-pressure-prediction"]
    assert ventilator.leaderboard == "none" and not (ventilator.path / "leaderboard.csv").exists()
    assert "--mlebench-repo" in ventilator.known_issues[0]


@pytest.mark.parametrize("cid", sorted(SHIPPED))
def test_the_shipped_leaderboard_is_mlebench_s_file(cid: str) -> None:
    competition = REGISTRY.competitions[cid]
    data = (competition.path / "leaderboard.csv").read_bytes()
    expected = SHIPPED[cid]
    assert hashlib.sha256(data).hexdigest() == expected["sha256"] == competition.leaderboard_sha256
    assert len(data) == int(expected["bytes"])
    assert len(pd.read_csv(competition.path / "leaderboard.csv")) == int(expected["teams"])
    assert competition.leaderboard == "mlebench"


def _prepared(cid: str, tmp_path: Path) -> PreparedCompetition:
    return PreparedCompetition(REGISTRY.competitions[cid], tmp_path / cid / "v1", "0" * 64)


@pytest.mark.parametrize("cid", sorted(SHIPPED))
def test_the_shipped_leaderboard_loads_and_its_direction_is_the_metric_s(cid: str,
                                                                          tmp_path: Path) -> None:
    competition = REGISTRY.competitions[cid]
    scores = pd.read_csv(competition.path / "leaderboard.csv")["score"]
    # MLE-bench infers the direction from the leaderboard: lower is better when the first
    # score is below the last.
    lower_is_better = bool(scores.iloc[0] < scores.iloc[-1])
    if competition.implemented:
        assert competition.grading_spec().metric.lower_is_better == lower_is_better
    lookup = find_leaderboard(_prepared(cid, tmp_path), lower_is_better)
    assert lookup.source == "mlebench" and lookup.problem is None
    assert lookup.leaderboard is not None and lookup.leaderboard.sha256 == SHIPPED[cid]["sha256"]


def test_a_changed_shipped_leaderboard_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "catalog" / "spooky-author-identification"
    folder.mkdir(parents=True)
    source = REGISTRY.competitions["spooky-author-identification"].path
    (folder / "competition.yaml").write_bytes((source / "competition.yaml").read_bytes())
    changed = (source / "leaderboard.csv").read_bytes().replace(b",0.", b",0.0", 1)
    (folder / "leaderboard.csv").write_bytes(changed)
    registry = Registry()
    registry.add_catalog(tmp_path / "catalog")
    prepared = PreparedCompetition(registry.competitions["spooky-author-identification"],
                                   tmp_path / "data" / "v1", "0" * 64)
    lookup = find_leaderboard(prepared, lower_is_better=True)
    assert lookup.source == "none" and "is not MLE-bench's leaderboard" in (lookup.problem or "")


# Thresholds read off the shipped files (row = position, from 1):
#   mlsp-2013-birds, 81 teams, higher is better: gold at 8 (floor 8.1), silver 16, bronze 32.
#   denoising-dirty-documents, 162 teams, lower: gold 10, silver 32 (floor 32.4), bronze 64.
#   random-acts-of-pizza, 462 teams, higher: gold 10 + floor(0.924) = 10, silver 50, bronze 100.
#   new-york-city-taxi-fare-prediction, 1485 teams, lower: gold 10 + floor(2.97) = 12,
#   silver floor(74.25) = 74, bronze floor(148.5) = 148.
THRESHOLDS = {
    "mlsp-2013-birds": (0.93527, 0.90038, 0.87372, 0.86572),
    "denoising-dirty-documents": (0.01794, 0.02609, 0.04517, 0.07325),
    # An even count: the median is the mean of positions 231 and 232.
    "random-acts-of-pizza": (0.97908, 0.76482, 0.69210, (0.59962 + 0.59957) / 2),
    "new-york-city-taxi-fare-prediction": (2.83377, 2.88191, 2.92371, 3.59741),
}
LEVELS = ("gold", "silver", "bronze", "none")


def _cases() -> list[tuple[str, float, str]]:
    """Each threshold, then 1e-6 and 4e-6 either side (all round onto it, so all earn it),
    then 6e-6 on the worse side (rounds one step away: the next level down)."""
    cases = []
    for cid, values in THRESHOLDS.items():
        worse = 1.0 if REGISTRY.competitions[cid].metric in ("rmse",) else -1.0
        for level, threshold in zip(LEVELS, values[:3], strict=False):
            for offset in (0.0, 1e-6, -1e-6, 4e-6, -4e-6):
                cases.append((cid, threshold + offset, level))
            cases.append((cid, threshold + worse * 6e-6, LEVELS[LEVELS.index(level) + 1]))
    return cases


def _record(cid: str, value: float, tmp_path: Path) -> dict:
    competition = REGISTRY.competitions[cid]
    lower = competition.grading_spec().metric.lower_is_better
    lookup = find_leaderboard(_prepared(cid, tmp_path), lower)
    spec = GradingSpec("id", ("y",), Metric("fixed", lower, "number", lambda t, p: value))
    submission = tmp_path / "submission.csv"
    submission.write_text("id,y\na,0\n")
    grader = Grader(spec, pd.DataFrame({"id": ["a"], "y": ["0"]}))
    return grade_submission(submission_path=submission, grader=grader, leaderboard=lookup.leaderboard)


@pytest.mark.parametrize(("cid", "value", "level"), _cases())
def test_medals_are_placed_on_the_score_rounded_to_5_decimals(cid: str, value: float, level: str,
                                                              tmp_path: Path) -> None:
    record = _record(cid, value, tmp_path)
    assert record["raw_score"] == value and record["score"] == round(value, 5)
    gold, silver, bronze, median = THRESHOLDS[cid]
    assert (record["gold_threshold"], record["silver_threshold"], record["bronze_threshold"],
            record["median_threshold"]) == pytest.approx((gold, silver, bronze, median), abs=0)
    earned = {lv: record[f"{lv}_medal"] for lv in LEVELS[:3]}
    assert earned == {lv: lv == level for lv in LEVELS[:3]}
    assert record["any_medal"] == (level != "none")


def test_an_rmse_that_rounds_to_the_taxi_gold_threshold_is_gold(tmp_path: Path) -> None:
    record = _record("new-york-city-taxi-fare-prediction", 2.833774, tmp_path)
    assert record["score"] == 2.83377 and record["gold_medal"]


def test_an_auc_a_hair_under_one_is_gold_on_the_saturated_cactus_leaderboard(tmp_path: Path) -> None:
    record = _record("aerial-cactus-identification", 0.999996, tmp_path)
    assert record["gold_threshold"] == 1.0 and record["score"] == 1.0 and record["gold_medal"]


def test_an_invalid_submission_still_reports_the_thresholds(tmp_path: Path) -> None:
    lookup = find_leaderboard(_prepared("mlsp-2013-birds", tmp_path), False)
    grader = Grader(GradingSpec("id", ("y",), Metric("fixed", False, "number", lambda t, p: 0.5)),
                    pd.DataFrame({"id": ["a"], "y": ["0"]}))
    record = grade_submission(submission_path=None, grader=grader, leaderboard=lookup.leaderboard)
    assert not record["valid_submission"] and record["score"] is None
    assert record["gold_threshold"] == 0.93527 and record["median_threshold"] == 0.86572
