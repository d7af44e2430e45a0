"""Start windows of the MIP's columns: heads and tails (see the formulation's docstring)."""

from __future__ import annotations

from dataclasses import dataclass
from graphlib import TopologicalSorter

from planner.mip.program import Lin
from planner.problem.data import ProblemData


@dataclass(frozen=True)
class Window:
    """Days first..last (inclusive) on which a variable exists; column `col` is day `first`."""

    first: int
    last: int
    col: int

    def at(self, t: int) -> Lin:
        """The 0/1 step variable on day t: 0 before the window, its last value after it."""
        if t < self.first:
            return Lin()
        return Lin.col(self.col + min(t, self.last) - self.first)


@dataclass(frozen=True)
class Bounds:
    """Valid bounds on start and restart days, computed once from the data."""

    earliest_start: list[int]  # per system; `never` when it cannot be cleared
    latest_end: list[int]  # per system
    earliest_restart: list[int]  # per line (its fixed restart when fixed)
    latest_restart: list[int]  # per line
    must_clear: list[bool]  # per system
    must_restart: list[bool]  # per line


def start_windows(data: ProblemData, makes: list[bool], last_restart: int | None) -> Bounds:
    """Heads and tails of the systems and lines.

    `makes[l]`: line l's units are modelled (they can matter to the objective).
    `last_restart`: a day no free line restarts after (a makespan's upper bound).
    """
    horizon = data.horizon
    never = horizon + 1
    systems, lines = data.systems, data.lines
    system_order = list(
        TopologicalSorter({s: system.after for s, system in enumerate(systems)}).static_order()
    )
    line_order = list(TopologicalSorter({i: ln.after_lines for i, ln in enumerate(lines)}).static_order())

    # Heads: release days and the shortest clearance of every predecessor.
    start = [0] * len(systems)
    end = [0] * len(systems)  # earliest end
    for s in system_order:
        system = systems[s]
        if system.cleared:
            continue
        first = max([system.release] + [end[p] for p in system.after])
        if system.fixed_start is not None:
            first = system.fixed_start if system.fixed_start >= first else never
        fitting = [m.duration for m in system.modes if first + m.duration <= horizon]
        start[s] = first if fitting else never
        end[s] = first + min(fitting) if fitting else never
    restart_lo = [0] * len(lines)
    for i in line_order:
        line = lines[i]
        if line.fixed_restart is not None:
            restart_lo[i] = line.fixed_restart
            continue
        restart_lo[i] = max(
            [line.release, line.commissioning_days]
            + [end[s] + line.commissioning_days for s in line.systems]
            + [restart_lo[m] for m in line.after_lines]
        )

    # What must be done: everything under makespan, pinned restarts and starts,
    # and what they need.
    makespan = data.objective == "makespan"
    must_restart = [makespan or ln.fixed_restart is not None for ln in lines]
    last = horizon - 1 if last_restart is None else min(horizon - 1, last_restart)
    restart_hi = [last if ln.fixed_restart is None else ln.fixed_restart for ln in lines]
    for i in reversed(line_order):
        if must_restart[i] and not lines[i].running_before_day0:
            for m in lines[i].after_lines:
                must_restart[m] = True
                restart_hi[m] = min(restart_hi[m], restart_hi[i])
    must_clear = [not x.cleared and (makespan or x.fixed_start is not None) for x in systems]
    lines_of: list[list[int]] = [[] for _ in systems]
    for i, line in enumerate(lines):
        if line.running_before_day0:
            continue  # the restart rules no longer apply to it
        for s in line.systems:
            lines_of[s].append(i)
            if must_restart[i] and not systems[s].cleared:
                must_clear[s] = True
    successors: list[list[int]] = [[] for _ in systems]
    for s in reversed(system_order):
        for p in systems[s].after:
            successors[p].append(s)
            if must_clear[s] and not systems[p].cleared:
                must_clear[p] = True

    # Tails. A system that must be cleared ends in time for what must follow it;
    # one that may be left undone is of use only up to the last day that lets
    # a successor, a line or a delivery still happen.
    consumed = {m for i, line in enumerate(lines) if makes[i] for m in line.inputs}
    gate_ends: list[list[int]] = [[] for _ in systems]
    for m, material in enumerate(data.materials):
        supplied = [t for t, q in enumerate(material.supply) if q > 0]
        if material.ordering_system is not None and m in consumed and supplied:
            gate_ends[material.ordering_system].append(supplied[-1] - material.lead_days)
    latest_end = [horizon] * len(systems)
    latest_start = [horizon] * len(systems)
    for s in reversed(system_order):
        system = systems[s]
        if system.cleared:
            continue
        if must_clear[s]:
            ends = [latest_start[n] for n in successors[s] if must_clear[n]]
            ends += [restart_hi[i] - lines[i].commissioning_days for i in lines_of[s] if must_restart[i]]
            latest_end[s] = min([horizon, *ends])
        else:
            uses = [latest_start[n] for n in successors[s]]
            uses += [restart_hi[i] - lines[i].commissioning_days for i in lines_of[s]]
            uses += gate_ends[s]
            latest_end[s] = min(horizon, max(uses, default=-1))
        if system.fixed_start is not None:
            latest_start[s] = system.fixed_start
        else:
            latest_start[s] = latest_end[s] - system.min_duration
    return Bounds(start, latest_end, restart_lo, restart_hi, must_clear, must_restart)
