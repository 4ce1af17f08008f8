"""The docker runner: one locked-down container per run, removed whatever happens.

The container is the agent's world of shared/DESIGN.md: public data read-only at
/home/data, /home/submission, /home/logs and /home/code copied out afterwards
(through the engine's archive API, member by member: links, paths out of the
folder and anything past the size cap are refused and reported in the log),
/home/instructions.txt and /home/validate_submission.sh. It runs as uid 1000 with
every capability dropped, no-new-privileges, no network unless the agent asks
for one, and limits on processes, memory, swap, CPU and shared memory.

Validation with no network: the harness serves ValidationServer on a Unix
socket in a host folder bind-mounted read-only at /run/mlebench, and the
entrypoint starts a small relay inside on the port of VALIDATION_URL, so agents
use ``VALIDATION_URL=http://127.0.0.1:5000/validate`` as any HTTP endpoint. An
agent with LLM providers reaches the harness's LLM gateway the same way: the run's
socket beside validation's, relayed on port 5001, named by OPENAI_BASE_URL and
ANTHROPIC_BASE_URL; its network stays none.
(A Unix socket cannot cross into Docker Desktop's VM: there, validation needs a
Linux engine.)

Every container is labelled ``pytest-mlebench=1`` and with its session
(``pytest-mlebench.session``), so leftovers of a killed session can be swept.
Each run has a dead-man's switch (runners/deadman.py): a process outside
pytest's process group that removes the container when the harness dies, by
SIGKILL too, and holds the run's leases until the container is gone.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import socket
import stat
import subprocess
import tarfile
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import requests
from docker.api.client import APIClient
from docker.client import DockerClient
from docker.errors import DockerException, NotFound
from docker.types import DeviceRequest, LogConfig, Mount

from ...catalog.registry import Agent
from ...fsutil import NOTE, OutputBudget, remove_tree, write_note
from .. import deadman
from ..base import (
    CODE_SUBDIR,
    LOGS_SUBDIR,
    SUBMISSION_SUBDIR,
    RunLimits,
    RunResult,
    RunSpec,
    contract_env,
    validate_script,
)
from ..local import STOP_GRACE_S
from ..relay import HARNESS_DIR, LLM_URL, SOCKET_DIR, VALIDATION_URL, relay_resource, serve_harness_sockets
from .images import (
    ensure_agent_image,
    ensure_base_image,
    first_line,
    image_id,
    local_base_source,
    missing_base_message,
    wanted_base_source,
)

if TYPE_CHECKING:  # rich is imported by images.py where a build or a pull draws progress
    from rich.console import Console

LABEL = "pytest-mlebench"
SESSION_LABEL = "pytest-mlebench.session"
DEADLINE_LABEL = "pytest-mlebench.deadline"
#: On containers kept for debugging (--mlebench-keep-containers): no other session's sweep takes them.
KEPT_LABEL = "pytest-mlebench.kept"
HOME = PurePosixPath("/home")
AGENT_DIR = HOME / "agent"
AGENT_USER = "1000:1000"
_OUTPUTS = (SUBMISSION_SUBDIR, LOGS_SUBDIR, CODE_SUBDIR)


def _session_id() -> str:
    """Shared by all pytest-xdist workers of one run (xdist sets the variable), else fresh."""
    return os.environ.get("PYTEST_XDIST_TESTRUNUID") or secrets.token_hex(8)


class DockerRunner:
    """Runs each agent in its own container; see the module's docstring for what it enforces."""

    name = "docker"
    isolation = "docker"

    def __init__(
        self,
        *,
        client: DockerClient | None = None,
        base_image: str | None = None,
        memory: str | None = None,
        cpus: float | None = None,
        pids_limit: int = 4096,
        shm_size: str = "2g",
        tmp_size: str | None = None,
        stop_grace_s: float = STOP_GRACE_S,
        validation_interval_s: float = 1.0,
        max_output_bytes: int = 2 * 1024**3,
        max_log_bytes: int = 200 * 1024**2,
        keep_containers: bool = False,
        network_mode: str | None = None,
        session_id: str | None = None,
        console: Console | None = None,
    ) -> None:
        """``memory``, ``cpus``, ``pids_limit``, ``shm_size`` and ``network_mode`` apply when
        the run's spec sets none (``self.limits``); ``base_image`` as in images.py.

        ``network_mode`` is the network of agents that ask for one (agent.yaml
        ``network: true``); None is the engine's default bridge. "host" lets such an
        agent reach services on the host's loopback (a stand-in LLM server in tests),
        and with it the rest of the host's network: use it knowingly.
        """
        self._client = client
        self.base_image = base_image
        self.limits = RunLimits(cpus=cpus, memory=memory, shm_size=shm_size, pids_limit=pids_limit,
                                network_mode=network_mode)
        #: Size of the tmpfs mounted at /tmp (None: /tmp is the container's writable layer).
        self.tmp_size = tmp_size
        self.stop_grace_s = stop_grace_s
        self.validation_interval_s = validation_interval_s
        self.max_output_bytes = max_output_bytes
        self.max_log_bytes = max_log_bytes
        self.keep_containers = keep_containers
        self.session_id = session_id or _session_id()
        self.console = console
        self._base_tag: str | None = None

    @property
    def client(self) -> DockerClient:
        if self._client is None:
            self._client = DockerClient.from_env()
        return self._client

    def available(self) -> str | None:
        try:
            self.client.ping()
        except (DockerException, requests.RequestException) as exc:
            return f"the Docker daemon does not answer ({first_line(exc)})"
        return None

    def problems(self, agent: Agent) -> list[str]:
        """Preflight: only a missing base to build from stops a run (agent layers build in seconds)."""
        if local_base_source(self.client, self.base_image) is not None:
            return []
        wanted = wanted_base_source(self.base_image)
        return ["docker runner: " + missing_base_message(wanted, "not pulled yet")]

    def sweep(self) -> int:
        """The start-up sweep: containers of dead sessions (past their deadline) only."""
        return len(sweep_containers(client=self.client, only_expired=True))

    def image_for(self, agent: Agent) -> str:
        """The agent's image tag, building the base and the agent's layer when missing."""
        if self._base_tag is None:
            self._base_tag = ensure_base_image(self.client, self.base_image, console=self.console)
        return ensure_agent_image(self.client, agent, self._base_tag, console=self.console)

    # -- one run -----------------------------------------------------------
    def run(self, spec: RunSpec) -> RunResult:
        for sub in _OUTPUTS:
            (spec.run_dir / sub).mkdir(parents=True, exist_ok=True)
        run = _Run(self, spec.with_defaults(self.limits))
        try:
            return run.execute()
        except Exception as exc:  # the harness failed, not the agent: report it on the item
            run.note(f"harness error: {type(exc).__name__}: {exc}")
            return run.result(harness_error=f"{type(exc).__name__}: {first_line(exc)}")
        finally:
            run.cleanup()


