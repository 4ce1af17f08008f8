"""The session's grading service: every grade of an agent's file runs in a child of one warm
process, within a memory and a time limit, so a file past them is invalid with the reason while
the harness stays small; and nothing of it outlives the session, or obeys a request it did not
sign."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
import pytest

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.grading import service as svc
from pytest_mlebench.grading.bounded import Bounds
from pytest_mlebench.grading.errors import AnswersChanged, InvalidSubmission
from pytest_mlebench.grading.service import GradingClient, GradingService, RemoteGrader, ServiceError
from pytest_mlebench.leaderboards.format import LeaderboardError, load_leaderboard, write_leaderboard

SLEEPS = "import time\n\n\ndef grade(submission, answers):\n    time.sleep(600)\n"


@pytest.fixture(scope="module")
def service() -> Iterator[GradingService]:
    with GradingService() as started:
        yield started


def competition(root: Path, grade_py: str | None = None) -> Competition:
    name = "tiny"
    folder = root / name
    folder.mkdir()
    (folder / "competition.yaml").write_text(
        f"id: {name}\ntitle: Tiny\n"
        "grading:\n  metric: roc_auc\n  id_column: id\n  target_columns: [target]\n")
    if grade_py is not None:
        (folder / "grade.py").write_text(grade_py)
    return Competition.from_folder(folder)


def answers(root: Path) -> Path:
    path = root / "answers.csv"
    pd.DataFrame({"id": range(1000), "target": np.arange(1000) % 2}).to_csv(path, index=False)
    return path


def remote(service: GradingService, root: Path, grade_py: str | None = None,
           bounds: Bounds | None = None) -> RemoteGrader:
    return service.client().grader(competition(root, grade_py), answers(root), bounds=bounds)


def submission(root: Path, rows: int = 1000) -> Path:
    path = root / "submission.csv"
    path.write_text("id,target\n" + "".join(f"{i},{(i % 7) / 7}\n" for i in range(rows)))
    return path


def grading_children(service: GradingService) -> list[psutil.Process]:
    return psutil.Process(service.process.pid).children()


def wait_until(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_the_preload_runs_at_the_lowest_priority_and_the_service_at_its_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, service: GradingService) -> None:
    """The service's imports give way to the session's starting workers; its grading does not."""
    (tmp_path / "priority_probe.py").write_text(
        "import os, threading\nSEEN = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(svc, "PRELOAD", ("priority_probe",))
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    svc._preload()
    assert sys.modules["priority_probe"].SEEN == 19
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine
    monkeypatch.setattr(svc, "PRELOAD", ("no_such_module_here",))
    with pytest.raises(ModuleNotFoundError):
        svc._preload()
    # Serving: the main thread, at the priority of the session that started it; the preload's
    # thread, while it still imports, at the lowest; then the main thread alone.
    served = psutil.Process(service.process.pid)
    nice = {t.id: psutil.Process(t.id).nice() for t in served.threads()}
    assert nice.pop(served.pid) == psutil.Process().nice()
    assert set(nice.values()) <= {19}, nice
    wait_until(lambda: [t.id for t in served.threads()] == [served.pid])


#: A process that takes 64 MiB from the C library's malloc, writes it, and prints how much of
#: its memory the kernel backs with transparent huge pages (kB).
HUGE_PAGE_PROBE = """
import ctypes
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
block = libc.malloc(64 << 20)
ctypes.memset(block, 1, 64 << 20)
with open("/proc/self/smaps_rollup") as rollup:
    print(next(int(line.split()[1]) for line in rollup if line.startswith("AnonHugePages:")))
