"""The one protocol every runner speaks (a RunSpec in, a RunResult out) and the agent's world.

A runner owns isolation and the time limit; it never grades and never sees the
private answers. Everything it needs is in the spec, everything it produced is in
the run directory named by the spec. The agent-world contract of shared/DESIGN.md
(the variables, the validation script) is here, so every runner builds the same world.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..catalog.registry import Agent
from ..fsutil import read_tail

#: Outputs a runner collects into ``RunSpec.run_dir`` (same names as in the container).
SUBMISSION_SUBDIR = "submission"
LOGS_SUBDIR = "logs"
CODE_SUBDIR = "code"
SUBMISSION_FILE = "submission.csv"
AGENT_LOG = "agent.log"
#: The LLM gateway's audit log of the run: every request and its answer, keys redacted.
LLM_LOG = "llm.jsonl"


@dataclass(frozen=True)
class RunLimits:
    """A runner's own defaults for the per-run limits a spec leaves unset (None: not limited)."""

    cpus: float | None = None
    memory: str | None = None
    shm_size: str | None = None
    pids_limit: int | None = None
    #: The network of agents that ask for one (agent.yaml ``network: true``); others get none.
    network_mode: str | None = None


#: The per-run limits a RunSpec carries and its RunResult reports back as applied.
LIMIT_FIELDS = ("cpus", "memory", "shm_size", "pids_limit", "network_mode", "gpus", "cpuset")


class LLMAccess(Protocol):
    """A run's door to the harness's LLM gateway (runners/gateway): how a runner shows it to the agent."""

    #: The gateway on the host's loopback (the local runner's agent reaches it there).
    loopback_url: str

    def env(self, base_url: str) -> dict[str, str]:
        """The agent's provider variables, for a gateway reached at ``base_url``."""

    def serve_unix(self, path: Path) -> None:
        """Serve the run on a Unix socket as well (relayed into a container without network)."""


@dataclass(frozen=True)
class RunSpec:
    """Everything a runner needs to run one agent on one competition."""

    competition_id: str
    agent: Agent
    public_dir: Path
    run_dir: Path
    time_limit: float
    seed: int
    instructions: str
    #: Variables from the user's environment the agent asked for (agent.yaml ``env_from_host``).
    extra_env: dict[str, str] = field(default_factory=dict)
    #: Resource limits; None means "the runner's default" (see RunLimits).
    cpus: float | None = None
    memory: str | None = None
    shm_size: str | None = None
    pids_limit: int | None = None
    network_mode: str | None = None
    #: GPUs leased to this run (ids as the driver numbers them); empty: none.
    gpus: tuple[str, ...] = ()
    #: CPU cores leased to this run; empty: not pinned.
    cpuset: tuple[str, ...] = ()
    #: Harness-side validity check (None = valid, else the reason). Each runner serves
    #: it as the agent's validation endpoint the way its isolation allows (local: TCP
    #: on loopback; docker: a mounted Unix socket relayed inside the container).
    validation_check: Callable[[Path], str | None] | None = None
    #: The largest upload the endpoint reads (None: its default); refused unread past it.
    validation_max_bytes: int | None = None
    #: The run's door to the LLM gateway, for agents that name llm_providers; its variables
    #: override any of the same name (the agent never sees a real provider key).
    llm: LLMAccess | None = None

    @property
    def submission_path(self) -> Path:
        return self.run_dir / SUBMISSION_SUBDIR / SUBMISSION_FILE

    def with_defaults(self, limits: RunLimits) -> RunSpec:
        """This spec with the limits it leaves unset taken from a runner's defaults."""
        unset = {f.name: getattr(limits, f.name) for f in fields(limits) if getattr(self, f.name) is None}
        return replace(self, **unset)

    def limits(self) -> dict[str, Any]:
        """The limits this run was given, for its RunResult."""
        return {name: getattr(self, name) for name in LIMIT_FIELDS}

    @property
    def log_path(self) -> Path:
        """The agent's stdout and stderr; beside, not inside, the agent's own logs folder."""
        return self.run_dir / AGENT_LOG