class _Run:
    """The state of one container's life, so that cleanup knows what exists."""

    def __init__(self, runner: DockerRunner, spec: RunSpec) -> None:
        self.runner = runner
        self.spec = spec
        self.container: str | None = None
        self.image_digest: str | None = None
        self.exit_code: int | None = None
        self.timed_out = False
        self.runtime_s = 0.0
        self.workspace = Path(tempfile.mkdtemp(prefix="mlebench-docker-"))
        self.stack = ExitStack()
        self.log_thread: threading.Thread | None = None
        self.name = self.container_name()
        self.switch: subprocess.Popen[str] | None = None

    @property
    def api(self) -> APIClient:
        return self.runner.client.api

    def note(self, text: str) -> None:
        """A line of the harness's own in the agent's log, where a failing report shows it."""
        write_note(self.spec.log_path, text)

    def execute(self) -> RunResult:
        spec, api = self.spec, self.api
        tag = self.runner.image_for(spec.agent)
        self.image_digest = image_id(self.runner.client, tag)
        # Armed before the container exists: from here on, a dead harness means a removed container.
        self.switch = deadman.start({"mode": "docker", "container": self.name,
                                     "keep": self.runner.keep_containers, "workspace": str(self.workspace)})
        deadman.read(self.switch)
        self.container = api.create_container(
            tag,
            command=["bash", str(AGENT_DIR / spec.agent.start)],
            entrypoint=["sh", str(HARNESS_DIR / "entrypoint.sh")],
            user=AGENT_USER,
            environment=self.environment(),
            working_dir=str(HOME),
            labels=self.labels(),
            name=self.name,
            host_config=api.create_host_config(**self.host_config()),
        )["Id"]
        api.put_archive(self.container, "/", self.harness_files())
        spec.log_path.parent.mkdir(parents=True, exist_ok=True)
        spec.log_path.touch()
        started = time.monotonic()
        api.start(self.container)
        self.log_thread = threading.Thread(target=self.stream_logs, name="mlebench-docker-logs", daemon=True)
        self.log_thread.start()
        self.wait(started + spec.time_limit)
        self.runtime_s = time.monotonic() - started
        state = api.inspect_container(self.container)["State"]
        self.log_thread.join(timeout=30)
        if self.timed_out:
            self.note(f"time limit of {spec.time_limit:g}s reached: the container was stopped")
        else:
            self.exit_code = int(state["ExitCode"])
        if state.get("OOMKilled"):
            self.note(f"out of memory (limit {spec.memory}): the kernel killed a process of the agent")
        budget = OutputBudget(self.runner.max_output_bytes)
        refused = [item for sub in _OUTPUTS for item in self.copy_out(sub, budget)]
        if refused:
            self.note("outputs refused: " + "; ".join(refused))
        return self.result()

    def result(self, harness_error: str | None = None) -> RunResult:
        submission = self.spec.submission_path
        return RunResult(
            runner=DockerRunner.name, exit_code=self.exit_code, timed_out=self.timed_out,
            runtime_s=self.runtime_s, submission_path=submission if submission.is_file() else None,
            log_path=self.spec.log_path, harness_error=harness_error, image_digest=self.image_digest,
            network=self.network, isolation="docker", **self.spec.limits(),
        )

    # -- the container's configuration -------------------------------------
    def environment(self) -> dict[str, str]:
        spec = self.spec
        url = None
        if spec.validation_check is not None:
            url = VALIDATION_URL if not self.on_host_network() else f"{_free_loopback_url()}/validate"
        env = dict(spec.agent.env) | spec.extra_env | contract_env(spec, Path(HOME), Path(AGENT_DIR), url)
        env |= {"HOME": str(HOME), "PYTHONUNBUFFERED": "1"}
        if spec.llm is not None:
            env |= spec.llm.env(LLM_URL if not self.on_host_network()
                                else _free_loopback_url())
        return env

    @property
    def network(self) -> str:
        """The container's network as the engine names it ("bridge" is the engine's default)."""
        spec = self.spec
        return (spec.network_mode or "bridge") if spec.agent.network else "none"

    def on_host_network(self) -> bool:
        return self.spec.agent.network and self.spec.network_mode == "host"

    def labels(self) -> dict[str, str]:
        spec = self.spec
        kept = {KEPT_LABEL: "1"} if self.runner.keep_containers else {}
        return kept | {LABEL: "1", SESSION_LABEL: self.runner.session_id,
                f"{LABEL}.competition": spec.competition_id, f"{LABEL}.agent": spec.agent.name,
                f"{LABEL}.seed": str(spec.seed),
                # When this container must be gone by, even if the session that started it died.
                DEADLINE_LABEL: str(int(time.time() + spec.time_limit + 2 * self.runner.stop_grace_s))}

    def container_name(self) -> str:
        base = re.sub(r"[^a-zA-Z0-9_.-]+", "-", f"mlebench-{self.spec.agent.name}-{self.spec.competition_id}")
        return f"{base[:80]}-s{self.spec.seed}-{secrets.token_hex(3)}"

    def host_config(self) -> dict[str, Any]:
        spec = self.spec
        mounts = [Mount(str(HOME / "data"), str(spec.public_dir.resolve()), type="bind", read_only=True)]
        if spec.validation_check is not None or spec.llm is not None:
            mounts.append(self.serve_harness_sockets())
        config: dict[str, Any] = {
            "mounts": mounts,
            "network_mode": self.network,
            "cap_drop": ["ALL"],
            "security_opt": ["no-new-privileges"],
            "pids_limit": spec.pids_limit,
            "shm_size": spec.shm_size,
            **({"tmpfs": {"/tmp": f"rw,nosuid,nodev,size={self.runner.tmp_size}"}}
               if self.runner.tmp_size else {}),
            "init": True,
            "log_config": LogConfig(type="json-file", config={"max-size": "100m", "max-file": "1"}),
        }
        if spec.memory:
            config |= {"mem_limit": spec.memory, "memswap_limit": spec.memory}
        if spec.cpus:
            config["nano_cpus"] = int(spec.cpus * 1e9)
        if spec.cpuset:
            config["cpuset_cpus"] = ",".join(spec.cpuset)
        if spec.gpus:
            all_gpus = spec.gpus == ("all",)
            config["device_requests"] = [DeviceRequest(
                count=-1 if all_gpus else None, device_ids=None if all_gpus else list(spec.gpus),
                capabilities=[["gpu"]],
            )]
        return config

    def serve_harness_sockets(self) -> Mount:
        """The run's validation endpoint and LLM gateway on sockets in the workspace; the mount
        that shows them inside (on the host's network, the port is a free one instead)."""
        socket_dir = self.workspace / "validation"
        serve_harness_sockets(self.spec, self.stack, socket_dir, self.runner.validation_interval_s)
        return Mount(str(SOCKET_DIR), str(socket_dir), type="bind", read_only=True)

    def harness_files(self) -> bytes:
        """What the harness puts in the container before it starts: owned by root, read-only."""
        files = {
            HARNESS_DIR / "entrypoint.sh": (relay_resource("entrypoint.sh"), 0o555),
            HARNESS_DIR / "forward.py": (relay_resource("forward.py"), 0o444),
            HOME / "instructions.txt": (self.spec.instructions.encode(), 0o444),
            HOME / "validate_submission.sh": (validate_script().encode(), 0o555),
        }
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            for path, (data, mode) in files.items():
                info = tarfile.TarInfo(str(path.relative_to("/")))
                info.size, info.mode, info.mtime = len(data), mode, int(time.time())
                tar.addfile(info, io.BytesIO(data))
        return buffer.getvalue()

    # -- while it runs -------------------------------------------------------
    def wait(self, deadline: float) -> None:
        """Until the container exits or the deadline passes; then stop it (SIGTERM, then SIGKILL)."""
        assert self.container is not None
        while (remaining := deadline - time.monotonic()) > 0:
            asked, since = min(remaining, 60.0), time.monotonic()
            try:
                self.api.wait(self.container, timeout=asked)
                return
            except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError):
                # The engine reports a read timeout as either; an early failure is a real one.
                if time.monotonic() - since < asked * 0.9:
                    raise
        self.timed_out = True
        grace = max(1, round(self.runner.stop_grace_s))
        self.api.stop(self.container, timeout=grace)
        self.api.wait(self.container, timeout=grace + 60)

    def stream_logs(self) -> None:
        """Copy the container's output into the agent log as it comes, up to the cap."""
        assert self.container is not None
        written, cap = 0, self.runner.max_log_bytes
        try:
            with open(self.spec.log_path, "ab") as log:
                for chunk in self.api.logs(self.container, stream=True, follow=True):
                    if written < cap:
                        part = chunk[:cap - written]
                        log.write(part)
                        log.flush()
                        written += len(part)
                        if written >= cap:
                            log.write(f"\n{NOTE} log truncated at {cap} bytes\n".encode())
        except (DockerException, requests.RequestException, OSError) as exc:
            self.note(f"log streaming stopped: {first_line(exc)}")

    # -- afterwards ----------------------------------------------------------
    def copy_out(self, sub: str, budget: OutputBudget) -> list[str]:
        """One output folder from the stopped container into the run directory; what was refused."""
        assert self.container is not None
        try:
            chunks, _stat = self.api.get_archive(self.container, str(HOME / sub))
        except NotFound:
            return []
        return [f"{sub}/{item}" for item in extract_outputs(chunks, self.spec.run_dir / sub, budget)]

    def cleanup(self) -> None:
        try:
            if self.container is not None and not self.runner.keep_containers:
                deadman.remove_container(self.api, self.container)
        finally:
            if self.switch is not None:
                deadman.close(self.switch, wait_s=self.runner.stop_grace_s, done=True)
            self.stack.close()
            remove_tree(self.workspace)


