"""Command-line and ini options, and the Settings they resolve to.

Every option is also an ini key (``mlebench_<name>``), as pytest-timeout does:
the command line wins over the ini file, which wins over the default.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

import platformdirs
import pytest

from .grading.record import REQUIRE_LEVELS

#: Where --raw-dir is taken from when neither the command line nor the ini file gives it.
RAW_DIR_ENV = "MLEBENCH_RAW_DIR"


@dataclass(frozen=True)
class Option:
    flag: str
    help: str
    default: str | None = None
    metavar: str | None = None
    choices: tuple[str, ...] | None = None
    is_flag: bool = False

    @property
    def dest(self) -> str:
        return "mlebench_" + self.flag.lstrip("-").removeprefix("mlebench-").replace("-", "_")


OPTIONS: tuple[Option, ...] = (
    Option("--agent", "agent to benchmark; turns the plugin on (built-in: dummy, baseline, aide)",
           metavar="NAME"),
    Option("--competitions", "a split name (offline, lite, medium, high, all, dev), a comma list "
           "of competition ids and splits, or @FILE with one id a line (default: offline)",
           default="offline", metavar="SPEC"),
    Option("--seeds", "attempts per competition (default: 1)", default="1", metavar="N"),
    Option("--runner", "where the agent runs: auto (docker when a daemon answers, else local), "
           "local or docker (default: auto)", default="auto", metavar="NAME"),
    Option("--time-limit", "the agent's time limit per run, in seconds or with a unit "
           "(90s, 30m, 2h) (default: 1h)", default="1h", metavar="TIME"),
    Option("--data-dir", "cache of prepared competition data (default: the user cache "
           "directory)", metavar="PATH"),
    Option("--runs-dir", "where each run's submission, logs and code are kept "
           "(default: mlebench-runs under the rootdir)", metavar="PATH"),
    Option("--require", "what a competition's test asserts beyond a valid submission "
           "(default: valid)", default="valid", metavar="LEVEL", choices=REQUIRE_LEVELS),
    Option("--mlebench-report", "write the JSON report (MLE-bench's record fields) to PATH",
           metavar="PATH"),
    Option("--raw-dir", "pre-staged Kaggle files for machines without internet: <id>.zip as Kaggle "
           "serves it, or an extracted <id>/ folder (default: $MLEBENCH_RAW_DIR, else download "
           "from Kaggle)", metavar="PATH"),
    Option("--mlebench-synthetic", "run on small made-up raw files in each competition's Kaggle layout "
           "(its synthetic.py) instead of Kaggle's data: a smoke test of an agent on every layout, "
           "no download; records say data: synthetic and are never placed on human leaderboards",
           is_flag=True),
    Option("--mlebench-repo", "an MLE-bench checkout (with `git lfs pull` done) whose "
           "leaderboards are preferred over all others", metavar="PATH"),
    Option("--kaggle-leaderboards", "fetch leaderboards missing from the cache from the Kaggle API "
           "(needs Kaggle credentials)", is_flag=True),
    Option("--gpus", "GPUs to lease to runs: a comma list of indices, or auto (those the driver "
           "reports, within a CUDA_VISIBLE_DEVICES you set) (default: none)", metavar="LIST"),
    Option("--gpus-per-run", "GPUs each run gets; 0 runs without GPUs (default: 1 when --gpus)",
           default="1", metavar="N"),
    Option("--runs-per-gpu", "concurrent runs allowed to share one GPU (default: 1)", default="1",
           metavar="N"),
    Option("--cpus-per-run", "CPU cores each run gets: a lease of that many cores, pinned "
           "(default: not limited)", metavar="N"),
    Option("--lease-dir", "where GPU and CPU leases are kept; shared by every session on the host "
           "(default: under the system temp directory)", metavar="PATH"),
    Option("--resume", "continue RUN_GROUP (a folder under --runs-dir): grade its finished runs "
           "and run only the missing ones", metavar="RUN_GROUP"),
    Option("--mlebench-markdown", "write the summary as Markdown to PATH (also appended to "
           "$GITHUB_STEP_SUMMARY when set)", metavar="PATH"),
    Option("--mlebench-html", "write the HTML report to PATH: each competition's leaderboard, medal lines "
           "and where each seed landed, in one self-contained file", metavar="PATH"),
    Option("--mlebench-baseline", "an earlier JSON report: a competition whose medal level drops or "
           "whose score worsens beyond --mlebench-tolerance fails", metavar="PATH"),
    Option("--mlebench-tolerance", "how much worse a score may get against --mlebench-baseline "
           "before it fails, in the metric's units (default: 0)", default="0", metavar="X"),
    Option("--mlebench-fail-under", "fail the session when a rate falls below a bound, e.g. "
           "any_medal=0.3,valid=0.9 (names: any_medal, valid, above_median)", metavar="SPEC"),
    Option("--mlebench-expect", "a YAML file mapping competition ids to the level each must reach "
           "(valid, above-median, bronze, silver, gold)", metavar="FILE"),
    Option("--mlebench-preflight", "only check that everything selected can run (credentials, Kaggle "
           "rules, leaderboards, images, GPUs, disk), then exit", is_flag=True),
    Option("--mlebench-exclude-known-issues", "deselect competitions with known defects (the summary "
           "says how many, and that the denominator changed)", is_flag=True),
    Option("--mlebench-variant", "grade a competition a recorded, non-default way that corrects a "
           "known MLE-bench defect, as COMPETITION=VARIANT (comma list); records name it, and its "
           "scores no longer compare with MLE-bench's (`python -m pytest_mlebench list` shows the "
           "variants)", metavar="SPEC"),
    Option("--mlebench-pad-missing", "count the attempts of incomplete seeds, padding missing runs as "
           "failures, instead of counting complete seeds only", is_flag=True),
)


def add_options(parser: pytest.Parser) -> None:
    """Register every option in its own group and as an ini key."""
    group = parser.getgroup("mlebench", "MLE-bench: Kaggle competitions for ML agents")
    for opt in OPTIONS:
        kwargs: dict[str, Any] = {"dest": opt.dest, "help": opt.help, "default": None}
        if opt.is_flag:
            kwargs["action"] = "store_true"
        else:
            kwargs["metavar"] = opt.metavar
        if opt.choices:
            kwargs["choices"] = opt.choices
        group.addoption(opt.flag, **kwargs)
        parser.addini(opt.dest, f"default for {opt.flag}: {opt.help}",
                      type="bool" if opt.is_flag else None, default=opt.default)


_SPEC = "pytest_mlebench.option"
Group = TypeVar("Group")


@dataclass(frozen=True)
class OptionSpec:
    """One option, declared once: its flag, ini key, help, default and parser come from here."""

    help: str
    #: As it would be typed; also the ini default. None: not set unless given.
    default: str | None = None
    #: (text, flag) -> the typed value; raises pytest.UsageError naming the flag.
    parse: Callable[[str, str], Any] | None = None
    metavar: str | None = None
    choices: tuple[str, ...] | None = None
    is_flag: bool = False
    #: The option's name when it is not the field's (``--mlebench-<name>``, ini ``mlebench_<name>``).
    name: str | None = None
    #: Spelled without the ``mlebench-`` prefix (only --agent and --competitions are).
    bare: bool = False
    #: The value when neither the command line, the ini file nor ``default`` gives one.
    fallback: Callable[[pytest.Config], Any] | None = None


def option(help: str, **spec: Any) -> Any:
    """A dataclass field that is an option: ``flag: int = option("help", default="1", parse=...)``."""
    return field(metadata={_SPEC: OptionSpec(help, **spec)})


def _declared(group: type) -> list[tuple[str, str, str, OptionSpec]]:
    """(field, flag, dest, spec) of each option of a group dataclass."""
    found = []
    for f in fields(group):  # type: ignore[arg-type]
        spec: OptionSpec = f.metadata[_SPEC]
        name = spec.name or f.name
        flag = "--" + ("" if spec.bare else "mlebench-") + name.replace("_", "-")
        found.append((f.name, flag, "mlebench_" + name, spec))
    return found


def add_group(parser: pytest.Parser, group: type) -> None:
    """Register a group's options on the command line and as ini keys (in the MLE-bench section)."""
    section = parser.getgroup("mlebench", "MLE-bench: Kaggle competitions for ML agents")
    for _, flag, dest, spec in _declared(group):
        kwargs: dict[str, Any] = {"dest": dest, "help": spec.help, "default": None}
        if spec.is_flag:
            kwargs["action"] = "store_true"
        else:
            kwargs["metavar"] = spec.metavar
        if spec.choices:
            kwargs["choices"] = spec.choices
        section.addoption(flag, **kwargs)
        parser.addini(dest, f"default for {flag}: {spec.help}",
                      type="bool" if spec.is_flag else None, default=spec.default)


