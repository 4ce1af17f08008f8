"""Where a competition's raw Kaggle files come from, ready for its ``prepare(raw, ...)``.

In order:

1. ``--mlebench-raw-dir`` (or $MLEBENCH_RAW_DIR), for clusters without internet:
   ``<raw-dir>/<id>/`` already extracted, used in place; or ``<raw-dir>/<id>.zip``
   as Kaggle serves it, extracted into the data directory.
2. An earlier extraction, ``<data-dir>/<id>/raw/``.
3. A download from Kaggle into ``<data-dir>/<id>/<id>.zip`` (resumed if it was
   cut short), extracted into ``<data-dir>/<id>/raw/``, then deleted.

Extraction is all or nothing: members are checked first (nothing outside the
folder, no links), written to a temporary sibling and renamed into place. Nested
archives stay as they are: prepare code reads them directly (pandas reads
``train.csv.zip`` as it is).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from ..fsutil import remove_tree
from .kaggle import ArchiveError, ByteReport, KaggleError, archive_members, download_competition

if TYPE_CHECKING:
    import pytest
    from rich.console import Console

    from ..catalog.registry import Competition

#: Opens the display of one long task (a download, an extraction); yields its ByteReport.
Progress = Callable[[str], AbstractContextManager[ByteReport]]

#: What a source's files are: Kaggle's, or made by each competition's synthetic.py.
REAL, SYNTHETIC = "real", "synthetic"

_PARTIAL_PREFIX = ".raw-partial-"
_CHUNK = 1 << 20


class RawDataError(RuntimeError):
    """The raw files cannot be had; the message names the file or the Kaggle problem."""


def _ignore(_done: int, _total: int | None) -> None:
    """The ByteReport of a task nobody watches."""


@contextmanager
def _task(progress: Progress | None, description: str) -> Iterator[ByteReport]:
    if progress is None:
        yield _ignore
    else:
        with progress(description) as report:
            yield report


def rich_progress(pause: Callable[[], AbstractContextManager[object]] | None = None,
                  console: Console | None = None) -> Progress:
    """Byte progress on a rich console: a bar with speed and time left on a terminal, else lines.

    ``pause`` steps around pytest's output capture for the length of the task.
    """
    @contextmanager
    def task(description: str) -> Iterator[ByteReport]:
        from rich.console import Console  # rich on first use: an xdist worker shows no bars
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )
        from rich.progress import Progress as RichProgress

        with (pause or nullcontext)():
            out = console or Console(file=sys.stderr)
            if out.is_terminal:
                columns = (TextColumn("[mlebench] {task.description}", markup=False), BarColumn(),
                           DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())
                with RichProgress(*columns, console=out, transient=True) as bars:
                    task_id = bars.add_task(description, total=None)
                    yield lambda done, total: bars.update(task_id, completed=done, total=total)
                return
            seen = {"bytes": 0, "tenths": 0}

            def report(done: int, total: int | None) -> None:
                """A line at every tenth: a CI log shows an hours-long download moving."""
                seen["bytes"] = done
                tenths = done * 10 // total if total else 0
                if seen["tenths"] < tenths < 10:
                    seen["tenths"] = tenths
                    out.print(f"[mlebench] {description}: {tenths}0% of {total:,} bytes",
                              markup=False, highlight=False)

            out.print(f"[mlebench] {description} ...", markup=False, highlight=False)
            yield report
            out.print(f"[mlebench] {description}: {seen['bytes']:,} bytes", markup=False, highlight=False)
    return task


def progress_for(config: pytest.Config) -> Progress | None:
    """This session's byte progress: silent on xdist workers (no terminal) and when quiet."""
    if hasattr(config, "workerinput") or config.get_verbosity() < 0:
        return None
    capman = config.pluginmanager.getplugin("capturemanager")
    return rich_progress(pause=capman.global_and_fixture_disabled if capman else None)


def extract_archive(archive: Path, dest: Path, progress: Progress | None = None) -> None:
    """Extract a competition archive into ``dest`` (which must not exist yet), all or nothing."""
    members = archive_members(archive)
    total = sum(info.file_size for _path, info in members)
    dest.parent.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(dest.parent).free
    if total > free:
        raise RawDataError(f"extracting {archive} needs {total / 1e9:.1f} GB but {dest.parent} "
                           f"has {free / 1e9:.1f} GB free")
    tmp = Path(tempfile.mkdtemp(prefix=_PARTIAL_PREFIX, dir=dest.parent))
    try:
        with zipfile.ZipFile(archive) as zf, _task(progress, f"extracting {archive.name}") as report:
            done = 0
            for relative, info in members:
                target = tmp.joinpath(*relative.parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    with zf.open(info) as src, open(target, "wb") as out:
                        while chunk := src.read(_CHUNK):
                            out.write(chunk)
                            done += len(chunk)
                            report(done, total)
                except zipfile.BadZipFile as exc:  # a CRC mismatch: the bytes are not what was zipped
                    raise ArchiveError(f"{archive}: member {info.filename!r} is corrupt ({exc})") from None
        os.replace(tmp, dest)
    except BaseException:
        remove_tree(tmp)
        raise


class RawSource:
    """Finds or fetches each competition's raw Kaggle files and returns their folder.

    The caller holds the competition's lock (DataStore does), so one process at a
    time downloads or extracts a competition.
    """

    data = REAL

    def __init__(self, data_dir: Path, raw_dir: Path | None = None, progress: Progress | None = None) -> None:
        self.data_dir = data_dir
        self.raw_dir = raw_dir
        self.progress = progress

    def version_suffix(self, competition: Competition) -> str:
        """Appended to the prepared folder's data version, so data prepared from other raw files
        (synthetic ones) is never taken for this source's."""
        return ""

    def staged(self, competition_id: str) -> Path | None:
        """The pre-staged folder or archive in the raw directory, if there is one."""
        if self.raw_dir is None:
            return None
        folder, archive = self.raw_dir / competition_id, self.raw_dir / f"{competition_id}.zip"
        if folder.is_dir():
            return folder
        return archive if archive.is_file() else None

    def extracted(self, competition_id: str) -> Path:
        return self.data_dir / competition_id / "raw"

    def needs_download(self, competition_id: str) -> bool:
        return self.staged(competition_id) is None and not self.extracted(competition_id).is_dir()

    def fetch(self, competition_id: str) -> Path:
        """The folder of the competition's raw files, extracting or downloading them first if needed."""
        staged = self.staged(competition_id)
        if staged is not None and staged.is_dir():
            if not any(staged.iterdir()):
                raise RawDataError(f"{staged} is empty: stage the competition's extracted files there, "
                                   f"or its archive as {staged}.zip")
            return staged
        target = self.extracted(competition_id)
        if target.is_dir():
            return target
        for stale in target.parent.glob(f"{_PARTIAL_PREFIX}*"):
            remove_tree(stale)
        try:
            archive = staged or self._download(competition_id)
            extract_archive(archive, target, self.progress)
        except (KaggleError, ArchiveError) as exc:
            raise RawDataError(str(exc)) from exc
        if staged is None:
            archive.unlink()  # the extracted files are the cache; the archive would double the disk
        return target

    def _download(self, competition_id: str) -> Path:
        with _task(self.progress, f"downloading {competition_id} from Kaggle") as report:
            return download_competition(competition_id, self.data_dir / competition_id, report)
