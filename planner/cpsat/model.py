"""`RestartModel`: the CP-SAT model of one instance, and reading a plan back from it."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from planner.cpsat.constraints import Constraints
from planner.cpsat.objective import set_objective
from planner.cpsat.variables import LineVars, SystemVars, make_line_vars, make_system_vars
from planner.data import ProblemData


@dataclass(frozen=True)
class Decisions:
    """What the solver chose, by index: the raw material of a plan."""

    systems: dict[int, tuple[int, int, int] | None]  # s -> (mode, start, end), None if not cleared
    restarts: list[int | None]  # per line; None if not restarted
    units: dict[tuple[int, int], int]  # (line, day) -> units, working days from the restart
    shifts: dict[tuple[int, int], int]  # (line, day) -> shifts, days with shifts > 0
    objective: int


class RestartModel:
    """Variables, constraints C1..C7 and the objective of one `ProblemData`."""

    def __init__(self, data: ProblemData) -> None:
        self.data = data
        self.model = cp_model.CpModel()
        self.model.name = data.name
        self.systems: dict[int, SystemVars] = {
            s: make_system_vars(self.model, data, system)
            for s, system in enumerate(data.systems)
            if not system.cleared
        }
        self.lines: list[LineVars] = [make_line_vars(self.model, data, line) for line in data.lines]
        Constraints(self.model, data, self.systems, self.lines).add_constraints()
        self.objective = set_objective(self.model, data, self.lines)

    def decisions(self, solver: cp_model.CpSolver) -> Decisions:
        """Read the decisions of the solver's best solution."""
        systems: dict[int, tuple[int, int, int] | None] = {}
        for s, sv in self.systems.items():
            if not solver.boolean_value(sv.present):
                systems[s] = None
                continue
            mode = next(k for k, lit in enumerate(sv.modes) if solver.boolean_value(lit))
            systems[s] = (mode, solver.value(sv.start), solver.value(sv.end))
        restarts: list[int | None] = []
        units: dict[tuple[int, int], int] = {}
        shifts: dict[tuple[int, int], int] = {}
        for i, lv in enumerate(self.lines):
            restarted = solver.boolean_value(lv.restarted)
            restarts.append(int(solver.value(lv.restart)) if restarted else None)
            for t, var in lv.units.items():
                n = solver.value(lv.shifts[t])
                if n > 0:
                    shifts[i, t] = n
                    units[i, t] = solver.value(var)
        # The objective's value from its expression, exactly: `objective_value` is a
        # double and came back as 1.9999999999999996 for a makespan of 2.
        return Decisions(systems, restarts, units, shifts, int(solver.value(self.objective)))
