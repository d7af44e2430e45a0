"""`ProblemData`: an `Instance` indexed for modelling.

Ids become list positions, step functions become one value per day of the
horizon, calendars become a working-day flag per plant and day. Nothing here
knows about CP-SAT; the model and the structural checks both read this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from graphlib import TopologicalSorter

from planner.formats.schema import Instance, Line, Plant


def weekday_of_day0(start_date: date | None) -> int:
    """Monday = 0; without a start date day 0 is a Monday."""
    return start_date.weekday() if start_date is not None else 0


def working_days(plant: Plant, start_date: date | None, horizon: int) -> list[bool]:
    """For each day of the horizon: does the plant produce that day?"""
    first = weekday_of_day0(start_date)
    workdays = set(plant.workdays)
    closed = set(plant.closed_days)
    return [(first + t) % 7 in workdays and t not in closed for t in range(horizon)]


def step_function(initial: int, changes: Sequence[tuple[int, int]], horizon: int) -> list[int]:
    """The value in force on each day: `initial`, then each `(day, value)` from that day on."""
    values = [initial] * horizon
    for day, value in sorted(changes):
        for t in range(day, horizon):
            values[t] = value
    return values


def ramp_caps(line: Line) -> list[int]:
    """Output cap on day r + k after restart r, for k < len(ramp_up_percent)."""
    full = line.rate_per_shift * line.max_shifts
    return [pct * full // 100 for pct in line.ramp_up_percent]


@dataclass(frozen=True)
class ModeData:
    duration: int
    demand: dict[int, int]  # resource index -> amount, amounts > 0 only


@dataclass(frozen=True)
class SystemData:
    id: str
    release: int
    after: list[int]
    modes: list[ModeData]
    cleared: bool  # already cleared before day 0
    fixed_start: int | None

    @property
    def min_duration(self) -> int:
        return min((m.duration for m in self.modes), default=0)


@dataclass(frozen=True)
class ResourceData:
    id: str
    capacity: list[int]  # per day


@dataclass(frozen=True)
class PlantData:
    id: str
    working: list[bool]  # per day
    staff: dict[str, list[int]]  # pool -> headcount per day


@dataclass(frozen=True)
class MaterialData:
    id: str
    on_hand: int
    value: int
    supply: list[int]  # units a day once the supplier and the ordering gate allow (0 before from_day)
    ordering_system: int | None
    lead_days: int


@dataclass(frozen=True)
class LineData:
    id: str
    plant: int
    output: int
    rate: int
    max_shifts: int
    baseline: int  # B(l): units over the horizon before the attack
    crew: dict[str, int]  # pool -> people per shift, people > 0 only
    inputs: dict[int, int]  # material index -> units per unit of output
    systems: list[int]
    ramp: list[int]  # cap on day r + k
    commissioning_days: int
    commissioning_demand: dict[int, int]
    after_lines: list[int]
    release: int
    fixed_restart: int | None
    weight: int  # objective weight per unit not made (value, 1 or 0)

    @property
    def full_rate(self) -> int:
        return self.rate * self.max_shifts

    @property
    def running_before_day0(self) -> bool:
        return self.fixed_restart is not None and self.fixed_restart < 0


@dataclass(frozen=True)
class ProblemData:
    name: str
    horizon: int
    objective: str
    resources: list[ResourceData]
    systems: list[SystemData]
    plants: list[PlantData]
    materials: list[MaterialData]
    lines: list[LineData]

    @cached_property
    def earliest_ends(self) -> list[int]:
        """Per system, the earliest day its clearance can end: release, `after` chains, shortest modes.

        0 for a system cleared before day 0. A lower bound only (capacity is
        ignored); it may pass the horizon, when the system cannot be cleared.
        """
        ends = [0] * len(self.systems)
        graph = {s: system.after for s, system in enumerate(self.systems)}
        for s in TopologicalSorter(graph).static_order():
            system = self.systems[s]
            if not system.cleared:
                start = max([system.release] + [ends[p] for p in system.after])
                ends[s] = start + system.min_duration
        return ends

    @cached_property
    def earliest_restarts(self) -> list[int]:
        """Per line, the earliest restart day that releases, systems and `after_lines` allow.

        Its fixed restart where there is one. A lower bound only; it may pass
        the horizon, when the line cannot restart.
        """
        ends = self.earliest_ends
        days = [0] * len(self.lines)
        graph = {i: line.after_lines for i, line in enumerate(self.lines)}
        for i in TopologicalSorter(graph).static_order():
            line = self.lines[i]
            if line.fixed_restart is not None:
                days[i] = line.fixed_restart
                continue
            ready = [ends[s] for s in line.systems]
            days[i] = max(
                [line.release, line.commissioning_days]
                + [end + line.commissioning_days for end in ready]
                + [days[m] for m in line.after_lines]
            )
        return days

    @classmethod
    def from_instance(cls, instance: Instance) -> ProblemData:
        horizon = instance.horizon_days
        res_index = {r.id: i for i, r in enumerate(instance.resources)}
        sys_index = {s.id: i for i, s in enumerate(instance.systems)}
        plant_index = {p.id: i for i, p in enumerate(instance.plants)}
        mat_index = {m.id: i for i, m in enumerate(instance.materials)}
        line_index = {ln.id: i for i, ln in enumerate(instance.lines)}

        def demand(amounts: dict[str, int]) -> dict[int, int]:
            return {res_index[r]: q for r, q in amounts.items() if q > 0}

        resources = [
            ResourceData(
                r.id,
                step_function(r.capacity, [(c.day, c.capacity) for c in r.capacity_changes], horizon),
            )
            for r in instance.resources
        ]
        systems = [
            SystemData(
                id=s.id,
                release=s.release_day,
                after=[sys_index[p] for p in s.after],
                modes=[ModeData(m.duration_days, demand(m.demand)) for m in s.mode_list],
                cleared=s.cleared,
                fixed_start=s.fixed_start,
            )
            for s in instance.systems
        ]
        plants = []
        for p in instance.plants:
            staff = {
                pool: step_function(
                    count, [(c.day, c.headcount) for c in p.staff_changes if c.pool == pool], horizon
                )
                for pool, count in p.staff.items()
            }
            plants.append(PlantData(p.id, working_days(p, instance.start_date, horizon), staff))
        materials = []
        for m in instance.materials:
            supply = [0] * horizon
            ordering, lead = None, 0
            if m.supply is not None:
                per_day = step_function(
                    m.supply.per_day, [(c.day, c.per_day) for c in m.supply.changes], horizon
                )
                supply = [q if t >= m.supply.from_day else 0 for t, q in enumerate(per_day)]
                if m.supply.ordering_system is not None:
                    ordering = sys_index[m.supply.ordering_system]
                lead = m.supply.lead_days
            materials.append(MaterialData(m.id, m.on_hand, m.value, supply, ordering, lead))

        lines = []
        for ln in instance.lines:
            plant = plants[plant_index[ln.plant]]
            output = materials[mat_index[ln.output]]
            weight = 0
            if output.value > 0:
                weight = {"lost_value": output.value, "lost_units": 1}.get(instance.objective, 0)
            lines.append(
                LineData(
                    id=ln.id,
                    plant=plant_index[ln.plant],
                    output=mat_index[ln.output],
                    rate=ln.rate_per_shift,
                    max_shifts=ln.max_shifts,
                    baseline=ln.rate_per_shift * ln.baseline * sum(plant.working),
                    crew={pool: n for pool, n in ln.crew_per_shift.items() if n > 0},
                    inputs={mat_index[m]: q for m, q in ln.inputs.items()},
                    systems=[sys_index[s] for s in ln.systems],
                    ramp=ramp_caps(ln),
                    commissioning_days=ln.commissioning_days,
                    commissioning_demand=demand(ln.commissioning.demand) if ln.commissioning else {},
                    after_lines=[line_index[m] for m in ln.after_lines],
                    release=ln.release_day,
                    fixed_restart=ln.fixed_restart,
                    weight=weight,
                )
            )
        return cls(instance.name, horizon, instance.objective, resources, systems, plants, materials, lines)
