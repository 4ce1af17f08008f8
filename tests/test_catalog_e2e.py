"""The catalog's competitions beyond lite and offline, end to end on synthetic data, as a user
smoke-tests an agent on them: ``--competitions=<ids> --mlebench-synthetic`` under ``-n 2``.

The local runner's session runs the baseline, which fits a model on every competition's files,
so each run must end with a valid submission inside its time limit. The docker runner's session
runs the dummy agent, which submits the sample: what differs per competition in a container is
the data it is given and the submission it hands back, not the agent's modelling, and the dummy
keeps this session to seconds a competition. Its runs are valid except where MLE-bench's sample
itself is not gradable (``SAMPLE_REFUSED``), which must then be refused with that reason. No run
is placed on a human leaderboard (the data is made up)."""

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


#: Competitions whose sample submission MLE-bench's grader cannot score, and why ours refuses it.
SAMPLE_REFUSED = {
    "us-patent-phrase-to-phrase-matching": "Pearson correlation of constant predictions is undefined",
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """Shared by both runners' sessions, also on two xdist workers (the data store's lock makes
    one of them prepare and the other wait): each competition is prepared once."""
    if worker_id == "master":
        return tmp_path_factory.mktemp("catalog-data")
    shared = tmp_path_factory.getbasetemp().parent / "catalog-data"
    shared.mkdir(exist_ok=True)
    return shared


def run_all(pytester: pytest.Pytester, data_dir: Path, runner: str, agent: str,
            refused: dict[str, str]) -> list[dict]:
    result = pytester.runpytest_subprocess(
        f"--agent={agent}", f"--competitions={','.join(OTHERS)}", "--mlebench-synthetic",
        f"--mlebench-runner={runner}", f"--mlebench-data-dir={data_dir}", "--mlebench-time-limit=60",
        "--mlebench-report=r.json", "-n", "2", timeout=1800)
    result.assert_outcomes(passed=len(OTHERS) - len(refused), failed=len(refused))
    records = json.loads((pytester.path / "r.json").read_text())["competition_reports"]
    assert sorted(r["competition_id"] for r in records) == OTHERS
    for record in records:
        if record["competition_id"] in refused:
            assert not record["valid_submission"], record
            assert refused[record["competition_id"]] in record["invalid_reason"], record
        else:
            assert record["valid_submission"] and record["score"] is not None, record
        assert not record["timed_out"] and record["runner"] == runner, record
        assert record["data"] == "synthetic" and record["leaderboard_source"] == "none", record
        assert not record["any_medal"] and record["rank"] is None, record
    return records


def test_the_catalog_has_competitions_beyond_lite_and_offline() -> None:
    assert len(OTHERS) >= 13, OTHERS


def test_baseline_on_every_other_competition_with_the_local_runner(pytester: pytest.Pytester,
                                                                   data_dir: Path) -> None:
    run_all(pytester, data_dir, "local", "baseline", {})


@pytest.mark.docker
def test_the_sample_of_every_other_competition_with_the_docker_runner(
        pytester: pytest.Pytester, data_dir: Path, docker_base_image: str, session_label: str) -> None:
    records = run_all(pytester, data_dir, "docker", "dummy", SAMPLE_REFUSED)
    assert all(r["image_digest"] for r in records)
