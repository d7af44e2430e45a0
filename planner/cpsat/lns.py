"""Schedule neighbourhoods: a large neighbourhood search that always frees production.

CP-SAT's own neighbourhoods fix a random part of *all* variables, shifts and
units included. Here, a restart day that moves drags every unit of its line
and of the lines that consume its output with it, so a neighbourhood that
frees a restart but fixes that production has little room. A
neighbourhood of `ScheduleLns` instead frees the restart days of a few lines
and the clearance of the systems they need (or every clearance in the time
window around their restarts), fixes every other restart day and clearance at
the incumbent plan, and leaves all shifts, units and stocks free: for fixed
restart days the production part is close to a linear program, which CP-SAT's
LP solves well. This is the decomposition of issue 4 run inside one model: the
neighbourhood chooses the schedule, the LP prices it.

The neighbourhoods are made by fixing variable domains of the model's proto
in place (`RestartModel.fix`/`RestartModel.release`), with the incumbent as a
complete hint, and solved with one CP-SAT worker and a short time limit. The
size adapts: a neighbourhood solved to optimality grows the next by one line,
one that times out shrinks it.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from planner.cpsat.model import RestartModel
from planner.cpsat.solver import new_solver
from planner.problem.decisions import Decisions

_SUBSEARCH_SECONDS = 3.0  # time limit of one neighbourhood's search
_FIRST_TRIES = 2  # neighbourhoods without a better plan after which a patient search gives up
_WINDOW_SLACK = 5  # days before the first freed restart from which clearances are freed too


@dataclass(frozen=True)
class Neighbourhood:
    """What one step may change: these lines' restart days and these systems' clearances."""

    kind: str  # "lines" (random lines) or "window" (lines restarting one after another)
    lines: frozenset[int]
    systems: frozenset[int]


class ScheduleLns:
    """Improves a plan of `built` by re-solving schedule neighbourhoods, production always free.

    `built` is modified while `improve` runs (its domains and hints) and
    restored at the end; a search of the same model elsewhere must work on a
    copy (`built.model.clone()`).
    """

    def __init__(self, built: RestartModel, seed: int = 0, size: int = 4) -> None:
        self.built = built
        self.rng = random.Random(seed)
        self.size = size
        self.steps = 0
        data = built.data
        self.movable = [i for i in range(len(data.lines)) if built.restart_is_free(i)]
        self.needs = {i: _needed_systems(built, i) for i in self.movable}
        self._solver: cp_model.CpSolver | None = None
        self._stopped = False

    @property
    def useful(self) -> bool:
        """Is there a restart day to move?"""
        return bool(self.movable)

    def stop_search(self) -> None:
        """Stop the neighbourhood being searched and the loop (from another thread)."""
        self._stopped = True
        if self._solver is not None:
            self._solver.stop_search()

    def resume(self) -> None:
        """Undo `stop_search`: the next `improve` searches again."""
        self._stopped = False

    def improve(
        self,
        incumbent: Decisions,
        deadline: float,
        *,
        patience: float = math.inf,
        give_way: bool = False,
        better_elsewhere: Callable[[], Decisions | None] = lambda: None,
        on_improvement: Callable[[Decisions], None] = lambda decisions: None,
    ) -> Decisions:
        """Search neighbourhoods of the best plan until `deadline` (perf_counter) or `stop_search()`.

        It also ends after `patience` seconds without a better plan of its
        own. With `give_way`, it also ends when its first `_FIRST_TRIES`
        neighbourhoods all end without a better plan: then they are too hard
        to search in `_SUBSEARCH_SECONDS` (the production part of the large
        generated instances is), and the time is better spent elsewhere.

        `better_elsewhere()` offers the best plan of a concurrent search, taken
        as the incumbent when better; `on_improvement` hears each better plan
        found here.
        """
        best = incumbent
        found_any = False
        last_found = time.perf_counter()
        try:
            while (
                not self._stopped
                and last_found + patience > time.perf_counter()
                and (time.perf_counter() < deadline - 0.05)
            ):
                if give_way and not found_any and self.steps >= _FIRST_TRIES:
                    break
                offered = better_elsewhere()
                if offered is not None and offered.objective < best.objective:
                    best = offered
                found = self._step(best, deadline)
                if found is not None and found.objective < best.objective:
                    best = found
                    found_any = True
                    last_found = time.perf_counter()
                    on_improvement(best)
        finally:
            self.built.release()
        return best

    def _step(self, incumbent: Decisions, deadline: float) -> Decisions | None:
        self.steps += 1
        neighbourhood = self.neighbourhood(incumbent)
        self.built.fix(incumbent, neighbourhood.lines, neighbourhood.systems)
        self.built.warmstart(incumbent)
        limit = max(0.01, min(_SUBSEARCH_SECONDS, deadline - time.perf_counter()))
        solver = new_solver(limit, 1, self.rng.randrange(1 << 30))
        solver.parameters.catch_sigint_signal = False
        self._solver = solver
        if self._stopped:
            return None
        code = solver.solve(self.built.model)
        if code == cp_model.OPTIMAL:
            self.size = min(self.size + 1, len(self.movable))
        elif self.size > 2:
            self.size -= 1
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return self.built.decisions(solver)

    def neighbourhood(self, incumbent: Decisions) -> Neighbourhood:
        """A random neighbourhood of `incumbent`, of the current size."""
        horizon = self.built.data.horizon
        size = min(self.size, len(self.movable))
        systems: set[int] = set()
        if self.rng.random() < 0.5:
            kind = "lines"
            lines = set(self.rng.sample(self.movable, size))
        else:
            kind = "window"
            restarts = [horizon if r is None else r for r in incumbent.restarts]
            by_restart = sorted((restarts[i], i) for i in self.movable)
            first = self.rng.randrange(len(by_restart))
            chosen = by_restart[first : first + size]
            lo, hi = chosen[0][0] - _WINDOW_SLACK, chosen[-1][0]
            lines = {i for _, i in chosen}
            for s, clearance in incumbent.systems.items():
                if clearance is None or (clearance[2] >= lo and clearance[1] <= hi):
                    systems.add(s)
        for i in lines:
            systems |= self.needs[i]
        return Neighbourhood(kind, frozenset(lines), frozenset(systems & self.built.systems.keys()))


def _needed_systems(built: RestartModel, i: int) -> set[int]:
    """The systems line i needs to restart and to get its parts, with their `after` ancestors."""
    data = built.data
    line = data.lines[i]
    todo = list(line.systems)
    todo += [g for m in line.inputs if (g := data.materials[m].ordering_system) is not None]
    needed: set[int] = set()
    while todo:
        s = todo.pop()
        if s in needed or s not in built.systems:
            continue
        needed.add(s)
        todo.extend(data.systems[s].after)
    return needed
