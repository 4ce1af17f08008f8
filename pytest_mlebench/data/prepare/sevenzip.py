"""Members of Kaggle's 7z archives put straight into a prepared competition.

Some competitions ship their files as 7z archives (tensorflow-speech-recognition-challenge's
``train.7z``: 64,000 clips). MLE-bench extracts such an archive whole into the raw folder;
here the raw folder is left as it is, and only the members a prepare needs are extracted,
in one pass over the archive (py7zr decompresses a solid archive's blocks front to back),
into a scratch folder beside their destinations, then renamed into place. A member whose
destination exists is left out, so an interrupted prepare extracts only what is missing.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath

import py7zr
from py7zr.callbacks import ExtractCallback

from .files import progress


def member_names(archive: Path) -> list[str]:
    """The archive's files (not its folders), as posix paths in the archive's order."""
    with py7zr.SevenZipFile(archive) as sz:
        return [info.filename for info in sz.list() if not info.is_directory]


class _Counter(ExtractCallback):
    """Advances a progress bar as each wanted member is written (py7zr reports every member)."""

    def __init__(self, wanted: set[str], advance: Callable[[], None]) -> None:
        self.wanted, self.advance = wanted, advance

    def report_end(self, processing_file_path: str, wrote_bytes: str) -> None:
        if processing_file_path in self.wanted:
            self.advance()

    def report_start_preparation(self) -> None:
        pass

    def report_start(self, processing_file_path: str, processing_bytes: str) -> None:
        pass

    def report_update(self, decompressed_bytes: str) -> None:
        pass

    def report_warning(self, message: str) -> None:
        pass

    def report_postprocess(self) -> None:
        pass


def place(archive: Path, destinations: Mapping[str, Path], scratch: Path, description: str) -> None:
    """Put each member ``name`` of the archive at ``destinations[name]``, skipping those there.

    ``scratch`` is a folder on the destinations' filesystem (the members are renamed from it);
    a temporary folder is made and removed inside it. Every member must exist, which is
    checked before anything is extracted.
    """
    todo = {name: dest for name, dest in destinations.items() if not dest.exists()}
    if not todo:
        return
    missing = sorted(set(todo) - set(member_names(archive)))
    if missing:
        shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        raise FileNotFoundError(f"{archive} lacks {len(missing)} files: {shown}")
    with tempfile.TemporaryDirectory(prefix=".7z-", dir=scratch) as tmp:
        with py7zr.SevenZipFile(archive) as sz, progress(description, len(todo)) as advance:
            sz.extract(path=tmp, targets=list(todo), callback=_Counter(set(todo), advance))
        for folder in {dest.parent for dest in todo.values()}:
            folder.mkdir(parents=True, exist_ok=True)
        for name, dest in todo.items():
            os.replace(Path(tmp, *PurePosixPath(name).parts), dest)
