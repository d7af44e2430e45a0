"""`new_solver`: the one place that makes a CP-SAT solver with the planner's parameters."""

from __future__ import annotations

import sys

from ortools.sat.python import cp_model


def new_solver(time_limit: float, workers: int, seed: int, log: bool = False) -> cp_model.CpSolver:
    """A CP-SAT solver: time limit (0 or more), workers, seed; its log, if asked for, goes to stderr.

    Stderr, because stdout may be where a plan is being written.
    """
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.0, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = log
    if log:
        solver.parameters.log_to_stdout = False
        solver.log_callback = lambda line: print(line, file=sys.stderr)
    return solver
