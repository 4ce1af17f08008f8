"""Every option, declared once, and the typed groups it resolves into.

An option is a field of a frozen dataclass: its flag, ini key, help, default and
parser are declared together (``option(...)``), as pytest-timeout does. Each
group goes to the stage that reads it: Selection (what runs), Limits (each run's
limits and leases), Paths (where data, leaderboards and runs come from and go),
Gates (what turns a session red), Outputs (reports, resume), LLM (the gateway's
budgets, allow-list and prices).

Flags are ``--mlebench-<name>`` (``--agent`` and ``--competitions`` stay bare), so
none collides with another plugin's; every option is also the ini key
``mlebench_<name>``: the command line wins over the ini file, which wins over the
default. A runner plugin declares its own group the same way (``add_group``,
``resolve``; see runners/docker/plugin.py).
"""

from __future__ import annotations

import inspect
import itertools
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

import pytest

from .grading.record import REQUIRE_LEVELS

#: Where --mlebench-raw-dir is taken from when neither the command line nor the ini file gives it.
RAW_DIR_ENV = "MLEBENCH_RAW_DIR"

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
    """A dataclass field that is an option: ``seeds: int = option("help", default="1", parse=...)``."""
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
        # argparse %-formats help (%(default)s); ini help is shown as written.
        kwargs: dict[str, Any] = {"dest": dest, "help": spec.help.replace("%", "%%"), "default": None}
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
    """A group's values: command line, then ini, then default, each parsed and checked once.

    A relative path in the ini file is taken from the ini file's folder, as pytest takes
    its own ini paths; on the command line, from the invocation directory.
    """
    values: dict[str, Any] = {}
    for name, flag, dest, spec in _declared(group):
        raw = config.getoption(dest, default=None)
        if raw is None or raw is False:
            raw = config.getini(dest) or None
            if raw is not None and spec.parse in (path, directory) and config.inipath is not None:
                raw = str(config.inipath.parent / Path(str(raw)).expanduser())
        if spec.is_flag:
            values[name] = bool(raw)
        elif raw is None:
            values[name] = spec.fallback(config) if spec.fallback else None
        else:
            values[name] = spec.parse(str(raw), flag) if spec.parse else str(raw)
    return group(**values)


# -- parsers: (text, flag) -> value ---------------------------------------------

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd]?)\s*")


def duration(text: str, flag: str) -> float:
    """Seconds from '90', '90s', '30m', '1.5h', '1h30m', '1h 30m 10s' (bare numbers are seconds)."""
    parts = list(_DURATION_PART.finditer(text.strip()))
    covered = "".join(m.group(0) for m in parts)
    units = [m.group(2) or "s" for m in parts]
    total = sum(float(m.group(1)) * _UNITS[unit] for m, unit in zip(parts, units, strict=True))
    if (not parts or covered != text.strip() or total <= 0 or len(set(units)) != len(units)
            or (len(parts) > 1 and not all(m.group(2) for m in parts))):
        raise pytest.UsageError(f"{flag}: {text!r} is not a positive duration like 90s, 30m, 2h, 1h30m")
    return total


def count(minimum: int) -> Callable[[str, str], int]:
    """A parser of whole numbers of at least ``minimum``."""
    def parse(text: str, flag: str) -> int:
        text = text.strip()
        if not text.isdigit() or int(text) < minimum:
            kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
            raise pytest.UsageError(f"{flag}: {text!r} is not {kind}")
        return int(text)
    return parse


