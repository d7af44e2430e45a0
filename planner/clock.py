"""How long this process has run: the command line's `--time-limit` counts from its start.

A command's limit covers Python's start and the planner's imports (about
0.8 s), which pass before any of its code can start a clock. Linux says when
the process began (`/proc/self/stat`); elsewhere the clock starts when this
module is imported, which the command line does first.
"""

from __future__ import annotations

import os
import time

_IMPORTED = time.perf_counter()


def since_start() -> float:
    """Seconds since this process began (since this module's import where the system does not say)."""
    try:
        with open("/proc/self/stat", "rb") as stat, open("/proc/uptime", "rb") as uptime:
            # Field 22 (after the parenthesised name, which may hold spaces) is the start in clock ticks.
            started = int(stat.read().rsplit(b")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
            up = float(uptime.read().split()[0])
        return max(0.0, up - started)
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _IMPORTED
