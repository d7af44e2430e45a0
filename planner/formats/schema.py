"""The file formats as pydantic models: the contract's two (../shared/spec/PROBLEM.md) and the sweep.

`Instance` is `restart-instance/1`, `Plan` is `restart-plan/1`, `Sweep` is
`restart-sweep/1` (models/formulation.md, "Sweeps"). Validation has
two tiers: per-field rules (types, ranges, unknown fields) are pydantic's; the
rules that need the whole file (references, duplicate ids, cycles, cross-field
limits) live in `Instance._check_references`, which lists every problem with
its place in the file.
"""

from __future__ import annotations

import graphlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from planner.errors import InstanceError

if TYPE_CHECKING:
    import pandas as pd

INSTANCE_FORMAT = "restart-instance/1"
PLAN_FORMAT = "restart-plan/1"
SWEEP_FORMAT = "restart-sweep/1"

# Counts are capped so that every sum the solver forms stays exact in int64
# and the objective in a double (2^53); see also _ReferenceCheck._objective_fits.
MAX_COUNT = 10**9
EXACT = 2**53

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]+$")]
Day = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Percent = Annotated[int, Field(ge=1, le=100)]
Weekday = Annotated[int, Field(ge=0, le=6)]
Demand = dict[Id, Count]
Objective = Literal["lost_value", "lost_units", "makespan"]
Status = Literal["optimal", "feasible", "infeasible", "unknown"]


class _Model(BaseModel):
    # strict: "3" or 3.5 is not an integer; extra="forbid": a typo is an error.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# --- instance -----------------------------------------------------------------


class CapacityChange(_Model):
    day: Day
    capacity: Count


class Resource(_Model):
    """A renewable crew (security team, OT specialists, commissioning engineers)."""

    id: Id
    capacity: Count
    capacity_changes: list[CapacityChange] = []


class Mode(_Model):
    duration_days: Count
    demand: Demand = {}


class System(_Model):
    """Something that must be forensically cleared before what needs it may run."""

    id: Id
    name: str
    after: list[Id] = []
    release_day: Day = 0
    duration_days: Count | None = None
    demand: Demand | None = None
    modes: Annotated[list[Mode], Field(min_length=1)] | None = None
    cleared: bool = False
    fixed_start: Day | None = None

    @property
    def mode_list(self) -> list[Mode]:
        """The ways of clearing it: `modes`, or the single `duration_days` + `demand`."""
        if self.modes is not None:
            return list(self.modes)
        if self.duration_days is not None:
            return [Mode(duration_days=self.duration_days, demand=self.demand or {})]
        return []


class StaffChange(_Model):
    day: Day
    pool: Id
    headcount: Count


class Plant(_Model):
    id: Id
    name: str
    workdays: list[Weekday] = [0, 1, 2, 3, 4]
    closed_days: list[Day] = []
    staff: dict[Id, Count] = {}
    staff_changes: list[StaffChange] = []


class SupplyChange(_Model):
    day: Day
    per_day: Count


class Supply(_Model):
    per_day: Count
    from_day: Day = 0
    ordering_system: Id | None = None
    lead_days: Count = 0
    changes: list[SupplyChange] = []


class Material(_Model):
    id: Id
    name: str
    on_hand: Count = 0
    value: Count = 0
    supply: Supply | None = None


class Commissioning(_Model):
    days: Count
    demand: Demand = {}


class Line(_Model):
    id: Id
    name: str
    plant: Id
    output: Id
    rate_per_shift: Annotated[int, Field(gt=0, le=MAX_COUNT)]
    max_shifts: Annotated[int, Field(ge=1, le=24)] = 1
    baseline_shifts: Annotated[int, Field(ge=1, le=24)] | None = None
    crew_per_shift: dict[Id, Count] = {}
    inputs: dict[Id, Annotated[int, Field(gt=0, le=MAX_COUNT)]] = {}
    systems: list[Id] = []
    ramp_up_percent: list[Percent] = []
    commissioning: Commissioning | None = None
    after_lines: list[Id] = []
    release_day: Day = 0
    fixed_restart: Annotated[int, Field(ge=-MAX_COUNT)] | None = None

    @property
    def baseline(self) -> int:
        """Shifts a day before the attack (`max_shifts` when not given)."""
        return self.max_shifts if self.baseline_shifts is None else self.baseline_shifts

    @property
    def commissioning_days(self) -> int:
        return self.commissioning.days if self.commissioning else 0