@dataclass(frozen=True)
class HostShare:
    """The limits a run gets when none are given: the host divided among the runs that can be
    in flight at once (one per xdist worker), less a reserve for the harness. /dev/shm and
    the /tmp tmpfs are memory the container is charged for, so both fit inside its limit."""

    memory: str
    cpus: float
    shm_size: str
    tmp_size: str

    @classmethod
    def of_host(cls, parallel: int, cpus: int, memory_bytes: int, shm_size: str = "2g") -> HostShare:
        mib = int(memory_bytes * 0.85 / max(parallel, 1)) // 1024**2
        shm = min(_mib(shm_size), mib // 4)
        return cls(memory=f"{mib}m", cpus=round(max(cpus / max(parallel, 1), 0.1), 2),
                   shm_size=f"{shm}m", tmp_size=f"{mib // 4}m")


def _mib(size: str) -> int:
    """Docker's size strings (512m, 2g, 1048576) in MiB."""
    units = {"k": 1 / 1024, "m": 1, "g": 1024, "t": 1024**2}
    size = size.strip().lower().rstrip("b")
    if size and size[-1] in units:
        return int(float(size[:-1]) * units[size[-1]])
    return int(size) // 1024**2


def _free_loopback_url() -> str:
    """On the host's network a relay's port is shared with the host: take a free one."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# -- safe extraction of an output folder ---------------------------------------

class _OverCap(Exception):
    pass


class _ChunkReader:
    """A file object over the engine's archive stream that stops reading past ``cap`` bytes.

    tarfile reads a stream in small blocks: the buffer is consumed by offset and
    compacted once per chunk, so a large output costs linear time.
    """

    def __init__(self, chunks: Iterator[bytes], cap: int) -> None:
        self._chunks, self._cap = chunks, cap
        self._buffer, self._pos, self._read = bytearray(), 0, 0

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) - self._pos < size:
            chunk = next(self._chunks, b"")
            if not chunk:
                break
            self._read += len(chunk)
            if self._read > self._cap:
                raise _OverCap
            del self._buffer[:self._pos]
            self._pos = 0
            self._buffer += chunk
        end = len(self._buffer) if size < 0 else min(len(self._buffer), self._pos + size)
        data = bytes(self._buffer[self._pos:end])
        self._pos = end
        return data


#: Archive bytes allowed on top of the content cap (tar headers and padding).
_ARCHIVE_OVERHEAD = 64 * 1024**2


def extract_outputs(chunks: Iterator[bytes], dest: Path, budget: OutputBudget) -> list[str]:
    """Extract an archive of one folder into ``dest``, within the run's ``budget``: regular
    files and folders only.

    The archive's first path component is the folder's own name and is dropped; when it is
    not a folder (a link put in the folder's place), nothing is extracted. Refused, and
    returned with the reason: links of either kind, devices and FIFOs, names that are
    absolute or climb out with "..", files past the budget's bytes, files or time, a file
    that cannot be written here (its name, the disk). Files are written without following
    links and with plain permissions.
    """
    refused: list[str] = []
    dest.mkdir(parents=True, exist_ok=True)
    reader = _ChunkReader(chunks, budget.max_bytes - budget.used_bytes + _ARCHIVE_OVERHEAD)
    try:
        with tarfile.open(fileobj=reader, mode="r|") as tar:
            for member in tar:
                rel = _inner_path(member.name)
                if rel is None:
                    refused.append(f"{member.name}: path outside the folder")
                    continue
                if not rel.parts:
                    if member.isdir():
                        continue
                    refused.append(f"{member.name}: {_refused_kind(member) or 'not a folder'} "
                                   "in place of the folder: nothing was copied")
                    break
                if (why := budget.exhausted()) is not None:
                    refused.append(why)
                    break
                if member.isdir():
                    _make_dirs(dest, rel)
                    continue
                why = _refused_kind(member) or budget.admit(member.size)
                if why is None:
                    try:
                        _write_file(dest, rel, tar.extractfile(member))
                    except OSError as exc:
                        why = f"not copied ({exc.strerror})"
                if why is not None:
                    refused.append(f"{rel}: {why}")
    except _OverCap:
        refused.append(f"archive larger than the {budget.max_bytes} byte cap: the rest was not copied")
    except tarfile.TarError as exc:
        refused.append(f"unreadable archive ({exc}): the rest was not copied")
    return refused


def _inner_path(name: str) -> PurePosixPath | None:
    """The member's path inside the folder, or None when it would land outside it."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    return PurePosixPath(*path.parts[1:])


def _refused_kind(member: tarfile.TarInfo) -> str | None:
    if member.issym():
        return f"symbolic link to {member.linkname}"
    if member.islnk():
        return f"hard link to {member.linkname}"
    if not member.isreg():
        return "not a regular file"
    return None


def _make_dirs(dest: Path, rel: PurePosixPath) -> Path:
    """Create dest/rel one level at a time, refusing any level that is not a real folder."""
    current = dest
    for part in rel.parts:
        current = current / part
        try:
            current.mkdir(mode=0o755)
        except FileExistsError:
            if not stat.S_ISDIR(os.lstat(current).st_mode):
                raise tarfile.TarError(f"{current} exists and is not a folder") from None
    return current


def _write_file(dest: Path, rel: PurePosixPath, src: io.BufferedReader | None) -> None:
    parent = _make_dirs(dest, rel.parent) if rel.parent.parts else dest
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
    fd = os.open(parent / rel.name, flags, 0o644)
    with os.fdopen(fd, "wb") as out:
        while src is not None and (block := src.read(1024**2)):
            out.write(block)


# -- session helpers -------------------------------------------------------------

def sweep_containers(label_value: str | None = None, client: DockerClient | None = None,
                     only_expired: bool = False) -> list[str]:
    """Remove containers left by earlier sessions: all of ours, or one session's (``label_value``).

    With ``only_expired``, a container is removed only when its session is provably dead:
    its deadline label has passed (the session died without removing it), running or
    stopped; and never one kept for debugging (--mlebench-keep-containers). That is the
    start-up sweep: another session on the same host keeps its agents, also one that has
    just exited and whose outputs are being copied out, and its kept containers. Call it
    on the controller only: a worker sweeping every label would remove the other
    workers' agents.
    """
    client = client or DockerClient.from_env()
    selector = f"{SESSION_LABEL}={label_value}" if label_value else LABEL
    removed = []
    now = time.time()
    for container in client.api.containers(all=True, filters={"label": selector}):
        labels = container.get("Labels") or {}
        deadline = float(labels.get(DEADLINE_LABEL, 0) or 0)
        if only_expired and (deadline > now or KEPT_LABEL in labels):
            continue
        deadman.remove_container(client.api, container["Id"])
        removed.append(container["Id"])
    return removed
