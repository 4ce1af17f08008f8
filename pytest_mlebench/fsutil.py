"""File-tree helpers shared by data preparation and the runners."""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` so that a reader never sees half of it (a report, run.json).

    The file's mode follows the umask as a plain ``open`` would; ``mkstemp`` would make
    it 0600 whatever the umask.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def remove_tree(path: Path) -> None:
    """Remove a folder even where it was made read-only (data mounts, agent outputs)."""
    if not path.exists() and not path.is_symlink():
        return
    if path.is_symlink() or path.is_file():
        path.unlink()
        return
    for dirpath, dirnames, _files in os.walk(path):
        os.chmod(dirpath, 0o700)
        for name in dirnames:
            full = os.path.join(dirpath, name)
            if not os.path.islink(full):
                os.chmod(full, 0o700)
    shutil.rmtree(path)


def read_tail(path: Path, max_chars: int) -> str:
    """The last ``max_chars`` characters of a UTF-8 text file, "" when it cannot be read.

    Read from the end: an agent's log can hold gigabytes, and its tail is read again
    every time a live line is drawn.
    """
    try:
        with open(path, "rb") as file:
            size = file.seek(0, os.SEEK_END)
            file.seek(max(0, size - 4 * max_chars))  # a UTF-8 character is at most 4 bytes
            data = file.read()
    except OSError:
        return ""
    return data.decode(errors="replace")[-max_chars:]


def make_read_only(root: Path) -> None:
    """Files 0444 and folders 0555, so an agent cannot change its data by accident."""
    for dirpath, dirnames, files in os.walk(root, topdown=False):
        for name in files:
            os.chmod(os.path.join(dirpath, name), 0o444)
        for name in dirnames:
            os.chmod(os.path.join(dirpath, name), 0o555)
    os.chmod(root, 0o555)


def copy_outputs(src: Path, dest: Path, max_bytes: int) -> list[str]:
    """Copy an agent's output folder, refusing links and anything past ``max_bytes``.

    Returns what was refused, so the run's report can say so. Only regular files
    and folders are copied; a symlink (which could point at the answers) is not
    followed.
    """
    refused: list[str] = []
    total = 0
    for dirpath, dirnames, files in os.walk(src):
        rel = Path(dirpath).relative_to(src)
        (dest / rel).mkdir(parents=True, exist_ok=True)
        for name in list(dirnames):
            if os.path.islink(os.path.join(dirpath, name)):
                refused.append(f"{rel / name}: symbolic link")
                dirnames.remove(name)
        for name in sorted(files):
            source = Path(dirpath) / name
            if source.is_symlink() or not source.is_file():
                refused.append(f"{rel / name}: not a regular file")
                continue
            size = source.stat().st_size
            if total + size > max_bytes:
                refused.append(f"{rel / name}: over the {max_bytes} byte output cap")
                continue
            total += size
            shutil.copyfile(source, dest / rel / name)
    return refused
