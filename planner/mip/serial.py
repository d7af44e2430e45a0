"""A first plan under makespan: a serial schedule, whose makespan cuts the MIP's restart days."""

from __future__ import annotations

from collections.abc import Sequence
from graphlib import TopologicalSorter
from random import Random

from planner.problem.data import LineData, ProblemData
from planner.problem.decisions import Decisions


def best_serial_plan(data: ProblemData, seed: int, passes: int = 30) -> Decisions | None:
    """The best of `serial_plan` with its priorities as they are and `passes` times perturbed."""
    noise = Random(seed)
    found = [serial_plan(data)] + [serial_plan(data, noise) for _ in range(passes)]
    return min((plan for plan in found if plan is not None), key=lambda plan: plan.objective, default=None)


def serial_plan(data: ProblemData, noise: Random | None = None) -> Decisions | None:
    """A plan by a serial schedule generation scheme, or None when it gets stuck.

    Under makespan its largest restart day bounds the optimum, which cuts the
    time-indexed model down from the horizon (PSPLIB horizons are the sum of
    all durations, several times the optimum). Systems go in topological
    order, the one with the longest chain of clearances after it first, each
    in the mode that ends first; then lines restart as early as their systems,
    commissioning teams and staff (one shift a working day) allow. `noise`
    perturbs the priorities (by up to half of them), for a sampling of plans.
    """
    horizon = data.horizon
    systems, lines = data.systems, data.lines
    load = [[0] * horizon for _ in data.resources]

    def fits(demand: dict[int, int], first: int, days: int) -> bool:
        return (
            first >= 0
            and first + days <= horizon
            and all(
                load[r][t] + q <= data.resources[r].capacity[t]
                for r, q in demand.items()
                for t in range(first, first + days)
            )
        )

    def take(demand: dict[int, int], first: int, days: int) -> None:
        for r, q in demand.items():
            for t in range(first, first + days):
                load[r][t] += q

    successors: list[list[int]] = [[] for _ in systems]
    for s, system in enumerate(systems):
        for p in system.after:
            successors[p].append(s)
    order = list(TopologicalSorter({s: x.after for s, x in enumerate(systems)}).static_order())
    tail = [0.0] * len(systems)
    for s in reversed(order):
        tail[s] = systems[s].min_duration + max((tail[n] for n in successors[s]), default=0)
    if noise is not None:
        tail = [value * (1 + noise.random() / 2) for value in tail]

    end = [0] * len(systems)
    chosen: dict[int, tuple[int, int, int] | None] = {}
    waiting = {s for s, x in enumerate(systems) if not x.cleared}
    while waiting:
        s = max((s for s in waiting if not waiting & set(systems[s].after)), key=lambda s: (tail[s], -s))
        waiting.remove(s)
        system = systems[s]
        earliest = max([system.release] + [end[p] for p in system.after])
        starts = range(earliest, horizon + 1) if system.fixed_start is None else [system.fixed_start]
        options = []  # (end, mode, start)
        for k, mode in enumerate(system.modes):
            start = next((t for t in starts if t >= earliest and fits(mode.demand, t, mode.duration)), None)
            if start is not None:
                options.append((start + mode.duration, k, start))
        if not options:
            return None
        end[s], k, start = min(options)
        take(system.modes[k].demand, start, system.modes[k].duration)
        chosen[s] = (k, start, end[s])

    staff = [{pool: [0] * horizon for pool in plant.staff} for plant in data.plants]

    def staffed(line: LineData, first: int) -> bool:
        plant = data.plants[line.plant]
        return all(
            staff[line.plant][pool][t] + people <= plant.staff[pool][t]
            for pool, people in line.crew.items()
            for t in range(max(0, first), horizon)
            if plant.working[t]
        )

    restarts: dict[int, int] = {}
    line_order = TopologicalSorter({i: ln.after_lines for i, ln in enumerate(lines)}).static_order()
    # Lines running since before day 0 first: their staff is taken whatever is decided.
    for i in sorted(line_order, key=lambda i: not lines[i].running_before_day0):
        line = lines[i]
        c = line.commissioning_days
        if line.running_before_day0:
            days: Sequence[int] = [line.fixed_restart or 0]
        else:
            earliest = max(
                [line.release, c]
                + [end[s] + c for s in line.systems]
                + [restarts[m] for m in line.after_lines]
            )
            days = range(earliest, horizon)
            if line.fixed_restart is not None:
                days = [line.fixed_restart] if line.fixed_restart in days else []
        restart = next(
            (
                r
                for r in days
                if (line.running_before_day0 or fits(line.commissioning_demand, r - c, c))
                and staffed(line, r)
            ),
            None,
        )
        if restart is None:
            return None
        restarts[i] = restart
        if not line.running_before_day0:
            take(line.commissioning_demand, restart - c, c)
        working = data.plants[line.plant].working
        for pool, people in line.crew.items():
            for t in range(max(0, restart), horizon):
                if working[t]:
                    staff[line.plant][pool][t] += people
    shifts = {
        (i, t): 1
        for i, r in restarts.items()
        for t in range(max(0, r), horizon)
        if data.plants[lines[i].plant].working[t]
    }
    makespan = max(restarts.values(), default=0)
    ordered: list[int | None] = [restarts[i] for i in range(len(lines))]
    return Decisions(chosen, ordered, dict.fromkeys(shifts, 0), shifts, makespan)
