"""The greedy baseline: what a careful planner does by hand.

`greedy(instance)` returns a feasible `restart-plan/1` (status `feasible`, every
decision given, figures recomputed as the contract says) or None when it cannot
place what the plan must contain. It takes a fraction of a second on 40 lines x
150 systems x 120 days, so it also serves as the CP-SAT model's warm start.

How it plans, in the order a planner would:

1. What is pinned, first: systems with a `fixed_start` (in a mode that fits),
   lines with a `fixed_restart` (their commissioning and one shift of crew on
   every working day from the restart reserved), then what those need by when:
   each system at its earliest, latest start first (one that misses its
   deadline moves to the front and the clearing starts over; as a last resort,
   everything as late as the deadlines allow).
2. Under `lost_value`/`lost_units`, *targets*: repeatedly the line whose restart
   unlocks the most value per team-day of clearance still to do (weighted
   shortest job first). A line's value per unit includes what its output is
   worth to the lines that consume it (engines -> cars); a line that can never
   make anything of value stays stopped. Its systems are cleared by a serial
   schedule generation scheme on per-day capacity profiles, each at its
   earliest start; it restarts on the first day its systems, `after_lines`,
   commissioning and staff allow; the ordering systems of its parts are
   cleared too. Each target is tried with the modes that end first and with
   the modes taking the fewest team-days; the earlier restart wins.
   Under `makespan`: every system and line by a serial schedule generation
   scheme with a classic RCPSP priority rule (longest tail first, ...).
3. Production, day by day: every running line has its reserved shift; extra
   shifts go to the lines first in a priority order while staff lasts; units
   are capped by shifts, ramp-up, the baseline left and the parts in stock plus
   today's deliveries (output usable from the next day); shifts are then cut to
   the fewest that make the units, as `planner.solve` reports them.

Variants are run and the best plan is kept: ordering systems before or after
the line's own; restarting eagerly, "politely" (only where the running lines
keep the shifts they want) or strictly politely; the mode rule for pins; three
priority rules under makespan; production priorities by value per person, per
unit and per part. Heuristic priorities use floats; every figure of the plan is
an exact integer.
"""

from __future__ import annotations

import graphlib
import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

from planner.formats.schema import Instance, Plan
from planner.problem import usage
from planner.problem.data import LineData, ModeData, ProblemData
from planner.problem.decisions import Decisions, build_plan, figures
from planner.search.budget import Budget

Demand = dict[int, int]  # resource index -> amount
_PROMOTIONS = 20  # times the clearing of what pins need starts over with a late system first


def greedy(instance: Instance, budget: Budget | None = None) -> Plan | None:
    """A feasible plan of `instance` built by priority rules, or None when none was found.

    With `budget`, no variant is begun once it has run out, except the first
    schedule and its production: a plan of the largest instance the planner
    solves is then made within about a second of the deadline.
    """
    data = ProblemData.from_instance(instance)
    decisions = greedy_decisions(data, budget)
    return None if decisions is None else greedy_plan(instance, data, decisions)


def greedy_plan(instance: Instance, data: ProblemData, decisions: Decisions) -> Plan:
    """The plan file of the greedy's `decisions`, with the bound it knows (under makespan only)."""
    bound = min(decisions.objective, _makespan_bound(data)) if data.objective == "makespan" else 0
    return build_plan(instance, data, decisions, "feasible", bound)


def greedy_decisions(data: ProblemData, budget: Budget | None = None) -> Decisions | None:
    """The decisions of `greedy`'s plan, for a search that starts from them."""
    facts = _Facts(data)

    def out_of_time(made: object) -> bool:
        return budget is not None and budget.expired() and bool(made)

    schedules: dict[_ScheduleKey, _Schedule] = {}
    pinned: dict[bool, _State | None] = {}  # by the mode rule, the only part of a strategy step 1 uses
    for strategy in _strategies(data):
        if out_of_time(schedules):
            break
        scheduler = _Scheduler(data, facts, strategy)
        if strategy.frugal not in pinned:
            pinned[strategy.frugal] = scheduler.pin()
        state = pinned[strategy.frugal]
        schedule = None if state is None else scheduler.complete(state)
        if schedule is not None:
            schedules.setdefault(schedule.key, schedule)
    candidates = list(schedules.values())
    if not candidates:
        return None
    if data.objective == "makespan":
        # Production does not change the makespan: simulate it for one of the best schedules only.
        candidates = [min(candidates, key=lambda sched: max(sched.restart.values(), default=0))]
    first, *others = facts.production_orders
    outcomes: list[_Outcome] = []
    for sched in candidates:
        if not out_of_time(outcomes):
            outcomes.append(_produce(data, facts, sched, first))
    outcomes.sort(key=lambda outcome: outcome.key)
    # The other production priorities, on the two best schedules only: they rarely change the ranking.
    for o in outcomes[:2]:
        for order in others:
            if not out_of_time(outcomes):
                outcomes.append(_produce(data, facts, o.schedule, order))
    return min(outcomes, key=lambda outcome: outcome.key).decisions