"""


def test_the_service_allocates_from_huge_pages_and_keeps_the_user_s_own_tunables(
        service: GradingService) -> None:
    """A fresh grade of a million rows faults in its arrays a huge page at a time."""
    assert svc.allocation({}) == {"ARROW_DEFAULT_MEMORY_POOL": "system",
                                  "GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"}
    mine = {"GLIBC_TUNABLES": "glibc.malloc.arena_max=2"}
    assert svc.allocation(mine)["GLIBC_TUNABLES"] == "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1"
    off = {"GLIBC_TUNABLES": "glibc.malloc.hugetlb=0"}
    assert svc.allocation(off)["GLIBC_TUNABLES"] == "glibc.malloc.hugetlb=0"
    environ = psutil.Process(service.process.pid).environ()
    assert {k: environ.get(k) for k in svc.allocation(os.environ)} == svc.allocation(os.environ)

    mode = Path("/sys/kernel/mm/transparent_hugepage/enabled")
    if not mode.exists() or "[never]" in mode.read_text():
        pytest.skip("this kernel gives no transparent huge pages")
    env = {**os.environ, **svc.allocation({k: v for k, v in os.environ.items() if k != "GLIBC_TUNABLES"})}
    probe = subprocess.run([sys.executable, "-c", HUGE_PAGE_PROBE], env=env, capture_output=True,
                           text=True, check=True)
    assert int(probe.stdout) >= 32 << 10


def test_a_grade_in_the_service_equals_the_grade_in_this_process(
        service: GradingService, tmp_path: Path) -> None:
    comp = competition(tmp_path)
    local = comp.grader(answers(tmp_path))
    served = service.client().grader(comp, answers(tmp_path))
    path = submission(tmp_path)
    assert served.score(path) == local.score(path)
    assert served.lower_is_better is local.lower_is_better is False
    assert served.check(path) is None
    path.write_text("id,target\n1,0.5\n")
    assert served.check(path) == local.check(path) and "wrong row count" in str(served.check(path))


def test_a_submission_past_the_memory_limit_is_invalid_and_the_harness_stays_small(
        service: GradingService, tmp_path: Path) -> None:
    big = submission(tmp_path, 5_000_000)  # ~50 MB of text, far more once parsed
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tight = remote(service, tmp_path, bounds=Bounds(base_bytes=16 * 1024**2, per_file_byte=0))
    with pytest.raises(InvalidSubmission, match=r"needs more than 0\.0 GiB of memory"):
        tight.score(big)
    # Graded within ample bounds it is merely wrong (rows past the answers), found in the child.
    with pytest.raises(InvalidSubmission, match="wrong row count"):
        RemoteGrader(tight.client, tight.key, tight.lower).score(big)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak
    assert grown < 50 * 1024, f"the harness grew by {grown} KiB"  # ru_maxrss is in KiB


def test_a_grade_past_its_time_is_invalid_and_the_child_is_gone(
        service: GradingService, tmp_path: Path) -> None:
    slow = remote(service, tmp_path, SLEEPS, Bounds(time_s=0.5))
    started = time.monotonic()
    with pytest.raises(InvalidSubmission, match=r"took longer than 0\.5s"):
        slow.score(submission(tmp_path))
    assert time.monotonic() - started < 10
    assert grading_children(service) == []


def test_a_grading_process_that_dies_makes_the_file_invalid_with_its_exit_code(
        service: GradingService, tmp_path: Path) -> None:
    dies = ("import os, signal\n\n\ndef grade(submission, answers):\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n")
    with pytest.raises(InvalidSubmission, match=r"needs more than .* ended with code -9\)"):
        remote(service, tmp_path, dies).score(submission(tmp_path))


def test_a_grader_s_own_failure_is_the_harness_s_not_the_submission_s(
        service: GradingService, tmp_path: Path) -> None:
    broken = "def grade(submission, answers):\n    raise KeyError('a bug')\n"
    with pytest.raises(RuntimeError, match="KeyError: 'a bug'"):
        remote(service, tmp_path, broken).score(submission(tmp_path))


def test_answers_changed_since_they_were_checked_are_refused(
        service: GradingService, tmp_path: Path) -> None:
    with pytest.raises(AnswersChanged, match="differs from the answers prepared"):
        service.client().grader(competition(tmp_path), answers(tmp_path), "0" * 64)


def test_the_service_reads_leaderboards_as_this_process_would(
        service: GradingService, tmp_path: Path) -> None:
    board = tmp_path / "leaderboard.csv"
    write_leaderboard(board, [0.9, 0.8, 0.7, 0.5], lower_is_better=False)
    client = service.client()
    assert client.leaderboard(board, False, "generated") == load_leaderboard(board, False, "generated")
    with pytest.raises(LeaderboardError, match="contradicts the metric's direction"):
        client.leaderboard(board, True, "generated")


class _Planted:
    """Unpickling this writes a file: the proof that a request was unpickled."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.path}",))


