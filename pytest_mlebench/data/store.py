"""Prepared competition data: made once, atomically, under a lock, checked on reuse.

Layout under the data directory::

    <id>/v<data_version>/public/      what the agent sees (plus description.md)
    <id>/v<data_version>/private/     answers.csv, and leaderboard.csv when generated (0700: the harness's)
    <id>/v<data_version>/manifest.json  sha256 of every file; written last
    <id>/.lock                         one preparer at a time across xdist workers
    <id>/raw/                          Kaggle's raw files, extracted (rawdata.py)
    <id>/leaderboard-kaggle.csv        the Kaggle API's leaderboard, once fetched (leaderboards.py)

A competition is prepared in a temporary sibling folder and renamed into place
only when complete, so a reader never sees half-written files and an
interrupted preparation leaves nothing that looks complete.

Every file's sha256 is checked whenever a session first uses a prepared folder (a file
whose size, times and inode are as when it was last hashed is not read again: writing it,
through a hard link too, or restoring its mtime afterwards changes its ctime), and the
answers are hashed again as the grader reads them. A changed folder is prepared afresh,
with a warning saying what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from ..catalog.registry import Competition, RegistryError
from ..fsutil import remove_tree
from .raw import REAL, RawDataError, RawSource

MANIFEST = "manifest.json"
#: Size, mtime, ctime and inode of each file when it was last hashed (not part of the dataset version).
STATS = "stats.json"
ANSWERS = "answers.csv"
GENERATED_LEADERBOARD = "leaderboard.csv"

StatusFactory = Callable[[str], AbstractContextManager[object]]


class PrepareError(RuntimeError):
    """Preparation failed; the message says which competition and why."""


class ChangedCacheWarning(UserWarning):
    """Prepared data no longer matched its checksums and was prepared again."""


@dataclass(frozen=True)
class PreparedCompetition:
    competition: Competition
    root: Path
    #: sha256 of the manifest: one string naming exactly these prepared files.
    dataset_version: str
    #: "real", or "synthetic" when prepared from a competition's synthetic.py.
    data: str = REAL
    #: sha256 of private/answers.csv as prepared: the grader refuses answers that differ.
    answers_sha256: str | None = None

    @property
    def public(self) -> Path:
        return self.root / "public"

    @property
    def private(self) -> Path:
        return self.root / "private"

    @property
    def answers_path(self) -> Path:
        return self.private / ANSWERS


def file_sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _walk_files(root: Path) -> Iterator[Path]:
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            yield Path(dirpath) / name


def build_manifest(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under public/ and private/."""
    return {
        path.relative_to(root).as_posix(): file_sha256(path)
        for sub in ("public", "private")
        for path in sorted(_walk_files(root / sub))
    }


def _stats(root: Path) -> dict[str, list[int]]:
    """Relative path -> [size, mtime_ns, ctime_ns, inode]: cheap to read, and the ctime changes
    whenever a file is written or its times are set, which no one can set back."""
    stats = {}
    for sub in ("public", "private"):
        for path in _walk_files(root / sub):
            st = path.stat()
            stats[path.relative_to(root).as_posix()] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns,
                                                        st.st_ino]
    return stats


def _seal(root: Path) -> None:
    """private/ readable by the harness's user alone: no other local user reads the answers.

    A mode already right is left alone: a chmod changes the ctime the checks go by.
    """
    def restrict(path: str, mode: int) -> None:
        if stat.S_IMODE(os.lstat(path).st_mode) != mode:
            os.chmod(path, mode)

    private = root / "private"
    for dirpath, dirnames, files in os.walk(private):
        for name in files:
            restrict(os.path.join(dirpath, name), 0o600)
        for name in dirnames:
            restrict(os.path.join(dirpath, name), 0o700)
    restrict(str(private), 0o700)


