"""One benchmark session: what ``--agent`` turns on.

Imported only when ``--agent`` is given, so a plain pytest run does not pay for
pandas and scikit-learn.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

# Modules registered as plugins are used through their module object (fixtures.X),
# never as names copied from them, so a re-imported module stays self-consistent.
from . import __version__, fixtures
from .catalog.registry import Agent, Registry, RegistryError, unknown_name_error
from .data.raw import RawSource, progress_for
from .data.store import DataStore, PreparedCompetition
from .data.synthetic import SyntheticRawSource
from .fsutil import write_atomically
from .grading.service import Address
from .harness import RUN_FILE, Differences, Harness, describe_differences
from .interrupts import install_sigterm_handler
from .leaderboards.format import LeaderboardError, load_leaderboard
from .leaderboards.sources import candidates
from .options import Limits, Outputs, Settings, resolve
from .preflight import preflight
from .provenance import host_cpus
from .reporting.collector import ResultCollector
from .reporting.gates import GateError, SessionGates
from .reporting.junit import JunitRecords
from .reporting.progress import WatchedRun, live_progress
from .reporting.summary import append_markdown, markdown, render, write_json
from .runners.base import AGENT_LOG, Runner
from .runners.leases import DevicePool, LeaseError, Leaser, default_lease_dir

#: A failed run's log tail, as a report section (title, text).
LOG_TAIL_KEY = pytest.StashKey[tuple[str, str]]()
#: The competitions' test module, as placed in the rootdir's pytest cache.
PLACED_MODULE = "test_mlebench_competitions.py"
PLACED_TEXT = '''"""Placed here by pytest-mlebench, and rewritten by it: the competitions' items are
collected from this file, so that each has a node id that can be pasted back to rerun it
(pytest 'THIS_FILE::test_competition[ID]' --agent=...)."""

from pytest_mlebench.competition_test import pytestmark, test_competition  # noqa: F401
'''


def start(config: pytest.Config, settings: Settings) -> None:
    """Build the registry and harness, check every name, and register the session hooks."""
    pm = config.pluginmanager
    registry = Registry()
    workerinput: dict[str, Any] = getattr(config, "workerinput", {})
    selection, paths, resume = settings.selection, settings.paths, settings.outputs.resume
    try:
        pm.hook.pytest_mlebench_register_competitions(registry=registry)
        pm.hook.pytest_mlebench_register_agents(registry=registry)
        pm.hook.pytest_mlebench_register_runners(registry=registry)
        agent = registry.agent(str(selection.agent), base=config.invocation_params.dir)
        competition_ids = registry.select(selection.competitions)
        variants = registry.variants_of(selection.variants)
        runner, runner_note = choose_runner(config, workerinput.get("mlebench_runner") or selection.runner,
                                            registry, agent)
    except RegistryError as exc:
        raise pytest.UsageError(str(exc)) from None
    if agent.llm_providers:
        from .runners.gateway.metering import PriceTableError, price_table

        try:
            price_table(settings.llm.llm_prices)
        except PriceTableError as exc:
            raise pytest.UsageError(f"--mlebench-llm-prices: {exc}") from None
    try:
        gates = SessionGates.from_options(settings.gates, set(competition_ids))
        leaser = Leaser(settings.limits.lease_dir or default_lease_dir(), device_pools(settings.limits))
    except (GateError, LeaseError) as exc:
        raise pytest.UsageError(str(exc)) from None
    run_group = workerinput.get("mlebench_run_group") or resume or new_run_group(agent.name)
    if resume and not (paths.runs_dir / run_group).is_dir():
        raise pytest.UsageError(f"--mlebench-resume {run_group}: no such run group in {paths.runs_dir}")
    live = live_progress(config)
    raw = (SyntheticRawSource(paths.data_dir, registry.competitions) if paths.synthetic
           else RawSource(paths.data_dir, paths.raw_dir,
                          progress=live.downloads if live else progress_for(config)))
    store = DataStore(paths.data_dir, raw_source=raw)
    grading = workerinput.get("mlebench_grading")
    harness = Harness(selection, settings.limits, paths, registry, agent, competition_ids, runner,
                      run_group, store, leaser, resume=bool(resume), variants=variants,
                      resume_anyway=settings.outputs.resume_anyway, llm=settings.llm,
                      grading=Address.from_input(grading) if grading is not None else None)
    differences = harness.resume_differences() if resume and not workerinput else {}
    if differences and not settings.outputs.resume_anyway:
        raise pytest.UsageError(
            f"--mlebench-resume {run_group}: its finished runs were made otherwise than this session "
            "would run them, so their records would not compare; --mlebench-resume-anyway reuses them "
            "and says so in the report. Differing:\n"
            + "\n".join(f"  - {line}" for line in describe_differences(differences)))
    config.stash[fixtures.GATES_KEY] = gates
    for split in registry.splits:
        config.addinivalue_line("markers", f"{split}: a competition of the {split} split (pytest-mlebench)")
    if not workerinput and not config.option.collectonly:
        problems = preflight(harness, gates.needs_leaderboards())
        if problems:
            raise pytest.UsageError("preflight found problems; nothing was prepared or run:\n"
                                    + "\n".join(f"  - {p}" for p in problems))
        if selection.preflight_only:
            pytest.exit(f"preflight passed: {len(competition_ids)} competitions can run", returncode=0)
    config.stash[fixtures.HARNESS_KEY] = harness
    install_sigterm_handler()
    if not workerinput:
        swept = runner.sweep()
        if swept:
            runner_note = f"{runner_note}; removed {swept} leftovers of killed sessions".lstrip("; ")
    pm.register(fixtures, "mlebench.fixtures")
    module = placed_test_module(config)
    session = MlebenchSession(config, harness, settings.outputs, runner_note, differences, module)
    pm.register(session, "mlebench.session")
    if live is not None:
        live.locate = watched_runs(harness)
        pm.register(live, "mlebench.live")
    if not any(names_file(config, arg, module) for arg in config.args):
        # The competitions replace pytest's default paths only when --agent is on the command
        # line; an agent named in the ini file adds them beside the project's own tests.
        explicit = config.args_source == pytest.Config.ArgsSource.ARGS
        keep = explicit or config.getoption("mlebench_agent", default=None) is None
        config.args = [*config.args, str(module)] if keep else [str(module)]


def placed_test_module(config: pytest.Config) -> Path:
    """The competitions' test module in the rootdir's pytest cache (written when it differs).

    A module inside the rootdir gives the items a real node id (``PATH::test_competition[ID]``),
    a JUnit classname and a place on pytest's progress line; the package's own copy, outside
    the rootdir, has none of these.
    """
    cache = getattr(config, "cache", None)  # None under -p no:cacheprovider: the same place, by hand
    folder = cache.mkdir("mlebench") if cache is not None else config.rootpath / ".pytest_cache/d/mlebench"
    module = folder / PLACED_MODULE
    if not module.is_file() or module.read_text(encoding="utf-8") != PLACED_TEXT:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(module, PLACED_TEXT)
    return module


def names_file(config: pytest.Config, arg: str, file: Path) -> bool:
    """Whether a command-line argument (``PATH`` or ``PATH::NAME``) selects from ``file``."""
    given = Path(arg.split("::", 1)[0])
    return (config.invocation_params.dir / given).resolve() == file.resolve()


def device_pools(limits: Limits) -> list[DevicePool]:
    """The GPU pool from --mlebench-gpus, and a CPU pool of this machine's cores from
    --mlebench-cpus-per-run."""
    pools = []
    if limits.gpus:
        pools.append(DevicePool("gpu", limits.gpus, limits.gpus_per_run, limits.runs_per_gpu))
    if limits.cpus_per_run:
        cores = tuple(str(c) for c in sorted(os.sched_getaffinity(0)))
        pools.append(DevicePool("cpu", cores, limits.cpus_per_run))
    return pools


def graded_leaderboards(harness: Harness, records: list[dict[str, Any]]) -> dict[str, tuple[float, ...]]:
    """The scores of the leaderboard each competition was graded against, for the HTML report.

    Read again from the file the records name (source and sha256): under xdist the
    controller graded nothing itself, and a file that changed since is left out.
    """
    competitions = {case.competition.id: case.competition for case in harness.cases()}
    found: dict[str, tuple[float, ...]] = {}
    for record in records:
        cid, digest = record["competition_id"], record.get("leaderboard_sha256")
        if cid in found or digest is None or cid not in competitions:
            continue
        prepared = PreparedCompetition(competitions[cid], harness.store.final_dir(competitions[cid]), "")
        for candidate, path, _sha256 in candidates(prepared, harness.paths.mlebench_repo):
            if candidate == record.get("leaderboard_source"):
                try:
                    found[cid] = load_leaderboard(path, bool(record.get("is_lower_better")), candidate,
                                                  expected_sha256=digest).scores
                except LeaderboardError:
                    pass
    return found


def watched_runs(harness: Harness) -> Callable[[str], WatchedRun | None]:
    """The files a competition item's run writes, found from its node id alone: the xdist
    controller follows its workers' runs without a word from them."""
    cases = {f"test_competition[{case.id}]": case for case in harness.cases()}

    def locate(nodeid: str) -> WatchedRun | None:
        case = cases.get(nodeid.rpartition("::")[2])
        if case is None:
            return None
        run_dir = harness.run_dir(case)
        return WatchedRun(case.id, run_dir, log=run_dir / AGENT_LOG, result=run_dir / RUN_FILE,
                          time_limit=harness.limits.time_limit)
    return locate


