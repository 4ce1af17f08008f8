"""The one protocol every runner speaks: a RunSpec in, a RunResult out.

A runner owns isolation and the time limit; it never grades and never sees the
private answers. Everything it needs is in the spec, everything it produced is in
the run directory named by the spec.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..catalog.registry import Agent

#: Outputs a runner collects into ``RunSpec.run_dir`` (same names as in the container).
SUBMISSION_SUBDIR = "submission"
LOGS_SUBDIR = "logs"
CODE_SUBDIR = "code"
SUBMISSION_FILE = "submission.csv"
AGENT_LOG = "agent.log"


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
    #: Resource limits; None means "not limited by us".
    cpus: float | None = None
    memory: str | None = None
    #: GPUs leased to this run (ids as the driver numbers them); empty: none.
    gpus: tuple[str, ...] = ()
    #: CPU cores leased to this run; empty: not pinned.
    cpuset: tuple[str, ...] = ()
    #: Harness-side validity check (None = valid, else the reason). Each runner serves
    #: it as the agent's validation endpoint the way its isolation allows (local: TCP
    #: on loopback; docker: a mounted Unix socket relayed inside the container).
    validation_check: Callable[[Path], str | None] | None = None

    @property
    def submission_path(self) -> Path:
        return self.run_dir / SUBMISSION_SUBDIR / SUBMISSION_FILE

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
    #: The devices leased to the run (filled in by the harness).
    gpus: tuple[str, ...] = ()
    cpuset: tuple[str, ...] = ()

    def log_tail(self, max_chars: int = 4000) -> str:
        """The end of the agent's log, for a failing test's report."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return text[-max_chars:]

    def to_dict(self) -> dict[str, Any]:
        """Plain values, for run.json: what ``--resume`` reads back instead of running again."""
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


@runtime_checkable
class Runner(Protocol):
    """Runs agents. Implementations: runners/local.py, runners/docker.py."""

    name: str

    def available(self) -> str | None:
        """None when usable here, else the reason it is not."""

    def problems(self, agent: Agent) -> list[str]:
        """What would stop this agent from running here (a missing image...), each with its fix.

        Asked once, before anything runs (preflight); must not build or pull anything.
        """

    def run(self, spec: RunSpec) -> RunResult:
        """Run the agent to completion or to the time limit; never raise for agent faults."""
