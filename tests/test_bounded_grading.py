"""An agent cannot exhaust the harness through its files: the validation endpoint serves a few
connections, one check at a time, refuses an oversize upload unread and a stalled one after its
timeout; and every grade of an agent's file runs in a child process with a memory and a time
limit, so a file past them is invalid with the reason while the harness stays small."""

from __future__ import annotations

import resource
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import pytest
from test_validation import GOOD, header_check, post

from pytest_mlebench.grading.bounded import Bounds, call_bounded
from pytest_mlebench.grading.grader import Grader
from pytest_mlebench.grading.metrics import get_metric
from pytest_mlebench.grading.validate import GradingSpec, InvalidSubmission
from pytest_mlebench.runners import endpoint
from pytest_mlebench.runners.endpoint import MAX_CONNECTIONS, ValidationServer, upload_cap


@pytest.fixture
def server() -> Iterator[ValidationServer]:
    with ValidationServer(header_check([]), min_interval_s=0.0, max_bytes=4096) as srv:
        yield srv


def connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def half_sent(url: str, body_bytes: int = 0) -> socket.socket:
    """A request whose headers (and ``body_bytes`` of its body) were sent, and then nothing."""
    sock = connect(url)
    sock.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
                 b"Content-Length: 100\r\n\r\n" + GOOD[:body_bytes])
    return sock


def wait_until(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_half_sent_requests_cannot_pile_up_threads(server: ValidationServer) -> None:
    before = threading.active_count()
    stalled = [connect(server.url) for _ in range(300)]
    for sock in stalled:
        sock.sendall(b"POST /valid")  # the start of a request line, then nothing
    time.sleep(0.5)  # let the server accept what it will
    assert threading.active_count() <= before + MAX_CONNECTIONS + 1
    for sock in stalled:
        sock.close()
    wait_until(lambda: threading.active_count() <= before + 1)
    assert post(server.url, GOOD)[0] == 200, "the endpoint serves again once they are gone"


def test_an_oversize_upload_is_refused_before_its_body_is_read(server: ValidationServer) -> None:
    sock = connect(server.url)
    sock.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Length: 3000000000\r\n\r\n")
    reply = b""
    while chunk := sock.recv(4096):
        reply += chunk
    assert reply.startswith(b"HTTP/1.1 413") and b"over the 4096 byte cap" in reply
    sock.close()


def test_one_check_at_a_time_per_run(server: ValidationServer) -> None:
    slow = half_sent(server.url, body_bytes=5)  # holds the run's one check while its body trickles
    wait_until(server.checking.locked)
    status, answer = post(server.url, GOOD)
    assert status == 429 and answer["reason"] == "a check of this run is already in progress"
    slow.close()
    wait_until(lambda: not server.checking.locked())
    assert post(server.url, GOOD)[0] == 200


def test_a_stalled_upload_times_out(server: ValidationServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(endpoint._ValidationHandler, "timeout", 0.5)
    slow = half_sent(server.url, body_bytes=5)
    slow.settimeout(10)
    assert slow.recv(4096).startswith(b"HTTP/1.1 408")
    assert not server.checking.locked()


def test_the_upload_cap_follows_the_answers_size() -> None:
    assert upload_cap(1000) == 16 * 1024**2
    assert upload_cap(40 * 1024**2) == 320 * 1024**2
    assert upload_cap(10 * 1024**3) == endpoint.DEFAULT_MAX_BYTES


def grader(tmp_path: Path, bounds: Bounds | None) -> Grader:
    answers = tmp_path / "answers.csv"
    pd.DataFrame({"id": range(1000), "target": np.arange(1000) % 2}).to_csv(answers, index=False)
    return replace(Grader.load(GradingSpec("id", ("target",), get_metric("roc_auc")), answers),
                   bounds=bounds)


def big_submission(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "submission.csv"
    path.write_text("id,target\n" + "".join(f"{i},0.5\n" for i in range(rows)))
    return path


def test_a_submission_past_the_memory_limit_is_invalid_and_the_harness_stays_small(
        tmp_path: Path) -> None:
    submission = big_submission(tmp_path, 5_000_000)  # ~50 MB of text, far more once parsed
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tight = Bounds(base_bytes=16 * 1024**2, per_file_byte=0)
    with pytest.raises(InvalidSubmission, match=r"needs more than 0\.0 GiB of memory"):
        grader(tmp_path, tight).score(submission)
    # Graded within ample bounds it is merely wrong (rows past the answers), found in the child.
    with pytest.raises(InvalidSubmission, match="wrong row count"):
        grader(tmp_path, Bounds()).score(submission)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak
    assert grown < 50 * 1024, f"the harness grew by {grown} KiB"  # ru_maxrss is in KiB


def test_a_grade_past_its_time_is_invalid_and_the_child_is_gone(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(InvalidSubmission, match=r"took longer than 0\.5s"):
        call_bounded(lambda path: time.sleep(60) or 0.0, tmp_path, Bounds(time_s=0.5))
    assert time.monotonic() - started < 10


def test_bounded_and_unbounded_grades_agree(tmp_path: Path) -> None:
    path = tmp_path / "sub.csv"
    pd.DataFrame({"id": range(1000), "target": np.linspace(0, 1, 1000)}).to_csv(path, index=False)
    assert grader(tmp_path, Bounds()).score(path) == grader(tmp_path, None).score(path)


def test_a_grader_s_own_failure_is_the_harness_s_not_the_submission_s(tmp_path: Path) -> None:
    def broken(path: Path) -> float:
        raise KeyError("a bug")

    with pytest.raises(RuntimeError, match="KeyError: 'a bug'"):
        call_bounded(broken, tmp_path, Bounds())
