"""Tying a helper process's life to its parent's, so that no helper outlives a killed session.

The runners' dead-man's switches and the grading service both ask the kernel for this
(``prctl``): a signal when the parent dies reaches the helper even after SIGKILL, when no
code of the parent's runs.
"""

from __future__ import annotations

import ctypes
import os
import signal

_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36


def _prctl(option: int, value: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}) failed")


def die_with_parent(parent: int | None = None, sig: signal.Signals = signal.SIGKILL) -> None:
    """Receive ``sig`` when the parent dies; given the ``parent`` pid expected, exit at once if
    it already died before the call (the kernel signals only deaths after it)."""
    _prctl(_PR_SET_PDEATHSIG, sig)
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def become_subreaper() -> None:
    """Adopt this process's orphaned descendants (those that detach by setsid or a double fork)."""
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)
