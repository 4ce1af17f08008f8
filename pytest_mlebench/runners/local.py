"""The local runner: the agent as a child process in a fresh workspace.

The workspace mirrors the container layout of shared/DESIGN.md (home/data
read-only, home/submission, home/logs, home/code, home/instructions.txt,
home/validate_submission.sh). The environment is scrubbed to what the contract
names. The private answers are never linked or copied into the workspace.
home/data is the prepared public folder bound read-only in the sandbox, and a
read-only copy of it without one.
Where bubblewrap works, the agent runs in its sandbox (runners/sandbox.py): it sees
its workspace and the system, read-only but for its workspace, in pid and network
namespaces of its own. Without it (``--mlebench-local-sandbox none``, or bubblewrap
missing) the agent runs as the user who runs pytest, seeing what that user sees, and
its records say ``isolation: none``.

The agent is started, timed and ended by the run's dead-man's switch
(deadman.py), which outlives a harness that dies and ends the agent's whole
process tree, children that detached with setsid included.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from ..catalog.builtin import LOCAL
from ..catalog.registry import Agent
from ..fsutil import OutputBudget, copy_outputs, make_read_only, remove_tree, write_note
from . import deadman
from .base import (
    CODE_SUBDIR,
    LOGS_SUBDIR,
    SUBMISSION_FILE,
    SUBMISSION_SUBDIR,
    RunLimits,
    RunResult,
    RunSpec,
    contract_env,
    validate_script,
)
from .endpoint import ValidationServer
from .relay import HARNESS_DIR, LLM_URL, SOCKET_DIR, VALIDATION_URL, relay_resource, serve_harness_sockets
from .sandbox import SANDBOX_CHOICES, bwrap_argv, bwrap_problem

#: Variables kept from the parent environment: locale and nothing that names a secret.
_PASS_THROUGH = ("LANG", "LC_ALL", "TZ")
#: Bytes a run may bring out of its three output folders together.
OUTPUT_CAP_BYTES = 2 * 1024**3
#: How long an agent may take to end after SIGTERM (time limit, Ctrl-C) before it is killed.
STOP_GRACE_S = 5.0


def gpu_env(spec: RunSpec) -> dict[str, str]:
    """The run sees only its leased GPUs; without leases, what the user already set."""
    if spec.gpus:
        return {"CUDA_VISIBLE_DEVICES": ",".join(spec.gpus)}
    if "CUDA_VISIBLE_DEVICES" in os.environ:
        return {"CUDA_VISIBLE_DEVICES": os.environ["CUDA_VISIBLE_DEVICES"]}
    return {}


class LocalRunner:
    """Runs the agent's start script under bash, with a hard time limit (SIGTERM, then SIGKILL),
    inside bubblewrap's sandbox unless ``sandbox`` is "none" or (for "auto") bubblewrap fails here."""

    name = LOCAL  # the name the built-ins register it under
    #: Pins a run to its leased cores and GPUs; memory and the rest are not limited here.
    limits = RunLimits()

    def __init__(self, kill_grace_s: float = STOP_GRACE_S, sandbox: str = "auto") -> None:
        if sandbox not in SANDBOX_CHOICES:
            raise ValueError(f"sandbox must be one of {', '.join(SANDBOX_CHOICES)}, not {sandbox!r}")
        self.kill_grace_s = kill_grace_s
        self.sandbox = sandbox
        #: Why there is no sandbox (None: there is one).
        self.unsandboxed_because = "--mlebench-local-sandbox none" if sandbox == "none" else bwrap_problem()
        self.isolation = "bwrap" if sandbox != "none" and self.unsandboxed_because is None else "none"

    def available(self) -> str | None:
        if not shutil.which("bash"):
            return "bash is not on PATH"
        if self.sandbox == "bwrap" and self.unsandboxed_because is not None:
            return f"--mlebench-local-sandbox bwrap: {self.unsandboxed_because}"
        return None

    def problems(self, agent: Agent) -> list[str]:
        return []

    def sweep(self) -> int:
        """Nothing to sweep: each run's dead-man's switch ends its agent and removes its workspace."""
        return 0

    def run(self, spec: RunSpec) -> RunResult:
        workspace = Path(tempfile.mkdtemp(prefix=f"mlebench-{spec.competition_id}-"))
        try:
            with ExitStack() as stack:
                if self.relayed(spec):  # no network of its own: the doors come in over sockets
                    serve_harness_sockets(spec, stack, workspace / "validation")
                    url = VALIDATION_URL if spec.validation_check is not None else None
                    llm_url = LLM_URL
                else:
                    url = None
                    if spec.validation_check is not None:
                        url = stack.enter_context(ValidationServer(
                            spec.validation_check, max_bytes=spec.validation_max_bytes)).url
                    llm_url = spec.llm.loopback_url if spec.llm is not None else ""
                return self._run_in(workspace, spec, url, llm_url)
        finally:
            remove_tree(workspace)

    def relayed(self, spec: RunSpec) -> bool:
        """Sandboxed without network: validation and the LLM gateway reach the agent over sockets."""
        return self.isolation == "bwrap" and not spec.agent.network

    def _run_in(self, workspace: Path, spec: RunSpec, validation_url: str | None, llm_url: str
                ) -> RunResult:
        home = workspace / "home"
        agent_dir = workspace / "agent"
        for sub in (SUBMISSION_SUBDIR, LOGS_SUBDIR, CODE_SUBDIR):
            (home / sub).mkdir(parents=True)
        (workspace / "tmp").mkdir()
        if self.isolation == "bwrap":  # the cache's own folder, bound read-only over an empty one
            (home / "data").mkdir()
        else:  # a copy, never a hard link: a write through a link would change the shared cache
            shutil.copytree(spec.public_dir, home / "data", copy_function=shutil.copyfile)
            make_read_only(home / "data")
        shutil.copytree(spec.agent.path, agent_dir)
        (home / "instructions.txt").write_text(spec.instructions)
        script = home / "validate_submission.sh"
        script.write_text(validate_script())
        script.chmod(0o755)

        env = {k: os.environ[k] for k in _PASS_THROUGH if k in os.environ}
        env |= {
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
            "HOME": str(home),
            "TMPDIR": str(workspace / "tmp"),
            "PYTHONUNBUFFERED": "1",
        }
        env |= dict(spec.agent.env) | spec.extra_env | contract_env(spec, home, agent_dir, validation_url)
        env |= gpu_env(spec)
        if spec.llm is not None:  # the gateway over loopback; its variables win over any of the agent's
            env |= spec.llm.env(llm_url)
        argv = ["bash", str(agent_dir / spec.agent.start)]
        if self.isolation == "bwrap":
            argv = self._sandboxed(argv, workspace, spec)
        job = {
            "mode": "local", "argv": argv, "cwd": str(home),
            "env": env, "cpus": list(spec.cpuset), "log": str(spec.log_path),
            "time_limit": spec.time_limit, "grace_s": self.kill_grace_s, "workspace": str(workspace),
        }
        spec.log_path.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        switch = deadman.start(job)
        try:
            ended = deadman.read(switch)
        finally:  # on an interrupt too: closing its stdin makes the switch stop the agent
            deadman.close(switch, wait_s=spec.time_limit + self.kill_grace_s)
        runtime = time.monotonic() - started

        refused: list[str] = []
        budget = OutputBudget(OUTPUT_CAP_BYTES)
        for sub in (SUBMISSION_SUBDIR, LOGS_SUBDIR, CODE_SUBDIR):
            refused += copy_outputs(home / sub, spec.run_dir / sub, budget)
        if refused:
            write_note(spec.log_path, "outputs refused: " + "; ".join(refused))
        submission = spec.run_dir / SUBMISSION_SUBDIR / SUBMISSION_FILE
        return RunResult(
            runner=self.name,
            exit_code=ended["exit_code"],
            timed_out=bool(ended["timed_out"]),
            runtime_s=runtime,
            submission_path=submission if submission.is_file() else None,
            log_path=spec.log_path,
            network="none" if self.relayed(spec) else "host",
            isolation=self.isolation,
            **spec.limits(),
        )

    def _sandboxed(self, argv: list[str], workspace: Path, spec: RunSpec) -> list[str]:
        """``argv`` inside bubblewrap, behind the relays' entrypoint when it has no network."""
        agent_dir = workspace / "agent"
        # Copying a data set of thousands of images took seconds a run; the mount costs nothing.
        read_only = [(agent_dir, str(agent_dir)), (spec.public_dir, str(workspace / "home" / "data"))]
        if self.relayed(spec):
            relay = workspace / "relay"
            relay.mkdir()
            for name in ("entrypoint.sh", "forward.py"):
                (relay / name).write_bytes(relay_resource(name))
            read_only += [(relay, str(HARNESS_DIR)), (workspace / "validation", str(SOCKET_DIR))]
            argv = ["sh", str(HARNESS_DIR / "entrypoint.sh"), *argv]
        return bwrap_argv(argv, read_write=[workspace / "home", workspace / "tmp"], read_only=read_only,
                          network=spec.agent.network, chdir=workspace / "home")

