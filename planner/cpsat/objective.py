"""The objective: lost value, lost units, or the makespan (see models/formulation.md)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from planner.cpsat.variables import LinearExpr, LineVars
from planner.problem.data import ProblemData


def set_objective(
    model: cp_model.CpModel, data: ProblemData, lines: list[LineVars], makespan: cp_model.IntVar | None
) -> LinearExpr:
    """Minimise the objective of `data.objective`; returns its expression."""
    if makespan is not None:
        for lv in lines:
            model.add(makespan >= lv.restart)
        if not lines:
            model.add(makespan == 0)
        model.minimize(makespan)
        return makespan
    # B(l) - sum units, weighted; the constant keeps the reported bound in the
    # user's units instead of "value made".
    lost: LinearExpr = 0
    for line, lv in zip(data.lines, lines, strict=True):
        if line.weight > 0:
            lost += line.weight * (line.baseline - sum(lv.units.values()))
    model.minimize(lost)
    return lost


def make_makespan(model: cp_model.CpModel, data: ProblemData) -> cp_model.IntVar:
    """The largest restart day (0 when there are no lines), made before the constraints use it."""
    lowest = min([0] + [line.fixed_restart or 0 for line in data.lines])
    return model.new_int_var(lowest, max(data.horizon - 1, 0), "makespan")
