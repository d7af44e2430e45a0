"""What-if analysis: solve the base and changed versions of an instance, and compare.

`whatif(instance, scenarios)` solves the base (unless given) and every
scenario within one time limit, each searched from its own greedy plan with
the base plan kept as a fallback whenever it still holds
(`solve(..., hint=base plan, follow_hint=False)`), so a short time limit
never makes a scenario look worse than doing nothing new. The scenarios run
in a process pool of ``cpu_count // workers`` processes (one process: in
turn); results always come back in scenario order.

Each `ScenarioResult` holds the changed instance and its solve (the plan
included), the change in lost value against the base, the restart days that
moved, and - for a scenario of one numeric change - the value of the change
per unit of the quantity changed, e.g. "£100 per extra team-day" (capacity x
days in force within the horizon), "per extra person" (staff at day 0), "per
day earlier" (a supplier's `from_day`, a `release_day`). The value is the
objective's improvement divided by the size of the change, so it is positive
when the change helps; it is in the instance's value unit under `lost_value`
(`planner.formats.money`: "value units" when it names none), units under
`lost_units` and days under `makespan`.

`marginal(instance)` prices the usual levers at once (`marginal_scenarios`):
one more of every resource, 10% more of every staff pool, every supplier one
week earlier; it returns the `WhatIf` ranked, biggest saving first.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from planner.decisions.changes import Address, Change, Scenario, apply_changes, parse_change, resolve
from planner.decisions.intervals import settled
from planner.errors import InstanceError
from planner.formats.money import amount, figure, heading, per, unit_json, unit_name
from planner.formats.schema import Instance, Plan, Status
from planner.problem.data import ProblemData, step_function
from planner.problem.decisions import with_bound
from planner.search.budget import Budget
from planner.solve import Result, rebase, solve

if TYPE_CHECKING:
    import pandas as pd

RestartChanges = dict[str, tuple[int | None, int | None]]

_EARLIER = {"from_day", "release_day", "fixed_start", "fixed_restart"}
_SHORTER = {"lead_days", "duration_days", "days"}
_PER = {
    "per_day": "unit delivered a day",
    "on_hand": "unit in stock",
    "horizon_days": "day of horizon",
    "max_shifts": "shift",
    "rate_per_shift": "unit per shift",
}
_WEEK = 7

_COLUMNS = [
    "name",
    "changes",
    "status",
    "lost_value",
    "lost_units",
    "objective",
    "bound",
    "delta_value",
    "least_saving",
    "most_saving",
    "value_per_unit",
    "unit",
    "restart_changes",
]
_HEADER = (
    "scenario",
    "status",
    "lost value",
    "lost units",
    "delta",
    "saves (proven)",
    "value per unit",
    "restarts moved",
)


@dataclass(frozen=True)
class ScenarioResult:
    """One scenario solved: the changed instance, its solve and the comparison with the base."""

    name: str
    changes: tuple[str, ...]
    instance: Instance
    result: Result
    delta_value: int | None  # lost value minus the base's (None without both plans)
    restart_changes: RestartChanges  # line -> (base restart day, this one) for lines that moved
    value_per_unit: float | None
    unit: str | None
    # What the change saves as far as anyone can prove, from `least_saving` (the base's proven
    # bound minus this scenario's objective; negative: it may cost that much) to `most_saving`
    # (the base's objective minus this scenario's proven bound); None without both.
    most_saving: int | None = None
    least_saving: int | None = None

    @property
    def status(self) -> Status:
        return self.result.status

    @property
    def plan(self) -> Plan:
        return self.result.plan

    @property
    def lost_value(self) -> int | None:
        return self.plan.lost_value

    @property
    def lost_units(self) -> int | None:
        return self.plan.lost_units

    @property
    def objective(self) -> int | None:
        return self.result.objective

    @property
    def bound(self) -> int | None:
        return self.result.bound

    @property
    def saving(self) -> int | None:
        """Lost value saved against the base (negative when the change costs)."""
        return None if self.delta_value is None else -self.delta_value

    @property
    def settled(self) -> bool:
        """Is the proven interval of the saving narrower than the saving itself?

        Then its sign and size are findings; otherwise the solves' time
        limit, not the change, may be what the delta shows.
        """
        return settled(self.least_saving, self.most_saving, self.saving)


@dataclass(frozen=True)
class WhatIf:
    """The base solve and every scenario's, in scenario order (or ranked, see `ranked`)."""

    instance: Instance
    base: Result
    scenarios: tuple[ScenarioResult, ...]

    def ranked(self) -> WhatIf:
        """The scenarios by saving, biggest first; those without a plan last."""
        order = sorted(self.scenarios, key=lambda s: (s.saving is None, -(s.saving or 0)))
        return replace(self, scenarios=tuple(order))

    def to_json(self) -> dict[str, Any]:
        """The comparison for scripts (`restart-planner whatif --json`)."""
        base = self.base.plan
        return {
            "value_unit": unit_json(self.instance.value_unit),
            "base": {"lost_value": base.lost_value, "lost_units": base.lost_units, "status": base.status},
            "scenarios": [_scenario_json(s) for s in self.scenarios],
        }

    def table(self) -> pd.DataFrame:
        """One row a scenario (`restart_changes` as text: ``A 5->3, B -->7``)."""
        import pandas as pd

        rows = [
            {**_scenario_json(s), "changes": "; ".join(s.changes), "objective": s.objective, "bound": s.bound}
            | {"restart_changes": _moves(s.restart_changes)}
            for s in self.scenarios
        ]
        ints = [
            "lost_value",
            "lost_units",
            "objective",
            "bound",
            "delta_value",
            "least_saving",
            "most_saving",
        ]
        return pd.DataFrame(rows, columns=_COLUMNS).astype({c: "Int64" for c in ints})

    def text(self) -> str:
        """A comparison table for the terminal."""
        base = self.base.plan
        unit = self.instance.value_unit
        lost = "-" if base.lost_value is None else amount(unit, base.lost_value)
        head = (
            f"What-if on {self.instance.name}: base {base.status}, lost value {lost}, "
            f"lost units {_num(base.lost_units)}"
        )
        header = tuple(f"{h} ({heading(unit)})" if h in ("lost value", "delta") else h for h in _HEADER)
        if self.instance.objective == "lost_value":
            header = tuple(f"{h} ({heading(unit)})" if h == "saves (proven)" else h for h in header)
        cells = [_text_row(s, self.instance) for s in self.scenarios]
        rows = _aligned([header, *cells], right={2, 3, 4, 5})
        note = (
            "delta: lost value minus the base's (negative: less is lost). A plan found for one version "
            "that keeps another's rules counts for both,\nso a change that does not bind shows no delta; "
            "status feasible means the search stopped at the time limit, not at a proven optimum.\n"
            "saves (proven): what the change saves as far as the bounds prove, from the base's bound minus "
            "the scenario's lost value\nto the base's lost value minus the scenario's bound (one figure when "
            "both are proven optimal; negative: a cost)."
        )
        unsettled = [s.name for s in self.scenarios if s.delta_value is not None and not s.settled]
        if unsettled:
            note += (
                f"\nNot settled: {', '.join(unsettled)}. The proven range is wider than the delta itself, so "
                "the delta may be the searches' luck;\na longer --time-limit narrows the range "
                "(both solves proven optimal settles it)."
            )
        return "\n".join([head, "", *rows, "", note]) + "\n"


