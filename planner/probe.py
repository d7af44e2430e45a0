"""HiGHS' bounds, computed in a child process beside `solve()`'s search.

The portfolio (planner/portfolio.py) starts a `BoundProbe` of the LP
relaxation (`planner.mip.lp_bound`) as its search begins, and one of the
MIP's root (`planner.mip.root_bound`) where that can pay off within the
time limit; each probe reports its bound once. A child process rather than a
thread: it is killed when the search ends, so it can never outlast the time
limit (HiGHS' presolve does not always keep to its own: xl), and HiGHS'
global thread scheduler is not safe to reset while another HiGHS runs in
the same process (ERGO-Code/HiGHS#3141), which would tie the probe to every
other use of HiGHS in the planner. The child is started as `python -m
planner.probe`, in a session of its own (Ctrl-C reaches the planner, which
kills it), and reads its problem as a pickle on stdin.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Literal

from planner.data import ProblemData

Kind = Literal["lp", "root"]  # planner.mip.lp_bound or planner.mip.root_bound

_PREFIX = "bound "


class BoundProbe:
    """`planner.mip.root_bound` or `lp_bound` of `data`, in a child process; `on_bound` hears it."""

    def __init__(
        self,
        data: ProblemData,
        *,
        time_limit: float,
        seed: int,
        on_bound: Callable[[int], None],
        log: bool = False,
        kind: Kind = "root",
    ) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "planner.probe"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None if log else subprocess.DEVNULL,
            start_new_session=True,
        )
        # The child reads its problem only once it has imported HiGHS: write it from the reader.
        # The wall clock is the one both processes share: the child's time starts before it runs.
        problem = pickle.dumps((kind, data, time.time() + time_limit, seed))
        self._reader = threading.Thread(
            target=self._talk, args=(problem, on_bound), name="root probe", daemon=True
        )
        self._reader.start()

    def _talk(self, problem: bytes, on_bound: Callable[[int], None]) -> None:
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        try:
            with process.stdin:
                process.stdin.write(problem)
            for line in process.stdout:
                text = line.decode(errors="replace")
                if text.startswith(_PREFIX):
                    on_bound(int(text.removeprefix(_PREFIX)))
        except (BrokenPipeError, ValueError):
            pass  # killed before it read its problem, or output it did not mean for us

    @property
    def running(self) -> bool:
        """Is the child still computing?"""
        return self._process.poll() is None

    def stop(self) -> None:
        """Kill the child (if still running) and wait for it."""
        self._process.kill()
        self._process.wait()
        self._reader.join()
        if self._process.stdout is not None:
            self._process.stdout.close()


def main() -> None:
    from planner.mip import lp_bound, root_bound

    kind, data, deadline, seed = pickle.load(sys.stdin.buffer)
    compute = lp_bound if kind == "lp" else root_bound
    bound = compute(data, time_limit=deadline - time.time(), seed=seed)
    if bound is not None:
        print(f"{_PREFIX}{bound}", flush=True)


if __name__ == "__main__":
    main()