def number(text: str, flag: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise pytest.UsageError(f"{flag}: {text.strip()!r} is not a number") from None


def one_of(choices: tuple[str, ...]) -> Callable[[str, str], str]:
    """Checks an ini value as argparse checks the command line's."""
    def parse(text: str, flag: str) -> str:
        if text not in choices:
            raise pytest.UsageError(f"{flag}: {text!r} is not one of {', '.join(choices)}")
        return text
    return parse


def path(text: str, flag: str) -> Path:
    """Relative paths are taken from the invocation directory, as pytest's own are."""
    return Path(text).expanduser().absolute()


def directory(text: str, flag: str) -> Path:
    """A folder that must exist already: a typo should stop the session, not trigger downloads."""
    found = path(text, flag)
    if not found.is_dir():
        raise pytest.UsageError(f"{flag}: {found} is not a directory")
    return found


def gpu_list(text: str, flag: str) -> tuple[str, ...]:
    """'0,1,3' -> those indices; 'auto' -> those the driver reports (within CUDA_VISIBLE_DEVICES)."""
    if text.strip() == "auto":
        from .runners.leases import detect_gpus

        found = tuple(detect_gpus())
        if not found:
            raise pytest.UsageError(f"{flag} auto: no GPU found (nvidia-smi missing or reports none)")
        return found
    return tuple(g.strip() for g in text.split(",") if g.strip())


#: ``--mlebench-fail-under`` names -> the session report's rate each bounds.
FAIL_UNDER_RATES = {"any_medal": "any_medal", "valid": "valid_submission", "above_median": "above_median"}


def fail_under(text: str, flag: str) -> dict[str, float]:
    """'any_medal=0.3,valid=0.9' -> {'any_medal': 0.3, 'valid': 0.9}."""
    bounds: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = (s.strip() for s in part.partition("="))
        if not sep or name not in FAIL_UNDER_RATES:
            raise pytest.UsageError(f"{flag}: {part!r} is not NAME=FRACTION with NAME one of "
                                    f"{', '.join(FAIL_UNDER_RATES)}")
        bound = number(value, flag)
        if not 0 <= bound <= 1:
            raise pytest.UsageError(f"{flag}: {name}={bound} is not a fraction between 0 and 1")
        bounds[name] = bound
    return bounds


def positive_number(text: str, flag: str) -> float:
    value = number(text, flag)
    if value <= 0:
        raise pytest.UsageError(f"{flag}: {text.strip()!r} is not a positive number")
    return value


def glob_list(text: str, flag: str) -> tuple[str, ...]:
    """'gpt-4o,claude-*' -> ('gpt-4o', 'claude-*')."""
    return tuple(p.strip() for p in text.split(",") if p.strip())


def default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("pytest-mlebench")) / "data"


def _raw_dir_from_env(config: pytest.Config) -> Path | None:
    value = os.environ.get(RAW_DIR_ENV)
    return directory(value, f"${RAW_DIR_ENV}") if value else None


# -- the rootdir ------------------------------------------------------------------

def restore_rootdir(config: pytest.Config, args: list[str]) -> None:
    """Undo the rootdir pytest chose from one of our options' values.

    pytest picks the rootdir (and with it .pytest_cache, ``--lf``'s history and the default
    runs folder) before any plugin's options are known, so in ``--mlebench-data-dir PATH``
    it takes PATH for a test path. Once our options are parsed, the rootdir is worked out
    again from the real arguments; where the ini file would differ too, the session stops
    and says to write ``--option=PATH``.
    """
    from _pytest.config.findpaths import determine_setup

    ours = {flag for group in GROUPS for _, flag, _, spec in _declared(group) if not spec.is_flag}
    values = [value for flag, value in itertools.pairwise(args) if flag in ours]
    if not any(Path(config.invocation_params.dir, value).exists() for value in values):
        return  # pytest took none of our values for a path
    ns = config.known_args_namespace
    given = {"inifile": ns.inifilename, "override_ini": ns.override_ini, "args": ns.file_or_dir,
             "rootdir_cmd_arg": ns.rootdir or None, "invocation_dir": config.invocation_params.dir}
    wanted = inspect.signature(determine_setup).parameters
    rootpath, inipath, *_ = determine_setup(**{k: v for k, v in given.items() if k in wanted})
    if rootpath == config.rootpath:
        return
    if inipath != config.inipath:
        raise pytest.UsageError(
            f"pytest read a value of an --mlebench option as a test path and so chose the rootdir "
            f"{config.rootpath} and ini file {config.inipath}, not {rootpath} and {inipath}: write "
            "such options as --mlebench-NAME=PATH")
    if ns.confcutdir == str(config.rootpath):
        ns.confcutdir = str(rootpath)
    config._rootpath = rootpath  # no public setter; read by the cache, node ids and our paths
    config._parser.extra_info["rootdir"] = str(rootpath)


# -- the groups ------------------------------------------------------------------

