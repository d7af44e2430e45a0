"""Does a progress callback change JLR-2025's plan at 60 s? (It should not; it does, by timing alone.)

    python -m benchmarks.progress_noise 0   # no on_progress
    python -m benchmarks.progress_noise 1   # on_progress puts each progress on a multiprocessing queue
    python -m benchmarks.progress_noise 2   # on_progress appends to a list

Each solves JLR-2025 with `planner.solve.solve` (60 s, 2 workers, seed 0)
in a spawned child process, as the war room's runner does, and prints the
plan's value and bound.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from pathlib import Path
from typing import Any

JLR = Path(__file__).resolve().parents[1] / "instances" / "jlr-2025.json"


def work(with_progress: str, out: Any) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.default_int_handler)
    from planner.formats.read import load_instance
    from planner.solve import solve

    seen: list[Any] = []
    cb = None
    if with_progress == "1":
        cb = lambda p: out.put(("p", p.elapsed))  # noqa: E731
    elif with_progress == "2":
        cb = seen.append
    r = solve(load_instance(JLR), time_limit=60, workers=2, on_progress=cb)
    out.put(("r", r.objective, r.bound))


if __name__ == "__main__":
    ctx = multiprocessing.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=work, args=(sys.argv[1], q), daemon=True)
    t = time.perf_counter()
    p.start()
    while True:
        m = q.get()
        if m[0] == "r":
            print("variant", sys.argv[1], m[1:], round(time.perf_counter() - t, 1))
            break
    p.join()
