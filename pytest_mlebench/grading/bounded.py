"""Grading in a child process with a memory and a time limit.

A submission is the agent's file: parsing one of 300 MiB takes pandas to several GB, and a
crafted one can take minutes. Graded in a forked child (which shares the answers already in
memory, copy-on-write), such a file costs the child its limits and is invalid with the
reason; the harness, its other runs and the session keep their memory and their time.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from .errors import InvalidSubmission

MIB = 1024**2


@dataclass(frozen=True)
class Bounds:
    """What one grade may cost: memory beyond what the child inherits, and wall time."""

    #: Memory every grade may take, whatever the file's size...
    base_bytes: int = 4096 * MIB
    #: ...plus this many times the file's size (pandas holds a CSV in several forms at once).
    per_file_byte: int = 24
    #: But never more than this share of the host's memory.
    host_share: float = 0.5
    time_s: float = 600.0

    def memory_for(self, size: int) -> int:
        host = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        return int(min(self.base_bytes + self.per_file_byte * size, self.host_share * host))


def _address_space() -> int:
    """This process's virtual size now: the limit is set on top of what the fork inherited."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _child(fn: Callable[[Path], float], path: Path, memory: int, out: Connection) -> None:
    limit = _address_space() + memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        out.send(("ok", fn(path)))
    except InvalidSubmission as exc:
        out.send(("invalid", str(exc)))
    except MemoryError:
        out.send(("memory", ""))
    except Exception:  # a grader's bug: the harness's fault, reported as such
        out.send(("error", traceback.format_exc()))


def _gib(n: int) -> str:
    return f"{n / 1024**3:.1f} GiB"


def call_bounded(fn: Callable[[Path], float], path: Path, bounds: Bounds) -> float:
    """``fn(path)`` computed in a forked child within ``bounds``.

    A file that needs more memory or time than its bounds is InvalidSubmission with the
    reason; a grader that fails otherwise raises RuntimeError with the child's traceback.
    """
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    memory = bounds.memory_for(size)
    too_big = (f"grading {path.name} ({size / MIB:.1f} MiB) needs more than {_gib(memory)} of "
               f"memory: a submission must be gradable within that")
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(fn, path, memory, send), daemon=True,
                            name="mlebench-grade")
    child.start()
    send.close()
    try:
        if not receive.poll(bounds.time_s):
            raise InvalidSubmission(f"grading {path.name} took longer than {bounds.time_s:g}s: a "
                                    "submission must be gradable within that")
        kind, value = receive.recv()
    except EOFError:  # killed (the kernel's OOM killer, a crash in a parser) before answering
        child.join()
        raise InvalidSubmission(f"{too_big} (the grading process ended with code {child.exitcode})") from None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join()
    if kind == "ok":
        return float(value)
    if kind == "invalid":
        raise InvalidSubmission(value)
    if kind == "memory":
        raise InvalidSubmission(too_big)
    raise RuntimeError(f"the grader failed on {path.name}:\n{value}")
