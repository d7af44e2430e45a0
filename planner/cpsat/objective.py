"""The objective: lost value, lost units, or the makespan (see models/formulation.md)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from planner.cpsat.variables import LinearExpr, LineVars
from planner.data import ProblemData


def set_objective(model: cp_model.CpModel, data: ProblemData, lines: list[LineVars]) -> LinearExpr:
    """Minimise the objective of `data.objective`; returns its expression."""
    if data.objective == "makespan":
        return _makespan(model, data, lines)
    # B(l) - sum units, weighted; the constant keeps the reported bound in the
    # user's units instead of "value made".
    lost: LinearExpr = 0
    for line, lv in zip(data.lines, lines, strict=True):
        if line.weight > 0:
            lost += line.weight * (line.baseline - sum(lv.units.values()))
    model.minimize(lost)
    return lost


def _makespan(model: cp_model.CpModel, data: ProblemData, lines: list[LineVars]) -> LinearExpr:
    """The largest restart day (0 when there are no lines)."""
    lowest = min([0] + [line.fixed_restart or 0 for line in data.lines])
    makespan = model.new_int_var(lowest, max(data.horizon - 1, 0), "makespan")
    for lv in lines:
        model.add(makespan >= lv.restart)
    if not lines:
        model.add(makespan == 0)
    model.minimize(makespan)
    return makespan
