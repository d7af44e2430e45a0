"""`RestartDayPrices`: the least a plan with given restart days can lose, by the LP with those days fixed.

The time-indexed MIP's LP relaxation is loose on JLR-2025 (3.5 % below the
optimum) only because it restarts lines by fractions; with every restart
day fixed, the same LP is exact at the optimum (benchmarks/README.md, "The
root gap is the restart days'"). So the LP with the `running` columns fixed
prices a vector of restart days: a lower bound on every plan with those
days, and, measured, the value of the best one. One HiGHS LP is kept
loaded and re-solved warm by dual simplex after each change of the columns'
bounds: about 15 ms a vector on JLR-2025, so a search over restart days
(`planner.search.restart_days`) can price thousands of them in a minute.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import highspy
import numpy as np

from planner.mip.formulation import Formulation
from planner.mip.highs import new_highs
from planner.problem.data import ProblemData

Restarts = Sequence[int | None]  # per line, as `Decisions.restarts`


class RestartDayPrices:
    """The LP relaxation of `data`'s MIP, priced at fixed restart days, until `deadline`.

    `deadline` (a `time.perf_counter()` value) bounds every solve: one that
    does not end by then prices its vector as None, like an infeasible one.
    """

    def __init__(self, data: ProblemData, *, seed: int = 0, deadline: float = math.inf) -> None:
        self.deadline = deadline
        self.formulation = Formulation(data)
        program = self.formulation.program
        self.infeasible = bool(program.infeasible)
        self.free = list(self.formulation.running)  # the lines whose restart day is a decision
        lp = program.lp()
        lp.integrality_ = [highspy.HighsVarType.kContinuous] * lp.num_col_
        self._highs = new_highs(False, threads=1, time_limit=float("inf"))
        self._highs.setOptionValue("random_seed", seed)
        self._highs.setOptionValue("solver", "simplex")
        self._highs.passModel(lp)
        self._days = {i: np.arange(w.first, w.last + 1) for i, w in self.formulation.running.items()}
        self._columns = {
            i: np.arange(w.col, w.col + w.last - w.first + 1, dtype=np.int32)
            for i, w in self.formulation.running.items()
        }

    def days(self, i: int) -> tuple[int, int]:
        """The first and last day on which free line i may restart."""
        window = self.formulation.running[i]
        return window.first, window.last

    def price(self, restarts: Restarts) -> float | None:
        """The LP's optimum with the free lines restarting on `restarts` (None: infeasible, or out of time).

        A restart day after a line's last one is taken as no restart: the
        MIP's columns end there, because a later restart is of no use.
        """
        highs = self._highs
        left = self.deadline - time.perf_counter()
        if left <= 0:
            return None
        highs.setOptionValue("time_limit", left)
        for i, columns in self._columns.items():
            restart = restarts[i]
            running = (self._days[i] >= (restart if restart is not None else np.inf)).astype(np.float64)
            highs.changeColsBounds(len(columns), columns, running, running)
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return float(highs.getInfo().objective_function_value)
