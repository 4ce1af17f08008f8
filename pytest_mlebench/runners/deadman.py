"""The dead-man's switch: a process beside each run that stops the agent when the harness dies.

A runner starts this module (``python -m pytest_mlebench.runners.deadman``: it
loads nothing heavy) in a session of its own, so that a kill of pytest's process group does not reach
it, and keeps a pipe to its stdin open for the whole run. The first line on
stdin is the job, as JSON; after that the harness writes at most ``done``. The
pipe closing without ``done`` means the harness is gone, whether it ended the
run on purpose (Ctrl-C) or died by SIGKILL: the switch then stops what it
guards and exits.

While it lives it also holds the lease locks of the run (``holds``: the agent
locks of pytest_mlebench.runners.leases), so the run's GPUs and cores are handed out
again only once its agent is gone, never while an orphan still uses them.

Two jobs:

* ``local``: start the agent and be its watchdog. This process is a child
  subreaper, so the agent's descendants that detach (``setsid``, double fork)
  are re-parented here, not to init, and the process-tree walk finds them all.
  It enforces the time limit (SIGTERM to the tree, SIGKILL after the grace
  period), ends every descendant once the agent exits, and writes one JSON
  line on stdout: ``{"exit_code": int | None, "timed_out": bool}``.
* ``docker``: guard a container by name; when the harness dies, remove it
  (``keep``: only kill it) and the run's workspace on the host.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import psutil
from filelock import FileLock

from ..fsutil import remove_tree, write_note
from ..lifeline import become_subreaper, die_with_parent
from .leases import agent_locks

#: How long to wait for a lease's agent lock (only a dying switch of an earlier run can hold it).
HOLD_TIMEOUT_S = 60.0


def _say(event: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def _descendants() -> list[psutil.Process]:
    try:
        return psutil.Process().children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _reap() -> None:
    """Collect the exit status of every finished child (orphans re-parented here included)."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _signal_all(procs: list[psutil.Process], sig: signal.Signals) -> None:
    for proc in procs:
        try:
            proc.send_signal(sig)
        except psutil.Error:
            pass


def _live(procs: list[psutil.Process]) -> list[psutil.Process]:
    alive = []
    for proc in procs:
        try:
            if proc.status() != psutil.STATUS_ZOMBIE:
                alive.append(proc)
        except psutil.Error:
            pass
    return alive


def kill_tree() -> None:
    """SIGKILL every descendant until none is left (a forking process can add more meanwhile)."""
    while live := _live(_descendants()):
        _signal_all(live, signal.SIGKILL)
        psutil.wait_procs(live, timeout=1)
        _reap()
    _reap()


def stop_tree(agent: subprocess.Popen[bytes], grace_s: float) -> bool:
    """SIGTERM the whole tree, SIGKILL it after ``grace_s``; True when the grace ran out."""
    _signal_all(_descendants(), signal.SIGTERM)
    try:
        agent.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        kill_tree()
        return True
    return False


def _watch(agent: subprocess.Popen[bytes], deadline: float) -> str:
    """Until the agent exits ("exited"), the deadline passes ("timeout") or stdin closes ("orphaned")."""
    with selectors.DefaultSelector() as selector:
        pidfd = os.pidfd_open(agent.pid)
        try:
            selector.register(pidfd, selectors.EVENT_READ, "exited")
            selector.register(sys.stdin.fileno(), selectors.EVENT_READ, "stdin")
            while (remaining := deadline - time.monotonic()) > 0:
                for key, _ in selector.select(remaining):
                    if key.data == "exited":
                        agent.wait()
                        return "exited"
                    if not os.read(sys.stdin.fileno(), 4096):
                        return "orphaned"
            return "timeout"
        finally:
            os.close(pidfd)


def _agent_setup(cpus: list[int]) -> None:
    """In the agent's process before exec: die with this switch, run on the leased cores."""
    die_with_parent()
    if cpus:
        os.sched_setaffinity(0, cpus)


