"""Progress for long work (preparation, downloads, image builds) on pytest's terminal.

pytest captures output during fixtures; a status line has to step around the
capture to reach the user. Workers of xdist have no terminal: there the status
is silent and the controller's per-item progress is what the user sees.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

import pytest
from rich.console import Console
from rich.markup import escape


@contextmanager
def show_status(message: str) -> Iterator[None]:
    """A spinner with ``message`` on a terminal, one line elsewhere (a CI log), on stderr."""
    console = Console(file=sys.stderr)
    if console.is_terminal:
        with console.status(escape(f"[mlebench] {message}")):
            yield
    else:
        console.print(f"\n[mlebench] {message} ...", highlight=False, markup=False)
        yield


def status_factory(config: pytest.Config):
    """A ``status(message)`` context manager bound to this session's terminal."""
    if hasattr(config, "workerinput") or config.get_verbosity() < 0:
        return lambda _message: nullcontext()
    capman = config.pluginmanager.getplugin("capturemanager")

    @contextmanager
    def status(message: str) -> Iterator[None]:
        suspend: AbstractContextManager[object] = (
            capman.global_and_fixture_disabled() if capman else nullcontext()
        )
        with suspend, show_status(message):
            yield
    return status
