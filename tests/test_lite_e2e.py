"""The lite split end to end, as a user without internet runs it: made-up raw Kaggle folders
staged with --raw-dir, all 22 competitions prepared, run and graded on the CPU.

The raw data is random, so scores say nothing; what is checked is that every run
ends with a valid submission inside its time limit, and that the baseline got
there with a model of its own rather than the sample it starts from.
(70 to 95 seconds on two cores, nearly all of it the baseline's session under -n 2.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Competition, read_id_list
from pytest_mlebench.data.synthetic import build_raw

pytestmark = pytest.mark.slow  # whole benchmark sessions over the 22 lite competitions

LITE = read_id_list(catalog_root() / "splits" / "lite.txt")


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lite-raw")
    for cid in LITE:
        build_raw(Competition.from_folder(catalog_root() / cid), root)
    return root


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Shared by the module's sessions: each competition is prepared once."""
    return tmp_path_factory.mktemp("lite-data")


def run(pytester: pytest.Pytester, raw_dir: Path, data_dir: Path, agent: str, *extra: str) -> list[dict]:
    """The session's report records, after checking that every competition passed."""
    result = pytester.runpytest_subprocess(
        f"--agent={agent}", "--competitions=lite", f"--raw-dir={raw_dir}", "--runner=local",
        f"--data-dir={data_dir}", "--time-limit=120", "--mlebench-report=r.json", *extra, timeout=900)
    result.assert_outcomes(passed=len(LITE))
    records = json.loads((pytester.path / "r.json").read_text())["competition_reports"]
    assert sorted(r["competition_id"] for r in records) == sorted(LITE)
    for record in records:
        assert record["valid_submission"], record
        assert not record["timed_out"] and record["exit_code"] == 0, record
        # Graded against the human leaderboard that ships with the plugin: no MLE-bench
        # checkout and no Kaggle account were given.
        assert record["leaderboard_source"] == "mlebench", record
        assert None not in [record[f"{t}_threshold"] for t in ("gold", "silver", "bronze", "median")]
    return records


def test_baseline_fits_a_model_for_every_lite_competition(
    pytester: pytest.Pytester, raw_dir: Path, data_dir: Path
) -> None:
    for record in run(pytester, raw_dir, data_dir, "baseline", "-n", "2"):
        log = (Path(record["run_dir"]) / "logs" / "baseline.log").read_text()
        assert "wrote the submission" in log, f"{record['competition_id']} kept the sample:\n{log}"


def test_dummy_submissions_are_valid_for_every_lite_competition(
    pytester: pytest.Pytester, raw_dir: Path, data_dir: Path
) -> None:
    run(pytester, raw_dir, data_dir, "dummy")
