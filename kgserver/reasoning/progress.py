"""Report the phases of long work on a terminal (one stderr line per phase, only if stderr is a TTY)."""

from __future__ import annotations

import sys
import time


class Progress:
    """Print ``[  1.2s] phase: detail`` lines to stderr when it is a terminal, else stay silent.

    :param enabled: force on or off; by default on when stderr is a TTY.
    """

    def __init__(self, enabled: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.start = time.perf_counter()

    def __call__(self, phase: str, detail: str = "") -> None:
        """Report that ``phase`` is done (or starting), with an optional detail such as counts."""
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self.start
        line = f"[{elapsed:6.1f}s] {phase}" + (f": {detail}" if detail else "")
        print(line, file=self.stream, flush=True)


def silent() -> Progress:
    """Return a progress reporter that prints nothing."""
    return Progress(enabled=False)
