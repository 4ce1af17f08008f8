"""Where a result came from: what has to match for two records to be compared."""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
from pathlib import Path


def _run(cmd: list[str]) -> str | None:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


#: Git asked only to read: the agent's repository is the agent's, and its .git/config could
#: name a command for git to run (core.fsmonitor, hooks, filter drivers). ``-c`` outranks the
#: repository's config; no system or user config is read; nothing is written (optional locks).
#: The commands used (rev-parse, ls-files, ls-tree) run no filter: file contents are hashed here.
_SAFE_GIT = ["git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null",
             "-c", "core.untrackedCache=false"]


def _safe_git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return env | {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
                  "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}


def _git_z(folder: Path, *args: str) -> list[str] | None:
    """A read-only git command's NUL-separated records, or None when git fails."""
    try:
        out = subprocess.run([*_SAFE_GIT, *args], cwd=folder, capture_output=True, timeout=20,
                             check=True, env=_safe_git_env())
    except (OSError, subprocess.SubprocessError):
        return None
    return [r for r in out.stdout.decode("utf-8", "surrogateescape").split("\0") if r]


def _worktree_blob(path: Path, mode: str, algorithm: str) -> str | None:
    """The object id git would give the file as it is now, without running its filters
    (None when it is gone); a symlink is its target's text, as git stores it."""
    try:
        if mode == "120000":
            data = os.fsencode(os.readlink(path))
        elif path.is_symlink() or not path.is_file():
            return None
        else:
            data = path.read_bytes()
    except OSError:
        return None
    digest = hashlib.new(algorithm, b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def _entries(records: list[str]) -> dict[str, tuple[str, str]]:
    """path -> (mode, object id) from ``ls-files -s`` or ``ls-tree -r`` records."""
    entries = {}
    for record in records:
        meta, _, path = record.partition("\t")
        fields = meta.split()
        entries[path] = (fields[0], fields[2] if fields[1] == "blob" else fields[1])
    return entries


def _is_dirty(folder: Path, algorithm: str) -> bool:
    """Whether the folder differs from HEAD: a change staged or not, or an untracked file."""
    index = _git_z(folder, "ls-files", "-z", "-s", "--", ".")
    head = _git_z(folder, "ls-tree", "-r", "-z", "HEAD", "--", ".")
    untracked = _git_z(folder, "ls-files", "-z", "--others", "--exclude-standard", "--", ".")
    if index is None or head is None or untracked is None:
        return True
    staged = _entries(index)
    if untracked or staged != _entries(head):
        return True
    for name, (mode, blob) in staged.items():
        if mode == "160000":  # a submodule: its own repository
            continue
        path = folder / name
        if _worktree_blob(path, mode, algorithm) != blob:
            return True
        if mode != "120000" and bool(path.stat().st_mode & 0o111) != (mode == "100755"):
            return True
    return False


@functools.cache
def agent_commit(folder: Path) -> str | None:
    """The git commit of the agent's folder, '+dirty' when it has uncommitted changes there.

    Read without letting the agent's repository run anything on the host (see _SAFE_GIT):
    a file that a checkout filter would rewrite therefore counts as changed.
    """
    if shutil.which("git") is None:
        return None
    commit = _git_z(folder, "rev-parse", "HEAD")
    algorithm = _git_z(folder, "rev-parse", "--show-object-format")
    if not commit or not algorithm:
        return None
    return commit[0].strip() + ("+dirty" if _is_dirty(folder, algorithm[0].strip()) else "")


@functools.cache
def gpu_models() -> dict[str, str]:
    """GPU index -> model name, as the driver reports them (empty without a driver)."""
    if shutil.which("nvidia-smi") is None:
        return {}
    out = _run(["nvidia-smi", "--query-gpu=index,name", "--format=csv,noheader"])
    models = {}
    for line in (out or "").splitlines():
        index, _, name = line.partition(",")
        models[index.strip()] = name.strip()
    return models


def gpu_model(gpus: tuple[str, ...]) -> str | None:
    names = sorted({gpu_models().get(g, "unknown") for g in gpus})
    return ", ".join(names) if names else None


def host_cpus() -> int:
    return len(os.sched_getaffinity(0))
