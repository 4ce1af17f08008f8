"""The harness-side validation endpoint: valid or invalid with the reason, never a score.

Agents post a candidate submission (``curl -F file=@submission.csv``, or the raw
CSV as the body) and learn whether it would be graded. The check runs here, on
the harness side, so the private answers never enter the agent's world; the
answer carries no score and requests are rate-limited, so the endpoint cannot be
used as a fitness signal against the test set.
"""

from __future__ import annotations

import json
import mmap
import os
import re
import socketserver
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from email.message import Message
from email.parser import BytesHeaderParser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

Check = Callable[[Path], str | None]

#: Large enough for any MLE-bench submission, small enough to bound a hostile upload.
DEFAULT_MAX_BYTES = 512 * 1024**2
_CHUNK = 1024**2
#: Connections served at once; past it a new one is closed unread, so half-sent requests
#: cannot pile up threads in the harness. Each waits at most TIMEOUT_S for the next bytes.
MAX_CONNECTIONS = 16
TIMEOUT_S = 30.0


def upload_cap(answers_bytes: int) -> int:
    """The largest upload worth checking for a competition whose answers file has this size:
    a submission holds the same rows in as many columns or fewer, so 8 times that (16 MiB at
    least) is ample, and far below what a hostile upload would need to hurt the harness."""
    return min(max(16 * 1024**2, 8 * answers_bytes), DEFAULT_MAX_BYTES)


class _Capped:
    """A threading server that serves at most MAX_CONNECTIONS connections at once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


class _UnixHTTPServer(_Capped, socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """ThreadingHTTPServer's behaviour on a Unix socket (for containers without a network)."""

    daemon_threads = True


class _TCPHTTPServer(_Capped, ThreadingHTTPServer):
    daemon_threads = True


