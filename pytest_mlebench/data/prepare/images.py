"""Kaggle's image (or audio) files moved into a prepared competition: streamed, linked, resumable.

Image competitions hold tens or hundreds of thousands of files, so every ``prepare()``
built on this module keeps three rules:

* A file is taken from the raw folder as Kaggle's download unpacks: an unpacked
  folder ``raw/<name>/`` is hard-linked (copied only where a link cannot be made,
  across filesystems), an archive ``raw/<name>.zip`` is extracted member by member
  straight to the file's final place, streaming, never whole and never into memory.
  Either way a file is written once.
* Every output reaches its final name by a rename of a complete temporary file (or by
  a hard link, which is atomic), and an output whose final name exists is skipped. An
  interrupted ``prepare()`` run again on the same folders therefore finishes the work
  instead of redoing it, and ends with the same bytes as a run in one go, provided the
  prepare is deterministic (MLE-bench's splits are seeded).
* Long work shows a progress bar on a terminal and nothing elsewhere (CI logs, xdist
  workers).

The API: :class:`RawImages` (one named set of raw files: :meth:`RawImages.place` puts
files in place, :meth:`RawImages.open_file` reads one),
and :func:`place_split`; the file helpers (idempotent writes, links, progress) are in
data/prepare/files.py.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO

from .files import link_or_copy, progress, write_new

_CHUNK = 1 << 20


# -- raw files ---------------------------------------------------------------------------------

class RawImages:
    """The raw files Kaggle ships under one name: the folder ``raw/<name>/`` or ``raw/<name>.zip``.

    Each file is known by its key: its path relative to the folder, as a posix
    string (``"cat.1.jpg"``, ``"sub/a.png"``). Kaggle wraps an archive's files in a
    folder of the archive's name (``train.zip`` holds ``train/...``); that folder
    is dropped from the keys, so the same prepare code reads either form. A folder
    is preferred when both are there: linking beats extracting.

    Use it as a context manager: an archive stays open while files are placed.
    """

    def __init__(self, raw: Path, name: str) -> None:
        folder, archive = raw / name, raw / f"{name}.zip"
        self._zip: zipfile.ZipFile | None = None
        if folder.is_dir():
            self.path = folder
            self._members: dict[str, zipfile.ZipInfo] | None = None
            self._keys = sorted(self._folder_keys(folder))
        elif archive.is_file():
            self.path = archive
            self._zip = zipfile.ZipFile(archive)  # its index read once, here
            self._members = self._archive_keys(self._zip, name)
            self._keys = sorted(self._members)
        else:
            raise FileNotFoundError(f"{raw} holds neither a folder {name}/ nor an archive {name}.zip")
        self._known = frozenset(self._keys)

    @staticmethod
    def _folder_keys(folder: Path) -> Iterator[str]:
        # Strings, not paths: pathlib costs more than the listing for 100,000 names.
        for dirpath, _dirs, files in os.walk(folder):
            relative = os.path.relpath(dirpath, folder)
            prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
            for name in files:
                yield prefix + name

    @staticmethod
    def _archive_keys(zf: zipfile.ZipFile, name: str) -> dict[str, zipfile.ZipInfo]:
        """Members by key. A member's name only looks it up (prepare code chooses where it
        goes), yet one that climbs out of its folder is refused rather than trusted."""
        files = [info for info in zf.infolist() if not info.is_dir()]
        for info in files:
            if info.filename.startswith("/") or ".." in info.filename.split("/"):
                raise ValueError(f"{zf.filename}: member {info.filename!r} points outside the archive")
        prefix = f"{name}/"
        wrapped = [info for info in files if info.filename.startswith(prefix)]
        if wrapped:  # what MLE-bench's extraction into raw/ puts under raw/<name>/
            members = {info.filename[len(prefix):]: info for info in wrapped}
        else:
            members = {info.filename: info for info in files}
        if len(members) < len(wrapped or files):
            raise ValueError(f"{zf.filename}: some members appear twice")
        return members

    def __enter__(self) -> RawImages:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    @property
    def keys(self) -> list[str]:
        """Every file's key, sorted as strings (for the files of one folder, the order of
        ``sorted(folder.glob("*"))``, which MLE-bench splits some competitions in)."""
        return list(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def put(self, key: str, dest: Path) -> None:
        """Write file ``key`` at ``dest``, complete or not at all (the step an interruption cuts).

        ``dest`` must be absent and its folder present, as :meth:`place` makes sure.
        """
        if self._members is None:
            link_or_copy(self.path / key, dest)
            return
        zf, info = self._archive(), self._members[key]

        def extract(tmp: Path) -> None:
            try:
                with zf.open(info) as src, open(tmp, "wb") as out:
                    shutil.copyfileobj(src, out, _CHUNK)
            except zipfile.BadZipFile as exc:  # a CRC mismatch: not the bytes that were zipped
                raise zipfile.BadZipFile(f"{self.path}: {info.filename!r} is corrupt ({exc})") from None

        write_new(dest, extract)

    def _archive(self) -> zipfile.ZipFile:
        """The open archive (opened again if used after :meth:`close`)."""
        if self._zip is None:
            self._zip = zipfile.ZipFile(self.path)
        return self._zip

    def open_file(self, key: str) -> IO[bytes]:
        """One file for reading (a label list, a clip to repack), straight from the folder or the
        archive: what a prepare reads rather than places needs no extracted copy."""
        if key not in self._known:
            raise FileNotFoundError(f"{self.path} has no file {key}")
        if self._members is None:
            return open(self.path.joinpath(*PurePosixPath(key).parts), "rb")
        return self._archive().open(self._members[key])

    def place(self, destinations: Mapping[str, Path], description: str) -> None:
        """Put each file ``key`` at ``destinations[key]``, skipping those already there.

        Every key must exist: a label without its image is an error in the raw data,
        reported before anything is written. Archive members are read in the
        archive's order, so the archive is read front to back once.
        """
        missing = [key for key in destinations if key not in self._known]
        if missing:
            shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
            raise FileNotFoundError(f"{self.path} lacks {len(missing)} files: {shown}")
        order: Iterable[str] = destinations
        if self._members is not None:
            members = self._members
            order = sorted(destinations, key=lambda key: members[key].header_offset)
        for folder in {os.path.dirname(dest) for dest in destinations.values()}:
            os.makedirs(folder, exist_ok=True)
        with progress(description, len(destinations)) as advance:
            for key in order:
                dest = destinations[key]
                if not os.path.exists(dest):
                    self.put(key, dest)
                advance()


# -- answers and sample submissions -------------------------------------------------------------

def place_split(raw: Path, name: str, description: str, suffix: str,
                splits: Iterable[tuple[Iterable[str], Path]]) -> None:
    """Put each split's files (``<id><suffix>`` in raw's ``name`` folder or zip) into that split's folder.

    The usual image split: the same raw folder feeds the training and the held-out
    side, each file keeping its name.
    """
    destinations = {f"{i}{suffix}": folder / f"{i}{suffix}" for ids, folder in splits for i in ids}
    with RawImages(raw, name) as files:
        files.place(destinations, description)