def run_local(job: dict[str, Any]) -> None:
    become_subreaper()
    cpus = [int(c) for c in job.get("cpus", ())]
    grace = float(job["grace_s"])
    with open(job["log"], "ab") as log:
        agent = subprocess.Popen(
            job["argv"], cwd=job["cwd"], env=job["env"], stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=lambda: _agent_setup(cpus))
    outcome = _watch(agent, time.monotonic() + float(job["time_limit"]))
    if outcome == "timeout":
        write_note(job["log"], f"time limit of {float(job['time_limit']):g}s reached: agent stopped")
    if outcome != "exited" and stop_tree(agent, grace):
        write_note(job["log"], f"the agent was still running {grace:g}s after SIGTERM: killed")
    kill_tree()  # what the agent left running after it exited
    if outcome == "orphaned":
        remove_tree(Path(job["workspace"]))
        return
    _say({"exit_code": agent.returncode if outcome == "exited" else None, "timed_out": outcome == "timeout"})


def remove_container(api: Any, container: str) -> None:
    """Remove a container by force, with its anonymous volumes (an image's VOLUME).

    One already gone, or being removed by someone else (another session's sweep, this
    run's own switch: the engine answers 409), is as good as removed.
    """
    from docker.errors import APIError, NotFound

    try:
        api.remove_container(container, force=True, v=True)
    except NotFound:
        pass
    except APIError as exc:
        if exc.status_code != 409:
            raise


def run_docker(job: dict[str, Any]) -> None:
    _say({"ready": True})
    if sys.stdin.readline().strip() == "done":
        return
    from docker.client import DockerClient
    from docker.errors import NotFound

    client = DockerClient.from_env()
    if job.get("keep"):
        try:
            client.api.kill(job["container"])
        except NotFound:
            pass
    else:
        remove_container(client.api, job["container"])
    remove_tree(Path(job["workspace"]))


# -- the harness's side ------------------------------------------------------------

#: Slack on top of the run's own bounds before the harness calls its switch unresponsive.
_SWITCH_SLACK_S = 120.0


class SwitchError(RuntimeError):
    """The dead-man's switch did not answer (it failed to start the agent, or died)."""


def start(job: dict[str, Any]) -> subprocess.Popen[str]:
    """Start a run's switch with its job and the agent locks of the leases around this call.

    It runs in a session of its own, so that a signal to pytest's process group
    does not end it with pytest; its stdin stays open until the run is over.
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest_mlebench.runners.deadman"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True, start_new_session=True)
    assert proc.stdin is not None
    proc.stdin.write(json.dumps(job | {"holds": [str(p) for p in agent_locks()]}) + "\n")
    proc.stdin.flush()
    return proc


def read(proc: subprocess.Popen[str]) -> dict[str, Any]:
    """The next line the switch writes; SwitchError when it ends without one."""
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        raise SwitchError(f"the run's dead-man's switch ended unexpectedly (exit code {proc.wait()})")
    return json.loads(line)


def close(proc: subprocess.Popen[str], wait_s: float, done: bool = False) -> None:
    """Close the switch's stdin and wait for it to finish.

    Without ``done`` first, the closing is what tells the switch to stop what it
    guards, as if the harness had died.
    """
    assert proc.stdin is not None
    try:
        if done:
            proc.stdin.write("done\n")
        proc.stdin.close()
    except BrokenPipeError:
        pass
    bound = wait_s + _SWITCH_SLACK_S
    try:
        proc.wait(timeout=bound)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise SwitchError(f"the run's dead-man's switch did not finish within {bound:g}s") from None


# -- the switch's side -------------------------------------------------------------

def main() -> None:
    job = json.loads(sys.stdin.readline() or "{}")
    if not job:
        return  # the harness died before it said what to guard
    with ExitStack() as holds:
        for path in job.get("holds", ()):
            holds.enter_context(FileLock(path, timeout=HOLD_TIMEOUT_S))
        {"local": run_local, "docker": run_docker}[job["mode"]](job)


if __name__ == "__main__":
    main()
