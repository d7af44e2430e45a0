"""Structural reasons that prove an instance has no feasible plan, found before any search.

`structural_reasons(instance)` looks only at what the plan *must* contain and
at each requirement on its own: a system with a `fixed_start`, a line with a
`fixed_restart`, everything under the objective `makespan`, and what those
need (`systems`, `after` and `after_lines` predecessors). Under `lost_value`
and `lost_units` anything else may stay uncleared or stopped, so it is never
blamed.

Every reason must be a proof: `solve()` answers `infeasible` without searching
when the list is not empty. So each bound here is one that *every* plan obeys:

- earliest times: an activity starts no earlier than its release day and the
  earliest end of its predecessors, in the first window of consecutive days
  where the capacity in force covers its own demand (other activities only take
  capacity away);
- a restarted line runs a shift on every working day from its restart on, so
  its one-shift crew alone must fit each pool's headcount on those days.

An empty list means "no structural reason found", not "feasible".
"""

from __future__ import annotations

import graphlib
from dataclasses import dataclass

from planner.formats import words
from planner.formats.schema import Instance
from planner.problem.data import LineData, ProblemData


def structural_reasons(instance: Instance, data: ProblemData | None = None) -> list[str]:
    """Reasons that prove `instance` has no feasible plan, in file order, one per cause.

    Each reason is a sentence naming the entity and its place in the file, for
    example ``systems[3] 'mes': fixed_start 2 but it cannot start before day 5
    (...)``. A problem is reported where it arises, not again at everything
    that depends on it. `data` is the instance's `ProblemData`, where the
    caller has it already.
    """
    return _Checks(ProblemData.from_instance(instance) if data is None else data).reasons()


@dataclass(frozen=True)
class _Clearance:
    """The earliest clearance of one system, if it is cleared at all.

    `ready` is the earliest start allowed by `release_day` and the earliest end
    of the `after` systems (for a fixed start, that bound is checked against
    the fixed day). `start`/`end` are the earliest start and end of a mode
    whose own demand fits the capacity, None when no mode fits in the horizon.
    """

    ready: int
    cause: str  # what sets `ready`: "day0", "release", "after", "cleared"
    pred: int | None  # the `after` system whose end sets `ready`
    start: int | None
    end: int | None
    duration: int  # of the mode giving the earliest end
    blocked: bool  # an `after` system cannot be cleared in the horizon


@dataclass(frozen=True)
class _Restart:
    """The earliest restart day of one line, if it restarts at all.

    `bound` comes from the release day, commissioning, the systems and the
    `after_lines`; `day` also respects the commissioning capacity and the staff,
    and is None when no day of the horizon does.
    """

    bound: int
    why: str  # what sets `bound`
    day: int | None
    wait: str  # why `day` is later than `bound` ("" when it is not)
    failure: str  # why `day` is None, unless `blocked`
    blocked: bool  # a system or an after_lines line it needs cannot be had


