"""The catalog's competitions beyond lite and offline, end to end on synthetic data, as a user
smoke-tests an agent on them: ``--competitions=<ids> --mlebench-synthetic`` under ``-n 2``, with
the local runner and with the docker runner. Every run must end with a valid submission inside
its time limit, never placed on a human leaderboard (the data is made up)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Registry

pytestmark = pytest.mark.slow  # whole sessions over a dozen competitions

REGISTRY = Registry()
REGISTRY.add_catalog(catalog_root())
#: Implemented, and in neither the lite nor the offline split (which have their own e2e tests).
OTHERS = sorted(cid for cid, c in REGISTRY.competitions.items()
                if c.implemented and not {"lite", "offline"} & set(REGISTRY.splits_containing(cid)))


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Shared by both runners' sessions: each competition is prepared once."""
    return tmp_path_factory.mktemp("catalog-data")


def run_all(pytester: pytest.Pytester, data_dir: Path, runner: str) -> list[dict]:
    result = pytester.runpytest_subprocess(
        "--agent=baseline", f"--competitions={','.join(OTHERS)}", "--mlebench-synthetic",
        f"--mlebench-runner={runner}", f"--mlebench-data-dir={data_dir}", "--mlebench-time-limit=60",
        "--mlebench-report=r.json", "-n", "2", timeout=1800)
    result.assert_outcomes(passed=len(OTHERS))
    records = json.loads((pytester.path / "r.json").read_text())["competition_reports"]
    assert sorted(r["competition_id"] for r in records) == OTHERS
    for record in records:
        assert record["valid_submission"] and record["score"] is not None, record
        assert not record["timed_out"] and record["runner"] == runner, record
        assert record["data"] == "synthetic" and record["leaderboard_source"] == "none", record
        assert not record["any_medal"] and record["rank"] is None, record
    return records


def test_the_catalog_has_competitions_beyond_lite_and_offline() -> None:
    assert len(OTHERS) >= 13, OTHERS


def test_baseline_on_every_other_competition_with_the_local_runner(pytester: pytest.Pytester,
                                                                   data_dir: Path) -> None:
    run_all(pytester, data_dir, "local")


@pytest.mark.docker
def test_baseline_on_every_other_competition_with_the_docker_runner(
        pytester: pytest.Pytester, data_dir: Path, docker_base_image: str, session_label: str) -> None:
    records = run_all(pytester, data_dir, "docker")
    assert all(r["image_digest"] for r in records)