@dataclass(frozen=True)
class Selection:
    """What the session runs: the agent, the items, where and how."""

    agent: str | None = option("agent to benchmark, by name (built-in: dummy, baseline, aide) or as the "
                               "path of its folder (holding agent.yaml); turns the plugin on",
                               metavar="NAME|PATH", bare=True)
    competitions: str = option(
        "a split name (offline, lite, medium, high, all, dev), a comma list of competition ids and "
        "splits, or @FILE with one id a line (default: offline)", default="offline", metavar="SPEC",
        bare=True)
    seeds: int = option("attempts per competition (default: 1)", default="1", metavar="N", parse=count(1))
    runner: str = option("where the agent runs: auto (the first registered runner that can: docker "
                         "when a daemon answers, else local), or a runner's name (default: auto)",
                         default="auto", metavar="NAME")
    variants: str | None = option(
        "grade a competition a recorded, non-default way that corrects a known MLE-bench defect, as "
        "COMPETITION=VARIANT (comma list); records name it, and its scores no longer compare with "
        "MLE-bench's (`python -m pytest_mlebench list` shows the variants)", metavar="SPEC", name="variant")
    exclude_known_issues: bool = option(
        "deselect competitions with known defects (the summary says how many, and that the "
        "denominator changed)", is_flag=True)
    preflight_only: bool = option(
        "only check that everything selected can run (credentials, Kaggle rules, leaderboards, "
        "images, GPUs, disk), then exit", is_flag=True, name="preflight")


@dataclass(frozen=True)
class Limits:
    """Each run's limits, and the leases that enforce them across sessions."""

    time_limit: float = option("the agent's time limit per run, in seconds or with a unit (90s, 30m, 2h) "
                               "(default: 1h)", default="1h", metavar="TIME", parse=duration)
    cpus_per_run: int | None = option("CPU cores each run gets: a lease of that many cores, pinned "
                                      "(default: not limited)", metavar="N", parse=count(1))
    gpus: tuple[str, ...] = option(
        "GPUs to lease to runs: a comma list of indices, or auto (those the driver reports, within a "
        "CUDA_VISIBLE_DEVICES you set) (default: none)", metavar="LIST", parse=gpu_list,
        fallback=lambda config: ())
    gpus_per_run: int = option("GPUs each run gets; 0 runs without GPUs (default: 1 when "
                               "--mlebench-gpus)", default="1", metavar="N", parse=count(0))
    runs_per_gpu: int = option("concurrent runs allowed to share one GPU (default: 1)", default="1",
                               metavar="N", parse=count(1))
    lease_dir: Path | None = option("where GPU and CPU leases are kept; shared by every session on the "
                                    "host (default: under the system temp directory)", metavar="PATH",
                                    parse=path)
    require_isolation: bool = option(
        "refuse to run agents without isolation: the docker runner, or the local runner inside "
        "bubblewrap (auto then passes over unisolated runners)", is_flag=True)

    @property
    def gpus_each(self) -> int:
        """GPUs a run gets: none without --mlebench-gpus."""
        return self.gpus_per_run if self.gpus else 0


@dataclass(frozen=True)
class Paths:
    """Where data and leaderboards come from, and where runs go."""

    data_dir: Path = option("cache of prepared competition data (default: the user cache directory)",
                            metavar="PATH", parse=path, fallback=lambda config: default_data_dir())
    runs_dir: Path = option("where each run's submission, logs and code are kept (default: "
                            "mlebench-runs under the rootdir)", metavar="PATH", parse=path,
                            fallback=lambda config: config.rootpath / "mlebench-runs")
    raw_dir: Path | None = option(
        "pre-staged Kaggle files for machines without internet: <id>.zip as Kaggle serves it, or an "
        f"extracted <id>/ folder (default: ${RAW_DIR_ENV}, else download from Kaggle)", metavar="PATH",
        parse=directory, fallback=_raw_dir_from_env)
    synthetic: bool = option(
        "run on small made-up raw files in each competition's Kaggle layout (its synthetic.py) instead "
        "of Kaggle's data: a smoke test of an agent on every layout, no download; records say data: "
        "synthetic and are never placed on human leaderboards", is_flag=True)
    mlebench_repo: Path | None = option("an MLE-bench checkout (with `git lfs pull` done) whose "
                                        "leaderboards are preferred over all others", metavar="PATH",
                                        parse=directory, name="repo")
    kaggle_leaderboards: bool = option("fetch leaderboards missing from the cache from the Kaggle API "
                                       "(needs Kaggle credentials)", is_flag=True)


