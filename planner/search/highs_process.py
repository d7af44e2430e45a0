"""HiGHS' bounds and search, computed in a child process beside `solve()`'s search.

The portfolio (planner/search/portfolio.py) starts a `BoundProbe` of the LP
relaxation (`planner.mip.lp_bound`) as its search begins, one of the MIP's
root (`planner.mip.root_bound`) where that can pay off within the time
limit, and one of HiGHS' whole search of the MIP (`planner.mip.solve_mip`,
"mip") where the LP proves more than CP-SAT. The first two report their
bound once; the search reports each better bound and each plan it finds
(pickled `Decisions`, which the portfolio checks before it uses them). A
child process rather than a
thread: it is killed when the search ends, so it can never outlast the time
limit (HiGHS' presolve does not always keep to its own: xl), and HiGHS'
global thread scheduler is not safe to reset while another HiGHS runs in
the same process (ERGO-Code/HiGHS#3141), which would tie the probe to every
other use of HiGHS in the planner. The child is started as `python -m
planner.search.highs_process`, in a session of its own (Ctrl-C reaches the planner, which
kills it), and reads its problem as a pickle on stdin.
"""

from __future__ import annotations

import base64
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Literal

from planner.problem.data import ProblemData
from planner.problem.decisions import Decisions

Kind = Literal["lp", "root", "mip"]  # planner.mip.lp_bound, root_bound or solve_mip

_PREFIX = "bound "
_PLAN = "plan "


class BoundProbe:
    """`planner.mip.root_bound`, `lp_bound` or `solve_mip` of `data`, in a child process.

    `on_bound` hears its bounds and `on_plan` the plans of the "mip" kind,
    which starts from `hint`.
    """

    def __init__(
        self,
        data: ProblemData,
        *,
        time_limit: float,
        seed: int,
        on_bound: Callable[[int], None],
        log: bool = False,
        kind: Kind = "root",
        hint: Decisions | None = None,
        on_plan: Callable[[Decisions], None] | None = None,
    ) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "planner.search.highs_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None if log else subprocess.DEVNULL,
            start_new_session=True,
        )
        # The child reads its problem only once it has imported HiGHS: write it from the reader.
        # The wall clock is the one both processes share: the child's time starts before it runs.
        problem = pickle.dumps((kind, data, time.time() + time_limit, seed, hint))
        self._reader = threading.Thread(
            target=self._talk, args=(problem, on_bound, on_plan), name=f"highs {kind}", daemon=True
        )
        self._reader.start()

    def _talk(
        self,
        problem: bytes,
        on_bound: Callable[[int], None],
        on_plan: Callable[[Decisions], None] | None,
    ) -> None:
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        try:
            with process.stdin:
                process.stdin.write(problem)
            for line in process.stdout:
                text = line.decode(errors="replace")
                if text.startswith(_PREFIX):
                    on_bound(int(text.removeprefix(_PREFIX)))
                elif text.startswith(_PLAN) and on_plan is not None:
                    on_plan(pickle.loads(base64.b64decode(text.removeprefix(_PLAN))))
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
    from planner.mip import MipListener, lp_bound, root_bound, solve_mip

    kind, data, deadline, seed, hint = pickle.load(sys.stdin.buffer)
    if kind == "mip":

        def plan(decisions: Decisions) -> None:
            print(f"{_PLAN}{base64.b64encode(pickle.dumps(decisions)).decode()}", flush=True)

        said = [-1 << 62]

        def bound(value: int) -> None:
            if value > said[0]:  # HiGHS calls back at every node: say only what is new
                said[0] = value
                print(f"{_PREFIX}{value}", flush=True)

        outcome = solve_mip(
            data,
            time_limit=deadline - time.time(),
            threads=1,
            seed=seed,
            hint=hint,
            listener=MipListener(plan, bound),
        )
        if outcome.decisions is not None:
            plan(outcome.decisions)
        if outcome.bound is not None:
            bound(outcome.bound)
        return
    compute = lp_bound if kind == "lp" else root_bound
    proved = compute(data, time_limit=deadline - time.time(), seed=seed)
    if proved is not None:
        print(f"{_PREFIX}{proved}", flush=True)


if __name__ == "__main__":
    main()