class ValueUnit(_Model):
    """What one unit of a material's `value` is worth: `scale` of `currency`, e.g. £100.

    An addition to the contract that keeps every file of it valid: without it,
    values are in "value units" and the planner names no currency.
    """

    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]  # ISO 4217: GBP, EUR, USD
    scale: Annotated[int, Field(ge=1, le=MAX_COUNT)] = 1


class Instance(_Model):
    """A `restart-instance/1` file."""

    format: Literal["restart-instance/1"]
    name: str
    # Not strict, so that a library caller may pass an ISO string as the file does.
    start_date: Annotated[date, Field(strict=False)] | None = None
    horizon_days: Annotated[int, Field(ge=1, le=3650)]
    objective: Objective = "lost_value"
    value_unit: ValueUnit | None = None
    resources: list[Resource] = []
    systems: list[System] = []
    plants: list[Plant] = []
    materials: list[Material] = []
    lines: list[Line] = []

    @model_validator(mode="after")
    def _check_references(self) -> Instance:
        problems = _ReferenceCheck(self).problems()
        if problems:
            # Not a ValueError on purpose: pydantic lets it through unchanged, so
            # the caller sees every located problem rather than one wrapped string.
            raise InstanceError(problems)
        return self


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


class _HasDay(Protocol):
    @property
    def day(self) -> int: ...


