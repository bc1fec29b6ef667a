"""A command's progress on stderr: one line redrawn in place on a terminal; in a log file or
a pipe, a line now and then (a redrawn line there was one line thousands of updates long)."""

from __future__ import annotations

import math
import sys
import time
from typing import TextIO

REDRAW_S = 0.2
LOG_EVERY_S = 10.0


class StatusLine:
    """Shows a command's progress; :meth:`show` as often as is convenient, :meth:`end` before
    printing anything else."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.live = _is_terminal(self.stream)
        self.every = REDRAW_S if self.live else LOG_EVERY_S
        self.last = -math.inf
        self.open = 0  # (characters of the line left open on the terminal)

    def show(self, text: str, final: bool = False) -> None:
        """Show ``text`` unless it is too soon after the last; ``final`` always shows and ends
        the line."""
        now = time.monotonic()
        if not final and now - self.last < self.every:
            return
        self.last = now
        if self.live:
            self.stream.write(f"\r{text.ljust(self.open)}" + ("\n" if final else ""))
            self.open = 0 if final else len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def end(self) -> None:
        """End a line left open on the terminal."""
        if self.open:
            self.stream.write("\n")
            self.stream.flush()
            self.open = 0


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # (no isatty, or closed)
        return False
