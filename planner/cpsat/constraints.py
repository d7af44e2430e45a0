"""The constraint families C1..C7 of models/formulation.md, one method each.

`add_constraints()` reads as the table of contents. The ids match the
contract's numbering (../shared/spec/PROBLEM.md, "Constraints") and the
checker's violation codes in `planner.verify`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import groupby

from ortools.sat.python import cp_model

from planner.cpsat.variables import LinearExpr, LineVars, SystemVars
from planner.problem.data import LineData, ProblemData


class Constraints:
    def __init__(
        self,
        model: cp_model.CpModel,
        data: ProblemData,
        systems: dict[int, SystemVars],
        lines: list[LineVars],
        makespan: cp_model.IntVar | None = None,
        check: Callable[[], None] = lambda: None,
    ) -> None:
        self.model = model
        self.check = check  # called between steps: it raises to stop a build that is out of time
        self.data = data
        self.systems = systems
        self.lines = lines
        self.makespan = makespan
        self.idle_days: cp_model.IntVar | None = None  # from the makespan to H; see `_tail`
        self._idle_tail: cp_model.IntervalVar | None = None
        self.stock: dict[tuple[int, int], cp_model.IntVar] = {}  # (material, day), for hints

    def add_constraints(self) -> None:
        self._c1_precedence()
        self._c2_resources()
        self._c3_line_restart()
        self._c4_shifts()
        self._c5_output()
        self._c6_staff()
        self._c7_materials()
        self.check()

    # -- C1 -------------------------------------------------------------------

    def _c1_precedence(self) -> None:
        """C1: one mode when cleared; start after release and every `after`; fixed starts."""
        model = self.model
        for s, sv in self.systems.items():
            system = self.data.systems[s]
            if len(sv.modes) > 1:
                model.add(sum(sv.modes) == sv.present)
            if system.fixed_start is not None:
                model.add(sv.start == system.fixed_start)
            if system.release > self.data.horizon:
                # start's domain stops at H: a release past it means "never cleared".
                model.add(sv.present == 0)
            # An uncleared system's times mean nothing; pinning them removes
            # symmetric solutions the search would otherwise wander through.
            model.add(sv.start == sv.earliest).only_enforce_if(~sv.present)
            for p in system.after:
                if self.data.systems[p].cleared:
                    continue  # cleared before day 0: ends at 0 <= start
                pv = self.systems[p]
                model.add_implication(sv.present, pv.present)
                model.add(sv.start >= pv.end).only_enforce_if(sv.present)

    # -- C2 -------------------------------------------------------------------

    def _c2_resources(self) -> None:
        """C2: clearance and commissioning demand within the capacity in force each day.

        A time-varying capacity is a cumulative at the peak capacity plus fixed
        "blocking" intervals that take up the difference where it is lower
        (`profile_blocks`).
        """
        for r, resource in enumerate(self.data.resources):
            intervals, demands = resource_users(self.data, self.systems, self.lines, r)
            if not intervals:
                continue
            peak, blocks, taken = profile_blocks(self.model, resource.capacity, resource.id)
            intervals += blocks
            demands += taken
            tail = self._tail(min(resource.capacity))
            if tail is not None:
                intervals.append(tail)
                demands.append(min(resource.capacity))
            self.model.add_cumulative(intervals, demands, peak)

    def _tail(self, capacity: int) -> cp_model.IntervalVar | None:
        """Redundant: under `makespan`, no work after the last restart, when that holds.

        It holds when every system to clear is needed, directly or through
        `after`, by some line: its clearance then ends before that line's
        commissioning, which ends at its restart. The interval from the
        makespan to the horizon then takes `capacity` (the lowest in force),
        which lets the cumulative's energy reasoning raise the makespan's
        lower bound (as `use_interval_makespan` in OR-Tools' rcpsp_sat.py).
        """
        if self.makespan is None or capacity == 0 or self.makespan.proto.domain[0] < 0:
            return None
        needed: set[int] = set()
        todo = [s for line in self.data.lines for s in line.systems]
        while todo:
            s = todo.pop()
            if s not in needed:
                needed.add(s)
                todo.extend(self.data.systems[s].after)
        if any(s not in needed for s in self.systems):
            return None
        if self._idle_tail is None:
            horizon = self.data.horizon
            self.idle_days = self.model.new_int_var(0, horizon, "idle_days")
            self._idle_tail = self.model.new_interval_var(self.makespan, self.idle_days, horizon, "idle_tail")
        return self._idle_tail

    # -- C3 -------------------------------------------------------------------

    def _c3_line_restart(self) -> None:
        """C3: restart after release, systems + commissioning, and `after_lines`.

        `restart == H` encodes "not restarted", which makes `restart[l] >=
        restart[m]` right without a condition: a stopped line is "after"
        anything, and a restarted one forces its predecessors to restart.
        """
        model = self.model
        for line, lv in zip(self.data.lines, self.lines, strict=True):
            self.check()
            if line.running_before_day0:
                continue  # contract: constraint 3 no longer applies
            for before, after in zip(lv.on, lv.on[1:], strict=False):
                if isinstance(before, cp_model.IntVar) and isinstance(after, cp_model.IntVar):
                    model.add_implication(before, after)
            if self.data.objective == "makespan":
                model.add(lv.restarted == 1)
            # Redundant for a free restart (running[l,t] is 0 before this day),
            # but a fixed restart has constant `running` and must still obey it.
            earliest = max(line.release, line.commissioning_days)
            model.add(lv.restart >= earliest).only_enforce_if(lv.restarted)
            for s in line.systems:
                if self.data.systems[s].cleared:
                    continue
                sv = self.systems[s]
                model.add_implication(lv.restarted, sv.present)
                model.add(lv.restart >= sv.end + line.commissioning_days).only_enforce_if(lv.restarted)
            for m in line.after_lines:
                model.add(lv.restart >= self.lines[m].restart)

    # -- C4 -------------------------------------------------------------------

    def _c4_shifts(self) -> None:
        """C4: no shift before the restart; 1..max_shifts on every working day from it."""
        for line, lv in zip(self.data.lines, self.lines, strict=True):
            self.check()
            for t, shifts in lv.shifts.items():
                self.model.add(shifts >= lv.on[t])
                self.model.add(shifts <= line.max_shifts * lv.on[t])

    # -- C5 -------------------------------------------------------------------

    def _c5_output(self) -> None:
        """C5: units within rate x shifts, the ramp-up cap, and the baseline B(l)."""
        for line, lv in zip(self.data.lines, self.lines, strict=True):
            self.check()
            for t, units in lv.units.items():
                self.model.add(units <= line.rate * lv.shifts[t])
                cap = self._ramp_cap(line, lv, t)
                if cap is not None:
                    self.model.add(units <= cap)
            if lv.units:
                self.model.add(sum(lv.units.values()) <= line.baseline)

    def _ramp_cap(self, line: LineData, lv: LineVars, t: int) -> LinearExpr | None:
        """The ramp cap on day t: full rate less what the ramp withholds k days after restart.

        At most one `starts[t-k]` is 1, so the sum picks the cap of the one k
        that applies (or none, past the ramp).
        """
        if not line.ramp:
            return None
        full = line.full_rate
        if line.running_before_day0:
            assert line.fixed_restart is not None
            k = t - line.fixed_restart
            return line.ramp[k] if k < len(line.ramp) else None
        withheld = [
            (full - cap) * lv.starts[t - k] for k, cap in enumerate(line.ramp) if t - k >= 0 and cap < full
        ]
        return full * lv.on[t] - sum(withheld)

    # -- C6 -------------------------------------------------------------------

    def _c6_staff(self) -> None:
        """C6: per plant, pool and day, crew x shifts of its lines within the headcount."""
        for p, plant in enumerate(self.data.plants):
            for pool, headcount in plant.staff.items():
                self.check()
                for t, need in crews_by_day(self.data, self.lines, p, pool):
                    self.model.add(need <= headcount[t])

    # -- C7 -------------------------------------------------------------------

    def _c7_materials(self) -> None:
        """C7: what is consumed each day is in stock or delivered that day.

        `stock[m,t]` is the stock at the end of day t; the day's output is added
        after consumption, so it is usable from t + 1.
        """
        model = self.model
        data = self.data
        pairs = list(zip(data.lines, self.lines, strict=True))
        for m, material in enumerate(data.materials):
            consumers = [(line.inputs[m], lv) for line, lv in pairs if m in line.inputs]
            if not consumers:
                continue  # nothing consumes it: its stock constrains nothing
            self.check()
            makers = [lv for line, lv in pairs if line.output == m]
            top = material.on_hand + sum(material.supply)
            top += sum(line.full_rate * data.horizon for line, _ in pairs if line.output == m)
            previous: LinearExpr = material.on_hand
            for t in range(data.horizon):
                delivered = self._delivered(m, t)
                consumed = [q * lv.units[t] for q, lv in consumers if t in lv.units]
                produced = [lv.units[t] for lv in makers if t in lv.units]
                left = previous + delivered - sum(consumed)
                model.add(left >= 0)
                stock = model.new_int_var(0, top, f"stock[{material.id},{t}]")
                model.add(stock == left + sum(produced))
                self.stock[m, t] = stock
                previous = stock

    def _delivered(self, m: int, t: int) -> LinearExpr:
        """Units of material m delivered on day t: the supply, once its ordering gate is open."""
        material = self.data.materials[m]
        supply = material.supply[t]
        if supply == 0 or material.ordering_system is None:
            return supply
        gate_day = t - material.lead_days  # the ordering system must have ended by this day
        if gate_day < 0:
            return 0
        if self.data.systems[material.ordering_system].cleared:
            return supply
        return supply * self._done_by(material.ordering_system, gate_day)

    def _done_by(self, s: int, day: int) -> cp_model.IntVar:
        """A literal implying that system s is cleared and ends by `day`.

        Only this direction is needed: deliveries only help, so the solver sets
        it whenever it can.
        """
        sv = self.systems[s]
        if day not in sv.done_by:
            lit = self.model.new_bool_var(f"cleared_by[{self.data.systems[s].id},{day}]")
            self.model.add_implication(lit, sv.present)
            self.model.add(sv.end <= day).only_enforce_if(lit)
            sv.done_by[day] = lit
        return sv.done_by[day]


# -- shared with the assumptions of `planner.diagnosis.conflicts` ----------------


def resource_users(
    data: ProblemData, systems: dict[int, SystemVars], lines: list[LineVars], r: int
) -> tuple[list[cp_model.IntervalVar], list[int]]:
    """The intervals that hold resource r (clearance modes, commissioning) and what each holds (C2)."""
    intervals: list[cp_model.IntervalVar] = []
    demands: list[int] = []
    for s, sv in systems.items():
        for mode, interval in zip(data.systems[s].modes, sv.intervals, strict=True):
            if mode.demand.get(r, 0) > 0 and mode.duration > 0:
                intervals.append(interval)
                demands.append(mode.demand[r])
    for line, lv in zip(data.lines, lines, strict=True):
        if lv.commissioning is not None and line.commissioning_demand.get(r, 0) > 0:
            intervals.append(lv.commissioning)
            demands.append(line.commissioning_demand[r])
    return intervals, demands


def profile_blocks(
    model: cp_model.CpModel, capacity: list[int], name: str
) -> tuple[int, list[cp_model.IntervalVar], list[int]]:
    """A capacity profile as a cumulative's capacity: its peak, and fixed intervals taking the rest.

    Where the capacity in force is below the peak, a fixed interval over that
    run of days takes up the difference, so a cumulative at the peak keeps
    the profile.
    """
    peak = max(capacity)
    blocks: list[cp_model.IntervalVar] = []
    taken: list[int] = []
    day = 0
    for level, run in groupby(capacity):
        length = len(list(run))
        if level < peak:
            blocks.append(model.new_fixed_size_interval_var(day, length, f"blocked[{name},{day}]"))
            taken.append(peak - level)
        day += length
    return peak, blocks, taken


def crews_by_day(
    data: ProblemData, lines: list[LineVars], p: int, pool: str
) -> Iterator[tuple[int, LinearExpr]]:
    """Per working day of plant p: the people of `pool` its lines' shifts take (C6)."""
    crews = [
        (line.crew[pool], lv)
        for line, lv in zip(data.lines, lines, strict=True)
        if line.plant == p and pool in line.crew
    ]
    if not crews:
        return
    working = data.plants[p].working
    for t in range(data.horizon):
        if working[t]:
            yield t, sum(people * lv.shifts[t] for people, lv in crews)
