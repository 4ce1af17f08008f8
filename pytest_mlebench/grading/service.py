"""The session's grading service: one warm process that holds each competition's answers and
grades every agent's file in a forked child within its bounds.

Why a service: an xdist worker that graded by itself paid for pandas, pyarrow, scikit-learn and
scipy (about 2.5 s of imports here, four times over under ``-n 4`` on two cores) and held its own
copy of the answers. The session starts this process before collection, so its imports overlap
the workers' start; a grade then costs the fork of a process that has them loaded, and the
workers load none of them.

The session's process owns it (:class:`GradingService`). The owner binds the socket and hands
it over, so a client may connect before the service has finished its imports: the request
waits in the socket's queue. The service ends when the owner's pipe on its stdin closes, and
the kernel kills it when its owner dies (SIGKILL included); each grading child dies with the
service in turn, so a killed session leaves none of them behind.

Requests are pickles signed with the session's key (HMAC-SHA256), checked before anything is
unpickled: an agent of the same user that finds the socket can neither run code in the service
nor use it to score its guesses. The key reaches xdist workers in their workerinput, never in
an environment variable or on a command line.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import os
import pickle
import secrets
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..lifeline import die_with_parent
from .bounded import ENDED, ERROR, OK, TIMEOUT, Bounds, verdict, within
from .errors import AnswersChanged
from .judge import Judge

if TYPE_CHECKING:
    from ..catalog.registry import Competition
    from ..leaderboards.format import Leaderboard
    from .grader import Grader

#: glibc's malloc asks the kernel for transparent huge pages where it offers them on request
#: (Linux's default "madvise" mode): a grade's arrays of millions of values then fault in 2 MiB
#: at a time rather than 4 KiB, which took a quarter of a fresh 1M-row grade's time here.
HUGE_PAGES = "glibc.malloc.hugetlb=1"


def allocation(environ: Mapping[str, str]) -> dict[str, str]:
    """The service's allocation settings, over ``environ``.

    pyarrow allocates from the C library's heap, as numpy does, so memory one of them frees
    the other reuses (pyarrow's own allocator keeps what it frees from numpy): a grade of a
    million rows peaks 10-70 MB lower. A user's own glibc tunables are kept, and win where
    they set huge pages themselves.
    """
    tunables = environ.get("GLIBC_TUNABLES", "")
    if "glibc.malloc.hugetlb=" not in tunables:
        tunables = ":".join(filter(None, (tunables, HUGE_PAGES)))
    return {"ARROW_DEFAULT_MEMORY_POOL": "system", "GLIBC_TUNABLES": tunables}

#: What the service imports before it serves: what grading any competition needs. What only
#: some metrics need (scikit-learn, scipy) comes with the first grader that needs it (Grader.load).
PRELOAD = ("numpy", "pandas", "pyarrow.csv", "pyarrow.compute", "pytest_mlebench.catalog.registry",
           "pytest_mlebench.grading.grader")
KEY_BYTES = 32
_MAC_BYTES = hashlib.sha256().digest_size
_LENGTH_BYTES = 4
#: A request is a competition and some paths: anything longer is not one of ours.
MAX_REQUEST_BYTES = 1 << 20
#: How long a connection may take to send its request before the service drops it.
REQUEST_TIMEOUT_S = 10.0
#: How long a client waits for answers to be loaded (the largest competitions' take minutes)...
LOAD_TIMEOUT_S = 3600.0
#: ...and for a grade, beyond the grade's own time limit (the service may be loading answers).
GRADE_SLACK_S = 600.0


class ServiceError(RuntimeError):
    """The grading service did not answer: the harness's failure, never the submission's."""


# -- the wire: a 4-byte length, then the bytes ----------------------------------------------

def _frame(data: bytes) -> bytes:
    return len(data).to_bytes(_LENGTH_BYTES, "big") + data


def _receive_exactly(sock: socket.socket, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _reply(sock: socket.socket, answer: tuple[str, Any]) -> None:
    """Send one answer; a client that has gone no longer needs it."""
    try:
        sock.sendall(_frame(pickle.dumps(answer)))
    except OSError:
        pass


# -- the clients' side -------------------------------------------------------------------------

@dataclass(frozen=True)
class Address:
    """Where the service listens and the key its requests are signed with."""

    path: str
    key: bytes

    def to_input(self) -> list[str]:
        """As xdist's workerinput carries it (plain strings)."""
        return [self.path, self.key.hex()]

    @classmethod
    def from_input(cls, value: list[str]) -> Address:
        return cls(value[0], bytes.fromhex(value[1]))


@dataclass(frozen=True)
class GradingClient:
    """A process's door to the service: a connection per request, so the validation endpoint's
    threads and the harness may ask at once."""

    address: Address

    def ask(self, request: tuple[Any, ...], timeout: float) -> tuple[str, Any]:
        body = pickle.dumps(request)
        mac = hmac.new(self.address.key, body, hashlib.sha256).digest()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(timeout)
                sock.connect(self.address.path)
                sock.sendall(_frame(mac + body))
                size = int.from_bytes(_receive_exactly(sock, _LENGTH_BYTES), "big")
                return pickle.loads(_receive_exactly(sock, size))
        except TimeoutError:
            raise ServiceError(f"the grading service did not answer within {timeout:g}s") from None
        except (EOFError, OSError) as exc:
            raise ServiceError(f"the grading service ended or cannot be reached ({exc!r})") from None

    def grader(self, competition: Competition, answers_path: Path, answers_sha256: str | None = None,
               bounds: Bounds | None = None) -> RemoteGrader:
        """The competition's grader, loaded in the service (once per session) from these answers;
        AnswersChanged when they are not the ones whose sha256 is given."""
        kind, value = self.ask(("load", competition, str(answers_path), answers_sha256), LOAD_TIMEOUT_S)
        if kind == "changed":
            raise AnswersChanged(value)
        if kind != OK:
            raise ServiceError(f"the grading service could not load {competition.id}'s answers:\n{value}")
        key, lower_is_better = value
        return RemoteGrader(self, key, lower_is_better, bounds or Bounds())

    def leaderboard(self, path: Path, lower_is_better: bool, source: str,
                    expected_sha256: str | None = None) -> Leaderboard:
        """leaderboards.format.load_leaderboard, run by the service: a worker loads no pandas."""
        from ..leaderboards.format import LeaderboardError

        kind, value = self.ask(("leaderboard", str(path), lower_is_better, source, expected_sha256),
                               LOAD_TIMEOUT_S)
        if kind == "refused":
            raise LeaderboardError(value)
        if kind != OK:
            raise ServiceError(f"the grading service could not read {path}:\n{value}")
        return value


@dataclass(frozen=True)
class RemoteGrader(Judge):
    """A grader held by the service: each ``score`` is a bounded child of the service's."""

    client: GradingClient
    key: str
    lower: bool
    bounds: Bounds = field(default_factory=Bounds)

    @property
    def lower_is_better(self) -> bool:
        return self.lower

    def score(self, submission: str | os.PathLike[str]) -> float:
        path = Path(os.path.abspath(submission))
        memory, time_s = self.bounds.memory_for(path), self.bounds.time_s
        kind, value = self.client.ask(("grade", self.key, str(path), memory, time_s),
                                      time_s + GRADE_SLACK_S)
        return verdict(kind, value, path, memory, time_s)


class GradingService:
    """The owner's handle: starts the service, gives its address, ends it."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="mlebench-grading-"))  # 0700: this user's only
        path = self.folder / "socket"
        key = secrets.token_bytes(KEY_BYTES)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
            listener.bind(str(path))
            listener.listen(128)
            # Third parties' grade.py files import what their conftest.py could.
            env = {**os.environ, **allocation(os.environ),
                   "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
            self.process = subprocess.Popen(
                [sys.executable, "-m", "pytest_mlebench.grading.service", str(listener.fileno()),
                 str(os.getpid())], stdin=subprocess.PIPE, pass_fds=(listener.fileno(),), env=env)
        assert self.process.stdin is not None
        self.process.stdin.write(key)
        self.process.stdin.flush()  # the pipe stays open: its closing tells the service to end
        self.address = Address(str(path), key)

    def client(self) -> GradingClient:
        return GradingClient(self.address)

    def close(self) -> None:
        """End the service and its grading children, and remove its socket."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.close()
        except BrokenPipeError:
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> GradingService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- the service's side ------------------------------------------------------------------------

@dataclass
class _Incoming:
    """A connection whose request has not fully arrived."""

    deadline: float
    data: bytearray = field(default_factory=bytearray)


@dataclass
class _Job:
    """A grading child and the connection it answers on."""

    pid: int
    conn: socket.socket
    deadline: float
    #: Why the service killed it: TIMEOUT, "gone" (the client left) or "ending" (the service is).
    killed: str | None = None
    reaped: bool = False


class _Service:
    def __init__(self, listener: socket.socket, key: bytes) -> None:
        self.listener = listener
        self.key = key
        self.pid = os.getpid()
        self.selector = selectors.DefaultSelector()
        self.graders: dict[str, Grader] = {}
        self.incoming: dict[socket.socket, _Incoming] = {}
        self.jobs: dict[int, _Job] = {}  # pidfd -> job
        self.running = True

    def run(self) -> None:
        self.listener.setblocking(False)
        self.selector.register(self.listener, selectors.EVENT_READ, self._accept)
        self.selector.register(sys.stdin.fileno(), selectors.EVENT_READ, self._owner)
        try:
            while self.running:
                deadlines = [i.deadline for i in self.incoming.values()]
                deadlines += [j.deadline for j in self.jobs.values() if j.killed is None]
                timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
                for key, _ in self.selector.select(timeout):
                    key.data(key.fileobj)
                self._expire()
        finally:  # the owner has gone, or told it to end (SIGTERM included)
            for pidfd, job in list(self.jobs.items()):
                job.killed = job.killed or "ending"
                os.kill(job.pid, signal.SIGKILL)
                self._reaped(pidfd)

    def _owner(self, fd: int) -> None:
        if not os.read(fd, 4096):
            self.running = False

    def _accept(self, listener: socket.socket) -> None:
        try:
            conn, _ = listener.accept()
        except BlockingIOError:
            return
        conn.setblocking(False)
        self.incoming[conn] = _Incoming(time.monotonic() + REQUEST_TIMEOUT_S)
        self.selector.register(conn, selectors.EVENT_READ, self._read)

    def _drop(self, conn: socket.socket) -> None:
        self.incoming.pop(conn, None)
        self.selector.unregister(conn)
        conn.close()

    def _read(self, conn: socket.socket) -> None:
        """Gather a request without blocking: a client that stalls holds up no one else."""
        pending = self.incoming[conn]
        try:
            chunk = conn.recv(1 << 16)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        pending.data += chunk
        if not chunk:
            self._drop(conn)
            return
        if len(pending.data) < _LENGTH_BYTES:
            return
        size = int.from_bytes(pending.data[:_LENGTH_BYTES], "big")
        end = _LENGTH_BYTES + size
        if size > MAX_REQUEST_BYTES or len(pending.data) > end:
            self._drop(conn)  # not a request of ours: too long, or more than one
            return
        if len(pending.data) < end:
            return
        message = bytes(pending.data[_LENGTH_BYTES:])
        mac, body = message[:_MAC_BYTES], message[_MAC_BYTES:]
        if not hmac.compare_digest(mac, hmac.new(self.key, body, hashlib.sha256).digest()):
            self._drop(conn)  # not signed by this session: never unpickled
            return
        del self.incoming[conn]
        request = pickle.loads(body)
        if request[0] == "load":
            self._load(conn, *request[1:])
        elif request[0] == "grade":
            self._grade(conn, *request[1:])
        elif request[0] == "leaderboard":
            self._leaderboard(conn, *request[1:])
        else:
            self._answer(conn, (ERROR, f"unknown request {request[0]!r}"))

    def _answer(self, conn: socket.socket, answer: tuple[str, Any]) -> None:
        self.selector.unregister(conn)
        conn.setblocking(True)
        _reply(conn, answer)
        conn.close()

    def _load(self, conn: socket.socket, competition: Competition, answers_path: str,
              sha256: str | None) -> None:
        """Read the answers here, once: every grading child inherits them (copy-on-write)."""
        key = f"{competition.id}|{competition.variant}|{answers_path}|{sha256}"
        if key not in self.graders:
            try:
                grader = competition.grader(Path(answers_path), sha256)
            except AnswersChanged as exc:
                self._answer(conn, ("changed", str(exc)))
                return
            except Exception:
                self._answer(conn, (ERROR, traceback.format_exc()))
                return
            # Answers prepared afresh replace the competition's earlier ones.
            same = f"{competition.id}|{competition.variant}|"
            for stale in [k for k in self.graders if k.startswith(same)]:
                del self.graders[stale]
            self.graders[key] = grader
        self._answer(conn, (OK, (key, self.graders[key].lower_is_better)))

    def _leaderboard(self, conn: socket.socket, path: str, lower_is_better: bool, source: str,
                     expected_sha256: str | None) -> None:
        from ..leaderboards.format import LeaderboardError, load_leaderboard

        try:
            board = load_leaderboard(path, lower_is_better, source, expected_sha256=expected_sha256)
        except LeaderboardError as exc:
            self._answer(conn, ("refused", str(exc)))
        except Exception:
            self._answer(conn, (ERROR, traceback.format_exc()))
        else:
            self._answer(conn, (OK, board))

    def _grade(self, conn: socket.socket, key: str, path: str, memory: int, time_s: float) -> None:
        grader = self.graders.get(key)
        if grader is None:
            self._answer(conn, (ERROR, f"no answers loaded for {key}"))
            return
        pid = os.fork()
        if pid == 0:
            self._child(conn, grader.score, Path(path), memory)
        pidfd = os.pidfd_open(pid)
        job = _Job(pid, conn, time.monotonic() + time_s)
        self.jobs[pidfd] = job
        self.selector.register(pidfd, selectors.EVENT_READ, self._reaped)
        # Until the child answers, anything from the client (its end closing) means it left.
        self.selector.modify(conn, selectors.EVENT_READ, partial(self._gone, job))

    def _child(self, conn: socket.socket, fn: Callable[[Path], float], path: Path, memory: int) -> None:
        code = 1
        try:
            die_with_parent(self.pid)
            self.listener.close()
            conn.setblocking(True)
            _reply(conn, within(fn, path, memory))
            code = 0
        finally:
            os._exit(code)

    def _gone(self, job: _Job, conn: socket.socket) -> None:
        if job.reaped:  # answered and closed earlier in the same round of events
            return
        if job.killed is None:
            job.killed = "gone"
            os.kill(job.pid, signal.SIGKILL)
        self.selector.unregister(conn)

    def _expire(self) -> None:
        now = time.monotonic()
        for conn in [c for c, i in self.incoming.items() if i.deadline <= now]:
            self._drop(conn)
        for job in self.jobs.values():
            if job.killed is None and job.deadline <= now:
                job.killed = TIMEOUT
                os.kill(job.pid, signal.SIGKILL)

    def _reaped(self, pidfd: int) -> None:
        """The child has exited: the client has its answer, or hears why there is none (an answer
        sent already comes first, and the client reads only the first)."""
        job = self.jobs.pop(pidfd)
        job.reaped = True
        self.selector.unregister(pidfd)
        os.close(pidfd)
        _, status = os.waitpid(job.pid, 0)
        if job.killed != "gone":
            self.selector.unregister(job.conn)
        if job.killed in (None, TIMEOUT):  # a grade ended by the service's own end is no verdict
            job.conn.setblocking(True)
            _reply(job.conn, (TIMEOUT, None) if job.killed == TIMEOUT
                   else (ENDED, os.waitstatus_to_exitcode(status)))
        job.conn.close()


def _read_key(fd: int) -> bytes:
    key = b""
    while len(key) < KEY_BYTES:
        chunk = os.read(fd, KEY_BYTES - len(key))
        if not chunk:
            sys.exit(0)  # the owner ended before it gave the key
        key += chunk
    return key


def _leave(signum: int, frame: object) -> None:
    sys.exit(0)


def _preload() -> None:
    """Import PRELOAD in a thread at the lowest priority, then serve at the normal one.

    The imports overlap the session's start (xdist workers importing and collecting); where
    there are fewer cores than processes starting, they give way to the workers, which then
    start 0.1-0.2 s sooner here (four workers on two cores). On Linux a thread's priority is
    its own; where it cannot be set, the imports run at the normal priority."""
    failed: list[BaseException] = []

    def imports() -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        except OSError:
            pass
        try:
            for module in PRELOAD:
                importlib.import_module(module)
        except BaseException as exc:  # raised again in the service's own thread
            failed.append(exc)

    thread = threading.Thread(target=imports, name="preload")
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C ends the session, which ends this
    # An owner killed outright cannot remove the socket's folder: this process does, on the way
    # out (the parent-death signal is SIGTERM so that it may; its children get SIGKILL).
    signal.signal(signal.SIGTERM, _leave)
    die_with_parent(int(sys.argv[2]), signal.SIGTERM)
    listener = socket.socket(fileno=int(sys.argv[1]))
    path = Path(listener.getsockname())
    try:
        key = _read_key(sys.stdin.fileno())
        _preload()
        _Service(listener, key).run()
    finally:
        # A second SIGTERM (the parent-death signal and a signal to the process group, say)
        # must not cut the clean-up short between the socket and its folder.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for remove in (path.unlink, path.parent.rmdir):  # only what the owner made for this
            try:
                remove()
            except OSError:
                pass


if __name__ == "__main__":
    main()
