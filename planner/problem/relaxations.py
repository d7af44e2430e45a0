"""Limits made unable to bind: the ample levels, and the file edits that raise a limit to them.

Two commands relax a limit of the instance file and solve again: the conflict
search (`planner.diagnosis.conflicts`, to find which limits make an instance
infeasible) and the bottleneck table (`planner.decisions.explain`, to price
each limit). Both raise a resource or a staff pool to the same *ample* level,
the most any plan could ever use, so that the relaxed limit can never bind:

- a resource: every clearance still to do in its hungriest mode and every
  commissioning, all at once;
- a staff pool of a plant: every line of the plant at `max_shifts`;
- a supplied material: every consumer at full rate.

The edits work on the instance file as a dict (`Instance.model_dump`); each
returns a new item and leaves its argument alone, so that the relaxed files
can share their unchanged parts.
"""

from __future__ import annotations

from typing import Any

from planner.problem.data import ProblemData


def ample_capacity(data: ProblemData, q: int) -> int:
    """What resource `q` would carry if every clearance to do and every commissioning ran at once."""
    clearances = sum(
        max((m.demand.get(q, 0) for m in s.modes), default=0) for s in data.systems if not s.cleared
    )
    return clearances + sum(ln.commissioning_demand.get(q, 0) for ln in data.lines)


def ample_staff(data: ProblemData, p: int, pool: str) -> int:
    """What pool `pool` of plant `p` would staff with every line of the plant at `max_shifts`."""
    return sum(ln.crew.get(pool, 0) * ln.max_shifts for ln in data.lines if ln.plant == p)


def ample_supply(data: ProblemData, m: int) -> int:
    """What material `m`'s consumers use in a day, all at full rate."""
    return sum(ln.inputs.get(m, 0) * ln.full_rate for ln in data.lines)


def raised_capacity(resource: dict[str, Any], level: int) -> dict[str, Any]:
    """`resource` at `level` (or its largest capacity, if more) on every day: its changes dropped."""
    levels = [resource["capacity"], *(c["capacity"] for c in resource.get("capacity_changes", []))]
    kept = {k: v for k, v in resource.items() if k != "capacity_changes"}
    return kept | {"capacity": max(level, *levels)}


def raised_staff(plant: dict[str, Any], pool: str, level: int) -> dict[str, Any]:
    """`plant` with `pool` at `level` (or its largest headcount, if more) on every day."""
    changes = plant.get("staff_changes", [])
    levels = [plant["staff"][pool], *(c["headcount"] for c in changes if c["pool"] == pool)]
    return plant | {
        "staff": plant["staff"] | {pool: max(level, *levels)},
        "staff_changes": [c for c in changes if c["pool"] != pool],
    }


def raised_supply(material: dict[str, Any], per_day: int) -> dict[str, Any]:
    """`material` delivered from day 0 at `per_day` (or its largest, if more), with no ordering gate."""
    supply = material["supply"]
    levels = [supply["per_day"], *(c["per_day"] for c in supply.get("changes", []))]
    return material | {"supply": {"per_day": max(per_day, *levels)}}
