"""The local runner's sandbox: bubblewrap (Debian's ``bubblewrap``), where it exists.

Without it the local runner's agent is an ordinary child process: it sees every host
process (pytest's environ and memory among them), every prepared data set on the
machine, other sessions' answers included, and the host's network. Under bubblewrap
it sees only what a run needs:

* its workspace (home/, its temp folder) read-write, its agent folder (a copy in the
  workspace) read-only, and the prepared public data bound read-only at home/data (the
  cache's folder itself, where nothing is written through a read-only mount);
* the system read-only: /usr and its merged-/usr links, /etc without the files an
  unprivileged user could not read (shadow, keys), and the Python that runs pytest
  (its venv and base prefix only, not the folders around them);
* a pid namespace of its own with a fresh /proc (no host processes), a minimal /dev,
  and a network namespace of its own with only loopback unless agent.yaml asks for
  network; the harness's validation endpoint and LLM gateway come in over Unix
  sockets relayed to loopback ports (runners/relay), as in a container;
* no cache, no other data folders, no other workspace: /tmp, /root, /home, /work and
  the rest of the host's folders are not there.

It runs with every capability dropped, in a new session (no TIOCSTI into the harness's
terminal), and dies with the dead-man's switch that started it (``--die-with-parent``).
"""

from __future__ import annotations

import functools
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

#: Top-level system folders, bound read-only where they exist (as links where they are links).
SYSTEM = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc")
#: ``--mlebench-local-sandbox``: bubblewrap where it works (auto), always (bwrap), or never.
SANDBOX_CHOICES = ("auto", "bwrap", "none")
#: How long probing bwrap may take (it starts a sandbox that runs ``true``).
PROBE_TIMEOUT_S = 30


@functools.cache
def bwrap_problem() -> str | None:
    """None when bubblewrap can make a sandbox here, else why not (asked once per process)."""
    exe = shutil.which("bwrap")
    if exe is None:
        return "bubblewrap is not installed (Debian: apt-get install bubblewrap)"
    try:
        probe = subprocess.run([exe, *_system_args(), "--unshare-all", "--die-with-parent", "--",
                                "true"], capture_output=True, timeout=PROBE_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap did not start a sandbox: {exc}"
    if probe.returncode != 0:
        return f"bwrap cannot make a sandbox here: {probe.stderr.decode(errors='replace').strip()}"
    return None


def _unreadable(folder: Path) -> Iterable[Path]:
    """Entries under ``folder`` that an unprivileged user could not read (walked, links not followed)."""
    for root, dirs, files in os.walk(folder):
        for name in [*dirs, *files]:
            path = Path(root) / name
            try:
                mode = path.lstat().st_mode
            except OSError:
                continue
            if not stat.S_ISLNK(mode) and not mode & stat.S_IROTH:
                yield path
                if name in dirs:
                    dirs.remove(name)


@functools.cache
def _system_args() -> tuple[str, ...]:
    """The system folders' binds, /etc's unreadable entries hidden: worked out once per process
    (walking /etc took 90 ms, which every run paid)."""
    args: list[str] = []
    for top in SYSTEM:
        path = Path("/") / top
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for hidden in _unreadable(Path("/etc")):
        args += ["--tmpfs", str(hidden)] if hidden.is_dir() else ["--ro-bind", "/dev/null", str(hidden)]
    return tuple(args)


def _python_args() -> list[str]:
    """The Python running pytest (its venv and base prefix), read-only: bound after the /tmp
    tmpfs, since a venv may live under /tmp (CI's does)."""
    args: list[str] = []
    for prefix in sorted({Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}):
        if not any(prefix.is_relative_to(Path("/") / top) for top in SYSTEM):
            args += ["--ro-bind", str(prefix), str(prefix)]
    return args


def bwrap_argv(argv: Sequence[str], *, read_write: Sequence[Path], read_only: Sequence[tuple[Path, str]],
               network: bool, chdir: Path) -> list[str]:
    """``argv`` under bubblewrap: the system read-only, ``read_write`` folders at their own paths,
    ``read_only`` (source, path inside) pairs, and loopback only unless ``network``."""
    args = [shutil.which("bwrap") or "bwrap", *_system_args(),
            "--proc", "/proc", "--dev", "/dev", "--ro-bind", "/sys", "/sys",
            "--tmpfs", "/tmp", "--tmpfs", "/run", *_python_args(),
            "--unshare-all", *(["--share-net"] if network else []),
            "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    for device in sorted(Path("/dev").glob("nvidia*")):  # leased GPUs (CUDA_VISIBLE_DEVICES picks)
        args += ["--dev-bind", str(device), str(device)]
    for folder in read_write:
        args += ["--bind", str(folder), str(folder)]
    for source, inside in read_only:
        args += ["--ro-bind", str(source), inside]
    return [*args, "--chdir", str(chdir), "--", *argv]
