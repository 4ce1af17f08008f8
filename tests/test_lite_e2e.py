"""The lite split end to end on synthetic data, as an agent builder smoke-tests an agent:
``--mlebench-synthetic`` makes each competition's raw files from its synthetic.py (no Kaggle,
no download), and all 22 competitions are prepared, run and graded on the CPU.

The raw data is random, so scores say nothing; what is checked is that every run
ends with a valid submission inside its time limit, that the baseline got there
with a model of its own rather than the sample it starts from, and that no record
of synthetic data is placed on a human leaderboard.
(70 to 95 seconds on two cores, nearly all of it the baseline's session under -n 2.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import read_id_list

pytestmark = pytest.mark.slow  # whole benchmark sessions over the 22 lite competitions

LITE = read_id_list(catalog_root() / "splits" / "lite.txt")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Shared by the module's sessions: each competition is prepared once."""
    return tmp_path_factory.mktemp("lite-data")


def run(pytester: pytest.Pytester, data_dir: Path, agent: str, *extra: str) -> dict:
    """The session's report, after checking that every competition passed unplaced."""
    result = pytester.runpytest_subprocess(
        f"--agent={agent}", "--competitions=lite", "--mlebench-synthetic", "--mlebench-runner=local",
        f"--mlebench-data-dir={data_dir}", "--mlebench-time-limit=120", "--mlebench-report=r.json",
        *extra, timeout=900)
    result.assert_outcomes(passed=len(LITE))
    report = json.loads((pytester.path / "r.json").read_text())
    assert report["data"] == "synthetic" and report["total_medals"] == 0
    records = report["competition_reports"]
    assert sorted(r["competition_id"] for r in records) == sorted(LITE)
    for record in records:
        assert record["valid_submission"] and record["score"] is not None, record
        assert not record["timed_out"] and record["exit_code"] == 0, record
        # Never medalled against the human teams: the score is of made-up data.
        assert record["data"] == "synthetic", record
        assert record["leaderboard_source"] == "none", record
        assert record["leaderboard_problem"] == "synthetic data: not placed on the human leaderboard"
        assert not any(record[f] for f in ("any_medal", "gold_medal", "silver_medal", "bronze_medal",
                                           "above_median")), record
        assert [record[k] for k in ("gold_threshold", "silver_threshold", "bronze_threshold",
                                    "median_threshold", "rank", "percentile")] == [None] * 6, record
    return report


def test_baseline_fits_a_model_for_every_lite_competition(pytester: pytest.Pytester, data_dir: Path) -> None:
    for record in run(pytester, data_dir, "baseline", "-n", "2")["competition_reports"]:
        log = (Path(record["run_dir"]) / "logs" / "baseline.log").read_text()
        assert "wrote the submission" in log, f"{record['competition_id']} kept the sample:\n{log}"


def test_dummy_submissions_are_valid_for_every_lite_competition(
    pytester: pytest.Pytester, data_dir: Path
) -> None:
    run(pytester, data_dir, "dummy")
