"""Seeds, GPU leases under xdist, resume, and the CI gates, in real pytest sessions."""

from __future__ import annotations

import itertools
import json
import math
import shutil
import signal
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock
from waiting import agent_started, end_of, leases_free, start_session, wait_for

from pytest_mlebench.runners.leases import DevicePool, Leaser, agent_locks


def report(path: Path) -> dict:
    return json.loads(path.read_text())


def test_seeds_give_mean_and_standard_error_over_seeds(bench: pytest.Pytester) -> None:
    result = bench.runpytest("--agent=seedy", "--mlebench-seeds=3", "--mlebench-report=r.json",
                             "--mlebench-markdown=summary.md")
    result.assert_outcomes(passed=6, skipped=3)
    rep = report(bench.path / "r.json")
    by_seed: dict[int, list[bool]] = {}
    for rec in rep["competition_reports"]:
        by_seed.setdefault(rec["seed"], []).append(rec["any_medal"])
    # Seeds 0 and 1: silver on tiny-auc-2 only (1 of 2); seed 2: the sample, nothing.
    assert by_seed == {0: [False, True], 1: [False, True], 2: [False, False]}
    shares = [0.5, 0.5, 0.0]
    assert rep["any_medal_rate"]["mean"] == pytest.approx(1 / 3)
    assert rep["any_medal_rate"]["sem"] == pytest.approx(statistics.stdev(shares) / math.sqrt(3))
    assert rep["any_medal_rate"]["sem"] == pytest.approx(0.1666667, abs=1e-6)
    result.stdout.fnmatch_lines(["*any medal: 33.3% ± 16.7*"])
    md = (bench.path / "summary.md").read_text()
    assert "| tiny-auc-2 | 1 |" in md and "any medal: 33.3% ± 16.7" in md


def test_github_step_summary_is_appended(bench: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    step = bench.path / "step.md"
    step.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step))
    bench.runpytest("--agent=good").assert_outcomes(passed=2, skipped=1)
    text = step.read_text()
    assert text.startswith("earlier step\n") and "### MLE-bench: good" in text


def intervals(log: Path) -> dict[str, list[tuple[float, float]]]:
    """GPU id -> [(start, end)] from the gpu-recorder agent's log."""
    starts: dict[str, list[float]] = {}
    spans: dict[str, list[tuple[float, float]]] = {}
    for line in log.read_text().splitlines():
        kind, gpu, stamp = line.split()
        if kind == "start":
            starts.setdefault(gpu, []).append(float(stamp))
        else:
            spans.setdefault(gpu, []).append((starts[gpu].pop(0), float(stamp)))
    return spans