class _ReferenceCheck:
    """The whole-file rules: ids, references, cycles, cross-field limits."""

    def __init__(self, instance: Instance) -> None:
        self.inst = instance
        self.found: list[str] = []

    def problems(self) -> list[str]:
        inst = self.inst
        for name in ("resources", "systems", "plants", "materials", "lines"):
            self._unique_ids(name, getattr(inst, name))
        resources = {r.id for r in inst.resources}
        systems = {s.id for s in inst.systems}
        plants = {p.id: p for p in inst.plants}
        materials = {m.id for m in inst.materials}
        lines = {ln.id for ln in inst.lines}

        for i, res in enumerate(inst.resources):
            self._one_per_day(f"resources[{i}].capacity_changes", res.capacity_changes)

        for i, sys in enumerate(inst.systems):
            here = f"systems[{i}]"
            self._refs(f"{here}.after", sys.after, systems, "system")
            if sys.id in sys.after:
                self._add(f"{here}.after", f"system '{sys.id}' cannot come after itself")
            if sys.modes is not None and (sys.duration_days is not None or sys.demand is not None):
                self._add(f"{here}.modes", "give either modes or duration_days + demand, not both")
            if sys.demand is not None and sys.duration_days is None and sys.modes is None:
                self._add(f"{here}.duration_days", "missing field (demand is given)")
            elif not sys.mode_list and not sys.cleared:
                self._add(here, "needs duration_days or modes (or cleared: true)")
            if sys.cleared and sys.fixed_start is not None:
                self._add(f"{here}.fixed_start", "a system already cleared cannot have a fixed start")
            if sys.modes is not None:
                for k, mode in enumerate(sys.modes):
                    self._refs(f"{here}.modes[{k}].demand", mode.demand, resources, "resource")
            elif sys.demand is not None:
                self._refs(f"{here}.demand", sys.demand, resources, "resource")
        self._acyclic("systems", "after", inst.systems)

        for i, plant in enumerate(inst.plants):
            here = f"plants[{i}]"
            seen: set[tuple[int, str]] = set()
            for k, change in enumerate(plant.staff_changes):
                if change.pool not in plant.staff:
                    self._add(
                        f"{here}.staff_changes[{k}].pool",
                        f"unknown pool '{change.pool}' (not a key of staff)",
                    )
                if (change.day, change.pool) in seen:
                    self._add(
                        f"{here}.staff_changes[{k}].day",
                        f"a second change of pool '{change.pool}' on day {change.day}",
                    )
                seen.add((change.day, change.pool))

        for i, mat in enumerate(inst.materials):
            if mat.supply is None:
                continue
            here = f"materials[{i}].supply"
            if mat.supply.ordering_system is not None:
                self._refs(f"{here}.ordering_system", [mat.supply.ordering_system], systems, "system")
            self._one_per_day(f"{here}.changes", mat.supply.changes)

        for i, line in enumerate(inst.lines):
            here = f"lines[{i}]"
            self._refs(f"{here}.plant", [line.plant], set(plants), "plant")
            self._refs(f"{here}.output", [line.output], materials, "material")
            self._refs(f"{here}.inputs", line.inputs, materials, "material")
            self._refs(f"{here}.systems", line.systems, systems, "system")
            self._refs(f"{here}.after_lines", line.after_lines, lines, "line")
            if line.id in line.after_lines:
                self._add(f"{here}.after_lines", f"line '{line.id}' cannot come after itself")
            if line.commissioning is not None:
                self._refs(f"{here}.commissioning.demand", line.commissioning.demand, resources, "resource")
            if line.plant in plants:
                staff = plants[line.plant].staff
                for pool in line.crew_per_shift:
                    if pool not in staff:
                        self._add(
                            f"{here}.crew_per_shift.{pool}",
                            f"unknown pool '{pool}' (not in the staff of plant '{line.plant}')",
                        )
            if line.baseline_shifts is not None and line.baseline_shifts > line.max_shifts:
                self._add(
                    f"{here}.baseline_shifts",
                    f"{line.baseline_shifts} is above max_shifts {line.max_shifts}",
                )
            if line.fixed_restart is not None and line.fixed_restart >= inst.horizon_days:
                self._add(
                    f"{here}.fixed_restart",
                    f"{line.fixed_restart} is not a day of the horizon (0..{inst.horizon_days - 1})",
                )
        self._acyclic("lines", "after_lines", inst.lines)
        self._objective_fits()
        return self.found

    def _objective_fits(self) -> None:
        """The largest objective must be exact in a double: the solver reports it as one."""
        values = {m.id: m.value for m in self.inst.materials}
        largest = sum(
            max(values.get(ln.output, 0), 1) * ln.rate_per_shift * ln.baseline * self.inst.horizon_days
            for ln in self.inst.lines
        )
        if largest >= EXACT:
            self._add(
                "lines",
                f"the lost value could reach {largest:.3g}, beyond what the solver counts exactly "
                "(2^53): give values in a larger money unit or rates in larger batches",
            )

    def _add(self, place: str, message: str) -> None:
        self.found.append(f"{place}: {message}")

    def _unique_ids(self, name: str, items: Sequence[_HasId]) -> None:
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in first:
                self._add(f"{name}[{i}].id", f"duplicate id '{item.id}' (also {name}[{first[item.id]}])")
            first.setdefault(item.id, i)

    def _refs(self, place: str, ids: Iterable[str], known: set[str], kind: str) -> None:
        keyed = isinstance(ids, Mapping)
        for ref in ids:
            if ref not in known:
                self._add(f"{place}.{ref}" if keyed else place, f"unknown {kind} '{ref}'")

    def _one_per_day(self, place: str, changes: Sequence[_HasDay]) -> None:
        days: set[int] = set()
        for k, change in enumerate(changes):
            if change.day in days:
                self._add(f"{place}[{k}].day", f"a second change on day {change.day}")
            days.add(change.day)

    def _acyclic(self, name: str, field: str, items: Sequence[_HasId]) -> None:
        """Report every cycle, each at the first item on it (in file order)."""
        position: dict[str, int] = {}
        graph: dict[str, list[str]] = {}
        for i, item in enumerate(items):
            position.setdefault(item.id, i)
            graph.setdefault(item.id, [])
            graph[item.id] += getattr(item, field)
        graph = {node: [p for p in preds if p in graph and p != node] for node, preds in graph.items()}
        while True:
            try:
                graphlib.TopologicalSorter(graph).prepare()
                return
            except graphlib.CycleError as err:
                cycle: list[str] = list(reversed(err.args[1]))[:-1]
                first = min(cycle, key=position.__getitem__)
                at = cycle.index(first)
                cycle = cycle[at:] + cycle[:at] + [first]
                self._add(f"{name}[{position[first]}].{field}", "cycle " + " -> ".join(cycle))
                for node in cycle:  # drop the cycle, then look for another
                    graph.pop(node, None)
                graph = {node: [p for p in preds if p in graph] for node, preds in graph.items()}


# --- plan ---------------------------------------------------------------------


class PlanObjective(_Model):
    kind: Objective
    value: int | None
    bound: int | None


class PlanSystem(_Model):
    id: Id
    mode: int | None
    start_day: int | None
    end_day: int | None


class PlanLine(_Model):
    id: Id
    restart_day: int | None


class PlanProduction(_Model):
    line: Id
    day: int
    shifts: int
    units: int


