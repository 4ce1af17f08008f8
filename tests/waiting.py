"""Waiting on events (a file appearing, a container running, a line in a log), not on the clock.

The bounds are generous on purpose: they only turn a hang into a failure that
says what never happened, on a machine as busy as it likes. Where a bound is the
behaviour under test (the dead-man's switch's 30 s), the test passes it itself.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import pytest
from filelock import FileLock, Timeout

T = TypeVar("T")
#: Long enough for any event on a loaded 2-core machine (an agent image may be built first).
GENEROUS_S = 600.0


#: What a session said: its log file, or a function that reads its output (a terminal's screen).
Output = Path | Callable[[], str]


def said_by(output: Output | None) -> str:
    if callable(output):
        return output()
    return output.read_text(errors="replace") if output and output.exists() else ""


def wait_for(condition: Callable[[], T], what: str, timeout: float = GENEROUS_S,
             proc: subprocess.Popen[bytes] | None = None, output: Output | None = None) -> T:
    """Poll ``condition`` until it is truthy and return its value; fail naming ``what`` never happened.

    With ``proc``, its ending first is a failure too, reported with ``output`` (what it said).
    """
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"the session ended (exit {proc.returncode}) before {what}:\n{said_by(output)}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {timeout:g}s\n{said_by(output)}")
        time.sleep(0.2)
    return value


def _interruptible() -> None:
    """In the session's process before exec: Ctrl-C (SIGINT) as a terminal would deliver it.

    A suite started in the background of a non-interactive shell (``nohup ... &``, some CI
    runners) has SIGINT ignored, every child inherits that, and Python then never turns
    SIGINT into KeyboardInterrupt: the Ctrl-C tests would wait for a session that cannot
    hear them.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_session(root: Path, args: Sequence[str], output: Path) -> subprocess.Popen[bytes]:
    """A pytest session in ``root`` as its own process (to be signalled), its output in ``output``."""
    with open(output, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", "pytest", *args, "-p", "no:cacheprovider"],
                                cwd=root, stdout=out, stderr=subprocess.STDOUT, preexec_fn=_interruptible)


def end_of(proc: subprocess.Popen[bytes], what: str, output: Output, timeout: float = GENEROUS_S) -> int:
    """Wait for the session to end; fail naming ``what`` it was doing when it did not."""
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail(f"the session did not end within {timeout:g}s after {what}\n"
                    f"{said_by(output)}")


def agent_started(root: Path, line: str = "sleeping") -> bool:
    """An agent of a session in ``root`` wrote ``line`` to its log: it is running, not starting."""
    return any(line in p.read_text(errors="replace") for p in root.glob("mlebench-runs/*/*/*/agent.log"))


def leases_free(lease_dir: Path) -> bool:
    """Every lease lock in ``lease_dir`` (slot and agent locks) can be taken: nobody holds a lease."""
    locks = list(lease_dir.glob("*.lock"))
    assert locks, f"no lease was ever taken in {lease_dir}"
    for path in locks:
        lock = FileLock(str(path))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return False
        lock.release()
    return True
