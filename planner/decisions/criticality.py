"""System criticality: which clearance must not slip? What a k-day slip of each system costs.

`criticality(instance, base, executor)` solves, for every system still to
clear, the instance with that system's clearance taking `slip_days` longer
(every mode's duration), re-optimised from its own greedy plan, on the same
executor as a sweep (`planner.decisions.sweep.run_tasks`). The cost of a
slip is its lost value (or units, or makespan: the instance's objective)
less the base's, with its proven interval as `whatif` gives one: a slip
only tightens the instance, so its optimum is at least the base's, and the
base's bound is one of the slipped instance's too. With `z, b` the base's
objective and bound and `z', b'` the slipped one's, the true cost lies in
``[max(0, max(b, b') - z), z' - b]``.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from planner.decisions.changes import Change
from planner.decisions.intervals import settled
from planner.decisions.sweep import Outcome, Task, run_tasks
from planner.formats.schema import Instance, Plan


@dataclass(frozen=True)
class Slip:
    """One system's clearance slipping: what the slipped instance loses, and what the slip costs."""

    system: str
    name: str
    status: str  # of the slipped instance's solve
    objective: int | None
    bound: int | None
    cost: int | None  # the slipped objective less the base's, as found
    at_least: int | None  # the proven interval of the true cost
    at_most: int | None

    @property
    def settled(self) -> bool:
        """Is the proven interval narrower than the cost found? (`planner.decisions.intervals`)"""
        return settled(self.at_least, self.at_most, self.cost)

    def to_json(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "name": self.name,
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "cost": self.cost,
            "at_least": self.at_least,
            "at_most": self.at_most,
            "settled": self.settled,
        }


@dataclass(frozen=True)
class Criticality:
    """The systems ranked by what a slip of theirs costs, most first; the base they are measured from."""

    slip_days: int
    objective: str
    base_objective: int
    base_bound: int
    slips: list[Slip]

    def to_json(self) -> dict[str, Any]:
        return {
            "slip_days": self.slip_days,
            "objective": self.objective,
            "base": {"objective": self.base_objective, "bound": self.base_bound},
            "systems": [s.to_json() for s in self.slips],
        }

    def text(self) -> str:
        head = (
            f"What a {self.slip_days}-day slip of each clearance costs ({self.objective}; "
            f"base {self.base_objective:,}, bound {self.base_bound:,}), most first:"
        )
        rows = [("system", "cost", "proven cost", "settled", "status")]
        for s in self.slips:
            proven = "-" if s.at_least is None or s.at_most is None else f"{s.at_least:,} to {s.at_most:,}"
            cost = "no plan" if s.cost is None else f"{s.cost:,}"
            rows.append((s.system, cost, proven, "yes" if s.settled else "no", s.status))
        widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows]
        note = (
            "A cost whose proven range is wider than itself is not settled: a longer --time-limit narrows it."
        )
        return "\n".join([head, *lines, note])


def slip_changes(instance: Instance, system: str, days: int) -> tuple[Change, ...]:
    """Every mode of `system` taking `days` longer, as `whatif` changes."""
    item = next(s for s in instance.systems if s.id == system)
    if item.modes is not None:
        paths = [f"systems.{system}.modes.{k}.duration_days" for k in range(len(item.modes))]
    else:
        paths = [f"systems.{system}.duration_days"]
    return tuple(Change(f"{path}=+{days}", path, "add", days) for path in paths)


def criticality(
    instance: Instance,
    base: Plan,
    executor: Executor,
    *,
    slip_days: int = 7,
    time_limit: float = 10.0,
    workers: int = 1,
    seed: int = 0,
    jobs: int = 1,
    deadline: float | None = None,
    on_slip: Callable[[Slip, int, int], None] | None = None,
) -> Criticality:
    """Slip each system still to clear by `slip_days`, re-solve on `executor`; the costs, most first.

    `base` must be a plan of `instance` with its objective and bound. A
    system whose slipped solve ends after `deadline` is left out.
    """
    assert base.objective.value is not None and base.objective.bound is not None
    z, b = base.objective.value, base.objective.bound
    systems = [s for s in instance.systems if not s.cleared]
    text = instance.model_dump_json(exclude_unset=True)
    tasks = [
        Task(k, text, None, slip_changes(instance, s.id, slip_days), time_limit, workers, seed)
        for k, s in enumerate(systems)
    ]
    found: list[Slip] = []

    def record(outcome: Outcome) -> None:
        system = systems[outcome.index]
        value = outcome.objective
        bound = None if outcome.bound is None else max(outcome.bound, b)
        slip = Slip(
            system.id,
            system.name,
            outcome.status,
            value,
            bound,
            None if value is None else value - z,
            None if bound is None else max(0, bound - z),
            None if value is None else value - b,
        )
        found.append(slip)
        if on_slip is not None:
            on_slip(slip, len(found), len(tasks))

    run_tasks(executor, tasks, record, jobs=jobs, deadline=deadline)
    # A slip that leaves no plan (under makespan: past the horizon) is the most critical of all.
    ranked = sorted(found, key=lambda s: (s.cost is None, s.cost or 0, s.at_least or 0), reverse=True)
    return Criticality(slip_days, instance.objective, z, b, ranked)
