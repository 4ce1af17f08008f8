"""An agent cannot exhaust the harness through its uploads: the validation endpoint serves a few
connections, one check at a time, and refuses an oversize upload unread and a stalled one after
its timeout. (Each grade's own memory and time limits are test_grading_service.py's.)"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from test_validation import GOOD, header_check, post

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