class Plan(_Model):
    """A `restart-plan/1` file: a status, the figures and the decisions."""

    format: Literal["restart-plan/1"] = "restart-plan/1"
    instance: str
    status: Status
    objective: PlanObjective
    lost_value: int | None
    lost_units: int | None
    makespan: int | None
    systems: list[PlanSystem] = []
    lines: list[PlanLine] = []
    production: list[PlanProduction] = []
    explanation: list[str] | None = None

    @property
    def has_schedule(self) -> bool:
        return self.status in ("optimal", "feasible")

    def to_json(self) -> str:
        """The file text; `explanation` is written only when there is one."""
        exclude = {"explanation"} if self.explanation is None else set()
        return self.model_dump_json(indent=2, exclude=exclude) + "\n"

    def restart_frame(self) -> pd.DataFrame:
        """One row a line: `line`, `restart_day` (NA when not restarted)."""
        import pandas as pd

        rows = [{"line": ln.id, "restart_day": ln.restart_day} for ln in self.lines]
        return pd.DataFrame(rows, columns=["line", "restart_day"]).astype({"restart_day": "Int64"})

    def clearance_frame(self) -> pd.DataFrame:
        """One row a system: `system`, `mode`, `start_day`, `end_day` (NA when not cleared in the plan)."""
        import pandas as pd

        rows = [
            {"system": s.id, "mode": s.mode, "start_day": s.start_day, "end_day": s.end_day}
            for s in self.systems
        ]
        frame = pd.DataFrame(rows, columns=["system", "mode", "start_day", "end_day"])
        return frame.astype({"mode": "Int64", "start_day": "Int64", "end_day": "Int64"})

    def production_frame(self) -> pd.DataFrame:
        """One row a line and day with shifts: `line`, `day`, `shifts`, `units`."""
        import pandas as pd

        rows = [p.model_dump() for p in self.production]
        return pd.DataFrame(rows, columns=["line", "day", "shifts", "units"])


# --- sweep ----------------------------------------------------------------------

# A sweep solves once a sample: more than this is a typo, and its rows would not fit in memory.
MAX_SAMPLES = 100_000
MAX_DRAWN = 1_000_000  # samples x uncertain values: the drawn scenarios are held in memory
MAX_CHOICES = 1_000
Number = Annotated[float, Field(ge=-MAX_COUNT, le=MAX_COUNT)]  # an integer is a number too
Whole = Annotated[int, Field(ge=-MAX_COUNT, le=MAX_COUNT)]
Weight = Annotated[float, Field(ge=0, le=MAX_COUNT)]


class Uncertain(_Model):
    """One uncertain value: a path that `whatif` changes accept, and how it is drawn.

    Exactly one of `triangular` ([min, mode, max]), `uniform` ([min, max],
    integers, both ends included) and `choice` (values, with optional
    `weights`). A number drawn is rounded (half up) to an integer and set; a string
    such as ``+10%`` or ``-2`` changes the value as `whatif` would.
    """

    path: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    triangular: Annotated[list[Number], Field(min_length=3, max_length=3)] | None = None
    uniform: Annotated[list[Whole], Field(min_length=2, max_length=2)] | None = None
    choice: Annotated[list[Whole | Number | str], Field(min_length=1, max_length=MAX_CHOICES)] | None = None
    weights: (
        Annotated[list[Annotated[float, Field(ge=0, le=MAX_COUNT)]], Field(max_length=MAX_CHOICES)] | None
    ) = None

    @model_validator(mode="after")
    def _one_distribution(self) -> Uncertain:
        given = [name for name in ("triangular", "uniform", "choice") if getattr(self, name) is not None]
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            raise ValueError(f"give exactly one of triangular, uniform and choice (found: {found})")
        if self.triangular is not None and not self.triangular[0] <= self.triangular[1] <= self.triangular[2]:
            raise ValueError("triangular is [min, mode, max], with min <= mode <= max")
        if self.uniform is not None and self.uniform[0] > self.uniform[1]:
            raise ValueError("uniform is [min, max], with min <= max")
        if self.weights is not None:
            if self.choice is None:
                raise ValueError("weights go with choice")
            if len(self.weights) != len(self.choice):
                raise ValueError(f"{len(self.weights)} weights for {len(self.choice)} choices")
            if sum(self.weights) <= 0:
                raise ValueError("the weights must not all be 0")
        return self


class Sweep(_Model):
    """A `restart-sweep/1` file: how many scenarios to draw, from which seed, of what."""

    format: Literal["restart-sweep/1"]
    samples: Annotated[int, Field(ge=1, le=MAX_SAMPLES)]
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    uncertain: Annotated[list[Uncertain], Field(min_length=1, max_length=1_000)]


def json_schemas() -> dict[str, dict[str, object]]:
    """File name -> JSON Schema of each format (checked in under models/)."""
    return {
        "restart-instance-1.schema.json": Instance.model_json_schema(),
        "restart-plan-1.schema.json": Plan.model_json_schema(),
        "restart-sweep-1.schema.json": Sweep.model_json_schema(),
    }