def resolve(config: pytest.Config, group: type[Group]) -> Group:
    """A group's values: command line, then ini, then default, each parsed and checked once."""
    values: dict[str, Any] = {}
    for name, flag, dest, spec in _declared(group):
        raw = raw_value(config, dest)
        if spec.is_flag:
            values[name] = bool(raw)
        elif raw is None:
            values[name] = spec.fallback(config) if spec.fallback else None
        else:
            values[name] = spec.parse(str(raw), flag) if spec.parse else str(raw)
    return group(**values)


def count(minimum: int) -> Callable[[str, str], int]:
    """A parser of whole numbers of at least ``minimum``."""
    return lambda text, flag: _count(text, flag, minimum)


def raw_value(config: pytest.Config, dest: str) -> Any:
    """Command line, then ini, then the option's default."""
    value = config.getoption(dest, default=None)
    if value is None or value is False:
        value = config.getini(dest) or None
    return value


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """Seconds from '90', '90s', '30m', '1.5h'."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", str(text))
    if not match or float(match.group(1)) <= 0:
        raise pytest.UsageError(f"--time-limit: {text!r} is not a positive duration like 90s, 30m, 2h")
    return float(match.group(1)) * _UNITS[match.group(2) or "s"]


@dataclass(frozen=True)
class Settings:
    """The options of one session, resolved and checked once."""

    agent: str
    competitions: str
    seeds: int
    runner: str
    time_limit: float
    data_dir: Path
    runs_dir: Path
    require: str
    report_path: Path | None
    #: Pre-staged raw Kaggle files (--raw-dir, else $MLEBENCH_RAW_DIR).
    raw_dir: Path | None = None
    #: Raw files made by each competition's synthetic.py, not Kaggle's (--mlebench-synthetic).
    synthetic: bool = False
    mlebench_repo: Path | None = None
    kaggle_leaderboards: bool = False
    gpus: str | None = None
    gpus_per_run: int = 1
    runs_per_gpu: int = 1
    cpus_per_run: int | None = None
    lease_dir: Path | None = None
    resume: str | None = None
    markdown_path: Path | None = None
    html_path: Path | None = None
    baseline_path: Path | None = None
    tolerance: float = 0.0
    fail_under: str | None = None
    expect_path: Path | None = None
    preflight_only: bool = False
    exclude_known_issues: bool = False
    variants: str | None = None
    pad_missing: bool = False

    @classmethod
    def from_config(cls, config: pytest.Config) -> Settings | None:
        """None when ``--agent`` is not given: the plugin then adds nothing."""
        agent = raw_value(config, "mlebench_agent")
        if not agent:
            return None
        def path_of(dest: str) -> Path | None:
            value = raw_value(config, dest)
            return _path(value) if value else None

        cpus = raw_value(config, "mlebench_cpus_per_run")
        tolerance = str(raw_value(config, "mlebench_tolerance"))
        try:
            tolerance_value = float(tolerance)
        except ValueError:
            raise pytest.UsageError(f"--mlebench-tolerance: {tolerance!r} is not a number") from None
        require = str(raw_value(config, "mlebench_require"))
        if require not in REQUIRE_LEVELS:
            raise pytest.UsageError(f"--require: {require!r} is not one of {', '.join(REQUIRE_LEVELS)}")
        data_dir = raw_value(config, "mlebench_data_dir")
        runs_dir = raw_value(config, "mlebench_runs_dir")
        report = raw_value(config, "mlebench_report")
        raw_dir = raw_value(config, "mlebench_raw_dir") or os.environ.get(RAW_DIR_ENV) or None
        repo = raw_value(config, "mlebench_repo")
        return cls(
            agent=str(agent),
            competitions=str(raw_value(config, "mlebench_competitions")),
            seeds=_count(raw_value(config, "mlebench_seeds"), "--seeds", minimum=1),
            runner=str(raw_value(config, "mlebench_runner")),
            time_limit=parse_duration(raw_value(config, "mlebench_time_limit")),
            data_dir=_path(data_dir) if data_dir else default_data_dir(),
            runs_dir=_path(runs_dir) if runs_dir else config.rootpath / "mlebench-runs",
            require=require,
            report_path=_path(report) if report else None,
            raw_dir=_directory(raw_dir, "--raw-dir") if raw_dir else None,
            synthetic=bool(raw_value(config, "mlebench_synthetic")),
            mlebench_repo=_directory(repo, "--mlebench-repo") if repo else None,
            kaggle_leaderboards=bool(raw_value(config, "mlebench_kaggle_leaderboards")),
            gpus=raw_value(config, "mlebench_gpus"),
            gpus_per_run=_count(raw_value(config, "mlebench_gpus_per_run"), "--gpus-per-run", minimum=0),
            runs_per_gpu=_count(raw_value(config, "mlebench_runs_per_gpu"), "--runs-per-gpu", minimum=1),
            cpus_per_run=_count(cpus, "--cpus-per-run", minimum=1) if cpus else None,
            lease_dir=path_of("mlebench_lease_dir"),
            resume=raw_value(config, "mlebench_resume"),
            markdown_path=path_of("mlebench_markdown"),
            html_path=path_of("mlebench_html"),
            baseline_path=path_of("mlebench_baseline"),
            tolerance=tolerance_value,
            fail_under=raw_value(config, "mlebench_fail_under"),
            expect_path=path_of("mlebench_expect"),
            preflight_only=bool(raw_value(config, "mlebench_preflight")),
            exclude_known_issues=bool(raw_value(config, "mlebench_exclude_known_issues")),
            variants=raw_value(config, "mlebench_variant"),
            pad_missing=bool(raw_value(config, "mlebench_pad_missing")),
        )


def _count(value: Any, flag: str, minimum: int) -> int:
    text = str(value).strip()
    if not text.isdigit() or int(text) < minimum:
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise pytest.UsageError(f"{flag}: {text!r} is not {kind}")
    return int(text)


def default_data_dir() -> Path:
    return Path(platformdirs.user_cache_dir("pytest-mlebench")) / "data"


def _path(value: str) -> Path:
    """Relative paths are taken from the invocation directory, as pytest's own are."""
    return Path(value).expanduser().absolute()


def _directory(value: str, flag: str) -> Path:
    """A folder that must exist already: a typo should stop the session, not trigger downloads."""
    path = _path(value)
    if not path.is_dir():
        raise pytest.UsageError(f"{flag}: {path} is not a directory")
    return path
