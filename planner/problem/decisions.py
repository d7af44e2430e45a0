"""From decisions to a plan file: one place for the figures and the contract's shape.

Both the CP-SAT search and the greedy baseline produce `Decisions` (by
index); `figures` and `build_plan` turn them into a `restart-plan/1` `Plan`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.formats.schema import Instance, Plan, PlanLine, PlanObjective, PlanProduction, PlanSystem, Status
from planner.problem.data import ProblemData


@dataclass(frozen=True)
class Decisions:
    """What a method chose, by index: the raw material of a plan."""

    systems: dict[int, tuple[int, int, int] | None]  # s -> (mode, start, end), None if not cleared
    restarts: list[int | None]  # per line; None if not restarted
    units: dict[tuple[int, int], int]  # (line, day) -> units, working days from the restart
    shifts: dict[tuple[int, int], int]  # (line, day) -> shifts, days with shifts > 0
    objective: int  # the method's own value of the instance's objective


@dataclass(frozen=True)
class Figures:
    lost_value: int
    lost_units: int
    makespan: int | None  # None when some line is not restarted

    def of(self, objective: str) -> int | None:
        return {"lost_value": self.lost_value, "lost_units": self.lost_units, "makespan": self.makespan}[
            objective
        ]


def figures(data: ProblemData, decisions: Decisions) -> Figures:
    """Lost value and units against the baseline, and the largest restart day."""
    made = [0] * len(data.lines)
    for (i, _), units in decisions.units.items():
        made[i] += units
    lost_value = lost_units = 0
    for line, total in zip(data.lines, made, strict=True):
        worth = data.materials[line.output].value
        if worth > 0:
            lost_value += worth * (line.baseline - total)
            lost_units += line.baseline - total
    restarts = decisions.restarts
    makespan = None if None in restarts else max((r for r in restarts if r is not None), default=0)
    return Figures(lost_value, lost_units, makespan)


def build_plan(
    instance: Instance, data: ProblemData, decisions: Decisions, status: Status, bound: int
) -> Plan:
    """The plan file of `decisions`; its objective value must be the one the method reported."""
    found = figures(data, decisions)
    value = found.of(data.objective)
    if value is None or value != decisions.objective:
        raise RuntimeError(
            f"planner bug: the {data.objective} of the plan recomputes to {value}, "
            f"the method reported {decisions.objective}"
        )
    systems = []
    for s, system in enumerate(data.systems):
        chosen = decisions.systems.get(s)
        if system.cleared:
            systems.append(PlanSystem(id=system.id, mode=None, start_day=None, end_day=0))
        elif chosen is None:
            systems.append(PlanSystem(id=system.id, mode=None, start_day=None, end_day=None))
        else:
            mode, start, end = chosen
            systems.append(PlanSystem(id=system.id, mode=mode, start_day=start, end_day=end))
    lines = [
        PlanLine(id=line.id, restart_day=restart)
        for line, restart in zip(data.lines, decisions.restarts, strict=True)
    ]
    production = []
    for (i, t), shifts in sorted(decisions.shifts.items()):
        line = data.lines[i]
        units = decisions.units.get((i, t), 0)
        # A method may leave shifts free where units do not need them; report the
        # fewest shifts that make the units (still >= 1: a restarted line is staffed).
        fewest = max(1, math.ceil(units / line.rate))
        production.append(PlanProduction(line=line.id, day=t, shifts=min(shifts, fewest), units=units))
    return Plan(
        instance=instance.name,
        status=status,
        objective=PlanObjective(kind=instance.objective, value=value, bound=min(bound, value)),
        lost_value=found.lost_value,
        lost_units=found.lost_units,
        makespan=found.makespan,
        systems=systems,
        lines=lines,
        production=production,
    )


def with_bound(plan: Plan, bound: int) -> Plan:
    """`plan` with `bound` as its proven bound: the one rule for a plan's status and bound.

    The bound is capped at the plan's value (a bound above it proves nothing
    more), and the plan is `optimal` exactly when the bound reaches its value,
    else `feasible`. `plan` must have a value.
    """
    value = plan.objective.value
    assert value is not None, "a plan without a value has no bound to prove"
    bound = min(bound, value)
    status: Status = "optimal" if bound == value else "feasible"
    objective = plan.objective.model_copy(update={"bound": bound})
    return plan.model_copy(update={"status": status, "objective": objective})


def decisions_from_plan(data: ProblemData, plan: Plan) -> Decisions:
    """The decisions of a plan file (by id) in the model's indices, e.g. for a warm start."""
    sys_index = {s.id: i for i, s in enumerate(data.systems)}
    line_index = {ln.id: i for i, ln in enumerate(data.lines)}
    systems: dict[int, tuple[int, int, int] | None] = {}
    for row in plan.systems:
        s = sys_index[row.id]
        if data.systems[s].cleared:
            continue
        if row.mode is None or row.start_day is None or row.end_day is None:
            systems[s] = None
        else:
            systems[s] = (row.mode, row.start_day, row.end_day)
    restarts: list[int | None] = [None] * len(data.lines)
    for line in plan.lines:
        restarts[line_index[line.id]] = line.restart_day
    units = {(line_index[p.line], p.day): p.units for p in plan.production}
    shifts = {(line_index[p.line], p.day): p.shifts for p in plan.production}
    return Decisions(systems, restarts, units, shifts, plan.objective.value or 0)
