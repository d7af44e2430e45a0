"""What a plan's schedule holds and lets in, day by day: two rules of the contract, written once.

- **The crews a schedule holds (C2).** A clearance holds its mode's demand
  from its start for its duration; a line's commissioning holds its demand
  for the `commissioning_days` before its restart day, and a line running
  before day 0 (a negative restart day) has none (`holds`).
- **The delivery gate (C7).** A material is delivered at its supply rate in
  force (none before its `from_day`) once its ordering system has ended plus
  `lead_days`, and never while that system is not cleared; a system cleared
  before day 0 ends on day 0 (`ends`, `gate`, `delivered`).

Everything that recomputes these from decisions uses this module: the
warm start of the CP-SAT model, the greedy, `explain`, `replan`, the tables
and the report. The CP-SAT model and the MIP state the same rules as
constraints, and `verify.py` keeps its own copy on purpose: it imports only
the formats, so that a mistake here cannot hide in the checker.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from planner.problem.data import MaterialData, ProblemData

Chosen = tuple[int, int, int]  # a clearance: (mode, start day, end day)


@dataclass(frozen=True)
class Hold:
    """One activity's hold on the security resources: a clearance or a line's commissioning."""

    activity: Literal["clearance", "commissioning"]
    index: int  # the system's index for a clearance, the line's for a commissioning
    first: int  # its first day (a commissioning may begin before day 0)
    days: int
    demand: dict[int, int]  # resource index -> amount a day

    @property
    def last(self) -> int:
        """The day after its last day."""
        return self.first + self.days


def holds(
    data: ProblemData, systems: Mapping[int, Chosen | None], restarts: Sequence[int | None]
) -> Iterator[Hold]:
    """The clearances of `systems` and the commissioning of each line with a restart day in `restarts`.

    Systems cleared before day 0 hold nothing, whatever `systems` says of them.
    """
    for s, chosen in systems.items():
        if chosen is None or data.systems[s].cleared:
            continue
        mode = data.systems[s].modes[chosen[0]]
        yield Hold("clearance", s, chosen[1], mode.duration, mode.demand)
    for i, line in enumerate(data.lines):
        restart = restarts[i]
        if restart is None or restart < 0:
            continue
        if line.commissioning_days > 0:
            days = line.commissioning_days
            yield Hold("commissioning", i, restart - days, days, line.commissioning_demand)


def ends(data: ProblemData, systems: Mapping[int, Chosen | None]) -> dict[int, int]:
    """The end day of every cleared system: 0 for those cleared before day 0, else the chosen end."""
    found = {s: 0 for s, system in enumerate(data.systems) if system.cleared}
    for s, chosen in systems.items():
        if chosen is not None and s not in found:
            found[s] = chosen[2]
    return found


def gate(material: MaterialData, ends: Mapping[int, int]) -> int | None:
    """The first day the ordering gate lets `material` in (0 without one); None if it never opens."""
    if material.ordering_system is None:
        return 0
    end = ends.get(material.ordering_system)
    return None if end is None else end + material.lead_days


def delivered(material: MaterialData, ends: Mapping[int, int]) -> list[int]:
    """Units of `material` delivered each day of the horizon, the ordering systems ending at `ends`."""
    opens = gate(material, ends)
    if opens is None:
        return [0] * len(material.supply)
    return [q if t >= opens else 0 for t, q in enumerate(material.supply)]