@dataclass(frozen=True)
class RunResult:
    """What happened: the runner's account of the run, never a judgement of its output."""

    runner: str
    exit_code: int | None
    timed_out: bool
    runtime_s: float
    submission_path: Path | None
    log_path: Path
    #: Set when the harness itself failed (infrastructure), not the agent.
    harness_error: str | None = None
    image_digest: str | None = None
    #: The limits the run was given (``RunSpec.limits()``), as the runner applied them.
    cpus: float | None = None
    memory: str | None = None
    shm_size: str | None = None
    pids_limit: int | None = None
    network_mode: str | None = None
    gpus: tuple[str, ...] = ()
    cpuset: tuple[str, ...] = ()
    #: The network the agent actually had: "none", a docker network, or "host" (not isolated).
    network: str | None = None
    #: What kept the agent from the host: "docker", "bwrap" (the local runner's sandbox) or "none".
    isolation: str = "none"
    #: The gateway's meter of the run (the record's llm_* fields); None: no LLM providers.
    llm: dict[str, Any] | None = None

    def log_tail(self, max_chars: int = 4000) -> str:
        """The end of the agent's log, for a failing test's report."""
        return read_tail(self.log_path, max_chars)

    def to_dict(self) -> dict[str, Any]:
        """Plain values, for run.json: what ``--mlebench-resume`` reads back instead of running again."""
        data = asdict(self)
        data["submission_path"] = str(self.submission_path) if self.submission_path else None
        data["log_path"] = str(self.log_path)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["submission_path"] = Path(data["submission_path"]) if data.get("submission_path") else None
        values["log_path"] = Path(data["log_path"])
        values["gpus"] = tuple(data.get("gpus", ()))
        values["cpuset"] = tuple(data.get("cpuset", ()))
        return cls(**values)


def contract_env(spec: RunSpec, home: Path, agent_dir: Path, validation_url: str | None) -> dict[str, str]:
    """The variables of shared/DESIGN.md, with the paths of a runner's layout."""
    env = {
        "COMPETITION_ID": spec.competition_id,
        "TIME_LIMIT_SECS": str(int(spec.time_limit)),
        "DATA_DIR": str(home / "data"),
        "SUBMISSION_DIR": str(home / SUBMISSION_SUBDIR),
        "LOGS_DIR": str(home / LOGS_SUBDIR),
        "CODE_DIR": str(home / CODE_SUBDIR),
        "AGENT_DIR": str(agent_dir),
        "SEED": str(spec.seed),
    }
    if validation_url:
        env["VALIDATION_URL"] = validation_url
    return env


def validate_script() -> str:
    """home/validate_submission.sh: posts a file to VALIDATION_URL."""
    return resources.files("pytest_mlebench.runners").joinpath("validate_submission.sh").read_text()


@runtime_checkable
class Runner(Protocol):
    """Runs agents. Built-in: runners/local.py, runners/docker/runner.py.

    A third party implements this (subclassing it inherits the defaults below) and
    makes it from ``pytest_mlebench_make_runner`` (hookspecs.py).
    """

    name: str
    #: Defaults for the limits a RunSpec leaves unset; its own options set them.
    limits: RunLimits = RunLimits()
    #: What keeps its agents from the host: "docker", "bwrap", or "none" (the agent sees what
    #: the user running pytest sees); ``--mlebench-require-isolation`` refuses "none".
    isolation: str = "none"

    def available(self) -> str | None:
        """None when usable here, else the reason it is not."""

    def problems(self, agent: Agent) -> list[str]:
        """What would stop this agent from running here (a missing image...), each with its fix.

        Asked once, before anything runs (preflight); must not build or pull anything.
        """
        return []

    def sweep(self) -> int:
        """Remove what killed sessions left behind (containers...); how many were removed.

        Called once on the controller before anything runs: other sessions may be
        running on the same host, so only what has outlived its deadline goes.
        """
        return 0

    def run(self, spec: RunSpec) -> RunResult:
        """Run the agent to completion or to the time limit; never raise for agent faults.

        The result reports ``spec.limits()`` after ``spec.with_defaults(self.limits)``.
        """