def whatif(
    instance: Instance,
    scenarios: Sequence[Scenario | str],
    *,
    time_limit: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    base: Result | None = None,
    processes: int | None = None,
    log: bool = False,
) -> WhatIf:
    """Solve the base (unless `base` is given) and each scenario, the base's plan kept for each.

    A string is a change solved as its own scenario, named after its text.
    `time_limit` bounds the whole call: the base (unless given) and each round
    of `processes` scenarios solved at once get equal shares of it, because
    the proven interval of a saving is as wide as the base's gap and the
    scenario's together, so neither is worth more time than the other.
    `workers`, `seed` and `log` (each solver's log on stderr) apply to each
    solve; `processes` (default ``cpu_count // workers``) solves that many
    scenarios at once. Every scenario's changes are checked before anything
    is solved: `InstanceError` lists the problems of all of them.

    A scenario's search starts from its own greedy plan, not from the base's
    (`solve`'s `follow_hint`): a scenario that loosens a binding limit has
    its best plans far from the base's, and a search started there stays
    near it (benchmarks/README.md). The base's plan is kept for every
    scenario whose rules it keeps (`_share_plans`).
    """
    budget = Budget.of(time_limit)
    chosen = [_as_scenario(item, i) for i, item in enumerate(scenarios)]
    changed = _changed_instances(instance, chosen)
    if processes is None:
        processes = max(1, (os.cpu_count() or 1) // max(1, workers))
    processes = max(1, min(processes, len(changed)))
    rounds = math.ceil(len(changed) / processes)
    if base is None:
        base = solve(instance, time_limit=budget.left() / (rounds + 1), workers=workers, seed=seed, log=log)
    hint = base.plan if base.plan.has_schedule else None
    share = budget.left() / max(1, rounds)
    run = functools.partial(_solve, hint=hint, time_limit=share, workers=workers, seed=seed, log=log)
    if processes <= 1:
        results = [run(inst) for inst in changed]
    else:
        with ProcessPoolExecutor(max_workers=processes) as pool:
            results = list(pool.map(run, changed))
    base, results = _share_plans(instance, base, changed, results)
    base, results = _share_bounds(instance, base, changed, results)
    compared = [
        _compare(instance, base, scenario, inst, result)
        for scenario, inst, result in zip(chosen, changed, results, strict=True)
    ]
    return WhatIf(instance, base, tuple(compared))


def marginal_scenarios(instance: Instance) -> list[Scenario]:
    """+1 of every resource, +10% of every staff pool, every supplier a week earlier.

    A supplier is a material with a `supply` back only from a day > 0; its
    `from_day` moves 7 days earlier, but not before day 0. A staff pool that
    is 0 on every day is left out (10% of nothing changes nothing).
    """
    texts = [f"resources.{r.id}.capacity=+1" for r in instance.resources]
    for plant in instance.plants:
        for pool, headcount in plant.staff.items():
            later = [c.headcount for c in plant.staff_changes if c.pool == pool]
            if headcount > 0 or any(later):
                texts.append(f"plants.{plant.id}.staff.{pool}=+10%")
    for material in instance.materials:
        supply = material.supply
        if supply is not None and supply.from_day > 0:
            texts.append(f"materials.{material.id}.supply.from_day={max(0, supply.from_day - _WEEK)}")
    return [Scenario.single(text) for text in texts]


def marginal(
    instance: Instance,
    *,
    time_limit: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    base: Result | None = None,
    processes: int | None = None,
    log: bool = False,
) -> WhatIf:
    """`whatif` over `marginal_scenarios(instance)`, ranked by saving (biggest first)."""
    scenarios = marginal_scenarios(instance)
    found = whatif(
        instance,
        scenarios,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        base=base,
        processes=processes,
        log=log,
    )
    return found.ranked()


# --- solving -------------------------------------------------------------------------


def _as_scenario(item: Scenario | str, position: int) -> Scenario:
    if isinstance(item, Scenario):
        return item
    return Scenario.single(parse_change(item, place=f"changes[{position}]"))


def _changed_instances(instance: Instance, scenarios: list[Scenario]) -> list[Instance]:
    changed: list[Instance] = []
    problems: list[str] = []
    for scenario in scenarios:
        try:
            changed.append(apply_changes(instance, scenario.changes))
        except InstanceError as err:
            problems += err.problems
    if problems:
        raise InstanceError(problems, subject="the changes")
    return changed


def _solve(
    instance: Instance, *, hint: Plan | None, time_limit: float, workers: int, seed: int, log: bool
) -> Result:
    """One scenario's solve (module level, so that a process pool can run it)."""
    return solve(
        instance, time_limit=time_limit, workers=workers, seed=seed, log=log, hint=hint, follow_hint=False
    )


def _share_plans(
    instance: Instance, base: Result, changed: list[Instance], results: list[Result]
) -> tuple[Result, list[Result]]:
    """Each scenario's plan for the base where it keeps the base's rules, then the base's for each.

    Solves that stop at a time limit differ by search luck as well as by the
    change; a plan found for one version that keeps the other's rules is a
    plan of both, so sharing plans leaves only what the change itself makes
    possible (a change that does not bind then shows a delta of 0).
    """
    for result in results:
        base = _better(base, rebase(instance, result.plan) if result.plan.has_schedule else None)
    if not base.plan.has_schedule:
        return base, results
    shared = [_better(result, rebase(inst, base.plan)) for inst, result in zip(changed, results, strict=True)]
    return base, shared


def _share_bounds(
    instance: Instance, base: Result, changed: list[Instance], results: list[Result]
) -> tuple[Result, list[Result]]:
    """Each bound for the version it also bounds: a looser version's optimum is at most the other's.

    Where a scenario only loosens the base (`_looser`: more capacity, staff
    or parts, shorter or earlier clearances), every plan of the base is a
    plan of the scenario of the same value, so the scenario's proven bound
    bounds the base too; where it only tightens (a slipping clearance, a
    team less), the base's bound bounds the scenario.
    """
    data = ProblemData.from_instance(instance)
    versions = [ProblemData.from_instance(inst) for inst in changed]
    looser = [_looser(version, data) for version in versions]
    for result, loose in zip(results, looser, strict=True):
        if loose and result.bound is not None:
            base = base.with_bound(result.bound)
    shared = [
        result.with_bound(base.bound) if base.bound is not None and _looser(data, version) else result
        for result, version in zip(results, versions, strict=True)
    ]
    return base, shared


def _looser(one: ProblemData, other: ProblemData) -> bool:
    """Is every plan of `other` a plan of `one`, of the same value?

    True where the two differ only in limits that `one` keeps at least as
    loose on every day: resource capacities, staff headcounts, deliveries and
    stock on hand at least as large, parts' lead times and clearances' release
    days and mode durations (same demand) at most as long. Nothing in the
    contract rewards a tighter limit (there is no storage limit), so each
    such difference only adds plans.
    """

    def rest(d: ProblemData) -> ProblemData:
        return replace(
            d,
            resources=[replace(r, capacity=[]) for r in d.resources],
            plants=[replace(p, staff={pool: [] for pool in p.staff}) for p in d.plants],
            materials=[replace(m, on_hand=0, supply=[], lead_days=0) for m in d.materials],
            systems=[
                replace(s, release=0, modes=[replace(m, duration=0) for m in s.modes]) for s in d.systems
            ],
        )

    if rest(one) != rest(other):
        return False

    def at_least(more: list[int], less: list[int]) -> bool:
        return all(a >= b for a, b in zip(more, less, strict=True))

    return (
        all(at_least(a.capacity, b.capacity) for a, b in zip(one.resources, other.resources, strict=True))
        and all(
            at_least(a.staff[pool], b.staff[pool])
            for a, b in zip(one.plants, other.plants, strict=True)
            for pool in a.staff
        )
        and all(
            a.on_hand >= b.on_hand and a.lead_days <= b.lead_days and at_least(a.supply, b.supply)
            for a, b in zip(one.materials, other.materials, strict=True)
        )
        and all(
            a.release <= b.release
            and all(ma.duration <= mb.duration for ma, mb in zip(a.modes, b.modes, strict=True))
            for a, b in zip(one.systems, other.systems, strict=True)
        )
    )


def _better(result: Result, plan: Plan | None) -> Result:
    """`result` with `plan` instead when `plan` (a verified plan of the same instance) is better."""
    value = None if plan is None else plan.objective.value
    if plan is None or value is None or (result.objective is not None and result.objective <= value):
        return result
    plan = with_bound(plan, result.bound if result.bound is not None else 0)
    return replace(result, status=plan.status, plan=plan, objective=value, bound=plan.objective.bound)


# --- comparing -----------------------------------------------------------------------


def _compare(
    instance: Instance, base: Result, scenario: Scenario, changed: Instance, result: Result
) -> ScenarioResult:
    delta = None
    if base.plan.lost_value is not None and result.plan.lost_value is not None:
        delta = result.plan.lost_value - base.plan.lost_value
    price = None
    if base.objective is not None and result.objective is not None and len(scenario.changes) == 1:
        price = _price(instance, changed, scenario.changes[0], base.objective - result.objective)
    value, unit = price if price is not None else (None, None)
    return ScenarioResult(
        name=scenario.name,
        changes=tuple(change.text for change in scenario.changes),
        instance=changed,
        result=result,
        delta_value=delta,
        restart_changes=_restart_changes(base.plan, result.plan),
        value_per_unit=value,
        unit=unit,
        most_saving=_most_saving(base, result),
        least_saving=_least_saving(base, result),
    )


def _most_saving(base: Result, result: Result) -> int | None:
    """The base's objective minus the scenario's proven bound: no plan of the scenario saves more."""
    if base.objective is None or result.bound is None:
        return None
    return base.objective - result.bound


def _least_saving(base: Result, result: Result) -> int | None:
    """The base's proven bound minus the scenario's objective: the change saves at least this."""
    if base.bound is None or result.objective is None:
        return None
    return base.bound - result.objective


def _restart_changes(base: Plan, plan: Plan) -> RestartChanges:
    if not (base.has_schedule and plan.has_schedule):
        return {}
    before = {line.id: line.restart_day for line in base.lines}
    return {
        line.id: (before.get(line.id), line.restart_day)
        for line in plan.lines
        if before.get(line.id) != line.restart_day
    }


def _price(old: Instance, new: Instance, change: Change, improvement: int) -> tuple[float, str] | None:
    """(improvement per unit of the change, the unit's label); None when the change has no size."""
    if change.operation == "delete":
        return None
    address = resolve(old, change)
    sized = _size(old, new, address)
    if sized is None or sized[0] == 0:
        return None
    size, per = sized
    return improvement / size, f"{_measure(old)} per {per}"


def _measure(instance: Instance) -> str:
    """What the objective counts: the value unit ('£100', 'value units'), units or days."""
    return {"lost_value": unit_name(instance.value_unit), "lost_units": "units"}.get(
        instance.objective, "days"
    )


def _size(old: Instance, new: Instance, address: Address) -> tuple[int, str] | None:
    """How much the change is, in the changed quantity's unit, and that unit."""
    if address.collection == "resources" and address.fields == ("capacity",):
        return _team_days(new, address) - _team_days(old, address), "extra team-day"
    before, after = _number(old, address), _number(new, address)
    if before is None or after is None:
        return None
    field = str(address.fields[-1])
    if address.collection == "plants" and address.fields[0] == "staff":
        return after - before, "extra person"
    if field in _EARLIER:
        return before - after, "day earlier"
    if field in _SHORTER:
        return before - after, "day shorter"
    return after - before, f"extra {_PER.get(field, field)}"


def _team_days(instance: Instance, address: Address) -> int:
    """Capacity x days in force, summed over the horizon."""
    (resource,) = (r for r in instance.resources if r.id == address.item)
    changes = [(c.day, c.capacity) for c in resource.capacity_changes]
    return sum(step_function(resource.capacity, changes, instance.horizon_days))


def _number(instance: Instance, address: Address) -> int | None:
    """The integer `address` names in `instance` (defaults included), None when it has none."""
    node: Any = instance.model_dump(mode="json")
    if address.collection is not None:
        node = next((it for it in node[address.collection] if it["id"] == address.item), None)
    for field in address.fields:
        node = _child(node, field)
    return node if isinstance(node, int) and not isinstance(node, bool) else None


def _child(node: Any, field: str | int) -> Any:
    """`node[field]`, or None when there is no such field or position."""
    if isinstance(node, dict):
        return node.get(str(field))
    if isinstance(node, list) and isinstance(field, int) and field < len(node):
        return node[field]
    return None


# --- presenting ----------------------------------------------------------------------


def _scenario_json(s: ScenarioResult) -> dict[str, Any]:
    return {
        "name": s.name,
        "changes": list(s.changes),
        "lost_value": s.lost_value,
        "lost_units": s.lost_units,
        "status": s.status,
        "delta_value": s.delta_value,
        "bound": s.bound,
        "least_saving": s.least_saving,
        "most_saving": s.most_saving,
        "settled": s.settled,
        "value_per_unit": s.value_per_unit,
        "unit": s.unit,
        "restart_changes": {line: list(days) for line, days in s.restart_changes.items()},
    }


def _text_row(s: ScenarioResult, base: Instance) -> tuple[str, ...]:
    unit = base.value_unit
    delta = "" if s.delta_value is None else figure(unit, s.delta_value, sign=True)
    price = "" if s.value_per_unit is None or s.unit is None else _price_text(s.value_per_unit, s.unit, base)
    proven = ""
    if s.most_saving is not None and s.least_saving is not None:
        ends = [
            figure(unit, v) if base.objective == "lost_value" else _num(v)
            for v in (s.least_saving, s.most_saving)
        ]
        proven = ends[0] if s.least_saving == s.most_saving else f"{ends[0]} to {ends[1]}"
    lost = "-" if s.lost_value is None else figure(unit, s.lost_value)
    moves = _moves(s.restart_changes)
    return (s.name, s.status, lost, _num(s.lost_units), delta, proven, price, moves)


def _aligned(rows: list[tuple[str, ...]], right: set[int]) -> list[str]:
    """The rows as text columns, the columns in `right` right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _moves(changes: RestartChanges) -> str:
    """``A 5->2, B -->7`` (a dash: not restarted)."""
    return ", ".join(f"{line} {_day(old)}->{_day(new)}" for line, (old, new) in changes.items())


def _price_text(value: float, unit: str, base: Instance) -> str:
    """``£69,506 per extra team-day`` (the label says £100), ``2.5 units per extra person``."""
    value_label = f"{unit_name(base.value_unit)} per "
    if base.objective == "lost_value" and unit.startswith(value_label):
        return per(base.value_unit, value, unit.removeprefix(value_label))
    return f"{_amount(value)} {unit}"


def _amount(value: float) -> str:
    """At most two decimals, none when whole: 2,000 / 12.5 / 0.33."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _day(day: int | None) -> str:
    return "-" if day is None else str(day)


def _num(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"