@pytest.mark.parametrize("gpus", ["0", "0,1"])
def test_no_gpu_is_leased_twice_at_once_across_workers(bench: pytest.Pytester, gpus: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    log, lease_dir = tmp_path / "leases.log", tmp_path / "leases"
    monkeypatch.setenv("LEASE_LOG", str(log))
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1")  # what the "driver" shows on this GPU-less host
    result = bench.runpytest_subprocess(
        "--agent=gpu-recorder", "--mlebench-local-sandbox=none",  # it writes to a host file
        "-n", "2", f"--mlebench-gpus={gpus}", f"--mlebench-lease-dir={lease_dir}",
        "--competitions=tiny-auc,tiny-auc-2", "--mlebench-seeds=2", timeout=300)
    result.assert_outcomes(passed=4)
    spans = intervals(log)
    assert set(spans) <= set(gpus.split(",")) and sum(len(v) for v in spans.values()) == 4
    for gpu, runs in spans.items():
        runs.sort()
        for (_start, end), (next_start, _end) in itertools.pairwise(runs):
            assert next_start >= end, f"GPU {gpu} was leased to two runs at once"
    assert_all_leases_free(lease_dir)


def assert_all_leases_free(lease_dir: Path) -> None:
    assert leases_free(lease_dir), f"a lease in {lease_dir} was never given back"


def test_leases_come_back_after_failing_and_timed_out_runs(bench: pytest.Pytester, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    lease_dir = tmp_path / "leases"
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")
    # One GPU and three runs in a row: a lease kept by a failed run would hang the next one.
    for agent in ("crash", "sleeper", "malformed"):
        result = bench.runpytest_subprocess(f"--agent={agent}", "--mlebench-gpus=0",
                                            f"--mlebench-lease-dir={lease_dir}",
                                            "--mlebench-time-limit=1", "--competitions=tiny-auc,tiny-auc-2",
                                            timeout=120)
        result.assert_outcomes(failed=2)
    assert_all_leases_free(lease_dir)


def test_lease_comes_back_after_ctrl_c(bench: pytest.Pytester, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    lease_dir, output = tmp_path / "leases", tmp_path / "session.log"
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")
    proc = start_session(bench.path, ["--agent=sleeper", "--mlebench-gpus=0",
                                      f"--mlebench-lease-dir={lease_dir}",
                                      "--competitions=tiny-auc"], output)
    wait_for(lambda: list(lease_dir.glob("gpu-*.lock")) and agent_started(bench.path),
             "the run started with its lease", proc=proc, output=output)
    proc.send_signal(signal.SIGINT)
    assert end_of(proc, "Ctrl-C mid-run", output) == pytest.ExitCode.INTERRUPTED, output.read_text()
    assert_all_leases_free(lease_dir)


def test_a_dead_holder_gives_its_lease_back(tmp_path: Path) -> None:
    """A crashed xdist worker holds its lease only as long as its process lives."""
    child = subprocess.Popen([sys.executable, "-c", f"""
from pathlib import Path
import time
from pytest_mlebench.runners.leases import DevicePool, Leaser, agent_locks
with Leaser(Path({str(tmp_path)!r}), [DevicePool("gpu", ("0",), 1)]).lease() as got:
    print(got, flush=True)
    time.sleep(600)
"""], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "{'gpu': ['0']}"
    leaser = Leaser(tmp_path, [DevicePool("gpu", ("0",), 1)], poll_s=0.05)
    child.kill()
    child.wait()
    with leaser.lease() as got:
        assert got == {"gpu": ["0"]}


def test_a_slot_whose_agent_still_runs_is_not_leased(tmp_path: Path) -> None:
    """The dead-man's switch of a dead holder's run keeps the slot until its agent is gone."""
    pool = [DevicePool("gpu", ("0", "1"), 1)]
    with Leaser(tmp_path, pool).lease() as first:
        [orphan] = agent_locks()
    assert first == {"gpu": ["0"]} and orphan.name == "gpu-0-slot0.agent.lock"
    switch = FileLock(str(orphan))  # the switch of the first run, holding on after its harness
    with switch:
        with Leaser(tmp_path, pool).lease() as second:
            assert second == {"gpu": ["1"]}
    with Leaser(tmp_path, pool).lease() as third:
        assert third == {"gpu": ["0"]}
    assert agent_locks() == ()


def test_leases_split_devices_between_concurrent_holders(tmp_path: Path) -> None:
    leaser = Leaser(tmp_path, [DevicePool("gpu", ("0", "1", "2"), 2)])
    with leaser.lease() as first:
        assert first == {"gpu": ["0", "1"]}
        other = Leaser(tmp_path, [DevicePool("gpu", ("0", "1", "2"), 1)])
        with other.lease() as second:
            assert second == {"gpu": ["2"]}


def test_asking_for_more_gpus_than_exist_is_a_usage_error(bench: pytest.Pytester,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")
    result = bench.runpytest("--agent=good", "--mlebench-gpus=0", "--mlebench-gpus-per-run=2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*a run needs 2 gpu(s) but only 1 are available: 0*"])


def test_baseline_gate_names_the_competitions_that_regressed(bench: pytest.Pytester) -> None:
    bench.runpytest("--agent=good", "--mlebench-report=good.json").assert_outcomes(passed=2, skipped=1)
    worse = bench.runpytest("--agent=copier", "--mlebench-baseline=good.json")
    worse.assert_outcomes(passed=0, failed=2, skipped=1)
    worse.stdout.fnmatch_lines(["*tiny-auc*0.8467*0.5*", "*tiny-auc-2*silver*"])
    same = bench.runpytest("--agent=good", "--mlebench-baseline=good.json")
    same.assert_outcomes(passed=2, skipped=1)


def test_fail_under_fails_the_session_with_the_reason(bench: pytest.Pytester) -> None:
    result = bench.runpytest("--agent=copier", "--mlebench-fail-under=any_medal=0.3,valid=0.9",
                             "--mlebench-report=r.json")
    result.assert_outcomes(passed=2, skipped=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*gate failed: --mlebench-fail-under any_medal=0.3: the session's "
                                 "any_medal rate is 0.000*"])
    assert report(bench.path / "r.json")["gate_failures"]
    ok = bench.runpytest("--agent=good", "--mlebench-fail-under=any_medal=0.5")
    assert ok.ret == pytest.ExitCode.OK


def test_expect_file_sets_levels_per_competition(bench: pytest.Pytester) -> None:
    (bench.path / "silver.yaml").write_text("tiny-auc-2: silver\n")
    bench.runpytest("--agent=good", "--mlebench-expect=silver.yaml").assert_outcomes(passed=2, skipped=1)
    (bench.path / "gold.yaml").write_text("tiny-auc-2: gold\n")
    result = bench.runpytest("--agent=good", "--mlebench-expect=gold.yaml")
    result.assert_outcomes(passed=1, failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*--mlebench-require gold: score 0.8467* (higher is better) misses a "
                                 "gold medal: threshold 0.86; rank 4 of 20*"])
    (bench.path / "bad.yaml").write_text("tiny-auc-2: platinum\n")
    bad = bench.runpytest("--agent=good", "--mlebench-expect=bad.yaml")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR


def test_resume_runs_only_what_is_missing(bench: pytest.Pytester, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "runs.log"
    monkeypatch.setenv("LEASE_LOG", str(log))
    bench.runpytest("--agent=counter", "--mlebench-local-sandbox=none",  # counts in a host file
                    "--mlebench-report=first.json").assert_outcomes(passed=2, skipped=1)
    first = report(bench.path / "first.json")
    group = first["run_group"]
    unfinished = Path(first["competition_reports"][1]["run_dir"]) / "run.json"
    unfinished.unlink()
    result = bench.runpytest("--agent=counter", "--mlebench-local-sandbox=none",  # counts in a host file
                             f"--mlebench-resume={group}", "--mlebench-report=second.json")
    result.assert_outcomes(passed=2, skipped=1)
    assert log.read_text().split() == ["tiny-auc", "tiny-auc-2", "tiny-auc-2"]
    second = report(bench.path / "second.json")
    assert second["run_group"] == group
    def scores(rep: dict) -> list[float]:
        return [r["score"] for r in rep["competition_reports"]]

    assert scores(second) == scores(first)
    missing = bench.runpytest("--agent=counter", "--mlebench-local-sandbox=none",  # counts in a host file
                              "--mlebench-resume=no-such-group")
    assert missing.ret == pytest.ExitCode.USAGE_ERROR


def test_resume_refuses_runs_made_otherwise_naming_each_difference(bench: pytest.Pytester) -> None:
    """Another agent or time limit would be credited with the group's medals: refused, unless asked."""
    bench.runpytest("--agent=good", "--mlebench-report=first.json").assert_outcomes(passed=2, skipped=1)
    first = report(bench.path / "first.json")
    group = first["run_group"]
    run_json = json.loads((Path(first["competition_reports"][0]["run_dir"]) / "run.json").read_text())
    assert run_json["settings"]["agent"] == "good" and run_json["settings"]["time_limit_s"] == 3600
    assert run_json["settings"]["dataset_version"] == first["competition_reports"][0]["dataset_version"]

    refused = bench.runpytest("--agent=copier", f"--mlebench-resume={group}", "--mlebench-time-limit=10s")
    assert refused.ret == pytest.ExitCode.USAGE_ERROR
    refused.stderr.fnmatch_lines(["*its finished runs were made otherwise*",
                                  "*  - agent: recorded good; now copier",
                                  "*  - time_limit_s: recorded 3600.0; now 10.0"])

    anyway = bench.runpytest("--agent=copier", f"--mlebench-resume={group}", "--mlebench-time-limit=10s",
                             "--mlebench-resume-anyway", "--mlebench-report=second.json")
    anyway.assert_outcomes(passed=2, skipped=1)
    anyway.stdout.fnmatch_lines(
        ["*resumed runs made otherwise (--mlebench-resume-anyway): agent: recorded good;*"])
    second = report(bench.path / "second.json")
    assert "agent: recorded good; now copier" in second["resumed_despite"]
    # A reused run's record says how it was made: by the good agent, within an hour.
    for before, after in zip(first["competition_reports"], second["competition_reports"], strict=True):
        assert (after["score"], after["agent"], after["time_limit_s"]) == (before["score"], "good", 3600)


def test_resume_refuses_a_run_made_on_other_data(bench: pytest.Pytester) -> None:
    bench.runpytest("--agent=good", "--mlebench-report=first.json").assert_outcomes(passed=2, skipped=1)
    first = report(bench.path / "first.json")
    run_file = Path(first["competition_reports"][1]["run_dir"]) / "run.json"
    run_json = json.loads(run_file.read_text())
    run_json["settings"]["dataset_version"] = "0" * 64
    run_file.write_text(json.dumps(run_json))
    result = bench.runpytest("--agent=good", f"--mlebench-resume={first['run_group']}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*  - dataset_version: recorded {'0' * 64}; now *"])


def test_resume_refuses_a_run_of_other_data_prepared_only_when_its_item_comes(bench: pytest.Pytester) -> None:
    """Data not in the cache at start is compared once its item has prepared it: that item errors."""
    bench.runpytest("--agent=good", "--mlebench-report=first.json").assert_outcomes(passed=2, skipped=1)
    first = report(bench.path / "first.json")
    run_file = Path(first["competition_reports"][1]["run_dir"]) / "run.json"
    run_json = json.loads(run_file.read_text())
    run_json["settings"]["dataset_version"] = "0" * 64
    run_file.write_text(json.dumps(run_json))
    data_dir = Path(bench.parseconfig().getini("mlebench_data_dir"))
    for prepared in data_dir.iterdir():
        shutil.rmtree(prepared)
    result = bench.runpytest("--agent=good", f"--mlebench-resume={first['run_group']}")
    result.assert_outcomes(passed=1, skipped=1, errors=1)
    result.stdout.fnmatch_lines([f"*was made otherwise (--mlebench-resume-anyway reuses it): "
                                 f"dataset_version: recorded {'0' * 64}; now *"])
