"""File-tree helpers shared by data preparation and the runners."""

from __future__ import annotations

import os
import secrets
import shutil
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

#: Harness lines in an agent's log start with this, so a reader tells them from the agent's.
NOTE = "[pytest-mlebench]"
#: What one run may bring out of its output folders, besides their bytes: past these the
#: rest is refused with the reason, so copy-out cannot become the harness's slow step.
MAX_OUTPUT_FILES = 20_000
OUTPUT_TIME_BUDGET_S = 120.0


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


def shown_name(name: str) -> str:
    """A name an agent chose, safe in a log: bytes that are not UTF-8 and control
    characters (a terminal escape in a file name) are escaped, never written raw."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def write_note(log: str | os.PathLike[str], text: str) -> None:
    """A line of the harness's own in the agent's log; what it quotes of the agent's (file
    names) is escaped (shown_name), so no name can crash the writer or drive a terminal."""
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"\n{NOTE} {shown_name(text)}\n")


@dataclass
class OutputBudget:
    """What is left of one run's copy-out: bytes, files and time, shared by its folders."""

    max_bytes: int
    max_files: int = MAX_OUTPUT_FILES
    time_budget_s: float = OUTPUT_TIME_BUDGET_S
    used_bytes: int = 0
    used_files: int = 0
    deadline: float = field(init=False)

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.time_budget_s

    def exhausted(self) -> str | None:
        """Why nothing more is copied, or None."""
        if self.used_files >= self.max_files:
            return f"more than {self.max_files:,} files: the rest was not copied"
        if time.monotonic() > self.deadline:
            return f"copying took over {self.time_budget_s:g}s: the rest was not copied"
        return None

    def admit(self, size: int) -> str | None:
        """Count a file of ``size`` bytes in, or say why it is refused."""
        if self.used_bytes + size > self.max_bytes:
            return f"over the {self.max_bytes} byte output cap"
        self.used_bytes += size
        self.used_files += 1
        return None


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


def copy_outputs(src: Path, dest: Path, budget: OutputBudget) -> list[str]:
    """Copy an agent's output folder within ``budget``: regular files and folders only.

    Returns what was refused, so the run's report can say so. A symlink (which could
    point at the answers, or at the whole host) is never followed: one in place of the
    folder itself is refused too. Files are opened without following links or blocking
    (a FIFO swapped in late), and a file that cannot be copied is refused, not raised.
    """
    if src.is_symlink():
        return [f"{src.name}: a symbolic link to {os.readlink(src)} in place of the "
                "folder: nothing was copied"]
    if src.exists() and not src.is_dir():
        return [f"{src.name}: not a folder: nothing was copied"]
    refused: list[str] = []
    for dirpath, dirnames, files in os.walk(src):
        rel = Path(dirpath).relative_to(src)
        (dest / rel).mkdir(parents=True, exist_ok=True)
        for name in list(dirnames):
            if os.path.islink(os.path.join(dirpath, name)):
                refused.append(f"{rel / name}: symbolic link")
                dirnames.remove(name)
        for name in sorted(files):
            if (why := budget.exhausted()) is not None:
                dirnames.clear()
                refused.append(why)
                return refused
            source = Path(dirpath) / name
            try:
                why = ("symbolic link" if source.is_symlink() else
                       _copy_regular(source, dest / rel / name, budget))
            except OSError as exc:
                why = f"not copied ({exc.strerror})"
            if why is not None:
                refused.append(f"{rel / name}: {why}")
    return refused


def _copy_regular(source: Path, target: Path, budget: OutputBudget) -> str | None:
    fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as src:
        st = os.fstat(src.fileno())
        if not stat.S_ISREG(st.st_mode):
            return "not a regular file"
        if (why := budget.admit(st.st_size)) is not None:
            return why
        with open(target, "wb") as out:
            shutil.copyfileobj(src, out, 1024**2)
    return None
