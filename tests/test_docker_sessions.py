"""The docker runner driven the way users drive it: whole pytest sessions on the real engine.

Every container check is scoped to the session label of the test's own sessions
(the session_label fixture), so a test never sees another's containers, under
-n 4 as under -n 0.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
from docker_helpers import require_docker
from waiting import agent_started, end_of, leases_free, start_session, wait_for

from pytest_mlebench.provenance import host_cpus
from pytest_mlebench.runners.docker.runner import SESSION_LABEL, HostShare

pytestmark = pytest.mark.docker

MEDAL_FIELDS = ("competition_id", "valid_submission", "gold_medal", "silver_medal", "bronze_medal",
                "above_median", "any_medal")
SLEEPER = ["--agent=sleeper", "--mlebench-runner=docker", "--competitions=tiny-auc"]


def session_containers(label: str) -> list[dict]:
    return require_docker().api.containers(all=True, filters={"label": f"{SESSION_LABEL}={label}"})


def agent_running(root: Path, label: str) -> bool:
    """The session's container is running and its agent has said so in its log."""
    return agent_started(root) and any(c["State"] == "running" for c in session_containers(label))


@pytest.fixture
def docker_bench(bench: pytest.Pytester, docker_base_image: str, session_label: str) -> pytest.Pytester:
    """The tiny catalog, the base image built, and a session label of the test's own."""
    return bench


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupt_mid_run_leaves_no_container(docker_bench: pytest.Pytester, session_label: str,
                                                  tmp_path: Path, sig: signal.Signals) -> None:
    output = tmp_path / "session.log"
    proc = start_session(docker_bench.path, SLEEPER, output)
    wait_for(lambda: agent_running(docker_bench.path, session_label), "the agent's container started",
             proc=proc, output=output)
    proc.send_signal(sig)
    code = end_of(proc, f"{sig.name} mid-run", output)
    assert code == pytest.ExitCode.INTERRUPTED, output.read_text()
    assert session_containers(session_label) == []


def test_a_sigkilled_session_has_its_container_removed_then_its_lease_freed(
        docker_bench: pytest.Pytester, session_label: str, tmp_path: Path) -> None:
    output, lease_dir = tmp_path / "session.log", tmp_path / "leases"
    args = [*SLEEPER, "--mlebench-cpus-per-run=1", f"--mlebench-lease-dir={lease_dir}"]
    proc = start_session(docker_bench.path, args, output)
    wait_for(lambda: agent_running(docker_bench.path, session_label), "the agent's container started",
             proc=proc, output=output)
    proc.kill()
    proc.wait()
    killed = time.monotonic()
    wait_for(lambda: not session_containers(session_label), "the container was removed", timeout=30)
    wait_for(lambda: leases_free(lease_dir), "the lease came free",
             timeout=max(0.0, killed + 30 - time.monotonic()))


def test_timed_out_and_crashing_agents_fail_their_test_and_leave_nothing(
        docker_bench: pytest.Pytester, session_label: str) -> None:
    result = docker_bench.runpytest_subprocess("--agent=sleeper", "--mlebench-runner=docker",
                                               "--mlebench-time-limit=3",
                                               "--competitions=tiny-auc", timeout=900)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*time limit (3s)*"])
    crash = docker_bench.runpytest_subprocess("--agent=crash", "--mlebench-runner=docker",
                                              "--competitions=tiny-auc",
                                              timeout=900)
    crash.assert_outcomes(failed=1)
    crash.stdout.fnmatch_lines(["*exited with code 3*", "*about to crash*"])
    assert session_containers(session_label) == []


@pytest.mark.slow
def test_docker_gives_the_medals_of_the_local_runner(pytester: pytest.Pytester, docker_base_image: str,
                                                     session_label: str, tmp_path: Path) -> None:
    """Every offline competition, baseline agent, in real containers and as local processes."""
    data_dir = tmp_path / "data"

    def medals(runner: str) -> list[dict]:
        report = pytester.path / f"{runner}.json"
        result = pytester.runpytest_subprocess(
            "--agent=baseline", "--competitions=offline", f"--mlebench-runner={runner}",
            f"--mlebench-data-dir={data_dir}",
            f"--mlebench-report={report}", "-n", "2", f"--testrunuid={session_label}", timeout=1800)
        result.assert_outcomes(passed=5)
        records = json.loads(report.read_text())["competition_reports"]
        assert {r["runner"] for r in records} == {runner}
        return [{k: r[k] for k in MEDAL_FIELDS} for r in records]

    assert medals("docker") == medals("local")
    assert session_containers(session_label) == []


def test_without_limit_flags_each_container_gets_its_share_of_the_host(
        docker_bench: pytest.Pytester) -> None:
    """Memory, CPUs, /dev/shm and a /tmp tmpfs from the host's size, stated in the header."""
    folder = docker_bench.path / "agents" / "limits"
    folder.mkdir()
    (folder / "agent.yaml").write_text("name: limits\nstart: start.sh\n")
    (folder / "start.sh").write_text(
        'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory/memory.limit_in_bytes '
        '> "$LOGS_DIR/memory.txt" 2>/dev/null || true\n'
        'df -Pk /tmp | tail -1 > "$LOGS_DIR/tmp.txt"\n'
        'cp "$DATA_DIR/sample_submission.csv" "$SUBMISSION_DIR/submission.csv"\n')
    result = docker_bench.runpytest_subprocess("--agent=limits", "--mlebench-runner=docker",
                                               "--competitions=tiny-auc", "--mlebench-report=r.json",
                                               timeout=900)
    result.assert_outcomes(passed=1)
    share = HostShare.of_host(1, host_cpus(), os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    result.stdout.fnmatch_lines([f"*per run: cpus {share.cpus:g}, memory {share.memory} "
                                 f"(/dev/shm {share.shm_size} of it)*"])
    (record,) = json.loads((docker_bench.path / "r.json").read_text())["competition_reports"]
    logs = Path(record["run_dir"]) / "logs"
    assert int((logs / "memory.txt").read_text().split()[0]) == int(share.memory[:-1]) * 1024**2
    tmp = (logs / "tmp.txt").read_text().split()
    assert tmp[0] == "tmpfs" and int(tmp[1]) == int(share.tmp_size[:-1]) * 1024


def test_the_host_share_divides_memory_and_cores_among_parallel_runs() -> None:
    share = HostShare.of_host(parallel=2, cpus=2, memory_bytes=24 * 1024**3)
    assert (share.memory, share.cpus, share.shm_size, share.tmp_size) == ("10444m", 1.0, "2048m", "2611m")
    small = HostShare.of_host(parallel=8, cpus=2, memory_bytes=4 * 1024**3, shm_size="2g")
    assert (small.memory, small.cpus, small.shm_size) == ("435m", 0.25, "108m")
