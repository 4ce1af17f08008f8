"""The README's main job, for real: every offline competition, baseline against dummy."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pytest_mlebench.grading.record import MLEBENCH_FIELDS, RECORD_FIELDS

OFFLINE = ["diabetes-progression", "digits-png", "synthetic-credit-default",
           "synthetic-multilabel-tags", "wine-cultivar"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Shared by the module's sessions: each competition is prepared once."""
    return tmp_path_factory.mktemp("offline-data")


def run(pytester: pytest.Pytester, data_dir: Path, agent: str, *extra: str) -> dict:
    result = pytester.runpytest_subprocess(
        f"--agent={agent}", "--competitions=offline", "--mlebench-runner=local",
        f"--mlebench-data-dir={data_dir}",
        "--mlebench-report=r.json", "--junitxml=r.xml", *extra, timeout=900)
    result.assert_outcomes(passed=len(OFFLINE))
    result.stdout.fnmatch_lines(["*MLE-bench medal summary*",
                                 "*generated leaderboards (reference ladder, not human teams)*"])
    report = json.loads((pytester.path / "r.json").read_text())
    report["junit"] = ET.parse(pytester.path / "r.xml").getroot()
    return report


def test_baseline_beats_dummy_on_every_offline_competition(pytester: pytest.Pytester,
                                                           data_dir: Path) -> None:
    dummy = run(pytester, data_dir, "dummy")
    baseline = run(pytester, data_dir, "baseline", "-n", "2")
    for report in (dummy, baseline):
        records = report["competition_reports"]
        assert [r["competition_id"] for r in records] == OFFLINE
        for rec in records:
            assert list(rec) == list(RECORD_FIELDS) and set(MLEBENCH_FIELDS) <= set(rec)
            assert rec["valid_submission"] and rec["leaderboard_source"] == "generated"
            assert rec["n_teams"] >= 20 and rec["rank"] >= 1
        # xunit2 (pytest's default): each record is a testsuite property, as JSON.
        props = {p.get("name"): p.get("value") for p in report["junit"].iter("property")}
        assert [json.loads(props[f"mlebench[{r['competition_id']}#0]"]) for r in records] == records
    for before, after in zip(dummy["competition_reports"], baseline["competition_reports"], strict=True):
        lower, higher = after["score"] < before["score"], after["score"] > before["score"]
        better = lower if after["is_lower_better"] else higher
        assert better, f"{after['competition_id']}: baseline {after['score']} vs dummy {before['score']}"
    assert baseline["total_valid_submissions"] == len(OFFLINE)
    assert baseline["any_medal_rate"]["mean"] > dummy["any_medal_rate"]["mean"]


def test_parallel_and_serial_sessions_give_the_same_records(pytester: pytest.Pytester,
                                                            data_dir: Path) -> None:
    serial = run(pytester, data_dir, "dummy")
    parallel = run(pytester, data_dir, "dummy", "-n", "2")
    varying = {"created_at", "runtime_s", "run_dir", "submission_path"}

    def stable(report: dict) -> list[dict]:
        return [{k: v for k, v in r.items() if k not in varying} for r in report["competition_reports"]]

    assert stable(serial) == stable(parallel)