class _Checks:
    def __init__(self, data: ProblemData) -> None:
        self.data = data
        self.horizon = data.horizon
        self._ok_cache: dict[tuple[tuple[int, int], ...], list[bool]] = {}
        self.clearance: dict[int, _Clearance] = {}
        self.restart: dict[int, _Restart] = {}
        self.sys_why: dict[int, str] = {}  # mandatory systems -> why they must be cleared
        self.line_why: dict[int, str] = {}  # mandatory lines (restart >= 0) -> why they must restart

    # -- driver -----------------------------------------------------------------

    def reasons(self) -> list[str]:
        self._clearances()
        self._restarts()
        self._mandatory()
        found: list[str] = []
        for s in range(len(self.data.systems)):
            found += self._system_reasons(s)
        for i in range(len(self.data.lines)):
            found += self._line_reasons(i)
        return list(dict.fromkeys(found))

    # -- capacity windows -------------------------------------------------------

    def _ok(self, demand: dict[int, int]) -> list[bool]:
        """Per day: does the capacity in force cover `demand` on its own?"""
        key = tuple(sorted(demand.items()))
        if key not in self._ok_cache:
            caps = [(self.data.resources[r].capacity, q) for r, q in key]
            self._ok_cache[key] = [all(cap[t] >= q for cap, q in caps) for t in range(self.horizon)]
        return self._ok_cache[key]

    def _earliest_window(self, demand: dict[int, int], lo: int, duration: int) -> int | None:
        """First start >= lo of `duration` days that fit `demand` and end by the horizon."""
        lo = max(lo, 0)
        if duration == 0:
            return lo if lo <= self.horizon else None
        ok = self._ok(demand)
        run = 0
        for t in range(lo, self.horizon):
            run = run + 1 if ok[t] else 0
            if run == duration:
                return t - duration + 1
        return None

    def _window_fits(self, demand: dict[int, int], start: int, duration: int) -> bool:
        if start < 0 or start + duration > self.horizon:
            return False
        ok = self._ok(demand)
        return all(ok[start : start + duration])

    def _demand_failure(
        self, demand: dict[int, int], duration: int, lo: int, hi: int, joiner: str = "but"
    ) -> str:
        """Why no window of `duration` days within days lo..hi-1 fits `demand` (one clause)."""
        res = self.data.resources
        need = " and ".join(f"{q} of resource '{res[r].id}'" for r, q in sorted(demand.items()))
        head = f"needs {need} for {words.days(duration)}"
        exact = hi - lo == duration
        span = "in the horizon" if (lo, hi) == (0, self.horizon) else f"on {words.day_span(lo, hi - 1)}"
        for r, q in sorted(demand.items()):
            cap = res[r].capacity[lo:hi]
            if exact and min(cap) < q:
                day = lo + next(k for k, c in enumerate(cap) if c < q)
                return f"{head} {joiner} the capacity of '{res[r].id}' is {cap[day - lo]} on day {day}"
            if max(cap) < q:
                return f"{head} {joiner} the capacity of '{res[r].id}' is at most {max(cap)} {span}"
            run = best = 0
            for c in cap:
                run = run + 1 if c >= q else 0
                best = max(best, run)
            if best < duration:
                return f"{head} {joiner} '{res[r].id}' has {q} on at most {words.days(best)} in a row {span}"
        if exact:
            return f"{head} {joiner} its resources are not all available {span}"
        in_a_row = f"{words.days(duration)} in a row"
        return f"{head} {joiner} its resources are never all available for {in_a_row} {span}"

    # -- earliest clearance of every system ------------------------------------

    def _clearances(self) -> None:
        systems = self.data.systems
        order = graphlib.TopologicalSorter({s: sd.after for s, sd in enumerate(systems)}).static_order()
        for s in order:
            sd = systems[s]
            if sd.cleared:
                self.clearance[s] = _Clearance(0, "cleared", None, 0, 0, 0, False)
                continue
            ready, cause, pred = sd.release, ("release" if sd.release > 0 else "day0"), None
            blocked = False
            for p in sd.after:
                end = self.clearance[p].end
                if end is None:
                    blocked = True
                elif end > ready:
                    ready, cause, pred = end, "after", p
            best: tuple[int, int, int] | None = None  # (end, start, duration)
            for mode in sd.modes:
                if sd.fixed_start is not None:
                    fits = self._window_fits(mode.demand, sd.fixed_start, mode.duration)
                    start: int | None = sd.fixed_start if fits else None
                elif blocked:
                    start = None
                else:
                    start = self._earliest_window(mode.demand, ready, mode.duration)
                if start is not None and (best is None or start + mode.duration < best[0]):
                    best = (start + mode.duration, start, mode.duration)
            if best is None:
                self.clearance[s] = _Clearance(ready, cause, pred, None, None, sd.min_duration, blocked)
            else:
                end, start, duration = best
                self.clearance[s] = _Clearance(ready, cause, pred, start, end, duration, blocked)

    def _chain(self, s: int) -> str:
        """What sets the earliest end of system s: 'a (2 days) -> b (3 days)', or 'takes 3 days'."""
        nodes: list[int] = []
        cur: int | None = s
        while cur is not None:
            nodes.append(cur)
            c = self.clearance[cur]
            fixed = self.data.systems[cur].fixed_start is not None
            cur = c.pred if c.cause == "after" and not fixed else None
        parts = []
        for k, node in enumerate(reversed(nodes)):
            c = self.clearance[node]
            sd = self.data.systems[node]
            notes = []
            if sd.fixed_start is not None:
                notes.append(f"fixed_start {sd.fixed_start}")
            else:
                if k == 0 and c.cause == "release":
                    notes.append(f"release_day {c.ready}")
                if c.start is not None and c.start > c.ready:
                    notes.append(f"waits for capacity until day {c.start}")
            if len(nodes) == 1:
                return ", ".join([*notes, f"takes {words.days(c.duration)}"])
            notes.append(words.days(c.duration))
            parts.append(f"{sd.id} ({', '.join(notes)})")
        return " -> ".join(parts)

    def _ready_why(self, s: int) -> str:
        """Why system s cannot start before its `ready` day."""
        c = self.clearance[s]
        if c.cause == "after" and c.pred is not None:
            p = self.clearance[c.pred]
            return (
                f"it comes after system '{self.data.systems[c.pred].id}', which cannot be cleared "
                f"before day {p.end} ({self._chain(c.pred)})"
            )
        return f"its release_day is {c.ready}"

    # -- earliest restart of every line -----------------------------------------

    def _restarts(self) -> None:
        lines = self.data.lines
        order = graphlib.TopologicalSorter({i: ln.after_lines for i, ln in enumerate(lines)}).static_order()
        for i in order:
            line = lines[i]
            if line.fixed_restart is not None:
                r = line.fixed_restart
                self.restart[i] = _Restart(r, f"fixed_restart {r}", r, "", "", False)
            else:
                self.restart[i] = self._free_restart(line)

    def _free_restart(self, line: LineData) -> _Restart:
        horizon = self.horizon
        c = line.commissioning_days
        bounds: list[tuple[int, str]] = [(0, "")]
        if line.release > 0:
            bounds.append((line.release, f"its release_day is {line.release}"))
        if c > 0:
            bounds.append((c, f"its commissioning takes {words.days(c)} and cannot start before day 0"))
        blocked = False
        for s in line.systems:
            clr = self.clearance[s]
            if clr.end is None:
                blocked = True
            elif clr.cause != "cleared":
                then = f", then commissioning takes {words.days(c)}" if c > 0 else ""
                text = (
                    f"system '{self.data.systems[s].id}' cannot be cleared before day {clr.end} "
                    f"({self._chain(s)}){then}"
                )
                bounds.append((clr.end + c, text))
        for m in line.after_lines:
            rm = self.restart[m]
            if rm.day is None:
                blocked = True
            else:
                bounds.append(
                    (rm.day, f"line '{self.data.lines[m].id}' in its after_lines {self._restart_why(m)}")
                )
        bound, why = max(bounds, key=lambda b: b[0])
        if blocked:
            return _Restart(bound, why, None, "", "", True)

        short = self._staff_shortages(line, 0)
        staffed_from = short[-1][0] + 1 if short else 0  # first day with no short working day after it
        first = max(bound, staffed_from)
        day = next((r for r in range(first, horizon) if self._commissioning_fits(line, r)), None)
        staff_text = ""
        if staffed_from > bound:
            t, pool, need, have = short[-1]
            staff_text = (
                f"one shift needs {need} of pool '{pool}' and plant '{self.data.plants[line.plant].id}' "
                f"has only {have} on day {t}"
            )
        if day is not None:
            waits = []
            if staff_text:
                waits.append(f"it cannot restart before day {staffed_from}: {staff_text}, a working day")
            if day > first:
                waits.append(f"its commissioning does not fit the capacity before day {day}")
            return _Restart(bound, why, day, "; ".join(waits), "", False)

        if bound >= horizon:
            failure = (
                f"the horizon of {words.days(horizon)} is too short: it cannot restart before day {bound}"
            )
            failure += f" ({why})" if why else ""
        elif staffed_from >= horizon:
            failure = (
                f"once restarted it must run a shift on every working day, but {staff_text}, "
                "the last day of the horizon and a working day"
            )
        else:
            fail = self._demand_failure(line.commissioning_demand, c, first - c, horizon - 1)
            failure = f"its commissioning {fail}"
            if staff_text:
                failure += f", and it cannot restart before day {staffed_from}: {staff_text}, a working day"
            elif bound > c:
                failure += f", and it cannot restart before day {bound}: {why}"
        return _Restart(bound, why, None, "", failure, False)

    def _restart_why(self, i: int) -> str:
        """'has fixed_restart 5' or 'cannot restart before day 7 (why)'."""
        rm = self.restart[i]
        line = self.data.lines[i]
        if line.fixed_restart is not None:
            return f"has fixed_restart {line.fixed_restart}"
        assert rm.day is not None
        why = "; ".join(w for w in (rm.why, rm.wait) if w)
        return f"cannot restart before day {rm.day}" + (f" ({why})" if why else "")

    def _commissioning_fits(self, line: LineData, r: int) -> bool:
        c = line.commissioning_days
        if r < c:
            return False
        return not line.commissioning_demand or self._window_fits(line.commissioning_demand, r - c, c)

    def _staff_shortages(self, line: LineData, first_day: int) -> list[tuple[int, str, int, int]]:
        """(day, pool, needed, headcount) for each working day >= first_day where one shift does not fit."""
        plant = self.data.plants[line.plant]
        found = []
        for t in range(max(first_day, 0), self.horizon):
            if not plant.working[t]:
                continue
            for pool, need in sorted(line.crew.items()):
                if need > plant.staff[pool][t]:
                    found.append((t, pool, need, plant.staff[pool][t]))
                    break
        return found

    # -- what the plan must contain ----------------------------------------------

    def _mandatory(self) -> None:
        data = self.data
        lines = data.lines
        if data.objective == "makespan":
            for s, sd in enumerate(data.systems):
                if not sd.cleared:
                    self.sys_why[s] = "the objective makespan clears every system"
            for i, line in enumerate(lines):
                if not line.running_before_day0:
                    self.line_why[i] = "the objective makespan restarts every line"
            return
        for s, sd in enumerate(data.systems):
            if sd.fixed_start is not None:
                self.sys_why[s] = f"it has fixed_start {sd.fixed_start}"
        stack = []
        for i, line in enumerate(lines):
            if line.fixed_restart is not None and line.fixed_restart >= 0:
                self.line_why[i] = f"it has fixed_restart {line.fixed_restart}"
                stack.append(i)
        while stack:
            i = stack.pop()
            for m in lines[i].after_lines:
                if m not in self.line_why and not lines[m].running_before_day0:
                    self.line_why[m] = f"{self._line_subject(i)} comes after it"
                    stack.append(m)
        for i in sorted(self.line_why):
            for s in lines[i].systems:
                if s not in self.sys_why and not data.systems[s].cleared:
                    self.sys_why[s] = f"{self._line_subject(i)} needs it"
        sys_stack = list(self.sys_why)
        while sys_stack:
            s = sys_stack.pop()
            for p in data.systems[s].after:
                if p not in self.sys_why and not data.systems[p].cleared:
                    sd = data.systems[s]
                    fixed = (
                        f"has fixed_start {sd.fixed_start}"
                        if sd.fixed_start is not None
                        else "must be cleared"
                    )
                    self.sys_why[p] = f"system '{sd.id}' {fixed} and comes after it"
                    sys_stack.append(p)

    def _line_subject(self, i: int) -> str:
        line = self.data.lines[i]
        if line.fixed_restart is not None:
            return f"line '{line.id}' has fixed_restart {line.fixed_restart} and"
        return f"line '{line.id}' must restart and"

    # -- reasons -------------------------------------------------------------------

    def _system_reasons(self, s: int) -> list[str]:
        if s not in self.sys_why:
            return []
        sd = self.data.systems[s]
        clr = self.clearance[s]
        here = f"systems[{s}] '{sd.id}'"
        horizon = self.horizon
        found = []
        if sd.fixed_start is not None:
            f = sd.fixed_start
            if f + sd.min_duration > horizon:
                takes = "its shortest mode takes" if len(sd.modes) > 1 else "it takes"
                found.append(
                    f"{here}: fixed_start {f} but {takes} {words.days(sd.min_duration)}, so it would end on "
                    f"day {f + sd.min_duration}, after the horizon of {words.days(horizon)}"
                )
            elif clr.end is None:
                fails = [
                    self._demand_failure(m.demand, m.duration, f, f + m.duration, "while")
                    if f + m.duration <= horizon
                    else f"takes {words.days(m.duration)}, past the horizon of {words.days(horizon)}"
                    for m in sd.modes
                ]
                found.append(f"{here}: fixed_start {f} but {self._modes_text(len(sd.modes), fails)}")
            if sd.release > f:
                found.append(f"{here}: fixed_start {f} is before its release_day {sd.release}")
            if not clr.blocked and clr.cause == "after" and clr.ready > f:
                found.append(
                    f"{here}: fixed_start {f} but it cannot start before day {clr.ready}: "
                    + self._ready_why(s)
                )
            return found
        if clr.end is not None or clr.blocked:
            return []
        must = f"; it must be cleared because {self.sys_why[s]}"
        if all(clr.ready + m.duration > horizon for m in sd.modes):
            shortest = "its shortest mode takes" if len(sd.modes) > 1 else "it takes"
            ready = f"it cannot start before day {clr.ready} ({self._ready_why(s)})" if clr.ready > 0 else ""
            text = f"{ready} and {shortest}" if ready else shortest
            return [
                f"{here}: cannot be cleared within the horizon of {words.days(horizon)}: "
                f"{text} {words.days(sd.min_duration)}{must}"
            ]
        fails = []
        for m in sd.modes:
            if clr.ready + m.duration > horizon:
                fails.append(
                    f"takes {words.days(m.duration)} but cannot start before day {clr.ready}, "
                    f"so it would end after the horizon of {words.days(horizon)}"
                )
            else:
                fails.append(self._demand_failure(m.demand, m.duration, clr.ready, horizon))
        return [f"{here}: {self._modes_text(len(sd.modes), fails)}{must}"]

    @staticmethod
    def _modes_text(n_modes: int, fails: list[str]) -> str:
        if n_modes == 1 and len(fails) == 1:
            return f"it {fails[0]}"
        listed = "; ".join(f"mode {k} {text}" for k, text in enumerate(fails))
        return f"none of its {n_modes} modes fits: {listed}"

    def _line_reasons(self, i: int) -> list[str]:
        line = self.data.lines[i]
        here = f"lines[{i}] '{line.id}'"
        plant_id = self.data.plants[line.plant].id
        r = line.fixed_restart
        if r is not None and r < 0:
            short = self._staff_shortages(line, 0)
            if not short:
                return []
            t, pool, need, have = short[0]
            return [
                f"{here}: running since before day 0 (fixed_restart {r}) it must run a shift on every "
                f"working day, but one shift needs {need} of pool '{pool}' and plant '{plant_id}' has "
                f"only {have} on day {t}"
            ]
        if i not in self.line_why:
            return []
        if r is None:
            rst = self.restart[i]
            if rst.day is not None or rst.blocked:
                return []
            return [f"{here}: {rst.failure}; it must restart because {self.line_why[i]}"]

        found = []
        c = line.commissioning_days
        if line.release > r:
            found.append(f"{here}: fixed_restart {r} is before its release_day {line.release}")
        if c > r:
            found.append(
                f"{here}: fixed_restart {r} but its commissioning takes {words.days(c)}, which would have to "
                "start before day 0"
            )
        late = [
            (clr.end, s)
            for s in line.systems
            if (clr := self.clearance[s]).end is not None and clr.cause != "cleared" and clr.end + c > r
        ]
        if late:
            end, s = max(late)
            then = f" and its commissioning then takes {words.days(c)}" if c > 0 else ""
            found.append(
                f"{here}: fixed_restart {r} but it cannot restart before day {end + c}: system "
                f"'{self.data.systems[s].id}' cannot be cleared before day {end} ({self._chain(s)}){then}"
            )
        for m in line.after_lines:
            rm = self.restart[m]
            if rm.day is not None and rm.day > r:
                later = ", later" if self.data.lines[m].fixed_restart is not None else ""
                found.append(
                    f"{here}: fixed_restart {r} but line '{self.data.lines[m].id}' in its after_lines "
                    f"{self._restart_why(m)}{later}"
                )
        demand = line.commissioning_demand
        if 0 < c <= r and demand and not self._window_fits(demand, r - c, c):
            fail = self._demand_failure(demand, c, r - c, r, "while")
            found.append(f"{here}: fixed_restart {r} but its commissioning {fail}")
        short = self._staff_shortages(line, r)
        if short:
            t, pool, need, have = short[0]
            found.append(
                f"{here}: fixed_restart {r} but one shift needs {need} of pool '{pool}' and plant "
                f"'{plant_id}' has only {have} on day {t}, a working day on which it must run"
            )
        return found
