"""A pytest session on a real pseudo-terminal, read through a terminal emulator (pyte).

The session sees a terminal (isatty, a window size) exactly as under a person's
shell; the test reads what its escape codes leave on the screen, which is what
that person would see, not the byte stream.
"""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
import threading
from collections.abc import Sequence
from pathlib import Path

import pyte
from waiting import GENEROUS_S, end_of, wait_for


class TerminalSession:
    """``python -m pytest args`` in ``root`` on a pseudo-terminal of ``rows`` x ``cols``.

    Rows scrolled off the top are kept, so :meth:`lines` is everything the session left
    on the terminal, as a person scrolling back would read it.
    """

    def __init__(self, root: Path, args: Sequence[str], rows: int = 40, cols: int = 120) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
        env["TERM"] = "xterm"
        self.proc = subprocess.Popen([sys.executable, "-m", "pytest", *args, "-p", "no:cacheprovider"],
                                     cwd=root, stdin=slave, stdout=slave, stderr=slave, env=env)
        os.close(slave)
        self.screen = pyte.HistoryScreen(cols, rows, history=100_000)
        self._stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, args=(master,), daemon=True)
        self._reader.start()

    def _read(self, master: int) -> None:
        try:
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: every process holding the terminal has ended
                    return
                if not chunk:
                    return
                with self._lock:
                    self.raw += chunk
                    self._stream.feed(chunk)
        finally:
            os.close(master)

    def lines(self) -> list[str]:
        """The rows scrolled off and the screen now, without trailing blanks or empty rows at the end."""
        with self._lock:
            columns = range(self.screen.columns)
            scrolled = ["".join(row[x].data for x in columns) for row in self.screen.history.top]
            rows = [row.rstrip() for row in [*scrolled, *self.screen.display]]
        while rows and not rows[-1]:
            rows.pop()
        return rows

    def text(self) -> str:
        return "\n".join(self.lines())

    def wait_for_lines(self, *patterns: str, what: str, timeout: float = GENEROUS_S) -> list[re.Match[str]]:
        """A row matching each pattern, all on the screen at once; fail naming ``what`` if they never are."""
        regexes = [re.compile(pattern) for pattern in patterns]

        def found() -> list[re.Match[str]] | None:
            rows = self.lines()
            matches = [next((m for row in rows if (m := regex.search(row))), None) for regex in regexes]
            return matches if all(matches) else None

        return wait_for(found, what, timeout, proc=self.proc, output=self.text)

    def end(self, what: str, timeout: float = GENEROUS_S) -> int:
        """Wait for the session to end and its last output to reach the screen; its exit code."""
        code = end_of(self.proc, what, self.text, timeout=timeout)
        self._reader.join(timeout)
        return code
