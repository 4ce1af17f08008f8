"""One session's harness: the selected cases, and prepare -> run -> grade for each.

Fixtures call into this; it holds no pytest state, so it is the same object on
the controller and on every xdist worker.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .catalog.registry import Agent, Competition, Registry
from .data.raw import SYNTHETIC
from .data.store import DataStore, PreparedCompetition
from .fsutil import remove_tree, write_atomically
from .grading.record import as_text, new_record
from .leaderboards.sources import LeaderboardLookup, find_leaderboard
from .options import LLM, Limits, Paths, Selection
from .provenance import agent_commit, gpu_model, host_cpus
from .reporting.audit import AUDIT_KEY
from .runners.base import LLM_LOG, Runner, RunResult, RunSpec
from .runners.endpoint import upload_cap
from .runners.leases import Leaser

if TYPE_CHECKING:  # aiohttp is imported when an agent with LLM providers first runs
    from .grading.judge import Judge
    from .grading.service import Address, GradingClient, GradingService
    from .runners.gateway.server import Gateway, GatewayRun

RUN_FILE = "run.json"
#: run.json's record of how the run was made: what --mlebench-resume compares.
SETTINGS = "settings"


#: field -> (the values recorded in the resumed runs, the value now).
Differences = dict[str, tuple[list[str], str]]


class ResumeMismatch(RuntimeError):
    """A finished run of the resumed group was made otherwise than this session would make it."""


def describe_differences(differences: Differences) -> list[str]:
    """``field: recorded X (, Y) -> now Z``, one line per differing field."""
    return [f"{name}: recorded {', '.join(recorded)}; now {now}"
            for name, (recorded, now) in sorted(differences.items())]


@dataclass(frozen=True)
class Case:
    """One test item: a competition and a seed."""

    competition: Competition
    seed: int
    n_seeds: int

    @property
    def id(self) -> str:
        return self.competition.id if self.n_seeds == 1 else f"{self.competition.id}-seed{self.seed}"


def instructions_text() -> str:
    return resources.files("pytest_mlebench").joinpath("instructions.txt").read_text()


def competition_record(prepared: PreparedCompetition, grader: Judge, lookup: LeaderboardLookup,
                       submission_path: Path | None, split: str | None,
                       missing_reason: str = "no submission.csv was written",
                       **run_fields: Any) -> dict[str, Any]:
    """A report record: the submission graded and placed, with what names the competition's
    data and leaderboard; ``run_fields`` say how the submission was made (none for ``grade``).

    A score on synthetic data says nothing about the competition: it is never placed on
    the human leaderboard (no thresholds, rank or medals).
    """
    comp = prepared.competition
    if prepared.data == SYNTHETIC:
        lookup = LeaderboardLookup(None, "none", "synthetic data: not placed on the human leaderboard")
    from .grading.report import grade_submission  # pandas and the metrics: loaded by the first grade

    graded = grade_submission(submission_path=submission_path, grader=grader,
                              leaderboard=lookup.leaderboard, missing_reason=missing_reason)
    return new_record(
        competition_id=comp.id, data=prepared.data, leaderboard_source=lookup.source,
        leaderboard_problem=lookup.problem, variant=comp.variant, split=split,
        awards_medals=comp.awards_medals, dataset_version=prepared.dataset_version,
        plugin_version=__version__, known_issues="; ".join(comp.known_issues) or None,
        **run_fields, **graded,
    )


def compare_settings(recorded: dict[str, Any] | None, now: dict[str, Any]) -> Differences:
    """field -> ([the value one run recorded], now's value), where they differ. A run without
    settings (an older plugin's) differs in every field; a dataset version unknown now (not
    prepared yet) is not compared."""
    recorded = recorded if isinstance(recorded, dict) else {}
    return {name: ([as_text(recorded.get(name, "not recorded"))], as_text(value))
            for name, value in now.items()
            if not (name == "dataset_version" and value is None)
            and recorded.get(name, "not recorded") != value}


class Harness:
    """Everything one session needs to turn a case into a report record."""

    def __init__(self, selection: Selection, limits: Limits, paths: Paths, registry: Registry, agent: Agent,
                 competition_ids: list[str], runner: Runner, run_group: str,
                 store: DataStore, leaser: Leaser, resume: bool = False,
                 variants: dict[str, str] | None = None, resume_anyway: bool = False,
                 llm: LLM | None = None, grading: Address | None = None) -> None:
        self.selection = selection
        self.limits = limits
        self.paths = paths
        self.registry = registry
        self.agent = agent
        self.competition_ids = competition_ids
        self.runner = runner
        self.run_group = run_group
        self.store = store
        self.leaser = leaser
        #: Reuse the finished runs of ``run_group`` (``--mlebench-resume``) instead of running them again.
        self.resume = resume
        #: Reuse them even when they were made otherwise (``--mlebench-resume-anyway``).
        self.resume_anyway = resume_anyway
        #: Competition id -> the variant chosen with --mlebench-variant.
        self.variants = variants or {}
        # Resolved once per competition when its data is prepared, so grading reads no network.
        self._graders: dict[str, Judge] = {}
        self._leaderboards: dict[str, LeaderboardLookup] = {}
        #: Run directory -> the settings a reused run was made with (its record says those).
        self._made_with: dict[Path, dict[str, Any]] = {}
        #: Run directory -> attempts made in this session.
        self._attempts: dict[Path, int] = {}
        #: The gateway's budgets, allow-list and prices.
        self.llm = llm or LLM(None, None, (), None)
        self._gateway: Gateway | None = None
        #: The session's grading service: given on xdist workers, else started by this process.
        self._grading_address = grading
        self._grading_service: GradingService | None = None

    @property
    def excluded(self) -> list[str]:
        """Competitions left out by --mlebench-exclude-known-issues."""
        if not self.selection.exclude_known_issues:
            return []
        return [cid for cid in self.competition_ids
                if cid in self.registry.competitions and self.registry.competitions[cid].known_issues]

    def cases(self) -> list[Case]:
        n = self.selection.seeds
        return [Case(self._competition(cid), seed, n) for cid in self.competition_ids
                if cid not in self.excluded for seed in range(n)]

    def _competition(self, cid: str) -> Competition:
        if cid not in self.registry.competitions:
            # Listed in a split but without a folder: an item that skips with the reason.
            return Competition(id=cid, path=Path(), title=cid, metric="", id_column="",
                               target_columns=(), implemented=False)
        competition = self.registry.competitions[cid]
        return competition.with_variant(self.variants[cid]) if cid in self.variants else competition

    def prepare(self, competition: Competition) -> PreparedCompetition:
        """The competition's data, its grader (in the grading service) and its leaderboard, each
        made once.

        The leaderboard is found here (a Kaggle download included, when asked for), so
        grading never touches the network and every seed is placed on the same one.
        """
        prepared = self.store.prepare(competition)
        if competition.id not in self._leaderboards:
            from .grading.errors import AnswersChanged

            # Agents' files are graded by the grading service, each in a child process with a
            # memory and a time limit.
            grading = self.grading()
            try:
                grader = grading.grader(competition, prepared.answers_path, prepared.answers_sha256)
            except AnswersChanged:
                # Changed since the store checked it: check every file again, prepare afresh.
                prepared = self.store.prepare(competition, recheck=True)
                grader = grading.grader(competition, prepared.answers_path, prepared.answers_sha256)
            self._graders[competition.id] = grader
            self._leaderboards[competition.id] = find_leaderboard(
                prepared, grader.lower_is_better, self.paths.mlebench_repo, self.paths.kaggle_leaderboards,
                load=grading.leaderboard)
        return prepared

    def grading(self) -> GradingClient:
        """A door to this session's grading service; the first call in the process that owns the
        service (the serial session, the xdist controller) starts it."""
        from .grading.service import GradingClient, GradingService

        if self._grading_address is None:
            self._grading_service = GradingService()
            self._grading_address = self._grading_service.address
        return GradingClient(self._grading_address)

    def run_dir(self, case: Case) -> Path:
        return self.paths.runs_dir / self.run_group / case.competition.id / f"seed{case.seed}"

    def _prepared(self, competition: Competition) -> tuple[Judge, LeaderboardLookup]:
        """The grader and leaderboard :meth:`prepare` resolved for ``competition``."""
        if competition.id not in self._leaderboards:
            self.prepare(competition)
        return self._graders[competition.id], self._leaderboards[competition.id]

    def run_agent(self, case: Case, prepared: PreparedCompetition) -> RunResult:
        """Run the agent once; the runner serves ``check`` as the agent's validation endpoint.

        The result is saved as run.json in the run directory, last: a run directory
        without it is an unfinished run, which ``--mlebench-resume`` runs again.
        """
        run_dir = self.run_dir(case)
        finished = run_dir / RUN_FILE
        settings = self.run_settings(case.competition, prepared.dataset_version)
        if self.resume and finished.is_file():
            recorded = json.loads(finished.read_text())
            differences = compare_settings(recorded.get(SETTINGS), settings)
            if differences and not self.resume_anyway:
                raise ResumeMismatch(f"{finished} was made otherwise (--mlebench-resume-anyway reuses it): "
                                     + "; ".join(describe_differences(differences)))
            self._made_with[run_dir] = {**settings, **(recorded.get(SETTINGS) or {})}
            return RunResult.from_dict(recorded)
        if run_dir in self._attempts:
            # A rerun of this session's (pytest-rerunfailures): the earlier attempt is kept beside it.
            self._attempts[run_dir] += 1
            run_dir.rename(run_dir.with_name(f"{run_dir.name}-attempt{self._attempts[run_dir] - 1}"))
        else:
            self._attempts[run_dir] = 1
            remove_tree(run_dir)  # an unfinished run of a resumed group
        run_dir.mkdir(parents=True)
        check = self._prepared(case.competition)[0].check
        extra_env = {k: os.environ[k] for k in self.agent.env_from_host if k in os.environ}
        with self.leaser.lease() as leased:
            llm = self.open_llm(case, run_dir)
            run_spec = RunSpec(
                competition_id=case.competition.id, agent=self.agent,
                public_dir=prepared.public, run_dir=run_dir,
                time_limit=self.limits.time_limit, seed=case.seed,
                instructions=instructions_text(), extra_env=extra_env, validation_check=check,
                validation_max_bytes=upload_cap(prepared.answers_path.stat().st_size),
                cpus=self.limits.cpus_per_run,
                gpus=tuple(leased.get("gpu", ())), cpuset=tuple(leased.get("cpu", ())), llm=llm,
            )
            try:
                result = self.runner.run(run_spec)
            finally:
                meter = llm.close() if llm is not None else None
            if meter is not None:
                result = dataclasses.replace(result, llm=meter.record_fields())
        made = {**result.to_dict(), SETTINGS: settings}
        if llm is not None:  # what `pytest-mlebench audit` looks for in the run's requests
            made[AUDIT_KEY] = {"answers_path": str(prepared.answers_path),
                               "answer_columns": list(case.competition.target_columns)}
        write_atomically(finished, json.dumps(made, indent=1))
        return result

    def open_llm(self, case: Case, run_dir: Path) -> GatewayRun | None:
        """The run's door to the LLM gateway (started on first use), or None for an agent without
        providers."""
        if not self.agent.llm_providers:
            return None
        from .runners.gateway.metering import Budget

        return self.gateway.open_run(
            f"{case.competition.id}#{case.seed}", run_dir / LLM_LOG, self.limits.time_limit,
            self.agent.llm_providers, Budget(self.llm.llm_budget_usd, self.llm.llm_budget_tokens),
            self.llm.llm_models)

    @property
    def gateway(self) -> Gateway:
        """This process's LLM gateway: one for all its runs, started when the first run needs it."""
        if self._gateway is None:
            from .runners.gateway.metering import price_table
            from .runners.gateway.server import Gateway

            self._gateway = Gateway(price_table(self.llm.llm_prices)).start()
        return self._gateway

    def close(self) -> None:
        """End what the session started for its runs (the LLM gateway, the grading service)."""
        if self._gateway is not None:
            self._gateway.close()
            self._gateway = None
        if self._grading_service is not None:
            self._grading_service.close()
            self._grading_service = None

    def grade(self, case: Case, prepared: PreparedCompetition, result: RunResult) -> dict[str, Any]:
        """The report record of one run: MLE-bench's fields and ours."""
        comp = case.competition
        grader, lookup = self._prepared(comp)
        made = self._made_with.get(self.run_dir(case)) or self.run_settings(comp, prepared.dataset_version)
        return competition_record(
            prepared, grader, lookup, result.submission_path, self.registry.split_of(comp.id),
            agent=made["agent"], seed=case.seed,
            runner=result.runner, runtime_s=round(result.runtime_s, 3),
            exit_code=result.exit_code, timed_out=result.timed_out,
            time_limit_s=made["time_limit_s"],
            harness_error=result.harness_error, run_dir=str(self.run_dir(case)),
            agent_version=made["agent_version"],
            agent_commit=made["agent_commit"], image_digest=result.image_digest,
            cpus_per_run=made["cpus_per_run"], memory_per_run=result.memory,
            gpus=",".join(result.gpus) or None, gpu_model=gpu_model(result.gpus), host_cpus=host_cpus(),
            agent_network=result.network, isolation=result.isolation,
            llm_providers=",".join(self.agent.llm_providers) or None,
            **(result.llm or {}),
        )

    @functools.cached_property
    def agent_commit(self) -> str | None:
        """The agent folder's git commit, asked of git once per session, not once per run."""
        return agent_commit(self.agent.path)

    def run_settings(self, competition: Competition, dataset_version: str | None) -> dict[str, Any]:
        """What makes a run comparable with another: the agent and its version, the runner, the
        limits, the data and the plugin (the image digest is in the run's own result)."""
        return {
            "agent": self.agent.name, "agent_version": self.agent.version,
            "agent_commit": self.agent_commit, "runner": self.runner.name,
            "time_limit_s": self.limits.time_limit, "cpus_per_run": self.limits.cpus_per_run,
            "memory_per_run": self.runner.limits.memory, "gpus_per_run": self.limits.gpus_each,
            "data": SYNTHETIC if self.paths.synthetic else "real", "variant": competition.variant,
            "dataset_version": dataset_version, "plugin_version": __version__,
        }

    def resume_differences(self) -> Differences:
        """How the finished runs of the resumed group differ from what this session would run:
        field -> (the values recorded, the value now). Checked before anything runs; a dataset
        not prepared yet is compared when its item resumes."""
        group = self.paths.runs_dir / self.run_group
        differences: Differences = {}
        for case in self.cases():
            finished = group / case.competition.id / f"seed{case.seed}" / RUN_FILE
            if not case.competition.implemented or not finished.is_file():
                continue
            try:
                recorded = json.loads(finished.read_text()).get(SETTINGS)
            except (OSError, ValueError) as exc:
                recorded = {"run.json": f"unreadable ({exc})"}
            now = self.run_settings(case.competition, self.store.prepared_version(case.competition))
            for name, (values, value) in compare_settings(recorded, now).items():
                merged = differences.setdefault(name, ([], value))[0]
                merged.extend(v for v in values if v not in merged)
        return differences

    def session_meta(self) -> dict[str, Any]:
        return {
            "plugin_version": __version__, "agent": self.agent.name,
            "agent_version": self.agent.version, "runner": self.runner.name,
            "run_group": self.run_group, "time_limit_s": self.limits.time_limit,
            "seeds": self.selection.seeds, "competitions": self.selection.competitions,
            "cpus_per_run": self.limits.cpus_per_run, "memory_per_run": self.runner.limits.memory,
            "gpus_per_run": self.limits.gpus_per_run if self.limits.gpus else None,
            "excluded_known_issues": self.excluded, "variants": dict(self.variants),
            "data": SYNTHETIC if self.paths.synthetic else "real",
        }