def test_a_request_not_signed_with_the_session_s_key_is_never_unpickled(
        service: GradingService, tmp_path: Path) -> None:
    planted = tmp_path / "planted"
    body = pickle.dumps(("load", _Planted(planted)))
    with socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(30)
        sock.connect(service.address.path)
        sock.sendall(len(body + b"x" * 32).to_bytes(4, "big") + b"x" * 32 + body)
        assert sock.recv(1) == b"", "the service closes the connection without an answer"
    assert not planted.exists()
    forged = GradingClient(svc.Address(service.address.path, b"k" * 32))
    with pytest.raises(ServiceError, match="ended or cannot be reached"):
        forged.leaderboard(tmp_path / "leaderboard.csv", False, "generated")
    assert remote(service, tmp_path).score(submission(tmp_path)) > 0  # and it still serves


def test_a_stalled_client_holds_up_no_other(service: GradingService, tmp_path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as stalled:
        stalled.connect(service.address.path)
        stalled.sendall((1000).to_bytes(4, "big") + b"half")  # a request that never ends
        assert remote(service, tmp_path).score(submission(tmp_path)) > 0


def test_a_client_that_leaves_mid_grade_takes_its_grading_child_with_it(
        service: GradingService, tmp_path: Path) -> None:
    slow = remote(service, tmp_path, SLEEPS)
    body = pickle.dumps(("grade", slow.key, str(submission(tmp_path)), 1 << 30, 600.0))
    mac = hmac.new(service.address.key, body, hashlib.sha256).digest()
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(service.address.path)
        sock.sendall(len(mac + body).to_bytes(4, "big") + mac + body)
        wait_until(lambda: grading_children(service))
        child = grading_children(service)[0]
    child.wait(timeout=30)  # the client's end closed: the service kills the child
    wait_until(lambda: not grading_children(service))


OWNER = """
import sys, threading
from pytest_mlebench.grading.service import GradingService
owner = GradingService()
print(owner.process.pid, owner.address.path, owner.address.key.hex(), flush=True)
sys.stdin.read()
"""


def test_a_killed_owner_leaves_neither_the_service_nor_a_grading_child(tmp_path: Path) -> None:
    owner = subprocess.Popen([sys.executable, "-c", OWNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    try:
        assert owner.stdout is not None
        pid, path, key = owner.stdout.readline().split()
        client = GradingClient(svc.Address(path, bytes.fromhex(key)))
        slow = client.grader(competition(tmp_path, SLEEPS), answers(tmp_path))
        outcome: list[BaseException] = []

        def grade() -> None:
            try:
                slow.score(submission(tmp_path))
            except BaseException as exc:
                outcome.append(exc)

        grading = threading.Thread(target=grade)
        grading.start()
        service = psutil.Process(int(pid))
        wait_until(service.children)
        child = service.children()[0]
        owner.send_signal(signal.SIGKILL)
        service.wait(timeout=30)
        child.wait(timeout=30)
        assert not Path(path).parent.exists(), "the socket's folder went with the service"
        grading.join(timeout=30)
        assert outcome and isinstance(outcome[0], ServiceError), outcome
    finally:
        owner.kill()
        owner.wait()


SPY = '''

import json, os, sys


def pytest_sessionfinish(session):
    from pytest_mlebench import fixtures

    harness = session.config.stash[fixtures.HARNESS_KEY]
    worker = getattr(session.config, "workerinput", {}).get("workerid", "controller")
    owned = harness._grading_service
    seen = {"heavy": [m for m in ("pandas", "pyarrow", "sklearn", "scipy", "rich") if m in sys.modules],
            "service": [owned.process.pid, str(owned.folder)] if owned else None}
    (HERE / f"seen-{worker}.json").write_text(json.dumps(seen))
'''


def test_xdist_workers_grade_in_the_controller_s_service_and_load_no_pandas(bench: pytest.Pytester) -> None:
    bench.runpytest_subprocess("--agent=copier").assert_outcomes(passed=2, skipped=1)  # prepares
    conftest = bench.path / "conftest.py"
    conftest.write_text(conftest.read_text() + SPY)
    result = bench.runpytest_subprocess("--agent=good", "-n", "2", "--competitions=tiny-auc,tiny-auc-2")
    result.assert_outcomes(passed=2)
    seen = {p.stem.removeprefix("seen-"): json.loads(p.read_text()) for p in bench.path.glob("seen-*.json")}
    assert sorted(seen) == ["controller", "gw0", "gw1"]
    for worker in ("gw0", "gw1"):
        assert seen[worker] == {"heavy": [], "service": None}, "a worker reads, grades, draws nothing"
    pid, folder = seen["controller"]["service"]
    assert not psutil.pid_exists(pid) and not Path(folder).exists(), "the service ended with the session"