def manifest_problem(root: Path, fast: bool = True) -> str | None:
    """None when every file matches its recorded checksum, else what is wrong.

    With ``fast``, files whose size, times and inode are as recorded when they were
    last hashed are not read again: a 100,000-image competition is checked in moments.
    """
    try:
        recorded = json.loads((root / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        return f"manifest unreadable: {exc}"
    stats = _stats(root)
    try:
        if fast and json.loads((root / STATS).read_text()) == stats:
            return None
    except (OSError, ValueError):
        pass
    actual = build_manifest(root)
    if actual == recorded:
        (root / STATS).write_text(json.dumps(stats))
        return None
    changed = sorted(k for k in recorded.keys() & actual.keys() if recorded[k] != actual[k])
    missing = sorted(recorded.keys() - actual.keys())
    added = sorted(actual.keys() - recorded.keys())
    parts = [f"{label}: {', '.join(names[:5])}" for label, names in
             (("changed", changed), ("missing", missing), ("unexpected", added)) if names]
    return "; ".join(parts)


def _version(final: Path) -> str:
    """A prepared folder's dataset version: the sha256 of its manifest."""
    return hashlib.sha256((final / MANIFEST).read_bytes()).hexdigest()


class DataStore:
    """Prepares competitions into the data directory, once per data version."""

    def __init__(self, data_dir: Path, raw_source: RawSource | None = None,
                 status: StatusFactory | None = None) -> None:
        self.data_dir = data_dir
        #: Where Kaggle competitions' raw files come from; offline ones need none.
        self.raw_source = raw_source
        self._status = status or (lambda _msg: nullcontext())
        self._verified: dict[Path, PreparedCompetition] = {}

    def _raw_source_of(self, competition: Competition) -> RawSource | None:
        """Where the competition's raw files come from; offline competitions have none."""
        return self.raw_source if competition.source == "kaggle" else None

    def data_of(self, competition: Competition) -> str:
        """Whether the competition is prepared from real or synthetic raw files."""
        source = self._raw_source_of(competition)
        return source.data if source else REAL

    def final_dir(self, competition: Competition) -> Path:
        """Keyed by the data version and the raw source: synthetic data never poses as real."""
        source = self._raw_source_of(competition)
        suffix = source.version_suffix(competition) if source else ""
        return self.data_dir / competition.id / f"v{competition.data_version}{suffix}"

    def is_prepared(self, competition: Competition) -> bool:
        return (self.final_dir(competition) / MANIFEST).is_file()

    def prepared_version(self, competition: Competition) -> str | None:
        """The dataset version already in the cache (None: not prepared), without checking it."""
        return _version(self.final_dir(competition)) if self.is_prepared(competition) else None

    def to_download(self, competitions: Iterable[Competition]) -> list[str]:
        """Ids whose preparation will download from Kaggle: checked up front, before hours of runs."""
        if self.raw_source is None:
            return []
        return [c.id for c in competitions if c.source == "kaggle" and c.implemented
                and not self.is_prepared(c) and self.raw_source.needs_download(c.id)]

    def _raw(self, competition: Competition) -> Path | None:
        """The folder of raw files ``prepare`` reads: None for competitions that need none."""
        if competition.source != "kaggle":
            return None
        if self.raw_source is None:
            raise PrepareError(f"{competition.id}: needs Kaggle's raw files, and this DataStore "
                               f"was given no raw source")
        try:
            return self.raw_source.fetch(competition.id)
        except RawDataError as exc:
            raise PrepareError(f"{competition.id}: {exc}") from exc

    def prepare(self, competition: Competition, recheck: bool = False) -> PreparedCompetition:
        """Return the prepared data, preparing (or repairing) it first if needed.

        ``recheck`` hashes every file again, whatever its stats say (the grader found the
        answers changed after they were checked).
        """
        final = self.final_dir(competition)
        if final in self._verified and not recheck:
            return self._verified[final]
        final.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(final.parent / ".lock")):
            if (final / MANIFEST).is_file():
                problem = manifest_problem(final, fast=not recheck)
                if problem is not None:
                    # Someone changed the cache: never grade against it; prepare it afresh.
                    warnings.warn(ChangedCacheWarning(
                        f"{competition.id}: prepared data in {final} no longer matches its "
                        f"checksums ({problem}); preparing it again"), stacklevel=2)
                    remove_tree(final)
            if not (final / MANIFEST).is_file():
                self._prepare_into(competition, final)
            _seal(final)
        manifest = json.loads((final / MANIFEST).read_text())
        prepared = PreparedCompetition(competition, final, _version(final), self.data_of(competition),
                                       manifest.get(f"private/{ANSWERS}"))
        self._verified[final] = prepared
        return prepared

    def _prepare_into(self, competition: Competition, final: Path) -> None:
        """Prepare in a staging folder kept across interruptions, then rename it into place.

        A prepare that was interrupted (Ctrl-C, a crash, a full disk) finds its
        staging folder on the next attempt and resumes: competition prepares skip
        outputs they already wrote completely (kaggle_prepare/images.py). Only the
        rename makes a competition look prepared, and the manifest is written last.
        """
        raw = self._raw(competition)
        # Keyed on the prepare code too: a staging folder left by other code starts over.
        code = hashlib.sha256((competition.path / "prepare.py").read_bytes()).hexdigest()[:12]
        staging = final.parent / f".staging-{final.name}-{code}"
        for stale in final.parent.glob(".staging-*"):
            if stale != staging:
                remove_tree(stale)
        (staging / "public").mkdir(parents=True, exist_ok=True)
        (staging / "private").mkdir(parents=True, exist_ok=True)
        (staging / MANIFEST).unlink(missing_ok=True)
        with self._status(f"preparing {competition.id}"):
            try:
                competition.prepare_into(raw, staging / "public", staging / "private")
            except RegistryError as exc:
                raise PrepareError(str(exc)) from None
        if competition.description_path.is_file():
            shutil.copyfile(competition.description_path, staging / "public" / "description.md")
        if not (staging / "private" / ANSWERS).is_file():
            raise PrepareError(f"{competition.id}: prepare() wrote no private/{ANSWERS}")
        _seal(staging)
        manifest = build_manifest(staging)
        (staging / STATS).write_text(json.dumps(_stats(staging)))
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        os.replace(staging, final)