def new_run_group(agent: str) -> str:
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{agent}-{secrets.token_hex(2)}"


def choose_runner(config: pytest.Config, name: str, registry: Registry, agent: Agent) -> tuple[Runner, str]:
    """The runner to use and a note for the header saying why (for ``auto``).

    ``auto`` tries the registered candidates in their order (``registry.auto_runners``)
    and takes the first that is available and can run the agent; the note says why
    the others were passed over.
    """
    isolated = resolve(config, Limits).require_isolation
    if name != "auto":
        if name not in registry.runners:
            raise unknown_name_error("runner", name, ["auto", *registry.runners])
        runner = make_runner(config, name, agent)
        reason = runner.available() or (unisolated(runner) if isolated else None)
        if reason is not None:
            raise pytest.UsageError(f"--mlebench-runner {name} cannot run here: {reason}")
        return runner, ""
    skipped: list[str] = []
    for candidate in registry.auto_runners():
        try:
            runner = make_runner(config, candidate, agent)
            reason = (runner.available() or "; ".join(runner.problems(agent))
                      or (unisolated(runner) if isolated else None) or None)
        except Exception as exc:  # an optional runner that cannot even start is just unavailable
            reason = f"{type(exc).__name__}: {exc}"
        if reason is None:
            return runner, f"auto: {'; '.join(skipped)}" if skipped else "auto"
        skipped.append(f"{candidate} unavailable ({reason})")
    raise pytest.UsageError("--mlebench-runner auto: no runner can run here: " + "; ".join(skipped))


