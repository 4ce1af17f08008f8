"""Kaggle's audio clips moved into a prepared competition, where they ship as archives.

Some audio competitions hand out their clips as one zip per split (``train2.zip``,
``test2.zip``) whose file names carry the label or the clip's index, so a new split
means new names inside a new archive. :func:`zip_clips` builds such an archive
straight from the raw clips (a folder or Kaggle's own archive), each clip read once
and written once, without an extracted copy in between.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Mapping
from pathlib import Path

from .files import progress, write_once
from .images import RawImages

#: Every entry gets this timestamp, so the same clips make the same archive, byte for byte,
#: whenever and however often (after an interruption) it is built.
_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1 << 20


def zip_clips(clips: RawImages, names: Mapping[str, str], archive: Path, folder: str,
              description: str) -> None:
    """Write ``archive`` holding each clip ``key`` of ``names`` as ``<folder>/<names[key]>``
    (at the archive's top level when ``folder`` is empty). Photos ship the same way.

    Entries follow ``names``' order and are stored uncompressed: recorded sound (or JPEG)
    barely deflates, and an agent reads a stored clip without inflating it. The archive appears
    only complete (:func:`write_once`); an existing one is kept.
    """
    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as zf, \
                progress(description, len(names)) as advance:
            for key, name in names.items():
                entry = zipfile.ZipInfo(f"{folder}/{name}" if folder else name, date_time=_TIMESTAMP)
                entry.external_attr = 0o644 << 16
                with clips.open_file(key) as src, zf.open(entry, "w") as out:
                    shutil.copyfileobj(src, out, _CHUNK)
                advance()

    write_once(archive, write)
