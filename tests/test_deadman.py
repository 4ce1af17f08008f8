"""The local runner's dead-man's switch: nothing of an agent outlives its run or its harness.

A harness that dies, by SIGKILL too, has its agent stopped within 30 s, its
detached (setsid) children included, and its lease handed out again only once
that agent is gone. A run that ends normally leaves no detached child behind,
and an agent that ignores SIGTERM is killed after the grace period.
"""

from __future__ import annotations

import time
from pathlib import Path

import psutil
import pytest
from waiting import agent_started, leases_free, start_session, wait_for

from pytest_mlebench.catalog.registry import Agent
from pytest_mlebench.runners.base import RunSpec
from pytest_mlebench.runners.local import LocalRunner

#: Ignores SIGTERM, detaches a child into a session of its own, notes both pids in $PIDS_FILE.
DETACHER = """trap '' TERM
setsid bash -c 'echo $$ >> "$PIDS_FILE"; exec sleep 600' </dev/null >/dev/null 2>&1 &
echo $$ >> "$PIDS_FILE"
echo "sleeping"
"""
SWITCH_BOUND_S = 30.0


def write_agent(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "agent.yaml").write_text(f"name: {folder.name}\nstart: start.sh\nenv_from_host: [PIDS_FILE]\n")
    (folder / "start.sh").write_text(body)
    return folder


def pids(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_sigkilled_session_stops_its_agent_and_detached_child_then_frees_the_lease(
        bench: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pids_file, lease_dir, output = tmp_path / "pids", tmp_path / "leases", tmp_path / "session.log"
    monkeypatch.setenv("PIDS_FILE", str(pids_file))
    write_agent(bench.path / "agents" / "detacher", DETACHER + "sleep 600\n")
    # Host pids in a host file: outside the local runner's sandbox (test_local_sandbox.py kills one).
    proc = start_session(bench.path, ["--agent=detacher", "--mlebench-local-sandbox=none",
                                      "--mlebench-cpus-per-run=1",
                                      f"--mlebench-lease-dir={lease_dir}",
                                      "--competitions=tiny-auc"], output)
    wait_for(lambda: len(pids(pids_file)) == 2 and agent_started(bench.path),
             "the agent and its detached child started", proc=proc, output=output)
    proc.kill()
    proc.wait()
    killed = time.monotonic()
    agent = pids(pids_file)
    # pytest is gone, the agent (ignoring SIGTERM for the 5 s grace) is not: its lease must stay taken.
    assert all(alive(pid) for pid in agent) and not leases_free(lease_dir)
    wait_for(lambda: not any(alive(pid) for pid in agent),
             "the agent and its detached child were stopped", timeout=SWITCH_BOUND_S)
    wait_for(lambda: leases_free(lease_dir), "the lease came free",
             timeout=max(0.0, killed + SWITCH_BOUND_S - time.monotonic()))


def local_spec(tmp_path: Path, body: str, time_limit: float) -> RunSpec:
    """A run of an agent with ``body`` as its start script; $PIDS_FILE is tmp_path/pids."""
    public = tmp_path / "public"
    public.mkdir()
    (public / "train.csv").write_text("id,y\n1,0\n")
    agent = Agent.from_folder(write_agent(tmp_path / "agent", body))
    return RunSpec(competition_id="probe", agent=agent, public_dir=public, run_dir=tmp_path / "run",
                   time_limit=time_limit, seed=0, instructions="Probe.\n",
                   extra_env={"PIDS_FILE": str(tmp_path / "pids")})


def test_a_passing_run_leaves_no_detached_child(tmp_path: Path) -> None:
    pids_file = tmp_path / "pids"
    spec = local_spec(tmp_path, DETACHER + 'until [ "$(wc -l < "$PIDS_FILE")" = 2 ]; do sleep 0.1; done\n'
                      'echo "id,y" > "$SUBMISSION_DIR/submission.csv"\n', time_limit=600)
    result = LocalRunner(sandbox="none").run(spec)
    assert (result.exit_code, result.timed_out) == (0, False) and result.submission_path is not None
    detached = pids(pids_file)
    assert len(detached) == 2 and not any(alive(pid) for pid in detached)


def test_an_agent_ignoring_sigterm_is_killed_after_the_grace_period(tmp_path: Path) -> None:
    spec = local_spec(tmp_path, DETACHER + "sleep 600\n", time_limit=1)
    result = LocalRunner(kill_grace_s=1, sandbox="none").run(spec)
    log = result.log_path.read_text()
    assert result.timed_out and result.exit_code is None
    assert "time limit of 1s reached" in log and "still running 1s after SIGTERM: killed" in log
    # It had its grace (time limit plus grace at least), and no more than a loaded machine's slack.
    assert 2 <= result.runtime_s < 2 + 60, result.runtime_s
    assert not any(alive(pid) for pid in pids(tmp_path / "pids"))