@dataclass(frozen=True)
class Gates:
    """What turns a session red, beyond an item's own failure."""

    require: str = option("what a competition's test asserts beyond a valid submission (default: valid)",
                          default="valid", metavar="LEVEL", choices=REQUIRE_LEVELS,
                          parse=one_of(REQUIRE_LEVELS))
    baseline: Path | None = option("an earlier JSON report: a competition whose medal level drops or "
                                   "whose score worsens beyond --mlebench-tolerance fails",
                                   metavar="PATH", parse=path)
    tolerance: float = option("how much worse a score may get against --mlebench-baseline before it "
                              "fails, in the metric's units (default: 0)", default="0", metavar="X",
                              parse=number)
    fail_under: Mapping[str, float] = option(
        "fail the session when a rate falls below a bound, e.g. any_medal=0.3,valid=0.9 (names: "
        f"{', '.join(FAIL_UNDER_RATES)})", metavar="SPEC", parse=fail_under, fallback=lambda config: {})
    expect: Path | None = option("a YAML file mapping competition ids to the level each must reach "
                                 "(valid, above-median, bronze, silver, gold)", metavar="FILE", parse=path)


@dataclass(frozen=True)
class Outputs:
    """What the session writes, and which earlier run group it continues."""

    report: Path | None = option("write the JSON report (MLE-bench's record fields) to PATH",
                                 metavar="PATH", parse=path)
    markdown: Path | None = option("write the summary as Markdown to PATH (also appended to "
                                   "$GITHUB_STEP_SUMMARY when set)", metavar="PATH", parse=path)
    html: Path | None = option("write the HTML report to PATH: each competition's leaderboard, medal "
                               "lines and where each seed landed, in one self-contained file",
                               metavar="PATH", parse=path)
    resume: str | None = option("continue RUN_GROUP (a folder under --mlebench-runs-dir): grade its "
                                "finished runs and run only the missing ones", metavar="RUN_GROUP")
    resume_anyway: bool = option(
        "with --mlebench-resume, reuse finished runs even when they were made with another agent, "
        "runner, limits, data or plugin version (refused otherwise); the summary says what differed",
        is_flag=True)
    pad_missing: bool = option("count the attempts of incomplete seeds, padding missing runs as "
                               "failures, instead of counting complete seeds only", is_flag=True)


@dataclass(frozen=True)
class LLM:
    """The LLM gateway's limits per run (agents whose agent.yaml names llm_providers)."""

    llm_budget_usd: float | None = option(
        "each run's LLM budget in US dollars, priced from the price table; once spent, the gateway "
        "answers 429 in the provider's error shape (default: not limited)", metavar="X",
        parse=positive_number)
    llm_budget_tokens: int | None = option(
        "each run's LLM budget in tokens (prompt and completion, from the providers' usage fields); "
        "once spent, the gateway answers 429 (default: not limited)", metavar="N", parse=count(1))
    llm_models: tuple[str, ...] = option(
        "the models agents may ask for, a comma list of globs, e.g. gpt-4o,claude-* (default: any)",
        metavar="GLOBS", parse=glob_list, fallback=lambda config: ())
    llm_prices: Path | None = option(
        "a CSV price table (model,prompt,cached,completion in USD per million tokens) whose rows "
        "replace or add to the shipped one", metavar="FILE", parse=path)


GROUPS = (Selection, Limits, Paths, Gates, Outputs, LLM)


def add_options(parser: pytest.Parser) -> None:
    """Register every option of the session's groups, each also an ini key."""
    for group in GROUPS:
        add_group(parser, group)


@dataclass(frozen=True)
class Settings:
    """The options of one session, resolved and checked once, by group."""

    selection: Selection
    limits: Limits
    paths: Paths
    gates: Gates
    outputs: Outputs
    llm: LLM

    @classmethod
    def from_config(cls, config: pytest.Config) -> Settings | None:
        """None when ``--agent`` is not given: the plugin then adds nothing."""
        if not (config.getoption("mlebench_agent", default=None) or config.getini("mlebench_agent")):
            return None
        return cls(resolve(config, Selection), resolve(config, Limits), resolve(config, Paths),
                   resolve(config, Gates), resolve(config, Outputs), resolve(config, LLM))