class _RequestRefused(Exception):
    """An upload that is answered with an error status instead of a check."""

    def __init__(self, status: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class ValidationServer:
    """A threaded HTTP server answering ``POST /validate`` with ``{"valid", "reason"}``.

    Bind to TCP loopback (``host``/``port``, port 0 picks a free one) or to
    ``unix_socket``, a path the docker runner bind-mounts into the container.
    """

    path = "/validate"

    def __init__(
        self,
        check: Check,
        *,
        min_interval_s: float = 1.0,
        max_bytes: int | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        unix_socket: Path | None = None,
    ) -> None:
        self.check = check
        self.min_interval_s = min_interval_s
        self.max_bytes = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
        self.unix_socket = unix_socket
        self._lock = threading.Lock()
        #: Held while an upload is read and checked: one check at a time per run.
        self.checking = threading.Lock()
        self._last_admitted: float | None = None
        handler = _make_handler(self)
        if unix_socket is not None:
            unix_socket.unlink(missing_ok=True)
            self._server: socketserver.BaseServer = _UnixHTTPServer(str(unix_socket), handler)
            # The agent in the container runs under another uid: it must be able to connect.
            os.chmod(unix_socket, 0o666)
            self.url = f"http+unix://{urllib.parse.quote(str(unix_socket), safe='')}{self.path}"
        else:
            server = _TCPHTTPServer((host, port), handler)
            self._server = server
            bound_host, bound_port = server.server_address[:2]
            self.url = f"http://{bound_host}:{bound_port}{self.path}"
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> ValidationServer:
        # A short poll interval keeps close() (and so every run's teardown) quick.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="mlebench-validation", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()
        if self.unix_socket is not None:
            self.unix_socket.unlink(missing_ok=True)

    def __enter__(self) -> ValidationServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- policy ------------------------------------------------------------
    def admit(self) -> float:
        """0 when a check may run now, else the seconds to wait (rate limit between admitted checks)."""
        with self._lock:
            now = time.monotonic()
            if self._last_admitted is not None:
                wait = self._last_admitted + self.min_interval_s - now
                if wait > 0:
                    return wait
            self._last_admitted = now
            return 0.0

    def run_check(self, upload: Path) -> dict[str, Any]:
        try:
            reason = self.check(upload)
        except Exception as exc:  # a broken check must not look like a verdict on the file
            raise _RequestRefused(HTTPStatus.INTERNAL_SERVER_ERROR,
                                  f"the harness could not check the file ({type(exc).__name__})") from exc
        return {"valid": reason is None, "reason": reason}


def _make_handler(server: ValidationServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_ValidationHandler):
        validation = server

    return Handler


class _ValidationHandler(BaseHTTPRequestHandler):
    """One request: size checks, rate limit, upload to a temp file, check, JSON answer."""

    validation: ValidationServer
    protocol_version = "HTTP/1.1"
    #: Seconds a connection may wait for its next bytes (StreamRequestHandler applies it).
    timeout = TIMEOUT_S
    server_version = "mlebench-validation"

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the agent's log is the place for its requests, not the test's stderr."""

    def handle_expect_100(self) -> bool:
        # curl asks before sending a large body: refuse an oversize one before it is sent.
        try:
            self._content_length()
        except _RequestRefused as exc:
            self.close_connection = True
            self._answer(exc.status, {"valid": False, "reason": exc.reason})
            return False
        return super().handle_expect_100()

    def do_GET(self) -> None:
        self._answer(HTTPStatus.METHOD_NOT_ALLOWED,
                     {"valid": False, "reason": f"POST the CSV to {self.validation.path}"})

    def do_POST(self) -> None:
        try:
            if urllib.parse.urlsplit(self.path).path != self.validation.path:
                raise _RequestRefused(HTTPStatus.NOT_FOUND, f"POST to {self.validation.path}")
            length = self._content_length()
            if not self.validation.checking.acquire(blocking=False):
                self._too_many("a check of this run is already in progress", 1.0)
                return
            try:
                wait = self.validation.admit()
                if wait:
                    self._too_many(f"rate limited: retry in {wait:.1f}s", wait)
                    return
                with tempfile.TemporaryDirectory(prefix="mlebench-validate-") as tmp:
                    body = Path(tmp) / "body"
                    with open(body, "wb") as fh:
                        _copy_exactly(self.rfile, fh, length)
                    upload = Path(tmp) / "submission.csv"
                    _extract_upload(body, self.headers, upload)
                    answer = self.validation.run_check(upload)
            finally:
                self.validation.checking.release()
            self._answer(HTTPStatus.OK, answer)
        except _RequestRefused as exc:
            self.close_connection = True
            self._answer(exc.status, {"valid": False, "reason": exc.reason})

    def _too_many(self, reason: str, wait: float) -> None:
        self.close_connection = True
        self._answer(HTTPStatus.TOO_MANY_REQUESTS,
                     {"valid": None, "reason": reason, "retry_after_s": round(wait, 3)},
                     {"Retry-After": str(max(1, round(wait)))})

    def _content_length(self) -> int:
        raw = self.headers.get("Content-Length")
        if raw is None:
            raise _RequestRefused(HTTPStatus.LENGTH_REQUIRED, "send a Content-Length (no chunked uploads)")
        try:
            length = int(raw)
        except ValueError:
            raise _RequestRefused(HTTPStatus.BAD_REQUEST, "Content-Length is not a number") from None
        if length < 0:
            raise _RequestRefused(HTTPStatus.BAD_REQUEST, "Content-Length is negative")
        if length > self.validation.max_bytes:
            cap = self.validation.max_bytes
            raise _RequestRefused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                                  f"upload of {length} bytes is over the {cap} byte cap")
        return length

    def _answer(self, status: HTTPStatus, payload: dict[str, Any],
                headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)


def _copy_exactly(src: BinaryIO, dst: BinaryIO, length: int) -> None:
    remaining = length
    while remaining:
        try:
            chunk = src.read(min(_CHUNK, remaining))
        except TimeoutError:
            raise _RequestRefused(HTTPStatus.REQUEST_TIMEOUT,
                                  f"the upload stalled for {TIMEOUT_S:g}s") from None
        if not chunk:
            raise _RequestRefused(HTTPStatus.BAD_REQUEST, "the upload ended before Content-Length bytes")
        dst.write(chunk)
        remaining -= len(chunk)


def _extract_upload(body: Path, headers: Message, dest: Path) -> None:
    """The CSV itself: the ``file`` field of a multipart form, else the whole body."""
    ctype = headers.get_content_type()
    if ctype != "multipart/form-data":
        body.rename(dest)
        return
    boundary = headers.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise _RequestRefused(HTTPStatus.BAD_REQUEST, "multipart upload without a boundary")
    if body.stat().st_size == 0:
        raise _RequestRefused(HTTPStatus.BAD_REQUEST, "empty multipart upload")
    with open(body, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        start, end = _multipart_field(data, boundary.encode(), "file")
        with open(dest, "wb") as out:
            for offset in range(start, end, _CHUNK):
                out.write(data[offset:min(offset + _CHUNK, end)])


_NAME = re.compile(r'(?:^|;)\s*name="?([^";]*)"?', re.IGNORECASE)


def _multipart_field(data: mmap.mmap, boundary: bytes, field: str) -> tuple[int, int]:
    """Byte range of one field's content, found without loading the upload into memory."""
    delimiter = b"--" + boundary
    pos = data.find(delimiter)
    while pos != -1:
        after = pos + len(delimiter)
        if data[after:after + 2] == b"--":
            break
        headers_start = after + 2  # skip the CRLF after the delimiter
        headers_end = data.find(b"\r\n\r\n", headers_start)
        if headers_end == -1:
            break
        headers = BytesHeaderParser().parsebytes(data[headers_start:headers_end + 4])
        content_start = headers_end + 4
        next_pos = data.find(b"\r\n" + delimiter, content_start)
        if next_pos == -1:
            break
        match = _NAME.search(headers.get("Content-Disposition", ""))
        if match and match.group(1) == field:
            return content_start, next_pos
        pos = next_pos + 2
    raise _RequestRefused(HTTPStatus.BAD_REQUEST, f"multipart upload without a '{field}' field "
                                                  "(send it as: curl -F file=@submission.csv URL)")
