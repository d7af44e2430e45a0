"""A time-indexed MIP of the restart problem, solved with HiGHS: a peer of the CP-SAT model.

It is what an operations-research practitioner would write instead of the
CP-SAT model, formulated from the contract (../shared/spec/PROBLEM.md) alone,
so that the two methods check each other: where both prove an optimum, the
optima must agree. The formulation is the classic time-indexed one, in its
"step" (on/off) form, whose LP relaxation is the point:

- `started[s,k,t]` (binary, nondecreasing in t): system s started in mode k on
  or before day t. The usual start variable is `x[s,k,t] = started[s,k,t] -
  started[s,k,t-1]`; clearing s is `sum_k started[s,k,last day]`.
  `done(s,t) = sum_k started[s,k,t-d_k]` is "cleared and ended by day t".
- `running[l,t]` (binary, nondecreasing): line l restarted on or before day t;
  the restart day is the first day it is 1.
- `shifts[l,t]`, `units[l,t]` (integers) on the plant's working days;
  `stock[m,t]` (continuous, implied) is the stock of m after day t's
  consumption, before its output is added; at most all that was on hand,
  delivered and made by then (so the LP's duals always give a bound).

Constraints C1..C7 follow the contract's numbering (and the checker's codes):

- C1 `started(s,t) <= done(p,t)` for every p in `after` and every day (the
  strong, disaggregated precedence); one mode at most (exactly one when the
  system must be cleared).
- C2 per resource and day: `q * (started(t) - started(t-d))` over the modes of
  clearances, plus commissioning `q * (running(t+c) - running(t))`, within the
  capacity in force.
- C3 `running(l,t) <= done(s,t-c)` for each s in the line's systems and
  `running(l,t) <= running(m,t)` for each m in `after_lines`.
- C4 `running <= shifts <= max_shifts * running` on working days.
- C5 `units <= rate * shifts`; the ramp
  `units(t) <= full * running(t) - sum_k (full - cap_k) * restart_on(t-k)`;
  the baseline.
- C6 crew x shifts within the headcount, per plant, pool and working day.
- C7 the stock balance, with deliveries `supply(t) * done(gate, t-lead)`.

Start windows are cut by heads (release days and the shortest clearance of
every predecessor) and tails: hard tails for what must be done (under
makespan, pinned restarts and starts), and for what may be left undone, the
last day on which clearing it can still be of use (after it nothing needs it
in time, so a plan that clears it later does as well without it). Under
makespan the restart days are also cut at the makespan of a plan found first
(a serial schedule, or the caller's hint). Precedences implied by others are
left out, and so is every row the columns' bounds already satisfy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from graphlib import TopologicalSorter

from planner.mip.program import Lin, Program
from planner.mip.windows import Window, start_windows
from planner.problem.data import LineData, ProblemData
from planner.problem.decisions import Decisions, figures


class Formulation:
    """The MIP of one instance: its program, and how to read decisions back from a solution."""

    def __init__(self, data: ProblemData, last_restart: int | None = None) -> None:
        self.data = data
        self.program = Program()
        self.horizon = data.horizon
        self.makespan = data.objective == "makespan"
        consumed = {m for line in data.lines for m in line.inputs}
        # Under makespan no unit matters; otherwise a line's units matter when its
        # output has a value or feeds a line.
        self.makes = [
            not self.makespan and (line.weight > 0 or line.output in consumed) for line in data.lines
        ]
        self.bounds = start_windows(data, self.makes, last_restart)
        # Precedences implied by others are left out: the same plans, fewer rows.
        before = _ancestors([x.after for x in data.systems], [not x.cleared for x in data.systems])
        self.after = [_direct(x.after, before) for x in data.systems]
        self.needs = [_direct(line.systems, before) for line in data.lines]
        earlier = _ancestors(
            [line.after_lines for line in data.lines], [not line.running_before_day0 for line in data.lines]
        )
        self.after_lines = [_direct(line.after_lines, earlier) for line in data.lines]
        self.started: dict[tuple[int, int], Window] = {}  # (system, mode)
        self.running: dict[int, Window] = {}  # free lines with a possible restart
        self.shifts: dict[tuple[int, int], int] = {}  # (line, day) -> column
        self.units: dict[tuple[int, int], int] = {}
        self.makespan_col: int | None = None
        self.stock: list[tuple[int, Lin]] = []  # (column, what it equals but for itself), by day
        self._add_variables()
        self._add_constraints()
        self._add_objective()

    # -- variables --

    def _add_variables(self) -> None:
        program, data, bounds = self.program, self.data, self.bounds
        for s, system in enumerate(data.systems):
            if system.cleared or bounds.earliest_start[s] > self.horizon:
                continue
            for k, mode in enumerate(system.modes):
                first, last = bounds.earliest_start[s], bounds.latest_end[s] - mode.duration
                if system.fixed_start is not None:
                    last = min(last, system.fixed_start)
                if first > last:
                    continue
                col = len(program.names)
                for t in range(first, last + 1):
                    program.var(f"started[{system.id},{k},{t}]", 0, 1)
                self.started[s, k] = Window(first, last, col)
        for i, line in enumerate(data.lines):
            if line.fixed_restart is not None:
                continue
            first, last = bounds.earliest_restart[i], bounds.latest_restart[i]
            if first > last:
                if bounds.must_restart[i]:
                    program.infeasible.append(f"line {line.id} cannot restart within the horizon")
                continue
            col = len(program.names)
            for t in range(first, last + 1):
                program.var(f"running[{line.id},{t}]", 0, 1)
            if bounds.must_restart[i]:
                program.lower[col + last - first] = 1
            self.running[i] = Window(first, last, col)
        for i, line in enumerate(data.lines):
            if line.fixed_restart is None and i not in self.running:
                continue  # never restarted
            working = data.plants[line.plant].working
            for t in range(max(0, self.restart_lo(i)), self.horizon):
                if not working[t]:
                    continue
                self.shifts[i, t] = program.var(f"shifts[{line.id},{t}]", 0, line.max_shifts)
                if self.makes[i]:
                    self.units[i, t] = program.var(f"units[{line.id},{t}]", 0, self._units_cap(line, t))

    def restart_lo(self, i: int) -> int:
        """The earliest day line i may run (its fixed restart when pinned)."""
        return self.bounds.earliest_restart[i]

    def _units_cap(self, line: LineData, t: int) -> int:
        cap = line.full_rate
        if line.fixed_restart is not None and 0 <= t - line.fixed_restart < len(line.ramp):
            cap = min(cap, line.ramp[t - line.fixed_restart])
        return cap

    # -- the step expressions --

    def started_by(self, s: int, t: int) -> Lin:
        expr = Lin()
        for k in range(len(self.data.systems[s].modes)):
            window = self.started.get((s, k))
            if window is not None:
                expr.add(window.at(t))
        return expr

    def done_by(self, s: int, t: int) -> Lin:
        """1 when system s is cleared and ends by day t (an already cleared one from day 0)."""
        system = self.data.systems[s]
        if system.cleared:
            return Lin(const=1 if t >= 0 else 0)
        expr = Lin()
        for k, mode in enumerate(system.modes):
            window = self.started.get((s, k))
            if window is not None:
                expr.add(window.at(t - mode.duration))
        return expr

    def cleared(self, s: int) -> Lin:
        return self.started_by(s, self.horizon)

    def running_on(self, i: int, t: int) -> Lin:
        """1 when line i is restarted on or before day t."""
        fixed = self.data.lines[i].fixed_restart
        if fixed is not None:
            return Lin(const=1 if t >= fixed else 0)
        window = self.running.get(i)
        return Lin() if window is None else window.at(t)

    def restart_on(self, i: int, t: int) -> Lin:
        """1 when line i restarts on day t."""
        return self.running_on(i, t) - self.running_on(i, t - 1)

    # -- constraints --

    def _add_constraints(self) -> None:
        self._c1_precedence()
        self._c2_resources()
        self._c3_line_restart()
        self._c4_shifts()
        self._c5_output()
        self._c6_staff()
        self._c7_materials()

    def _c1_precedence(self) -> None:
        """C1: at most one mode (exactly one when it must be cleared); started only once `after` is done."""
        program, data = self.program, self.data
        for s, system in enumerate(data.systems):
            if system.cleared:
                continue
            windows = [(k, w) for (s2, k), w in self.started.items() if s2 == s]
            for k, window in windows:
                for t in range(window.first + 1, window.last + 1):
                    program.le(f"C1_step[{system.id},{k},{t}]", window.at(t - 1) - window.at(t))
            cleared = self.cleared(s)
            if self.bounds.must_clear[s]:
                program.eq(f"C1_clear[{system.id}]", cleared, 1)
            else:
                program.le(f"C1_clear[{system.id}]", cleared, 1)
            if not windows:
                continue
            first = min(w.first for _, w in windows)
            last = max(w.last for _, w in windows)
            for p in self.after[s]:
                if data.systems[p].cleared:
                    continue
                pid = data.systems[p].id
                for t in range(first, last + 1):
                    program.le(f"C1[{system.id},{pid},{t}]", self.started_by(s, t) - self.done_by(p, t))

    def _c2_resources(self) -> None:
        """C2: clearances and commissioning in progress within the capacity in force each day."""
        program, data = self.program, self.data
        for r, resource in enumerate(data.resources):
            load = [Lin() for _ in range(self.horizon)]
            for (s, k), window in self.started.items():
                mode = data.systems[s].modes[k]
                q = mode.demand.get(r, 0)
                if q == 0 or mode.duration == 0:
                    continue
                for t in range(window.first, min(window.last + mode.duration, self.horizon)):
                    load[t].add(window.at(t) - window.at(t - mode.duration), q)
            for i, line in enumerate(data.lines):
                q = line.commissioning_demand.get(r, 0)
                c = line.commissioning_days
                if q == 0 or c == 0 or line.running_before_day0:
                    continue
                for t in range(max(0, self.restart_lo(i) - c), self.horizon):
                    load[t].add(self.running_on(i, t + c) - self.running_on(i, t), q)
            for t in range(self.horizon):
                program.le(f"C2[{resource.id},{t}]", load[t], resource.capacity[t])

    def _c3_line_restart(self) -> None:
        """C3: restart after release, the line's systems plus commissioning, and `after_lines`."""
        program, data = self.program, self.data
        for i, line in enumerate(data.lines):
            if line.running_before_day0:
                continue  # contract: constraint 3 no longer applies
            c = line.commissioning_days
            if line.fixed_restart is not None:
                if line.fixed_restart < max(line.release, c) or line.fixed_restart >= self.horizon:
                    program.infeasible.append(f"line {line.id} cannot restart on its fixed day")
                days = [line.fixed_restart]
            elif i in self.running:
                window = self.running[i]
                days = list(range(window.first, window.last + 1))
                for t in days[1:]:
                    program.le(f"C3_step[{line.id},{t}]", window.at(t - 1) - window.at(t))
            else:
                continue
            for s in self.needs[i]:
                if data.systems[s].cleared:
                    continue  # done from day 0, and the restart is on day c or later
                sid = data.systems[s].id
                for t in days:
                    program.le(f"C3[{line.id},{sid},{t}]", self.running_on(i, t) - self.done_by(s, t - c))
            for m in self.after_lines[i]:
                mid = data.lines[m].id
                for t in days:
                    program.le(
                        f"C3_after[{line.id},{mid},{t}]", self.running_on(i, t) - self.running_on(m, t)
                    )

    def _c4_shifts(self) -> None:
        """C4: 1..max_shifts shifts on every working day from the restart, none before."""
        program, data = self.program, self.data
        for (i, t), col in self.shifts.items():
            line = data.lines[i]
            running = self.running_on(i, t)
            shifts = Lin.col(col)
            program.ge(f"C4_min[{line.id},{t}]", shifts - running)
            program.le(f"C4_max[{line.id},{t}]", shifts - line.max_shifts * running)

    def _c5_output(self) -> None:
        """C5: units within rate x shifts, the ramp-up cap and the baseline."""
        program, data = self.program, self.data
        total: dict[int, Lin] = {}
        for (i, t), col in self.units.items():
            line = data.lines[i]
            units = Lin.col(col)
            program.le(f"C5_rate[{line.id},{t}]", units - line.rate * Lin.col(self.shifts[i, t]))
            if line.fixed_restart is None and line.ramp:
                # Full rate once running, less what the ramp withholds k days after
                # the restart: at most one restart day, so one k applies.
                full = line.full_rate
                cap = full * self.running_on(i, t)
                for k, ramp in enumerate(line.ramp):
                    if ramp < full:
                        cap.add(self.restart_on(i, t - k), -(full - ramp))
                program.le(f"C5_ramp[{line.id},{t}]", units - cap)
            total.setdefault(i, Lin()).add(units)
        for i, made in total.items():
            line = data.lines[i]
            program.le(f"C5_baseline[{line.id}]", made, line.baseline)

    def _c6_staff(self) -> None:
        """C6: per plant, pool and working day, crew x shifts within the headcount."""
        program, data = self.program, self.data
        for p, plant in enumerate(data.plants):
            members = [i for i, line in enumerate(data.lines) if line.plant == p]
            for pool, headcount in plant.staff.items():
                crews = [(i, data.lines[i].crew[pool]) for i in members if pool in data.lines[i].crew]
                if not crews:
                    continue
                for t in range(self.horizon):
                    need = Lin()
                    for i, people in crews:
                        if (i, t) in self.shifts:
                            need.add(Lin.col(self.shifts[i, t]), people)
                    program.le(f"C6[{plant.id},{pool},{t}]", need, headcount[t])

    def _c7_materials(self) -> None:
        """C7: what is consumed each day is in stock or delivered that day.

        `stock[m,t]` (>= 0) is what is left after day t's consumption; day t's
        output joins it for day t+1.
        """
        program, data = self.program, self.data
        for m, material in enumerate(data.materials):
            consumers = [
                (i, line.inputs[m]) for i, line in enumerate(data.lines) if self.makes[i] and m in line.inputs
            ]
            if not consumers or self._never_short(m, consumers):
                continue  # its stock constrains nothing
            makers = [i for i, line in enumerate(data.lines) if self.makes[i] and line.output == m]
            previous = Lin(const=material.on_hand)
            # The most there can be: all that was on hand, delivered and made. Implied,
            # but finite, so that any dual vector of the LP gives a bound (`dual_bound`).
            most = float(material.on_hand)
            for t in range(self.horizon):
                most += material.supply[t]
                stock_col = program.var(f"stock[{material.id},{t}]", 0, most, integer=False)
                stock = Lin.col(stock_col)
                balance = stock - previous - self._delivered(m, t)
                for i, per_unit in consumers:
                    if (i, t) in self.units:
                        balance.add(Lin.col(self.units[i, t]), per_unit)
                program.eq(f"C7[{material.id},{t}]", balance)
                self.stock.append((stock_col, Lin.col(stock_col) - balance))
                previous = stock
                for i in makers:
                    if (i, t) in self.units:
                        previous = previous + Lin.col(self.units[i, t])
                        most += program.upper[self.units[i, t]]

    def _never_short(self, m: int, consumers: list[tuple[int, int]]) -> bool:
        """Whether the stock covers the most the consumers can use, whatever is decided."""
        material = self.data.materials[m]
        stock = material.on_hand
        for t in range(self.horizon):
            surely = self._delivered(m, t)
            stock += surely.const if not surely.terms else 0
            for i, per_unit in consumers:
                if (i, t) in self.units:
                    stock -= per_unit * int(self.program.upper[self.units[i, t]])
            if stock < 0:
                return False
        return True

    def _delivered(self, m: int, t: int) -> Lin:
        material = self.data.materials[m]
        supply = material.supply[t]
        if supply == 0 or material.ordering_system is None:
            return Lin(const=supply)
        return supply * self.done_by(material.ordering_system, t - material.lead_days)

    # -- objective --

    def _add_objective(self) -> None:
        program, data = self.program, self.data
        if not self.makespan:
            program.offset = sum(line.weight * line.baseline for line in data.lines)
            for (i, _), col in self.units.items():
                program.cost[col] = -data.lines[i].weight
            return
        if not data.lines:
            return  # the makespan of no line is 0
        lowest = max(self.restart_lo(i) for i in range(len(data.lines)))
        highest = max(self.bounds.latest_restart)
        col = program.var("makespan", lowest, max(lowest, highest))
        program.cost[col] = 1
        self.makespan_col = col
        for i, line in enumerate(data.lines):
            window = self.running.get(i)
            if window is None:
                continue  # fixed: within the column's bounds
            # restart day = sum_t t * restart_on(t) = last - sum_{t < last} running(t)
            restart = Lin().add(window.at(window.last), window.last)
            for t in range(window.first, window.last):
                restart.add(window.at(t), -1)
            program.ge(f"makespan[{line.id}]", Lin.col(col) - restart)

    def floor(self) -> int:
        """A lower bound on the objective from the columns' bounds alone."""
        program = self.program
        least = program.offset + sum(
            min(c * program.lower[j], c * program.upper[j]) for j, c in enumerate(program.cost) if c
        )
        if not self.makespan:
            least = max(least, 0)  # no line makes more than its baseline
        return math.ceil(least - 1e-6)

    # -- a plan as a point of the program, and back --

    def values_of(self, plan: Decisions) -> list[float]:
        """The column values of `plan`, a start for the search.

        A clearance outside its window is left out: it ends too late to be of
        use (see `start_windows`), or the plan breaks a head and `Program.violation`
        says so.
        """
        values = [0.0] * len(self.program.names)
        for (s, k), window in self.started.items():
            chosen = plan.systems.get(s)
            if chosen is not None and chosen[0] == k and window.first <= chosen[1] <= window.last:
                for t in range(chosen[1], window.last + 1):
                    values[window.col + t - window.first] = 1.0
        for i, window in self.running.items():
            restart = plan.restarts[i]
            if restart is not None and restart <= window.last:
                for t in range(max(restart, window.first), window.last + 1):
                    values[window.col + t - window.first] = 1.0
        for key, col in self.shifts.items():
            values[col] = plan.shifts.get(key, 0)
        for key, col in self.units.items():
            values[col] = plan.units.get(key, 0)
        for col, expr in self.stock:
            values[col] = expr.const + sum(a * values[j] for j, a in expr.terms.items())
        if self.makespan_col is not None:
            restarts = [r for r in plan.restarts if r is not None]
            values[self.makespan_col] = max([int(self.program.lower[self.makespan_col]), *restarts])
        return values

    def decisions(self, values: Sequence[float]) -> Decisions:
        """The decisions of a solution, from its rounded integer values.

        The plan's figures can only be as good as the program's objective at
        `values` (equal, but for a makespan column left above the last
        restart): where they are worse, the two models of the contract
        disagree. That objective is computed here, not taken from HiGHS: after
        its presolve HiGHS may value a solution in the reduced space, and
        there it can be off (xl-s1's production from the greedy plan: "MIP
        start solution is feasible: objective value is 174861680", then "...
        in the reduced space: objective value is 174858160", the value it
        then reported for the same solution).
        """
        data = self.data

        def on(window: Window, t: int) -> bool:
            return values[window.col + t - window.first] > 0.5

        systems: dict[int, tuple[int, int, int] | None] = {}
        for s, system in enumerate(data.systems):
            if system.cleared:
                continue
            systems[s] = None
            for k, mode in enumerate(system.modes):
                window = self.started.get((s, k))
                if window is not None and on(window, window.last):
                    start = next(t for t in range(window.first, window.last + 1) if on(window, t))
                    systems[s] = (k, start, start + mode.duration)
        restarts: list[int | None] = []
        for i, line in enumerate(data.lines):
            window = self.running.get(i)
            if line.fixed_restart is not None:
                restarts.append(line.fixed_restart)
            elif window is not None and on(window, window.last):
                restarts.append(next(t for t in range(window.first, window.last + 1) if on(window, t)))
            else:
                restarts.append(None)
        shifts: dict[tuple[int, int], int] = {}
        units: dict[tuple[int, int], int] = {}
        for key, col in self.shifts.items():
            n = round(values[col])
            if n > 0:
                shifts[key] = n
                units[key] = round(values[self.units[key]]) if key in self.units else 0
        found = Decisions(systems, restarts, units, shifts, 0)
        value = figures(data, found).of(data.objective)
        objective = self.program.objective_at(values)
        if value is None or value > round(objective):
            raise RuntimeError(
                f"planner bug: the MIP's {data.objective} is {objective}, its plan's recomputes to {value}"
            )
        return Decisions(systems, restarts, units, shifts, value)


def _ancestors(parents: list[list[int]], follows: list[bool]) -> list[set[int]]:
    """The transitive parents of each node, through nodes that `follows` its parents.

    `follows[n]` is false for a system already cleared and a line running
    since before day 0: their "after" rules do not hold, so no chain passes
    through them.
    """
    ancestors: list[set[int]] = [set() for _ in parents]
    for n in TopologicalSorter(dict(enumerate(parents))).static_order():
        if follows[n]:
            for p in parents[n]:
                ancestors[n] |= {p} | ancestors[p]
    return ancestors


def _direct(nodes: list[int], ancestors: list[set[int]]) -> list[int]:
    """The nodes that are no ancestor of another one: the rest is implied through them.

    In the LP relaxation too, as `done(q,t) <= started(q,t)` along a chain.
    """
    unique = set(nodes)
    return sorted(n for n in unique if not any(n in ancestors[m] for m in unique if m != n))
