"""What one grade of an agent's file may cost, and the verdict when it costs more.

A submission is the agent's file: parsing one of 300 MiB takes pandas to several GB, and a
crafted one can take minutes. The grading service (service.py) grades each in a forked child
within these bounds, so such a file costs the child its limits and is invalid with the reason;
the harness, its other runs and the session keep their memory and their time.
"""

from __future__ import annotations

import os
import resource
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InvalidSubmission

MIB = 1024**2

#: What a grading child answers: (kind, value), kind one of these.
OK, INVALID, MEMORY, ERROR = "ok", "invalid", "memory", "error"
#: ...or, when the child gave no answer, what its service says instead.
ENDED, TIMEOUT = "ended", "timeout"


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

    def memory_for(self, path: Path) -> int:
        size = _size(path) or 0
        host = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        return int(min(self.base_bytes + self.per_file_byte * size, self.host_share * host))


def _size(path: Path) -> int | None:
    """The file's size; None when it cannot be read (it is then graded, and refused, as such)."""
    try:
        return path.stat().st_size
    except OSError:
        return None


def _address_space() -> int:
    """This process's virtual size now: the limit is set on top of what the fork inherited."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def within(fn: Callable[[Path], float], path: Path, memory: int) -> tuple[str, Any]:
    """In the grading child: ``fn(path)`` with ``memory`` more bytes at most, as (kind, value)."""
    limit = _address_space() + memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        return OK, float(fn(path))
    except InvalidSubmission as exc:
        return INVALID, str(exc)
    except MemoryError:
        return MEMORY, None
    except Exception:  # a grader's bug: the harness's fault, reported as such
        return ERROR, traceback.format_exc()


def _gib(n: int) -> str:
    return f"{n / 1024**3:.1f} GiB"


def verdict(kind: str, value: Any, path: Path, memory: int, time_s: float) -> float:
    """The score from what grading ``path`` answered; InvalidSubmission with the reason when the
    file cost more than its bounds, RuntimeError (with the child's traceback) for a grader's bug."""
    if kind == OK:
        return float(value)
    if kind == INVALID:
        raise InvalidSubmission(value)
    if kind == TIMEOUT:
        raise InvalidSubmission(f"grading {path.name} took longer than {time_s:g}s: a submission "
                                "must be gradable within that")
    if kind in (MEMORY, ENDED):
        size = _size(path)
        shown = "unreadable" if size is None else f"{size / MIB:.1f} MiB"
        # ENDED: killed (the kernel's OOM killer, a crash in a parser) before answering.
        ended = f" (the grading process ended with code {value})" if kind == ENDED else ""
        raise InvalidSubmission(f"grading {path.name} ({shown}) needs more than {_gib(memory)} of "
                                f"memory: a submission must be gradable within that{ended}")
    raise RuntimeError(f"the grader failed on {path.name}:\n{value}")