def in_order(data: ProblemData, plan: Decisions) -> Decisions | None:
    """`plan`'s clearances and restarts kept in its order, each as early as `data` permits.

    For a plan made for another version of the instance (a sweep's scenario,
    `planner.decisions.sweep`): what is pinned first, as the greedy does;
    then a serial schedule generation scheme over `plan`'s clearances (each
    in `plan`'s mode) and restarts, taken by `plan`'s day (clearances before
    restarts on the same day, then by index), each placed at its earliest
    start given what is placed before it; a clearance or restart that no
    longer fits the horizon, or needs one of those, is left out. Production
    is the greedy's, day by day. None when the pins cannot be placed.
    """
    facts = _Facts(data)
    scheduler = _Scheduler(data, facts, _Strategy())
    pinned = scheduler.pin()
    if pinned is None:
        return None
    scheduler.state = pinned.copy()
    events = [(chosen[1], 0, s) for s, chosen in plan.systems.items() if chosen is not None]
    events += [(r, 1, i) for i, r in enumerate(plan.restarts) if r is not None and r >= 0]
    for _, kind, k in sorted(events):
        if kind == 0 and k not in scheduler.state.placed and not data.systems[k].cleared:
            chosen = plan.systems[k]
            assert chosen is not None
            scheduler.place_in_mode(k, chosen[0])
        elif kind == 1 and k not in scheduler.state.restart and data.lines[k].fixed_restart is None:
            scheduler.restart_line(k)
    schedule = _Schedule(scheduler.state.placed, scheduler.state.restart)
    return _produce(data, facts, schedule, facts.production_orders[0]).decisions


# --- variants ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Strategy:
    orders_first: bool = False  # clear a line's ordering systems before its own systems
    # "eager": restart on the first day one shift of crew fits; "polite": first where the shifts the
    # running lines want leave room, else eagerly; "strict": politely or not at all.
    staffing: str = "eager"
    rule: str = "tail"  # makespan priority rule: "tail", "ready", "successors"
    # Clear what pins need (and under makespan every system) in the mode with the fewest
    # team-days rather than the one that ends first.
    frugal: bool = False


def _strategies(data: ProblemData) -> list[_Strategy]:
    if data.objective == "makespan":
        return [
            _Strategy(rule=rule, frugal=frugal)
            for frugal in (False, True)
            for rule in ("tail", "ready", "successors")
        ]
    pinned = any(sd.fixed_start is not None for sd in data.systems) or any(
        ln.fixed_restart is not None and ln.fixed_restart >= 0 for ln in data.lines
    )
    return [
        _Strategy(orders_first=first, staffing=staffing, frugal=frugal)
        for frugal in ((False, True) if pinned else (False,))
        for first in (False, True)
        for staffing in ("eager", "polite", "strict")
    ]


# --- what does not change while planning ---------------------------------------------------------


