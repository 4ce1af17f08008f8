"""Where a competition's leaderboard comes from, and loading it.

Sources, most trusted first:

1. ``mlebench`` from a local MLE-bench checkout (``--mlebench-repo``), its
   ``mlebench/competitions/<id>/leaderboard.csv``: what MLE-bench grades against.
2. The copy in the competition's folder: ``mlebench`` when it is byte for byte
   MLE-bench's own file (its sha256 is in competition.yaml and checked on every
   load), ``shipped`` for another copy.
3. ``kaggle``: the Kaggle API's leaderboard, cached as
   ``<data-dir>/<id>/leaderboard-kaggle.csv``; fetched when missing only with
   ``--mlebench-kaggle-leaderboards``.
4. ``generated``: a ladder made by prepare (``leaderboard: generated``).

A source that fails (a Git LFS pointer, a file that is not MLE-bench's, a
leaderboard of equal scores, Kaggle refusing) is passed over and its reason kept,
so a record says both what it was graded against and why not against something
better. Every record names its source (leaderboard_source) and the file's sha256,
so a medal against a generated ladder is never mistaken for one against people.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..catalog.registry import Competition
from ..data.kaggle import KaggleError, download_leaderboard
from ..data.store import GENERATED_LEADERBOARD, PreparedCompetition
from .format import LFS_POINTER_PREFIX, Leaderboard, LeaderboardError, load_leaderboard

KAGGLE_LEADERBOARD = "leaderboard-kaggle.csv"


@dataclass(frozen=True)
class LeaderboardLookup:
    leaderboard: Leaderboard | None
    source: str
    #: Why there is no leaderboard; or, with one, why better sources were passed over.
    problem: str | None = None


def mlebench_leaderboard(repo: Path, competition_id: str) -> Path:
    return repo / "mlebench" / "competitions" / competition_id / "leaderboard.csv"


def candidates(prepared: PreparedCompetition, mlebench_repo: Path | None = None,
               kaggle: bool = False) -> list[tuple[str, Path, str | None]]:
    """The places to look, in order of preference: (source, path, the sha256 it must have)."""
    comp = prepared.competition
    found: list[tuple[str, Path, str | None]] = []
    if comp.source == "kaggle" and mlebench_repo is not None:
        found.append(("mlebench", mlebench_leaderboard(mlebench_repo, comp.id), None))
    if comp.leaderboard in ("mlebench", "shipped"):
        found.append((comp.leaderboard, comp.path / "leaderboard.csv", comp.leaderboard_sha256))
    if comp.source == "kaggle":
        cached = prepared.root.parent / KAGGLE_LEADERBOARD
        if kaggle or cached.is_file():
            found.append(("kaggle", cached, None))
    if comp.leaderboard == "generated":
        found.append(("generated", prepared.private / GENERATED_LEADERBOARD, None))
    return found


#: load_leaderboard's signature: (path, lower_is_better, source, expected_sha256=...).
Loader = Callable[..., Leaderboard]


def find_leaderboard(prepared: PreparedCompetition, lower_is_better: bool,
                     mlebench_repo: Path | None = None, kaggle: bool = False,
                     load: Loader = load_leaderboard) -> LeaderboardLookup:
    """The first usable leaderboard; with ``kaggle`` the API's is downloaded once when not cached.

    ``load`` reads a candidate file (the harness has the grading service read it, where pandas
    is loaded already)."""
    problems: list[str] = []
    for source, path, expected in candidates(prepared, mlebench_repo, kaggle):
        try:
            if source == "kaggle" and not path.is_file():
                download_leaderboard(prepared.competition.id, path)
            board = load(path, lower_is_better, source, expected_sha256=expected)
        except (LeaderboardError, KaggleError) as exc:
            problems.append(f"{source}: {exc}")
            continue
        return LeaderboardLookup(board, source, "; ".join(problems) or None)
    return LeaderboardLookup(None, "none", "; ".join(problems) or _no_source(prepared.competition))


def _no_source(competition: Competition) -> str:
    if competition.source == "kaggle":
        return ("no leaderboard source: give --mlebench-repo PATH (an MLE-bench checkout) "
                "or --mlebench-kaggle-leaderboards")
    return "no leaderboard source for this competition"


def mlebench_repo_problem(repo: Path, competition_ids: Iterable[str]) -> str | None:
    """Why ``--mlebench-repo`` cannot serve these competitions, found before any run starts.

    A clone made without Git LFS holds pointer files where the leaderboards belong.
    """
    if not (repo / "mlebench" / "competitions").is_dir():
        return (f"--mlebench-repo {repo}: no mlebench/competitions folder there; give the root "
                f"of a clone of https://github.com/openai/mle-bench")
    pointers = [cid for cid in competition_ids if _is_lfs_pointer(mlebench_leaderboard(repo, cid))]
    if not pointers:
        return None
    shown = ", ".join(pointers[:3]) + (", ..." if len(pointers) > 3 else "")
    return (f"--mlebench-repo {repo}: the leaderboards of {len(pointers)} competitions ({shown}) are "
            f"Git LFS pointers, not data: run `git lfs install && git lfs pull` in {repo}")


def _is_lfs_pointer(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(LFS_POINTER_PREFIX)) == LFS_POINTER_PREFIX.encode()
    except OSError:
        return False
