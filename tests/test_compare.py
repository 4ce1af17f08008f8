"""``python -m pytest_mlebench compare``: run as a real process on real report files."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pytest_mlebench.grading.record import new_record
from pytest_mlebench.grading.report import session_report
from pytest_mlebench.reporting.compare import regressions

LEVELS = ("invalid", "valid", "above median", "bronze", "silver", "gold")
#: x and z: higher is better (an AUC); y: lower is better (an RMSE).
LOWER_IS_BETTER = {"x": False, "y": True, "z": False}
META = {"plugin_version": "0.1.0", "agent": "aide", "agent_version": "1", "runner": "docker",
        "run_group": "g", "time_limit_s": 3600, "seeds": 2, "competitions": "lite"}

#: (competition, seed) -> (level, score).
#: Baseline any medal: seed 0 2/3, seed 1 1/3 -> 0.5 +- (2/3 - 1/3) / 2 = 1/6.
BASELINE = {("x", 0): ("gold", 0.95), ("y", 0): ("bronze", 1.20), ("z", 0): ("valid", 0.60),
            ("x", 1): ("silver", 0.93), ("y", 1): ("above median", 1.40), ("z", 1): ("invalid", None)}
#: x#0 gold -> bronze, x#1 silver -> above median, y#0 1.20 -> 1.25 (lower is better: worse).
#: Any medal: seed 0 2/3, seed 1 0/3 -> 1/3 +- 1/3.
WORSE = BASELINE | {("x", 0): ("bronze", 0.90), ("y", 0): ("bronze", 1.25), ("x", 1): ("above median", 0.91)}


def record(cid: str, seed: int, level: str, score: float | None, **extra: Any) -> dict[str, Any]:
    rank = LEVELS.index(level)
    fields: dict[str, Any] = dict(
        competition_id=cid, seed=seed, score=score, split="lite", is_lower_better=LOWER_IS_BETTER[cid],
        valid_submission=rank >= 1, submission_exists=rank >= 1, above_median=rank >= 2, any_medal=rank >= 3,
        bronze_medal=level == "bronze", silver_medal=level == "silver", gold_medal=level == "gold",
        runner="docker", time_limit_s=3600, dataset_version="v1", leaderboard_source="mlebench")
    return new_record(**(fields | extra))


def report(runs: dict[tuple[str, int], tuple[str, float | None]], path: Path,
           changes: dict[str, dict[str, Any]] | None = None, **meta: Any) -> Path:
    """Write a session report; ``changes`` sets record fields per competition."""
    recs = [record(cid, seed, level, score, **(changes or {}).get(cid, {}))
            for (cid, seed), (level, score) in runs.items()]
    path.write_text(json.dumps(session_report(recs, **(META | meta))))
    return path


def compare_cli(*args: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest_mlebench", "compare", *map(str, args)],
                          capture_output=True, text=True, env={**os.environ, "COLUMNS": "160"}, timeout=60)


def regressed_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("REGRESSED:")]


def test_equal_reports_pass(tmp_path):
    a = report(BASELINE, tmp_path / "a.json")
    b = report(BASELINE, tmp_path / "b.json")
    done = compare_cli(a, b)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no regressions beyond the tolerance 0" in done.stdout
    # The change has standard error sqrt((1/6)^2 + (1/6)^2) = 0.236.
    assert ("any medal: 50.0% ± 16.7% in A, 50.0% ± 16.7% in B, change +0.0 ± 23.6 percentage points"
            in done.stdout)


def test_a_worse_report_fails_naming_what_regressed(tmp_path):
    a = report(BASELINE, tmp_path / "a.json")
    b = report(WORSE, tmp_path / "b.json")
    done = compare_cli(a, b)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = regressed_lines(done.stdout)
    assert lines == [
        "REGRESSED: x#0: medal level dropped from gold to bronze (score 0.95 -> 0.9, higher is better)",
        "REGRESSED: x#1: medal level dropped from silver to above median "
        "(score 0.93 -> 0.91, higher is better)",
        "REGRESSED: y#0: score worse by 0.05, beyond the tolerance 0 (score 1.2 -> 1.25, lower is better)",
        "REGRESSED: any-medal rate dropped from 50.0% ± 16.7% to 33.3% ± 33.3%, by 16.7 percentage points, "
        "beyond the tolerance 0",
    ]
    assert not any("z#" in line for line in lines)


def test_json_output_gives_the_rate_change_and_its_standard_error(tmp_path):
    a = report(BASELINE, tmp_path / "a.json")
    b = report(WORSE, tmp_path / "b.json")
    done = compare_cli(a, b, "--json")
    assert done.returncode == 1
    data = json.loads(done.stdout)
    # 1/3 - 1/2 = -1/6; standard error sqrt((1/6)^2 + (1/3)^2) = sqrt(5) / 6.
    assert data["any_medal"]["change"] == pytest.approx(-1 / 6)
    assert data["any_medal"]["sem"] == pytest.approx(math.sqrt(5) / 6)
    verdicts = {(r["competition_id"], r["seed"]): r["verdict"] for r in data["rows"]}
    assert verdicts == {("x", 0): "regressed", ("x", 1): "regressed", ("y", 0): "regressed",
                        ("y", 1): "", ("z", 0): "", ("z", 1): ""}


def test_an_improvement_passes(tmp_path):
    a = report(WORSE, tmp_path / "a.json")
    b = report(BASELINE, tmp_path / "b.json")
    done = compare_cli(a, b)
    assert done.returncode == 0, done.stdout
    assert "improved" in done.stdout


def test_tolerance_allows_small_changes(tmp_path):
    # y#0 worse by 0.05 only: no medal level or rate changes.
    a = report(BASELINE, tmp_path / "a.json")
    b = report(BASELINE | {("y", 0): ("bronze", 1.25)}, tmp_path / "b.json")
    assert compare_cli(a, b).returncode == 1
    assert compare_cli(a, b, "--tolerance", "0.1").returncode == 0


def test_different_time_limits_are_not_comparable(tmp_path):
    a = report(BASELINE, tmp_path / "a.json")
    b = report(BASELINE, tmp_path / "b.json", time_limit_s=7200)
    done = compare_cli(a, b)
    assert done.returncode == 3
    assert "NOT COMPARABLE: time_limit_s: 3600 in A, 7200 in B" in done.stdout


@pytest.mark.parametrize("changes, meta, words", [
    ({"y": {"dataset_version": "v2"}}, {}, "dataset_version differs for y (v1 in A, v2 in B)"),
    ({"x": {"leaderboard_source": "kaggle"}}, {},
     "leaderboard_source differs for x (mlebench in A, kaggle in B)"),
    ({}, {"runner": "local"}, "runner: docker in A, local in B"),
    ({}, {"seeds": 3}, "seeds: 2 in A, 3 in B"),
    ({}, {"memory_per_run": "8g"}, "memory_per_run: not recorded in A, 8g in B"),
    ({"z": {"harness_error": "image pull failed"}}, {},
     "infrastructure errors (harness_error) in B: z#0, z#1"),
])
def test_settings_that_matter_must_match(tmp_path, changes, meta, words):
    a = report(BASELINE, tmp_path / "a.json")
    b = report(BASELINE, tmp_path / "b.json", changes, **meta)
    done = compare_cli(a, b)
    assert done.returncode == 3, done.stdout
    assert done.stdout.startswith("NOT COMPARABLE: ")
    assert words in done.stdout


def test_excluded_competition_is_left_out_of_both_runs(tmp_path):
    a = report(BASELINE, tmp_path / "a.json")
    b = report(BASELINE, tmp_path / "b.json", {"z": {"dataset_version": "v2"}})
    done = compare_cli(a, b, "--exclude", "z")
    assert done.returncode == 0, done.stdout
    assert "denominator is 2 competitions, not 3" in done.stdout


@pytest.mark.parametrize("content, words", [
    (None, "cannot read"),
    ("{not json", "not JSON"),
    ('[{"competition_id": "x"}]', "not a pytest-mlebench session report"),
    ('{"competition_reports": [{"score": 1}]}', "not a pytest-mlebench session report"),
])
def test_a_file_that_is_not_a_report_is_a_usage_error(tmp_path, content, words):
    a = report(BASELINE, tmp_path / "a.json")
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content)
    done = compare_cli(a, bad)
    assert done.returncode == 2
    assert words in done.stderr and str(bad) in done.stderr


def test_missing_arguments_are_a_usage_error(tmp_path):
    assert compare_cli(report(BASELINE, tmp_path / "a.json")).returncode == 2


def records(runs: dict[tuple[str, int], tuple[str, float | None]]) -> list[dict[str, Any]]:
    return [record(cid, seed, level, score) for (cid, seed), (level, score) in runs.items()]


def test_regressions_follow_the_metric_direction():
    # y is lower-is-better: 1.20 -> 1.10 is better, 1.20 -> 1.21 worse by 0.01.
    better = records(BASELINE | {("y", 0): ("bronze", 1.10)})
    worse = records(BASELINE | {("y", 0): ("bronze", 1.21)})
    assert regressions(records(BASELINE), better, 0.0) == []
    assert regressions(records(BASELINE), worse, 0.0) == [
        "y#0: score worse by 0.01, beyond the tolerance 0 (score 1.2 -> 1.21, lower is better)"]
    assert regressions(records(BASELINE), worse, 0.02) == []


def test_regressions_ignore_infrastructure_errors_and_missing_runs():
    current = records({("x", 0): ("invalid", None)})
    assert regressions(records(BASELINE), current, 0.0) == [
        "x#0: medal level dropped from gold to invalid (score 0.95 -> -, higher is better)"]
    current[0]["harness_error"] = "container killed"
    assert regressions(records(BASELINE), current, 0.0) == []


def test_a_lost_run_is_reported_how_it_was_counted(tmp_path):
    a = report(BASELINE, tmp_path / "a.json")
    lost = {k: v for k, v in BASELINE.items() if k != ("y", 0)}
    b = report(lost, tmp_path / "b.json")
    done = compare_cli(a, b)
    assert ("B: complete seeds only: 1 of 2 seeds have a record for all 3 competitions; dropped seed 0"
            in done.stdout)
    assert "only in A" in done.stdout
    padded = compare_cli(a, b, "--pad-missing")
    # B padded: seed 0 has x gold and y failed -> 1/3; seed 1 1/3: the drop from 0.5 is a regression.
    assert padded.returncode == 1
    assert ("B: incomplete seeds padded: 1 missing attempts counted as failed (invalid, no medal): y#0"
            in padded.stdout)
    assert "any-medal rate dropped from 50.0% ± 16.7% to 33.3%" in padded.stdout