class _Facts:
    """Static analysis of one instance: orders, closures, values, bounds."""

    def __init__(self, data: ProblemData) -> None:
        self.data = data
        self.horizon = data.horizon
        systems, lines = data.systems, data.lines
        self.sys_topo = list(
            graphlib.TopologicalSorter({s: sd.after for s, sd in enumerate(systems)}).static_order()
        )
        self.topo_index = {s: k for k, s in enumerate(self.sys_topo)}
        self.line_topo = list(
            graphlib.TopologicalSorter({i: ln.after_lines for i, ln in enumerate(lines)}).static_order()
        )
        self.closure = self._closures()
        self.ancestors = self._ancestors()
        self.hard = self._hard_requirements()
        self.working = [sum(data.plants[ln.plant].working) for ln in lines]
        self.weight = [self._weight(m.value) for m in data.materials]
        self.consumers: list[list[int]] = [[] for _ in data.materials]
        self.producers: list[list[int]] = [[] for _ in data.materials]
        for i, ln in enumerate(lines):
            self.producers[ln.output].append(i)
            for m in ln.inputs:
                self.consumers[m].append(i)
        self.worth = self._worths()
        self.potential = self._potentials()
        self.soft = self._soft_requirements()
        self.value_rate = [
            self.worth[ln.output] * min(ln.baseline, self.potential[i]) / max(1, self.horizon)
            for i, ln in enumerate(lines)
        ]
        self.desired = [self._desired_shifts(i) for i in range(len(lines))]
        self.mode_work = [[self._mode_work(mode) for mode in sd.modes] for sd in systems]
        self.sys_work = [min(works, default=math.inf) for works in self.mode_work]
        self.comm_work = [
            self._mode_work(ModeData(ln.commissioning_days, ln.commissioning_demand)) for ln in lines
        ]
        self.followers: list[list[int]] = [[] for _ in systems]
        for s, sd in enumerate(systems):
            for p in sd.after:
                self.followers[p].append(s)
        self.tail = self._tails()
        self.successors = self._successor_counts()
        # Who gets staff and parts first: most value per person, per unit, per part consumed.
        self.production_orders = [
            sorted(range(len(lines)), key=key, reverse=True)
            for key in (self._per_person, self._per_unit, self._per_part)
        ]

    def _weight(self, value: int) -> int:
        # Under makespan the objective ignores output; the values still steer production.
        if self.data.objective == "lost_units":
            return 1 if value > 0 else 0
        return value

    def _closures(self) -> list[frozenset[int]]:
        """Per system: itself and every system it comes after, transitively (cleared ones left out)."""
        closure: list[frozenset[int]] = [frozenset()] * len(self.data.systems)
        for s in self.sys_topo:
            sd = self.data.systems[s]
            if not sd.cleared:
                closure[s] = frozenset({s}).union(*(closure[p] for p in sd.after))
        return closure

    def _ancestors(self) -> list[frozenset[int]]:
        """Per line: the lines that must restart before it (its `after_lines`, transitively)."""
        lines = self.data.lines
        found: list[frozenset[int]] = [frozenset()] * len(lines)
        for i in self.line_topo:
            if lines[i].running_before_day0:
                continue  # the restart rules no longer apply to it
            found[i] = frozenset(m for m in lines[i].after_lines if not lines[m].running_before_day0).union(
                *(found[m] for m in lines[i].after_lines)
            )
        return found

    def _hard_requirements(self) -> list[frozenset[int]]:
        """Per line: the systems that must be cleared before it and the lines before it restart."""
        lines = self.data.lines
        hard: list[frozenset[int]] = [frozenset()] * len(lines)
        for i in self.line_topo:
            if lines[i].running_before_day0:
                continue
            own = frozenset().union(*(self.closure[s] for s in lines[i].systems))
            hard[i] = own.union(*(hard[m] for m in lines[i].after_lines))
        return hard

    def _soft_requirements(self) -> list[frozenset[int]]:
        """Per line: the ordering systems (with what they come after) of parts its stock cannot cover."""
        data = self.data
        soft: list[frozenset[int]] = []
        for ln in data.lines:
            need: set[int] = set()
            for m, q in ln.inputs.items():
                mat = data.materials[m]
                if mat.ordering_system is not None and sum(mat.supply) > 0 and mat.on_hand < q * ln.baseline:
                    need |= self.closure[mat.ordering_system]
            soft.append(frozenset(need))
        return soft

    def _worths(self) -> list[float]:
        """Per material: its weight plus the most it is worth per unit to a line consuming it."""
        data = self.data
        memo: dict[int, float] = {}
        visiting: set[int] = set()

        def worth(m: int) -> float:
            if m in memo:
                return memo[m]
            if m in visiting:
                return float(self.weight[m])
            visiting.add(m)
            downstream = max(
                (worth(data.lines[c].output) / data.lines[c].inputs[m] for c in self.consumers[m]),
                default=0.0,
            )
            visiting.discard(m)
            memo[m] = self.weight[m] + downstream
            return memo[m]

        return [worth(m) for m in range(len(data.materials))]

    def _potentials(self) -> list[int]:
        """Per line: an upper bound on what it can make over the horizon (baseline, parts)."""
        data = self.data
        memo: dict[int, int] = {}
        visiting: set[int] = set()

        def available(m: int) -> int:
            mat = data.materials[m]
            return mat.on_hand + sum(mat.supply) + sum(potential(p) for p in self.producers[m])

        def potential(i: int) -> int:
            line = data.lines[i]
            if i in memo:
                return memo[i]
            if i in visiting:
                return line.baseline  # in a cycle: the baseline keeps it an upper bound
            visiting.add(i)
            cap = min([line.baseline] + [available(m) // q for m, q in line.inputs.items()])
            visiting.discard(i)
            memo[i] = cap
            return cap

        return [potential(i) for i in range(len(data.lines))]

    def _desired_shifts(self, i: int) -> int:
        """The shifts a day line i would like once running (its parts permitting)."""
        line = self.data.lines[i]
        per_day = self.potential[i] / max(1, self.working[i])
        return max(1, min(line.max_shifts, math.ceil(per_day / line.rate)))

    def _mode_work(self, mode: ModeData) -> float:
        """Team-days of a mode, each resource counted as a share of its largest capacity."""
        if mode.duration == 0:
            return 0.0
        share = 0.0
        for r, q in mode.demand.items():
            top = max(self.data.resources[r].capacity, default=0)
            share += q / top if top > 0 else math.inf
        return mode.duration * share

    def _tails(self) -> list[int]:
        """Per system: the shortest time from its start to the restart of the last line needing it;
        -1 when no line restarting in the horizon needs it (it only has to end by the horizon)."""
        data = self.data
        after_me: list[int] = [-1] * len(data.systems)
        for ln in data.lines:
            if not ln.running_before_day0:
                for s in ln.systems:
                    after_me[s] = max(after_me[s], ln.commissioning_days)
        tail = [-1] * len(data.systems)
        for s in reversed(self.sys_topo):
            if after_me[s] >= 0:
                tail[s] = data.systems[s].min_duration + after_me[s]
            for p in data.systems[s].after:
                after_me[p] = max(after_me[p], tail[s])
        return tail

    def _successor_counts(self) -> list[int]:
        """Per system: how many systems and lines wait for it, directly or not."""
        data = self.data
        waiting: list[set[int]] = [set() for _ in data.systems]
        line_ids = len(data.systems)
        for i in range(len(data.lines)):
            for s in self.hard[i]:
                waiting[s].add(line_ids + i)
        for s in reversed(self.sys_topo):
            for p in data.systems[s].after:
                waiting[p] |= waiting[s] | {s}
        return [len(w) for w in waiting]

    def _per_unit(self, i: int) -> tuple[float, float]:
        line = self.data.lines[i]
        return (self.worth[line.output], line.rate)

    def _per_part(self, i: int) -> tuple[float, float]:
        line = self.data.lines[i]
        parts = sum(line.inputs.values())
        return (self.worth[line.output] / parts if parts else math.inf, self.worth[line.output])

    def _per_person(self, i: int) -> tuple[float, float]:
        line = self.data.lines[i]
        per_shift = self.worth[line.output] * line.rate
        people = sum(line.crew.values())
        return (per_shift / people if people else math.inf, per_shift)


# --- the schedule: clearances, commissioning, restarts ---------------------------------------------


@dataclass
class _State:
    """What is placed so far, and what is left of every resource and staff pool."""

    capacity: list[list[int]]  # per resource and day: left
    free: list[dict[str, list[int]]]  # per plant, pool and day: left after one shift of each running line
    spare: list[dict[str, list[int]]]  # the same after the shifts running lines want
    placed: dict[int, tuple[int, int, int]]  # system -> (mode, start, end)
    restart: dict[int, int]  # line -> restart day

    def copy(self) -> _State:
        return _State(
            [list(days) for days in self.capacity],
            [{pool: list(days) for pool, days in plant.items()} for plant in self.free],
            [{pool: list(days) for pool, days in plant.items()} for plant in self.spare],
            dict(self.placed),
            dict(self.restart),
        )


_ScheduleKey = tuple[frozenset[tuple[int, tuple[int, int, int]]], frozenset[tuple[int, int]]]


@dataclass(frozen=True)
class _Schedule:
    placed: dict[int, tuple[int, int, int]]  # system -> (mode, start, end)
    restart: dict[int, int]  # line -> restart day

    @property
    def key(self) -> _ScheduleKey:
        return frozenset(self.placed.items()), frozenset(self.restart.items())


class _Scheduler:
    """Places clearances and restarts for one strategy: `pin()`, then `complete()`; None on failure."""

    def __init__(self, data: ProblemData, facts: _Facts, strategy: _Strategy) -> None:
        self.data = data
        self.facts = facts
        self.strategy = strategy
        self.horizon = data.horizon
        self.state = _State(
            [list(r.capacity) for r in data.resources],
            [{pool: list(days) for pool, days in p.staff.items()} for p in data.plants],
            [{pool: list(days) for pool, days in p.staff.items()} for p in data.plants],
            {},
            {},
        )

    def pin(self) -> _State | None:
        """Step 1: the state once what is pinned is placed (it depends on the mode rule only)."""
        return self.state if self._pinned() else None

    def complete(self, pinned: _State) -> _Schedule | None:
        """Step 2 from the state `pin()` gave."""
        self.state = pinned.copy()
        if self.data.objective == "makespan":
            if not self._everything():
                return None
        else:
            self._targets()
        return _Schedule(self.state.placed, self.state.restart)

    # -- primitives --

    def _end(self, s: int) -> int | None:
        if self.data.systems[s].cleared:
            return 0
        placed = self.state.placed.get(s)
        return None if placed is None else placed[2]

    def _fits(self, demand: Demand, t: int) -> bool:
        capacity = self.state.capacity
        return all(capacity[r][t] >= q for r, q in demand.items())

    def _window(self, demand: Demand, lo: int, duration: int, last_end: int) -> int | None:
        """Earliest start >= lo of `duration` days that fit `demand` and end by `last_end`."""
        lo = max(lo, 0)
        if duration == 0:
            return lo if lo <= last_end else None
        run = 0
        for t in range(lo, min(last_end, self.horizon)):
            run = run + 1 if self._fits(demand, t) else 0
            if run == duration:
                return t - duration + 1
        return None

    def _latest_window(self, demand: Demand, lo: int, duration: int, last_end: int) -> int | None:
        """Latest start >= lo of `duration` days that fit `demand` and end by `last_end`."""
        lo = max(lo, 0)
        if duration == 0:
            return last_end if last_end >= lo else None
        run = 0
        for t in range(min(last_end, self.horizon) - 1, lo - 1, -1):
            run = run + 1 if self._fits(demand, t) else 0
            if run == duration:
                return t
        return None

    def _occupy(self, demand: Demand, start: int, duration: int) -> None:
        for t in range(start, start + duration):
            for r, q in demand.items():
                self.state.capacity[r][t] -= q

    def _ready(self, s: int) -> int | None:
        """The earliest start of system s from its release and `after` (None: one is not placed)."""
        ready = self.data.systems[s].release
        for p in self.data.systems[s].after:
            end = self._end(p)
            if end is None:
                return None
            ready = max(ready, end)
        return ready

    def _place(self, s: int, deadline: int | None = None, frugal: bool = False) -> bool:
        """Clear system s at its earliest start, in the mode that ends first (by `deadline`);
        `frugal`: in the mode that takes the fewest team-days, then ends first."""
        sd = self.data.systems[s]
        ready = self._ready(s)
        if ready is None:
            return False
        last_end = self.horizon if deadline is None else min(self.horizon, deadline)
        best: tuple[float, float, int, int] | None = None  # (end, work, mode, start), or (work, end, ...)
        for k, mode in enumerate(sd.modes):
            start = self._window(mode.demand, ready, mode.duration, last_end)
            if start is not None:
                end, work = start + mode.duration, self.facts.mode_work[s][k]
                option = (work, end, k, start) if frugal else (end, work, k, start)
                best = option if best is None or option < best else best
        if best is None:
            return False
        _, _, k, start = best
        end = start + sd.modes[k].duration
        self._occupy(sd.modes[k].demand, start, sd.modes[k].duration)
        self.state.placed[s] = (k, start, end)
        return True

    def place_in_mode(self, s: int, k: int) -> bool:
        """Clear system s in mode k at its earliest start (`in_order`); False when it does not fit."""
        sd = self.data.systems[s]
        ready = self._ready(s)
        if k >= len(sd.modes) or ready is None:
            return False
        mode = sd.modes[k]
        start = self._window(mode.demand, ready, mode.duration, self.horizon)
        if start is None:
            return False
        self._occupy(mode.demand, start, mode.duration)
        self.state.placed[s] = (k, start, start + mode.duration)
        return True

    def restart_line(self, i: int) -> bool:
        """Restart line i on the first day its systems, commissioning and staff allow (`in_order`)."""
        return self._restart(i)

    def _place_fixed(self, s: int) -> bool:
        """A system with a fixed start: the shortest mode that fits on those days (the frugal one)."""
        sd = self.data.systems[s]
        start = sd.fixed_start
        assert start is not None
        if start < sd.release:
            return False
        fitting = []
        for k, mode in enumerate(sd.modes):
            if start + mode.duration <= self.horizon and all(
                self._fits(mode.demand, t) for t in range(start, start + mode.duration)
            ):
                work = self.facts.mode_work[s][k]
                fitting.append((work, mode.duration, k) if self.strategy.frugal else (mode.duration, work, k))
        if not fitting:
            return False
        k = min(fitting)[2]
        duration = sd.modes[k].duration
        self._occupy(sd.modes[k].demand, start, duration)
        self.state.placed[s] = (k, start, start + duration)
        return True

    def _staff_from(self, line: LineData, pools: dict[str, list[int]]) -> int:
        """First day from which one shift of `line` fits `pools` on every working day to the horizon."""
        working = self.data.plants[line.plant].working
        for t in range(self.horizon - 1, -1, -1):
            if working[t] and any(pools[pool][t] < n for pool, n in line.crew.items()):
                return t + 1
        return 0

    def _reserve_staff(self, i: int, first: int) -> None:
        line = self.data.lines[i]
        working = self.data.plants[line.plant].working
        free, spare = self.state.free[line.plant], self.state.spare[line.plant]
        want = self.facts.desired[i]
        for t in range(max(first, 0), self.horizon):
            if working[t]:
                for pool, n in line.crew.items():
                    free[pool][t] -= n
                    spare[pool][t] -= n * want

    def _earliest_restart(self, i: int) -> int:
        """The bound on line i's restart from release, commissioning, systems and after_lines (-1: never)."""
        line = self.data.lines[i]
        c = line.commissioning_days
        lo = max(line.release, c)
        for s in line.systems:
            end = self._end(s)
            if end is None:
                return -1
            lo = max(lo, end + c)
        for m in line.after_lines:
            rm = self.state.restart.get(m)
            if rm is None:
                return -1
            lo = max(lo, rm)
        return lo

    def _restart(self, i: int, deadline: int | None = None, staffing: str = "eager") -> bool:
        """Restart line i on the first day its systems, commissioning and staff allow."""
        line = self.data.lines[i]
        lo = self._earliest_restart(i)
        if lo < 0:
            return False
        last = self.horizon - 1 if deadline is None else min(self.horizon - 1, deadline)
        pools = self.state.free[line.plant] if staffing == "eager" else self.state.spare[line.plant]
        lo = max(lo, self._staff_from(line, pools))
        c = line.commissioning_days
        start = self._window(line.commissioning_demand, lo - c, c, last)
        if start is None:
            return staffing == "polite" and self._restart(i, deadline)
        self._occupy(line.commissioning_demand, start, c)
        self._reserve_staff(i, start + c)
        self.state.restart[i] = start + c
        return True

    def _reserve_pinned_line(self, i: int) -> bool:
        """A line with a fixed restart: its commissioning and its staff, before anything else."""
        line = self.data.lines[i]
        r = line.fixed_restart
        assert r is not None
        if r < 0:
            if self._staff_from(line, self.state.free[line.plant]) > 0:
                return False
            self._reserve_staff(i, 0)
            self.state.restart[i] = r
            return True
        c = line.commissioning_days
        if not (line.release <= r < self.horizon and r >= c):
            return False
        if self._window(line.commissioning_demand, r - c, c, r) != r - c:
            return False
        if self._staff_from(line, self.state.free[line.plant]) > r:
            return False
        self._occupy(line.commissioning_demand, r - c, c)
        self._reserve_staff(i, r)
        self.state.restart[i] = r
        return True

    # -- 1. what is pinned --

    def _pinned(self) -> bool:
        """Fixed starts and restarts, and what they need by when; False when that fails.

        What pins need is cleared at its earliest, latest start first; a system that misses its
        deadline moves to the front (with what it comes after) and the clearing starts over, a few
        times; failing that, everything is cleared as late as the deadlines allow.
        """
        data = self.data
        fixed_systems = sorted(
            (sd.fixed_start, s) for s, sd in enumerate(data.systems) if sd.fixed_start is not None
        )
        if not all(self._place_fixed(s) for _, s in fixed_systems):
            return False
        pinned_lines = [i for i, ln in enumerate(data.lines) if ln.fixed_restart is not None]
        if not all(self._reserve_pinned_line(i) for i in pinned_lines):
            return False
        sys_deadline, line_deadline = self._deadlines()
        systems, topo_index = data.systems, self.facts.topo_index
        # Latest start first: a topological order, as a deadline is at most the latest start of what follows.
        order = [
            s
            for _, _, s in sorted(
                (d - systems[s].min_duration, topo_index[s], s)
                for s, d in sys_deadline.items()
                if s not in self.state.placed
            )
        ]
        before = self.state
        for _ in range(_PROMOTIONS):
            self.state = before.copy()
            missed = self._clear_early(order, sys_deadline)
            if missed is None:
                if self._restart_by(line_deadline) and self._pins_hold():
                    return True
                break
            first = self.facts.closure[missed]  # keeps the order topological
            promoted = [s for s in order if s in first] + [s for s in order if s not in first]
            if promoted == order:
                break
            order = promoted
        self.state = before.copy()
        return self._clear_late(sys_deadline) and self._restart_by(line_deadline) and self._pins_hold()

    def _clear_early(self, order: list[int], deadline: dict[int, int]) -> int | None:
        """Each system of `order` at its earliest; the first that misses its deadline, if any."""
        for s in order:
            if not self._place(s, deadline[s], self.strategy.frugal):
                return s
        return None

    def _clear_late(self, deadline: dict[int, int]) -> bool:
        """Each system at its latest, by its deadline and before what comes after it, last first."""
        data = self.data
        for s in sorted(deadline, key=self.facts.topo_index.__getitem__, reverse=True):
            if s in self.state.placed:
                continue
            sd = data.systems[s]
            due = min(
                [deadline[s]]
                + [self.state.placed[f][1] for f in self.facts.followers[s] if f in self.state.placed]
            )
            ready = max([sd.release] + [self._end(p) or 0 for p in sd.after])
            best: tuple[int, float, int] | None = None  # (start, -work, mode): the latest start
            for k, mode in enumerate(sd.modes):
                start = self._latest_window(mode.demand, ready, mode.duration, min(due, self.horizon))
                if start is not None:
                    option = (start, -self.facts.mode_work[s][k], k)
                    best = option if best is None or option > best else best
            if best is None:
                return False
            start, _, k = best
            self._occupy(sd.modes[k].demand, start, sd.modes[k].duration)
            self.state.placed[s] = (k, start, start + sd.modes[k].duration)
        return True

    def _restart_by(self, deadline: dict[int, int]) -> bool:
        """Restart the lines that pinned lines come after, each by its deadline."""
        return all(
            self._restart(i, deadline[i])
            for i in self.facts.line_topo
            if i in deadline and i not in self.state.restart
        )

    def _deadlines(self) -> tuple[dict[int, int], dict[int, int]]:
        """Latest ends of the systems and latest restarts of the lines that pins require."""
        data = self.data
        line_deadline: dict[int, int] = {}
        for i in reversed(self.facts.line_topo):
            line = data.lines[i]
            if line.running_before_day0:
                continue
            if line.fixed_restart is not None:
                line_deadline[i] = min(line_deadline.get(i, line.fixed_restart), line.fixed_restart)
            if i in line_deadline:
                for m in line.after_lines:
                    if not data.lines[m].running_before_day0:
                        line_deadline[m] = min(line_deadline.get(m, line_deadline[i]), line_deadline[i])
        sys_deadline: dict[int, int] = {}

        def due(s: int, day: int) -> None:
            if not data.systems[s].cleared:
                sys_deadline[s] = min(sys_deadline.get(s, day), day)

        for i, day in line_deadline.items():
            for s in data.lines[i].systems:
                due(s, day - data.lines[i].commissioning_days)
        for s in reversed(self.facts.sys_topo):
            sd = data.systems[s]
            if sd.fixed_start is not None:
                for p in sd.after:
                    due(p, sd.fixed_start)
            elif s in sys_deadline:
                for p in sd.after:
                    due(p, sys_deadline[s] - sd.min_duration)
        return sys_deadline, line_deadline

    def _pins_hold(self) -> bool:
        """Fixed starts after what they come after; fixed restarts after their systems and lines."""
        data = self.data
        for sd in data.systems:
            if sd.fixed_start is not None:
                ends = [self._end(p) for p in sd.after]
                if any(e is None or e > sd.fixed_start for e in ends):
                    return False
        for i, line in enumerate(data.lines):
            r = line.fixed_restart
            if r is not None and r >= 0 and self._earliest_restart(i) not in range(0, r + 1):
                return False
        return True

    # -- 2a. lost_value / lost_units: targets by value per team-day --

    def _targets(self) -> None:
        """Reach the lines one at a time, the most value unlocked per team-day first.

        A line already running (pinned) is still a target until its parts are ordered.
        Each target is tried with the modes that end first and with the frugal modes;
        the earlier restart wins.
        """
        facts = self.facts
        done: set[int] = set()  # reached, or failed
        while True:
            candidates = [
                i
                for i in range(len(self.data.lines))
                if facts.value_rate[i] > 0
                and i not in done
                and (i not in self.state.restart or facts.soft[i] - self.state.placed.keys())
            ]
            if not candidates:
                return
            placed = set(self.state.placed)
            restarted = set(self.state.restart)
            # Per stopped candidate: the systems and the lines it still waits for.
            waits = {
                k: (facts.hard[k] - placed, facts.ancestors[k] - restarted)
                for k in candidates
                if k not in restarted
            }
            best = max(candidates, key=lambda i: self._target_key(i, waits, placed, restarted))
            before = self.state
            options: list[tuple[tuple[int, float], int, _State]] = []
            for k, frugal in enumerate((False, True)):
                self.state = before.copy()
                if self._reach(best, frugal):
                    options.append((self._reached(best, placed, restarted), k, self.state))
            self.state = min(options)[2] if options else before
            done.add(best)

    def _reached(self, i: int, placed_before: set[int], restarted_before: set[int]) -> tuple[int, float]:
        """How well line i was reached: (its restart day, or the last end of its parts' ordering
        systems when it was running already; team-days spent)."""
        new = self.state.placed.keys() - placed_before
        spent = sum(self.facts.mode_work[s][self.state.placed[s][0]] for s in new)
        if i not in restarted_before:
            return (self.state.restart[i], spent)
        return (max((self.state.placed[s][2] for s in new), default=0), spent)

    def _target_key(
        self,
        i: int,
        waits: dict[int, tuple[frozenset[int], frozenset[int]]],
        placed: set[int],
        restarted: set[int],
    ) -> tuple[float, float, int]:
        """(value unlocked per team-day, value unlocked, -i) of clearing and restarting what line i needs."""
        facts = self.facts
        todo = (facts.hard[i] | facts.soft[i]) - placed
        if i in restarted:
            group: set[int] = set()
            unlocked = facts.value_rate[i]
        else:
            group = {i} | (facts.ancestors[i] - restarted)
            # The lines it restarts, and those it is the last thing missing for; not those that
            # need nothing (they are targets of their own, with the same infinite ratio).
            unlocked = sum(
                facts.value_rate[k]
                for k, (systems, lines) in waits.items()
                if k in group or (systems and systems <= todo and lines <= group)
            )
        work = sum(facts.sys_work[s] for s in todo) + sum(facts.comm_work[m] for m in group)
        ratio = unlocked / work if work > 0 else math.inf
        return (ratio, unlocked, -i)

    def _reach(self, i: int, frugal: bool) -> bool:
        """Clear what line i needs, restart it and its after_lines, and clear the ordering systems
        of its parts: before its own systems under `orders_first`, after its restart otherwise."""
        facts = self.facts
        hard, soft = facts.hard[i], facts.soft[i] - facts.hard[i]
        if self.strategy.orders_first:
            self._place_all(soft, frugal)
        if not self._place_all(hard, frugal):
            return False
        group = [m for m in facts.line_topo if m in facts.ancestors[i] and m not in self.state.restart]
        if i not in self.state.restart:
            group.append(i)
        if not all(self._restart(m, staffing=self.strategy.staffing) for m in group):
            return False
        self._place_all(soft, frugal)
        return True

    def _place_all(self, systems: Iterable[int], frugal: bool) -> bool:
        """Clear those of `systems` not cleared yet, in topological order; False if one cannot be
        (the others are still tried: an ordering system out of reach does not stop the rest)."""
        todo = sorted(set(systems) - self.state.placed.keys(), key=self.facts.topo_index.__getitem__)
        return all([self._place(s, frugal=frugal) for s in todo])

    # -- 2b. makespan: everything, by a priority rule --

    def _everything(self) -> bool:
        """Every system and line by a serial schedule generation scheme: of the activities whose
        predecessors are all placed, the first by the strategy's priority rule goes next."""
        data = self.data
        n_sys = len(data.systems)
        waiting: dict[int, int] = {}  # activity -> predecessors not placed yet (lines come after systems)
        followers: dict[int, list[int]] = {}
        for s, sd in enumerate(data.systems):
            if not sd.cleared and s not in self.state.placed:
                preds = [p for p in set(sd.after) if self._end(p) is None]
                waiting[s] = len(preds)
                for p in preds:
                    followers.setdefault(p, []).append(s)
        for i, ln in enumerate(data.lines):
            if i not in self.state.restart:
                preds = [s for s in set(ln.systems) if self._end(s) is None]
                preds += [n_sys + m for m in set(ln.after_lines) if m not in self.state.restart]
                waiting[n_sys + i] = len(preds)
                for p in preds:
                    followers.setdefault(p, []).append(n_sys + i)
        heap = [(self._priority(a), a) for a, count in waiting.items() if count == 0]
        heapq.heapify(heap)
        placed = 0
        while heap:
            _, a = heapq.heappop(heap)
            if a >= n_sys:
                if not self._restart(a - n_sys):
                    return False
            elif not self._place(a, frugal=self.strategy.frugal):
                return False
            placed += 1
            for f in followers.get(a, []):
                waiting[f] -= 1
                if waiting[f] == 0:
                    heapq.heappush(heap, (self._priority(f), f))
        return placed == len(waiting)

    def _priority(self, a: int) -> tuple[int, int, int]:
        """Heap key of activity a (system index, or number of systems + line index), fixed once its
        predecessors are placed: smallest first."""
        facts, data = self.facts, self.data
        n_sys = len(data.systems)
        if a >= n_sys:
            tail = data.lines[a - n_sys].commissioning_days
            ready = self._earliest_restart(a - n_sys)
            successors, index = 0, a
        else:
            sd = data.systems[a]
            tail, successors, index = facts.tail[a], facts.successors[a], facts.topo_index[a]
            ready = max([sd.release] + [self._end(p) or 0 for p in sd.after])
        if self.strategy.rule == "ready":
            return (ready, -tail, index)
        if self.strategy.rule == "successors":
            return (-successors, -tail, index)
        return (-tail, ready, index)


# --- production, day by day ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    schedule: _Schedule
    decisions: Decisions
    key: tuple[int, int, int]  # the instance's objective first, then lost value and units


def _produce(data: ProblemData, facts: _Facts, schedule: _Schedule, order: list[int]) -> _Outcome:
    """Shifts and units day by day: reserved shifts first, extra shifts by `order` while staff lasts."""
    lines = data.lines
    ends = usage.ends(data, schedule.placed)
    delivered = [usage.delivered(material, ends) for material in data.materials]
    stock = [m.on_hand for m in data.materials]
    made = [0] * len(lines)
    units: dict[tuple[int, int], int] = {}
    running = [
        (i, schedule.restart[i], data.plants[lines[i].plant].working) for i in order if i in schedule.restart
    ]
    for t in range(data.horizon):
        available = [on_hand + days[t] for on_hand, days in zip(stock, delivered, strict=True)]
        today = [i for i, r, working in running if r <= t and working[t]]
        left = {
            (p, pool): days[t] for p, plant in enumerate(data.plants) for pool, days in plant.staff.items()
        }
        for i in today:
            for pool, n in lines[i].crew.items():
                left[lines[i].plant, pool] -= n  # the reserved shift
        produced = [0] * len(stock)
        for i in today:
            line = lines[i]
            u = 0
            if facts.worth[line.output] > 0:
                u = _potential_units(line, t - schedule.restart[i], made[i], available)
                extra = max(0, math.ceil(u / line.rate) - 1)
                for pool, n in line.crew.items():
                    extra = min(extra, left[line.plant, pool] // n)
                u = min(u, line.rate * (1 + extra))
                for pool, n in line.crew.items():
                    left[line.plant, pool] -= n * extra
                for m, q in line.inputs.items():
                    available[m] -= q * u
                produced[line.output] += u
                made[i] += u
            units[i, t] = u
        stock = [a + p for a, p in zip(available, produced, strict=True)]
    return _outcome(data, schedule, units)


def _potential_units(line: LineData, k: int, made: int, available: list[int]) -> int:
    """Units the line can make today at most: full rate, ramp-up, baseline left, parts."""
    u = min(line.full_rate, line.baseline - made)
    if 0 <= k < len(line.ramp):
        u = min(u, line.ramp[k])
    for m, q in line.inputs.items():
        u = min(u, available[m] // q)
    return max(0, u)


def _outcome(data: ProblemData, schedule: _Schedule, units: dict[tuple[int, int], int]) -> _Outcome:
    decisions = Decisions(
        systems={s: schedule.placed.get(s) for s, system in enumerate(data.systems) if not system.cleared},
        restarts=[schedule.restart.get(i) for i in range(len(data.lines))],
        units=units,
        shifts={(i, t): max(1, math.ceil(u / data.lines[i].rate)) for (i, t), u in units.items()},
        objective=0,
    )
    found = figures(data, decisions)
    figure = found.of(data.objective)
    assert figure is not None  # makespan plans restart every line
    return _Outcome(
        schedule, replace(decisions, objective=figure), (figure, found.lost_value, found.lost_units)
    )


def _makespan_bound(data: ProblemData) -> int:
    """Largest earliest restart over the lines: longest paths in the shortest modes, no resources."""
    systems, lines = data.systems, data.lines
    end: dict[int, int] = {}
    order = graphlib.TopologicalSorter({s: sd.after for s, sd in enumerate(systems)}).static_order()
    for s in order:
        sd = systems[s]
        if sd.cleared:
            end[s] = 0
        elif sd.fixed_start is not None:
            end[s] = sd.fixed_start + sd.min_duration
        else:
            end[s] = max([sd.release] + [end[p] for p in sd.after]) + sd.min_duration
    restart: dict[int, int] = {}
    line_order = graphlib.TopologicalSorter({i: ln.after_lines for i, ln in enumerate(lines)}).static_order()
    for i in line_order:
        ln = lines[i]
        if ln.fixed_restart is not None:
            restart[i] = ln.fixed_restart
            continue
        c = ln.commissioning_days
        restart[i] = max(
            [ln.release, c] + [end[s] + c for s in ln.systems] + [restart[m] for m in ln.after_lines]
        )
    return max(restart.values(), default=0)
