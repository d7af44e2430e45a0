"""`RestartModel`: the CP-SAT model of one instance, and reading a plan back from it."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator

from ortools.sat.python import cp_model

from planner.cpsat.constraints import Constraints
from planner.cpsat.objective import make_makespan, set_objective
from planner.cpsat.variables import LineVars, SystemVars, make_line_vars, make_system_vars
from planner.problem import usage
from planner.problem.data import ProblemData
from planner.problem.decisions import Decisions


class RestartModel:
    """Variables, constraints C1..C7 and the objective of one `ProblemData`."""

    def __init__(self, data: ProblemData, check: Callable[[], None] = lambda: None) -> None:
        """Build the model of `data`; `check` is called between steps and may raise to stop it.

        `solve()` passes `Budget.check`: building the model of a large instance
        takes seconds (xl-s1: about 4), and a time limit holds for it too.
        """
        self.data = data
        self.model = cp_model.CpModel()
        self.model.name = data.name
        self.systems: dict[int, SystemVars] = {
            s: make_system_vars(self.model, data, s)
            for s, system in enumerate(data.systems)
            if not system.cleared
        }
        self.lines: list[LineVars] = []
        for i in range(len(data.lines)):
            check()
            self.lines.append(make_line_vars(self.model, data, i))
        makespan = make_makespan(self.model, data) if data.objective == "makespan" else None
        constraints = Constraints(self.model, data, self.systems, self.lines, makespan, check)
        constraints.add_constraints()
        self.stock = constraints.stock
        self.idle_days = constraints.idle_days
        self.objective = set_objective(self.model, data, self.lines, makespan)
        self._saved_domains: dict[int, list[int]] = {}  # variable index -> its domain before `fix`

    def restart_is_free(self, i: int) -> bool:
        """Is the restart day of line i a decision (not fixed by the instance)?"""
        return isinstance(self.lines[i].restart, cp_model.IntVar)

    def fix(self, plan: Decisions, lines: Collection[int] = (), systems: Collection[int] = ()) -> None:
        """Fix the restart days and clearances of `plan`, except those of `lines` and `systems`.

        Shifts, units and stocks stay free. The domains are changed in the
        proto, in place, until `release()` (a later `fix` releases first); the
        large neighbourhood search (`planner.cpsat.lns`) is the user.
        """
        self.release()
        free = {var.index for var, _ in self._schedule(plan, lines, systems)}
        variables = self.model.proto.variables
        for var, value in self._schedule(plan):
            if var.index in free or var.index in self._saved_domains:
                continue  # free, or a variable in two roles (a constant shared by CP-SAT)
            domain = variables[var.index].domain
            self._saved_domains[var.index] = list(domain)
            domain.clear()
            domain.extend([value, value])

    def release(self) -> None:
        """Undo `fix`: every domain as the model made it."""
        proto = self.model.proto
        for index, saved in self._saved_domains.items():
            domain = proto.variables[index].domain
            domain.clear()
            domain.extend(saved)
        self._saved_domains.clear()

    def _schedule(
        self, plan: Decisions, lines: Collection[int] | None = None, systems: Collection[int] | None = None
    ) -> Iterator[tuple[cp_model.IntVar, int]]:
        """The schedule variables (of `lines` and `systems`, or all) with their values in `plan`."""
        horizon = self.data.horizon
        for s, sv in self.systems.items():
            if systems is not None and s not in systems:
                continue
            chosen = plan.systems.get(s)
            start, end = (chosen[1], chosen[2]) if chosen else (sv.earliest, sv.earliest)
            yield sv.present, int(chosen is not None)
            yield sv.start, start
            yield sv.end, end
            for k, lit in enumerate(sv.modes):
                if lit is not sv.present:
                    yield lit, int(chosen is not None and chosen[0] == k)
        for i, lv in enumerate(self.lines):
            if lines is not None and i not in lines:
                continue
            restart = plan.restarts[i]
            if isinstance(lv.restart, cp_model.IntVar):
                yield lv.restart, horizon if restart is None else restart
            if lv.timeless:
                yield lv.restarted, int(restart is not None)

    def warmstart(self, plan: Decisions, check: Callable[[], None] = lambda: None) -> None:
        """Hint every decision variable with `plan` (old hints are cleared first).

        Derived variables (running days, restart-day flags, stocks, ordering
        gates, the makespan) are hinted with the values the plan implies, so a
        feasible plan is a complete, feasible hint. `check` is called between
        lines, as in the build (xl-s1's hint takes about 1.4 s); if it
        raises, the model is left with part of the hint.
        """
        data = self.data
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        horizon = data.horizon
        model = _Hints(self.model)
        for s, sv in self.systems.items():
            chosen = plan.systems.get(s)
            model.add_hint(sv.present, chosen is not None)
            for k, lit in enumerate(sv.modes):
                if lit is not sv.present:
                    model.add_hint(lit, chosen is not None and chosen[0] == k)
            start, end = (chosen[1], chosen[2]) if chosen else (sv.earliest, sv.earliest)
            model.add_hint(sv.start, start)
            model.add_hint(sv.end, end)
            for day, lit in sv.done_by.items():
                model.add_hint(lit, chosen is not None and chosen[2] <= day)
        for i, lv in enumerate(self.lines):
            check()
            restart = plan.restarts[i]
            first = horizon if restart is None else restart
            if isinstance(lv.restart, cp_model.IntVar):
                model.add_hint(lv.restart, first)
            if lv.timeless:
                model.add_hint(lv.restarted, restart is not None)
            for t, (running, starting) in enumerate(zip(lv.on, lv.starts, strict=True)):
                if isinstance(running, cp_model.IntVar):
                    model.add_hint(running, t >= first)
                if isinstance(starting, cp_model.IntVar):
                    model.add_hint(starting, t == first)
            for t, var in lv.shifts.items():
                model.add_hint(var, plan.shifts.get((i, t), 0))
                model.add_hint(lv.units[t], plan.units.get((i, t), 0))
        check()
        stocks = self._stocks(plan, {m for m, _ in self.stock})
        for (m, t), var in self.stock.items():
            model.add_hint(var, stocks[m][t])
        if data.objective == "makespan" and isinstance(self.objective, cp_model.IntVar):
            makespan = max([r for r in plan.restarts if r is not None], default=0)
            model.add_hint(self.objective, makespan)
            if self.idle_days is not None:
                model.add_hint(self.idle_days, horizon - makespan)
        model.write()

    def _stocks(self, plan: Decisions, materials: set[int]) -> dict[int, list[int]]:
        """Stock at the end of each day under `plan`, deliveries at their maximum, one pass."""
        data = self.data
        flow = {m: [0] * data.horizon for m in materials}  # made - consumed, per day
        for (i, t), made in plan.units.items():
            line = data.lines[i]
            if line.output in flow:
                flow[line.output][t] += made
            for m, per_unit in line.inputs.items():
                if m in flow:
                    flow[m][t] -= per_unit * made
        ends = usage.ends(data, plan.systems)
        stocks = {}
        for m in materials:
            material = data.materials[m]
            delivered = usage.delivered(material, ends)
            stock, days = material.on_hand, []
            for t in range(data.horizon):
                stock += flow[m][t] + delivered[t]
                days.append(stock)
            stocks[m] = days
        return stocks

    def decisions(self, solver: cp_model.CpSolver | cp_model.CpSolverSolutionCallback) -> Decisions:
        """Read the decisions of the solver's best solution (or of a callback's solution)."""
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
            restart = int(solver.value(lv.restart)) if solver.boolean_value(lv.restarted) else None
            restarts.append(restart)
            if lv.timeless and restart is not None:
                # Only its restart day is modelled: one shift a working day from it, no units.
                working = self.data.plants[self.data.lines[i].plant].working
                shifts.update({(i, t): 1 for t in range(max(restart, 0), self.data.horizon) if working[t]})
            for t, var in lv.units.items():
                n = solver.value(lv.shifts[t])
                if n > 0:
                    shifts[i, t] = n
                    units[i, t] = solver.value(var)
        # The objective's value from its expression, exactly: `objective_value` is a
        # double and came back as 1.9999999999999996 for a makespan of 2.
        return Decisions(systems, restarts, units, shifts, int(solver.value(self.objective)))


class _Hints:
    """Each variable's hint once, written to the proto in one go; constants need none.

    A constant is shared by every use of its value in CP-SAT, so hinting it
    could only clash. Writing the hints as two lists is ten times quicker than
    `add_hint` per variable (xl-s1: 216,064 variables).
    """

    def __init__(self, model: cp_model.CpModel) -> None:
        self.model = model
        self.values: dict[int, int] = {}
        self._fixed = {
            i
            for i, var in enumerate(model.proto.variables)
            if len(var.domain) == 2 and var.domain[0] == var.domain[1]
        }

    def add_hint(self, var: cp_model.IntVar, value: int | bool) -> None:
        if var.index not in self._fixed:
            self.values.setdefault(var.index, int(value))

    def write(self) -> None:
        hint = self.model.proto.solution_hint
        hint.vars.extend(list(self.values))
        hint.values.extend(list(self.values.values()))
