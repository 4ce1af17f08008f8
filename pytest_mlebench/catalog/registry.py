"""Competitions, splits, agents and runners: one registry, filled through the hooks.

The built-ins register through the same hooks a third party uses (see
hookspecs.py), so nothing here knows where an entry came from.
"""

from __future__ import annotations

import difflib
import functools
import importlib.util
import inspect
import os
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import yaml

from ..grading.record import SPLIT_ORDER

if TYPE_CHECKING:  # grading loads pandas: imported when a grader is asked for
    from ..grading.grader import Grader
    from ..grading.validate import GradingSpec

LEADERBOARD_SOURCES = ("kaggle", "mlebench", "shipped", "generated", "none")
#: The providers the LLM gateway serves -> the variables it sets in the agent's environment
#: (runners/gateway/server.py serves them).
LLM_PROVIDERS = {"openai": ("OPENAI_API_KEY", "OPENAI_BASE_URL"),
                 "anthropic": ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL")}


class RegistryError(ValueError):
    """A name the user gave matches nothing registered."""


def _listing(title: str, names: list[str], limit: int = 30) -> str:
    """``Valid <title>: a, b, ...``, wrapped and indented under the message's first line."""
    more = f", ... ({len(names)} in all; `python -m pytest_mlebench list` shows them)"
    shown = ", ".join(names[:limit]) + (more if len(names) > limit else "")
    return textwrap.fill(f"Valid {title}: {shown}.", width=100, initial_indent="  ",
                         subsequent_indent="    ", break_on_hyphens=False)


def unknown_name_error(kind: str, names: str | list[str], choices: Iterable[str],
                       groups: Mapping[str, Iterable[str]] | None = None) -> RegistryError:
    """Name the closest matches and the valid choices, so a typo is a one-look fix.

    ``names`` may be several unknown names (each with where it was given, as ``FILE:LINE:
    name``); ``groups`` lists the choices under headings (splits, competitions).
    """
    choices = sorted(choices)
    lines = []
    for given in [names] if isinstance(names, str) else names:
        where, _, name = given.rpartition(": ") if ": " in given else ("", "", given)
        close = difflib.get_close_matches(name, choices, n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        lines.append(f"{where + ': ' if where else ''}unknown {kind} {name!r}.{hint}")
    listing = ([_listing(title, sorted(items)) for title, items in groups.items()] if groups
               else [_listing(f"{kind}s", choices)])
    return RegistryError("\n".join([*lines, *listing]))


#: libyaml's safe loader where PyYAML was built with it (its wheels are): the same documents,
#: parsed about 8x faster, which every xdist worker's start pays for 90 folders.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=_YAML_LOADER) or {}
    if not isinstance(data, dict):
        raise RegistryError(f"{path}: expected a mapping at the top level")
    return data


@dataclass(frozen=True)
class Agent:
    """An agent defined as data: a folder with agent.yaml and a start script."""

    name: str
    path: Path
    version: str = "0"
    description: str = ""
    start: str = "start.sh"
    #: Names of variables passed through from the user's environment (LLM keys...).
    env_from_host: tuple[str, ...] = ()
    #: Fixed variables the agent always gets.
    env: Mapping[str, str] = field(default_factory=dict)
    #: Whether the agent's container needs the internet (docker runner); LLM agents name
    #: ``llm_providers`` instead and keep no network.
    network: bool = False
    #: LLM providers the agent may reach through the harness's gateway (openai, anthropic).
    llm_providers: tuple[str, ...] = ()
    #: Dockerfile of the agent's image, relative to ``path`` (docker runner).
    dockerfile: str = "Dockerfile"

    @classmethod
    def from_folder(cls, path: Path) -> Agent:
        data = _load_yaml(path / "agent.yaml")
        name = data.pop("name", path.name)
        env = {str(k): str(v) for k, v in (data.pop("env", None) or {}).items()}
        env_from_host = tuple(data.pop("env_from_host", None) or ())
        llm_providers = tuple(str(p) for p in data.pop("llm_providers", None) or ())
        unknown = sorted(set(llm_providers) - set(LLM_PROVIDERS))
        if unknown:
            raise RegistryError(f"{path / 'agent.yaml'}: llm_providers {unknown} unknown; the gateway "
                                f"serves {', '.join(LLM_PROVIDERS)}")
        given = sorted(set(env_from_host) & {v for p in llm_providers for v in LLM_PROVIDERS[p]})
        if given:
            raise RegistryError(f"{path / 'agent.yaml'}: env_from_host names {given}, which the LLM "
                                "gateway sets for the agent (its real keys never enter the agent's world)")
        known = {"version", "description", "start", "network", "dockerfile"}
        extra = set(data) - known
        if extra:
            raise RegistryError(f"{path / 'agent.yaml'}: unknown keys {sorted(extra)}")
        kwargs = {k: data[k] for k in known if k in data}
        if "version" in kwargs:
            kwargs["version"] = str(kwargs["version"])
        agent = cls(name=name, path=path, env=env, env_from_host=env_from_host,
                    llm_providers=llm_providers, **kwargs)
        if not (path / agent.start).is_file():
            raise RegistryError(f"agent {name!r}: start script {path / agent.start} is missing")
        return agent


#: How a competition pairs submission rows with answer rows (``grading: pairing:``).
PAIRINGS = ("id", "position")


def _pairing(competition_id: str, value: object) -> str | None:
    if value is not None and value not in PAIRINGS:
        raise RegistryError(f"{competition_id}: pairing {value!r} is not one of {', '.join(PAIRINGS)}")
    return None if value is None else str(value)


@dataclass(frozen=True)
class Variant:
    """A recorded departure from MLE-bench's semantics, chosen only by name
    (``--mlebench-variant ID=NAME``): by default a competition grades as MLE-bench does,
    defects included, so its scores compare with MLE-bench's leaderboard."""

    name: str
    description: str
    #: The MLE-bench issue it corrects, e.g. "openai/mle-bench#30".
    fixes: str = ""
    #: Grading keys it replaces (target_columns, pairing).
    target_columns: tuple[str, ...] | None = None
    pairing: str | None = None

    @classmethod
    def from_yaml(cls, competition_id: str, name: str, data: Any) -> Variant:
        if not isinstance(data, dict) or "description" not in data:
            raise RegistryError(f"{competition_id}: variant {name!r} needs a description")
        data = dict(data)
        grading = data.pop("grading", None) or {}
        variant = cls(name=name, description=str(data.pop("description")),
                      fixes=str(data.pop("fixes", "")),
                      target_columns=(tuple(str(c) for c in grading.pop("target_columns"))
                                      if "target_columns" in grading else None),
                      pairing=_pairing(competition_id, grading.pop("pairing", None)))
        if data or grading:
            raise RegistryError(f"{competition_id}: variant {name!r} has unknown keys "
                                f"{sorted([*data, *grading])}")
        return variant


@dataclass(frozen=True)
class Competition:
    """One competition of the catalog, read from its competition.yaml."""

    id: str
    path: Path
    title: str
    metric: str
    id_column: str
    target_columns: tuple[str, ...]
    #: Where the data comes from: "offline" (installed packages) or "kaggle".
    source: str = "kaggle"
    #: Whether Kaggle awarded medals; MLE-bench awards them everywhere regardless.
    awards_medals: bool = True
    #: What the folder's leaderboard.csv is: "mlebench" (MLE-bench's own file, checked
    #: against ``leaderboard_sha256``), "shipped" (another copy), "generated" (made by
    #: prepare), or "none".
    leaderboard: str = "none"
    #: sha256 of MLE-bench's Git LFS object, for ``leaderboard: mlebench``.
    leaderboard_sha256: str | None = None
    #: Bumped when preparation changes, so cached data is prepared again.
    data_version: str = "1"
    #: False while a split lists it but its preparation is not written yet.
    implemented: bool = True
    known_issues: tuple[str, ...] = ()
    #: Submission columns accepted but not graded, and whether ids may repeat (GradingSpec).
    extra_columns: tuple[str, ...] = ()
    repeated_ids: bool = False
    #: How submission rows meet answer rows: "id", or "position" (GradingSpec.pair_by_position).
    pairing: str = "id"
    #: The longest line a submission may have, where Kaggle's format needs more than the default
    #: (a whole slide's run-length encoding); None: validate.MAX_LINE_BYTES.
    max_line_bytes: int | None = None
    variants: Mapping[str, Variant] = field(default_factory=dict)
    #: The variant in force (None: MLE-bench's semantics).
    variant: str | None = None

    def with_variant(self, name: str) -> Competition:
        """This competition graded (and prepared) the variant's way, in a data folder of its own."""
        if name not in self.variants:
            raise unknown_name_error(f"variant of {self.id}", name, self.variants)
        chosen = self.variants[name]
        return replace(self, variant=name, data_version=f"{self.data_version}-{name}",
                       target_columns=chosen.target_columns or self.target_columns,
                       pairing=chosen.pairing or self.pairing)

    @classmethod
    def from_folder(cls, path: Path) -> Competition:
        data = _load_yaml(path / "competition.yaml")
        implemented = bool(data.pop("implemented", True))
        # A competition not written yet still has its folder (title, leaderboard), but no grading.
        grading = data.pop("grading", None) or ({} if implemented else
                                                {"metric": "", "id_column": "", "target_columns": ()})
        leaderboard = data.pop("leaderboard", "none")
        if not isinstance(leaderboard, dict):
            leaderboard = {"source": leaderboard}
        try:
            comp = cls(
                id=str(data.pop("id", path.name)),
                path=path,
                title=str(data.pop("title")),
                metric=str(grading["metric"]),
                id_column=str(grading["id_column"]),
                target_columns=tuple(str(c) for c in grading["target_columns"]),
                extra_columns=tuple(str(c) for c in grading.get("extra_columns", ())),
                repeated_ids=bool(grading.get("repeated_ids", False)),
                pairing=_pairing(path.name, grading.get("pairing", "id")) or "id",
                max_line_bytes=(int(grading["max_line_bytes"]) if "max_line_bytes" in grading else None),
                source=str(data.pop("source", "kaggle")),
                awards_medals=bool(data.pop("awards_medals", True)),
                leaderboard=str(leaderboard.pop("source", "none")),
                leaderboard_sha256=leaderboard.pop("sha256", None),
                data_version=str(data.pop("data_version", "1")),
                implemented=implemented,
                known_issues=tuple(str(x) for x in data.pop("known_issues", None) or ()),
                variants={str(name): Variant.from_yaml(str(path.name), str(name), spec)
                          for name, spec in (data.pop("variants", None) or {}).items()},
            )
        except KeyError as exc:
            raise RegistryError(f"{path / 'competition.yaml'}: missing key {exc}") from None
        leaderboard.pop("teams", None)  # documentation for readers; the file is what counts
        if leaderboard:
            raise RegistryError(
                f"{path / 'competition.yaml'}: unknown leaderboard keys {sorted(leaderboard)}")
        if comp.leaderboard == "mlebench" and not comp.leaderboard_sha256:
            raise RegistryError(f"{path / 'competition.yaml'}: leaderboard source mlebench needs its sha256")
        data.pop("description", None)
        if data:
            raise RegistryError(f"{path / 'competition.yaml'}: unknown keys {sorted(data)}")
        if comp.leaderboard not in LEADERBOARD_SOURCES:
            raise RegistryError(
                f"{comp.id}: leaderboard {comp.leaderboard!r} is not one of {LEADERBOARD_SOURCES}"
            )
        return comp

    @property
    def description_path(self) -> Path:
        return self.path / "description.md"

    def module(self, name: str) -> ModuleType | None:
        """``<name>.py`` of the competition's folder (prepare, grade, synthetic), if present;
        loaded once per process."""
        return _load_module(self.path / f"{name}.py", f"mlebench_competition_{self.id}_{name}")

    def prepare_into(self, raw: Path | None, public: Path, private: Path, **options: Any) -> None:
        """Run prepare.py's ``prepare(raw, public, private)``, handing it this competition
        (``competition=``) and the variant in force (``variant=``) when it asks for them."""
        module = self.module("prepare")
        if module is None or not hasattr(module, "prepare"):
            raise RegistryError(f"{self.id}: {self.path}/prepare.py defines no prepare()")
        wanted = inspect.signature(module.prepare).parameters
        given = {"competition": self, "variant": self.variant}
        module.prepare(raw, public, private, **options,
                       **{name: value for name, value in given.items() if name in wanted})

    @property
    def score_name(self) -> str:
        """What the score is, for listings: grade.py's ``SCORE_NAME`` where grade.py computes a
        metric of its own over the yaml metric's checks, else the yaml metric."""
        return str(getattr(self.module("grade"), "SCORE_NAME", self.metric))

    def grading_spec(self) -> GradingSpec:
        """Which columns a submission has and how they are scored."""
        from ..grading.metrics import get_metric
        from ..grading.validate import GradingSpec

        return GradingSpec(self.id_column, self.target_columns, get_metric(self.metric),
                           self.extra_columns, self.repeated_ids,
                           *(() if self.max_line_bytes is None else (self.max_line_bytes,)),
                           pair_by_position=self.pairing == "position")

    def grader(self, answers_path: Path, answers_sha256: str | None = None) -> Grader:
        """The competition's grader over these answers (refused unless their sha256 is
        ``answers_sha256``, when given): the generic checks, then its grade.py (with its variant)."""
        from ..grading.grader import Grader

        grade_fn = getattr(self.module("grade"), "grade", None)
        if grade_fn is not None and self.variant is not None:
            grade_fn = partial(grade_fn, variant=self.variant)
        return Grader.load(self.grading_spec(), answers_path, grade_fn, answers_sha256)


@functools.cache
def _load_module(file: Path, name: str) -> ModuleType | None:
    if not file.is_file():
        return None
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"), file)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Registry:
    """Everything selectable by name on the command line."""

    competitions: dict[str, Competition] = field(default_factory=dict)
    splits: dict[str, tuple[str, ...]] = field(default_factory=dict)
    agents: dict[str, Agent] = field(default_factory=dict)
    #: Agent folders that failed to load -> why; an error only for a session that selects one.
    broken_agents: dict[str, str] = field(default_factory=dict)
    #: Runner name -> its place among ``--mlebench-runner auto``'s candidates (lower first;
    #: None: only when named). Runners are made by ``pytest_mlebench_make_runner``.
    runners: dict[str, int | None] = field(default_factory=dict)

    # -- filling -----------------------------------------------------------
    def add_competition(self, competition: Competition) -> None:
        self.competitions[competition.id] = competition

    def add_split(self, name: str, ids: Iterable[str]) -> None:
        self.splits[name] = tuple(ids)

    def add_agent(self, agent: Agent) -> None:
        self.agents[agent.name] = agent

    def add_runner(self, name: str, auto: int | None = None) -> None:
        """Make ``name`` selectable; ``auto`` orders it among auto's candidates (None: never tried)."""
        self.runners[name] = auto

    def add_catalog(self, root: Path) -> None:
        """Register every competition folder under ``root`` and the lists in root/splits."""
        for folder in sorted(p for p in root.iterdir() if (p / "competition.yaml").is_file()):
            self.add_competition(Competition.from_folder(folder))
        splits_dir = root / "splits"
        if splits_dir.is_dir():
            for file in sorted(splits_dir.glob("*.txt")):
                self.add_split(file.stem, read_id_list(file))

    def add_agents_folder(self, root: Path) -> None:
        """The agent in ``root`` (when it holds agent.yaml) or each one in its subfolders.

        A broken agent (bad agent.yaml, missing start script) is kept with its error: it
        stops only a session that selects it, not every session of the project.
        """
        folders = [root] if (root / "agent.yaml").is_file() else sorted(
            p for p in root.iterdir() if (p / "agent.yaml").is_file())
        if not folders:
            raise RegistryError(f"{root}: no agent.yaml in it or in its subfolders")
        for folder in folders:
            try:
                self.add_agent(Agent.from_folder(folder))
            except RegistryError as exc:
                self.broken_agents[folder.name] = str(exc)

    # -- lookup ------------------------------------------------------------
    def agent(self, name: str, base: Path | None = None) -> Agent:
        """A registered agent, or the agent folder at ``name`` (a path, relative to ``base``)."""
        if name in self.agents:
            return self.agents[name]
        if name in self.broken_agents:
            raise RegistryError(self.broken_agents[name])
        folder = (base or Path.cwd()) / Path(name).expanduser()
        if os.sep in name or name.startswith((".", "~")) or folder.is_dir():
            if not (folder / "agent.yaml").is_file():
                raise RegistryError(f"--agent {name}: {folder} holds no agent.yaml")
            return Agent.from_folder(folder.resolve())
        raise unknown_name_error("agent", name, [*self.agents, *self.broken_agents])

    def auto_runners(self) -> list[str]:
        """The runners ``--mlebench-runner auto`` tries, in order."""
        return sorted((n for n, order in self.runners.items() if order is not None),
                      key=lambda n: (self.runners[n], n))

    def split_of(self, competition_id: str) -> str | None:
        """The split a record of this competition is counted in."""
        for name in SPLIT_ORDER:
            if competition_id in self.splits.get(name, ()):
                return name
        return None

    def splits_containing(self, competition_id: str) -> list[str]:
        """Every split listing the competition: its items' markers (``-m lite``, ``-k medium``)."""
        return [name for name, ids in self.splits.items() if competition_id in ids]

    def variants_of(self, spec: str | None) -> dict[str, str]:
        """``ID=NAME,...`` (``--mlebench-variant``) as competition id -> variant, each name checked."""
        chosen: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in (spec or "").split(","))):
            cid, sep, name = part.partition("=")
            cid, name = cid.strip(), name.strip()
            if not sep or not name:
                raise RegistryError(f"--mlebench-variant {part!r}: expected COMPETITION=VARIANT")
            if cid not in self.competitions:
                raise unknown_name_error("competition", cid, self.competitions)
            self.competitions[cid].with_variant(name)  # names the valid variants when unknown
            chosen[cid] = name
        return chosen

    def select(self, spec: str) -> list[str]:
        """Competition ids for a split name, a comma list of ids/splits, or @file."""
        spec = spec.strip()
        if spec.startswith("@"):
            path = Path(spec[1:]).expanduser()
            given = [(f"{path}:{line}", name) for line, name in read_id_lines(path)]
        else:
            given = [("", part.strip()) for part in spec.split(",") if part.strip()]
        if not given:
            raise RegistryError("--competitions is empty: give a split name, ids, or @file")
        known = set(self.competitions) | {i for ids in self.splits.values() for i in ids}
        unknown = [f"{where}: {name}" if where else name for where, name in given
                   if name not in self.splits and name not in known]
        if unknown:
            raise unknown_name_error("competition or split", unknown, [*self.splits, *known],
                                     groups={"splits": self.splits, "competitions": known})
        selected: list[str] = []
        for _, name in given:
            ids = self.splits.get(name, (name,))
            selected.extend(i for i in ids if i not in selected)
        return selected


def read_id_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, id) for each id of a list file: one id a line; blanks and ``#`` comments ignored."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RegistryError(f"cannot read competition list {path}: {exc.strerror}") from None
    ids = ((n, line.split("#", 1)[0].strip()) for n, line in enumerate(text.splitlines(), start=1))
    return [(n, i) for n, i in ids if i]


def read_id_list(path: Path) -> list[str]:
    """The ids of a list file, in order."""
    return [i for _, i in read_id_lines(path)]