def unisolated(runner: Runner) -> str | None:
    """Why ``--mlebench-require-isolation`` refuses ``runner`` (None: it isolates its agents)."""
    if getattr(runner, "isolation", "none") != "none":
        return None
    why = getattr(runner, "unsandboxed_because", None)
    return ("--mlebench-require-isolation: its agents would run unisolated, seeing what the user "
            "running pytest sees" + (f" ({why})" if why else "") +
            "; use --mlebench-runner docker, or install bubblewrap for the local runner")


def make_runner(config: pytest.Config, name: str, agent: Agent) -> Runner:
    """The registered runner ``name``, from the first plugin that makes it."""
    runner = config.hook.pytest_mlebench_make_runner(config=config, name=name, agent=agent)
    if runner is None:
        raise pytest.UsageError(f"runner {name!r} is registered but no plugin makes it "
                                "(pytest_mlebench_make_runner)")
    return runner


class MlebenchSession:
    """The hooks that only matter once ``--agent`` turned the plugin on."""

    def __init__(self, config: pytest.Config, harness: Harness, outputs: Outputs, runner_note: str,
                 resume_differences: Differences | None, module: Path) -> None:
        self.config = config
        self.module = module
        #: How the resumed runs differ from this session's (--mlebench-resume-anyway).
        self.resume_differences = describe_differences(resume_differences or {})
        self.harness = harness
        self.outputs = outputs
        self.runner_note = runner_note
        self.gates: SessionGates = config.stash[fixtures.GATES_KEY]
        self.gate_failures: list[str] = []
        self.is_worker = hasattr(config, "workerinput")
        self.junit = JunitRecords(config)
        self.collector = None if self.is_worker else ResultCollector(
            harness.session_meta(), seeds=harness.selection.seeds, pad_missing=outputs.pad_missing,
            excluded=harness.excluded, split_of=harness.registry.split_of)
        # With pytest-html's --html, the HTML report is written beside it unless --mlebench-html says where.
        results_page = config.getoption("htmlpath", None)
        self.html_page = outputs.html or (
            Path(results_page).absolute().with_suffix(".mlebench.html") if results_page else None)
        self.pytest_html = None
        if results_page and self.html_page is not None:
            from .reporting.html import PytestHtmlColumns

            self.pytest_html = PytestHtmlColumns(self.html_page, Path(results_page).absolute())
            if not self.is_worker:
                config.pluginmanager.register(self.pytest_html, "mlebench.pytest_html")

    def pytest_ignore_collect(self, collection_path: Path) -> bool | None:
        """Collect the placed module where a folder above it is collected too (``pytest .`` or an
        agent in the ini file): pytest then drops it as an argument inside another, and would
        not otherwise enter the cache folder (norecursedirs)."""
        chain = [self.module, *(p for p in self.module.parents if self.config.rootpath in p.parents)]
        return False if collection_path in chain else None

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if not self.is_worker:
            self.junit.session(self.harness.session_meta())
            if not self.config.option.collectonly:
                self.harness.grading()  # started now, so that its imports overlap collection

    def isolation_note(self) -> str:
        runner = self.harness.runner
        isolation = getattr(runner, "isolation", "none")
        why = getattr(runner, "unsandboxed_because", None)
        return f"{isolation} ({why})" if isolation == "none" and why else isolation

    def pytest_report_header(self) -> list[str]:
        h, sel, limits = self.harness, self.harness.selection, self.harness.limits
        note = f" [{self.runner_note}]" if self.runner_note else ""
        cpus = limits.cpus_per_run or h.runner.limits.cpus
        return [
            f"mlebench: agent {h.agent.name} (v{h.agent.version}), runner {h.runner.name}{note}, "
            f"isolation {self.isolation_note()}",
            f"mlebench: {len(h.competition_ids)} competitions ({sel.competitions}) x {sel.seeds} seeds, "
            f"time limit {limits.time_limit:g}s, require {self.gates.require}",
            f"mlebench: data {h.paths.data_dir}, runs {h.paths.runs_dir / h.run_group}",
            f"mlebench: host {host_cpus()} CPUs, per run: cpus {f'{cpus:g}' if cpus else 'all'}, "
            f"memory {h.runner.limits.memory or 'unlimited'}"
            f"{f' (/dev/shm {h.runner.limits.shm_size} of it)' if h.runner.limits.memory else ''}, "
            f"gpus {limits.gpus_each}; "
            f"plugin {__version__}",
            *([f"mlebench: excluded for known issues: {', '.join(h.excluded)} (the denominator changes)"]
              if h.excluded else []),
            *([self.llm_header()] if h.agent.llm_providers else []),
        ]

    def llm_header(self) -> str:
        """What the gateway will allow each run, and which real keys the host has for it."""
        from .catalog.registry import LLM_PROVIDERS

        llm = self.harness.llm
        budget = [f"${llm.llm_budget_usd:g}" if llm.llm_budget_usd else "",
                  f"{llm.llm_budget_tokens} tokens" if llm.llm_budget_tokens else ""]
        keys = [f"{key} {'set' if os.environ.get(key) else 'not set'}"
                for key, _base in (LLM_PROVIDERS[p] for p in self.harness.agent.llm_providers)]
        return (f"mlebench: LLM gateway for {', '.join(self.harness.agent.llm_providers)}: budget per run "
                f"{' and '.join(filter(None, budget)) or 'unlimited'}, models "
                f"{', '.join(llm.llm_models) or 'any'}; host {', '.join(keys)}")

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "mlebench_case" in metafunc.fixturenames:
            registry = self.harness.registry
            params = [pytest.param(case, id=case.id, marks=[
                getattr(pytest.mark, split) for split in registry.splits_containing(case.competition.id)])
                for case in self.harness.cases()]
            metafunc.parametrize("mlebench_case", params, indirect=True)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_auto_num_workers(self, config: pytest.Config) -> int | None:
        """``-n auto`` with GPUs: as many workers as runs the GPUs can hold at once."""
        gpu_pools = [p for p in self.harness.leaser.pools if p.kind == "gpu"]
        if not gpu_pools:
            return None
        pool = gpu_pools[0]
        return max(1, len(pool.devices) * pool.runs_per_device // pool.per_run)

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """Workers share the controller's run group, runner choice and grading service."""
        node.workerinput["mlebench_run_group"] = self.harness.run_group
        node.workerinput["mlebench_runner"] = self.harness.runner.name
        if not self.config.option.collectonly:
            node.workerinput["mlebench_grading"] = self.harness.grading().address.to_input()

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        if self.collector is not None:
            ours = sum(1 for nodeid in ids if "::test_competition[" in nodeid)
            self.collector.collected = max(self.collector.collected or 0, ours)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if self.collector is not None and session.items:
            self.collector.collected = sum(1 for item in session.items if item.get_closest_marker("mlebench"))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]):
        report = yield
        result = item.stash.get(fixtures.RUN_RESULT_KEY, None)
        if result is not None and report.failed and report.when == "call":
            item.stash[LOG_TAIL_KEY] = ("Captured stdout agent log",
                                        f"(the end of {result.log_path})\n{result.log_tail()}")
        if report.when in ("call", "teardown") and LOG_TAIL_KEY in item.stash:
            # A "Captured stdout" section: shown with the failure, and in JUnit's system-out
            # (written from the teardown report) wherever junit_logging writes captured output.
            report.sections.append(item.stash[LOG_TAIL_KEY])
        record = item.stash.get(fixtures.RECORD_KEY, None)
        if record is not None and report.when in ("call", "teardown"):
            report.mlebench_record = record
            self.junit.on_testcase(report, record)
            if self.pytest_html is not None and report.when == "call":
                report.extras = [*getattr(report, "extras", []),
                                 self.pytest_html.extra(record["competition_id"])]
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.collector is None:
            return
        record = self.collector.add(report)
        if record is not None:
            self.junit.on_suite(record)
            self.config.hook.pytest_mlebench_record(record=record, config=self.config)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.collector is None or self.config.option.collectonly:
            return  # --co ran nothing: no report, no Markdown, nothing appended to GitHub's summary
        missing = self.collector.missing()
        if missing > 0 and session.exitstatus == pytest.ExitCode.OK:
            # A lost worker or a record that never arrived must not pass a gate.
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        report = self.collector.report()
        self.gate_failures = self.gates.session_failures(report)
        if report["aggregate"]["gate_blocked_by_infrastructure"] or report["errored_without_record"]:
            self.gate_failures.append("infrastructure errors (the harness, not the agent, failed some runs): "
                                      "a session with infrastructure errors never passes")
        report["gate_failures"] = self.gate_failures
        report["resumed_despite"] = self.resume_differences
        if self.gate_failures and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        self.config.hook.pytest_mlebench_session_report(report=report, config=self.config)
        outputs = self.outputs
        if outputs.report is not None:
            write_json(report, outputs.report)
        text = markdown(report, self.collector.outcome_by_case())
        if outputs.markdown is not None:
            outputs.markdown.unlink(missing_ok=True)
            append_markdown(text, outputs.markdown)
        if os.environ.get("GITHUB_STEP_SUMMARY"):
            append_markdown(text, Path(os.environ["GITHUB_STEP_SUMMARY"]))
        if self.html_page is not None:
            from .reporting.html import write_html

            write_html(self.html_page, [(f"{report['agent']} v{report['agent_version']}", report)],
                       graded_leaderboards(self.harness, report["competition_reports"]))

    def pytest_unconfigure(self) -> None:
        self.harness.close()

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.collector is None or not self.collector.records:
            return
        tr = terminalreporter
        # Shown when pytest shows its own summary: --no-summary drops its sections, -qq its totals line.
        # What fails the session is said regardless, as pytest says why it stopped.
        summary = not tr.no_summary and tr.verbosity >= -1
        if summary:
            tr.write_sep("=", "MLE-bench medal summary")
            tr.write(render(self.collector.report(), self.collector.outcome_by_case(), tr._tw.fullwidth))
        missing = self.collector.missing()
        if missing > 0:
            tr.write_line(f"{missing} competition item(s) collected but never graded: the session fails",
                          red=True)
        for failure in self.gate_failures:
            tr.write_line(f"gate failed: {failure}", red=True)
        for difference in self.resume_differences:
            tr.write_line(f"resumed runs made otherwise (--mlebench-resume-anyway): {difference}",
                          yellow=True)
        if summary and self.outputs.report is not None:
            tr.write_line(f"JSON report: {self.outputs.report}")
        if summary and self.html_page is not None:
            tr.write_line(f"HTML report: {self.html_page}")
