"""Progress on pytest's terminal: live lines for the runs in flight, a status line for commands.

While a session runs, each competition in flight has a line under pytest's own
output: its name, its agent's elapsed time against the time limit, and the last
line of the agent's log. The lines are read from the files the harness lays out
(run directory, agent log, run.json), not sent by the runs, so an xdist
controller, which runs nothing itself, follows its workers' runs from the start
and finish events xdist already forwards to it.

pytest's own output passes through byte for byte: the lines are drawn under the
cursor, which is left at the end of pytest's unfinished line (a ``-v`` line
waiting for its PASSED), and erased before pytest writes again. They are drawn
only on a terminal, and not under -q, -s (the session's own prints share the
terminal) or on a worker.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pytest

from ..data.kaggle import ByteReport
from ..fsutil import read_tail

#: How often the lines are drawn again.
REFRESH_S = 0.5
#: ED 0: the cursor's line from the cursor on, and every line below (rich's Control has no such code).
ERASE_BELOW = "\x1b[J"


@contextmanager
def show_status(message: str) -> Iterator[None]:
    """A spinner with ``message`` on a terminal, one line elsewhere (a CI log), on stderr."""
    from rich.console import Console  # rich on first use (an xdist worker draws nothing)
    from rich.markup import escape

    console = Console(file=sys.stderr)
    if console.is_terminal:
        with console.status(escape(f"[mlebench] {message}")):
            yield
    else:
        console.print(f"\n[mlebench] {message} ...", highlight=False, markup=False)
        yield


@dataclass(frozen=True)
class WatchedRun:
    """The files one item's run writes, in the order it writes them, and its time limit."""

    name: str
    run_dir: Path
    log: Path
    result: Path
    time_limit: float


def clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def last_line(log: Path) -> str:
    """The last line of a log that holds text, as plain text (colours and control characters dropped)."""
    from rich.text import Text

    for line in reversed(read_tail(log, 2000).replace("\r", "\n").split("\n")):
        plain = "".join(c if c.isprintable() else " " for c in Text.from_ansi(line).plain).strip()
        if plain:
            return plain
    return ""


@dataclass
class _Flight:
    run: WatchedRun
    started: float
    #: When the agent's log was first seen: the agent's clock starts there.
    agent_started: float | None = None
    #: What the preparation is doing (a download), when this process is the one preparing.
    detail: str | None = None

    def line(self, now: float) -> tuple[str, str]:
        """The clock and what is happening, read from the run's files."""
        run = self.run
        if run.result.exists():
            return clock(now - self.started), "grading"
        if run.log.exists():
            self.agent_started = self.agent_started or now
            return f"{clock(now - self.agent_started)} / {clock(run.time_limit)}", last_line(run.log)
        if run.run_dir.exists():
            return clock(now - self.started), "starting the agent"
        return clock(now - self.started), f"preparing: {self.detail}" if self.detail else "preparing the data"


