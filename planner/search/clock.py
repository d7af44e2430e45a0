"""How long this command has run: the command line's `--time-limit` counts from its start.

A command run as a process (`restart-planner ...`, `python -m planner ...`)
starts with the process: its limit covers Python's start and the planner's
imports (about 0.8 s), which pass before any of its code can start a clock.
Linux says when the process began (`/proc/self/stat`); elsewhere the clock
starts when this module is imported, which the command line does first. A
command invoked within a running process (a test's `CliRunner`, a script)
starts when it is invoked (`begin`).
"""

from __future__ import annotations

import os
import time

_IMPORTED = time.perf_counter()
_began: float | None = None  # when the command was invoked; None: with the process


def begin(with_process: bool) -> None:
    """Start the command's clock: at the process's start, or now."""
    global _began
    _began = None if with_process else time.perf_counter()


def since_start() -> float:
    """Seconds since the command began (`begin`)."""
    if _began is not None:
        return time.perf_counter() - _began
    try:
        with open("/proc/self/stat", "rb") as stat, open("/proc/uptime", "rb") as uptime:
            # Field 22 (after the parenthesised name, which may hold spaces) is the start in clock ticks.
            started = int(stat.read().rsplit(b")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
            up = float(uptime.read().split()[0])
        return max(0.0, up - started)
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _IMPORTED