class _UnderCursor:
    """pytest's terminal file, with lines of ours kept under its cursor.

    Each write of pytest's erases ours first, so its bytes land exactly where they
    would have; ours are drawn again after. Between writes the cursor rests at the
    end of pytest's unfinished line.
    """

    def __init__(self, terminal: TextIO, original: TextIO) -> None:
        self._terminal = terminal
        self._original = original
        self._lock = threading.Lock()
        self._unfinished = ""
        self._drawn = False
        self._lines: list[str] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self._original, name)

    def write(self, text: str) -> int:
        with self._lock:
            self._erase()
            self._terminal.write(text)
            self._unfinished = (self._unfinished + text).rsplit("\n", 1)[-1]
            self._draw()
        return len(text)

    def flush(self) -> None:
        with self._lock:
            self._terminal.flush()

    def show(self, lines: list[str]) -> None:
        with self._lock:
            self._erase()
            self._lines = lines
            self._draw()
            self._terminal.flush()

    def _erase(self) -> None:
        if self._drawn:
            self._terminal.write(ERASE_BELOW)
            self._drawn = False

    def _draw(self) -> None:
        from rich.control import Control, ControlType
        from rich.text import Text

        size = os.get_terminal_size(self._terminal.fileno())  # fd 1 may be pytest's capture file now
        column = Text.from_ansi(self._unfinished.rsplit("\r", 1)[-1]).cell_len
        if not self._lines or (column and column % size.columns == 0):
            return  # nothing to show, or the terminal is about to wrap: no column to come back to
        room = max(1, size.lines // 2)
        lines = self._lines if len(self._lines) <= room else [
            *self._lines[:room - 1], f"mlebench: and {len(self._lines) - room + 1} more in flight"]
        shown = [Text(line, no_wrap=True) for line in lines]
        for text in shown:
            text.truncate(size.columns - 1, overflow="ellipsis")
        self._terminal.write("\n" + "\n".join(text.plain for text in shown)
                             + str(Control((ControlType.CURSOR_UP, len(shown)),
                                           (ControlType.CURSOR_MOVE_TO_COLUMN, column % size.columns))))
        self._drawn = True


class LiveProgress:
    """The live lines of one session (a plugin, registered by session.py), drawn from its test loop."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.locate: Callable[[str], WatchedRun | None] = lambda _nodeid: None
        self._flights: dict[str, _Flight] = {}
        self._current: str | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        run = self.locate(nodeid)
        if run is not None:
            with self._lock:
                self._flights[nodeid] = _Flight(run, time.monotonic())
        self._current = nodeid

    def pytest_runtest_logfinish(self, nodeid: str) -> None:
        with self._lock:
            self._flights.pop(nodeid, None)

    @pytest.hookimpl(optionalhook=True)
    def pytest_handlecrashitem(self, crashitem: str) -> None:
        """A worker that crashed never finishes its item (xdist)."""
        self.pytest_runtest_logfinish(crashitem)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        if self.config.pluginmanager.get_plugin("terminalreporter") is None:  # -p no:terminal
            return (yield)
        writer = self.config.get_terminal_writer()
        # pytest's writer has no public way to change its file; every plugin writes through it.
        original: TextIO = writer._file
        original.flush()
        # A terminal of our own: during a test pytest's capture points fd 1 at a file.
        terminal = open(os.dup(original.fileno()), "w", encoding=original.encoding, errors="replace")
        screen = _UnderCursor(terminal, original)
        writer._file = screen
        drawing = threading.Thread(target=self._draw_until_stopped, args=(screen,),
                                   name="mlebench-live-progress", daemon=True)
        drawing.start()
        try:
            return (yield)
        finally:
            self._stop.set()
            drawing.join()
            screen.show([])
            writer._file = original
            terminal.close()

    def _draw_until_stopped(self, screen: _UnderCursor) -> None:
        while not self._stop.wait(REFRESH_S):
            screen.show(self.lines())

    def lines(self) -> list[str]:
        """One line per run in flight: name, clock, and the agent's last words or the phase."""
        now = time.monotonic()
        with self._lock:
            flights = list(self._flights.values())
        parts = [(flight.run.name, *flight.line(now)) for flight in flights]
        width = max((len(name) for name, _clock, _what in parts), default=0)
        return [f"mlebench: {name:<{width}}  {when}  {what}".rstrip() for name, when, what in parts]

    @contextmanager
    def downloads(self, description: str) -> Iterator[ByteReport]:
        """Byte progress (data/raw.py's ``Progress``) on the line of the item preparing in this process."""
        flight = self._flights.get(self._current or "")

        def report(done: int, total: int | None) -> None:
            from rich.filesize import decimal

            if flight is not None:
                share = f"{done * 100 // total}% of {decimal(total)}" if total else decimal(done)
                flight.detail = f"{description} {share}"

        try:
            yield report
        finally:
            if flight is not None:
                flight.detail = None


def live_progress(config: pytest.Config) -> LiveProgress | None:
    """This session's live lines; None on a worker, under -q or -s, and when pytest's output is not
    a terminal (a CI log keeps pytest's own lines and nothing else).

    Asked from pytest_configure, before pytest's terminal reporter exists: it will write to
    this sys.stdout.
    """
    if (hasattr(config, "workerinput") or config.get_verbosity() < 0 or config.getoption("capture") == "no"
            or os.environ.get("TERM") == "dumb" or not sys.stdout.isatty()):
        return None
    return LiveProgress(config)
