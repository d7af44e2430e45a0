"""The report's figures and series, computed from the instance and the plan alone.

Like `planner.verify`, nothing here trusts the solver: every series is
recomputed from the instance (through `ProblemData`: calendars, step
functions; the crews a schedule holds and the delivery gate through
`planner.problem.usage`) and the plan's decisions. Each function returns a
pandas DataFrame in long form, one row per entity and day, ready to chart or
to export; `data`, where given, is the instance's `ProblemData`, built once by
`ReportData.compute`.

The recovery curve counts the lines whose output is a finished good (a
material with `value > 0`), as the objective does, so its total loss equals
the plan's `lost_units` and `lost_value`. When no output has a value (a
`makespan` instance) it counts every line's output instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from planner.formats.schema import Instance, Plan, ValueUnit
from planner.problem import usage
from planner.problem.data import ProblemData
from planner.problem.decisions import decisions_from_plan

TOTAL = "all plants"
PHASES = ("commissioning", "ramp-up", "running")


@dataclass(frozen=True)
class Headline:
    """The figures at the top of the report."""

    instance: str
    status: str
    objective: str
    value: int | None
    bound: int | None
    lost_value: int | None
    lost_units: int | None
    baseline_value: int
    baseline_units: int
    all_back_day: int | None  # the largest restart day; None when some line does not restart
    lines: int
    restarted: int
    start_date: date | None
    value_unit: ValueUnit | None = None

    @property
    def gap(self) -> float | None:
        """(value - bound) / max(1, |value|), as `Result.gap`; 0 when optimal."""
        if self.value is None or self.bound is None:
            return None
        return (self.value - self.bound) / max(1, abs(self.value))

    def date_of(self, day: int) -> date | None:
        """The calendar date of a day, when the instance has a start date."""
        return None if self.start_date is None else self.start_date + timedelta(days=day)


def headline(instance: Instance, plan: Plan, data: ProblemData | None = None) -> Headline:
    """Status, objective and gap, the losses against the baseline, and the day every line is back."""
    data = ProblemData.from_instance(instance) if data is None else data
    counted = _counted_lines(data)
    baseline_units = sum(data.lines[i].baseline for i in counted)
    baseline_value = sum(data.lines[i].baseline * _value(data, i) for i in counted)
    restarted = [ln.restart_day for ln in plan.lines if ln.restart_day is not None]
    all_back = max(restarted) if plan.has_schedule and len(restarted) == len(instance.lines) else None
    return Headline(
        instance=instance.name,
        status=plan.status,
        objective=plan.objective.kind,
        value=plan.objective.value,
        bound=plan.objective.bound,
        lost_value=plan.lost_value,
        lost_units=plan.lost_units,
        baseline_value=baseline_value,
        baseline_units=baseline_units,
        all_back_day=all_back if restarted else None,
        lines=len(instance.lines),
        restarted=len(restarted),
        start_date=instance.start_date,
        value_unit=instance.value_unit,
    )


# --- the plan's decisions, by day ------------------------------------------------------------


def _value(data: ProblemData, line: int) -> int:
    return data.materials[data.lines[line].output].value


def _counted_lines(data: ProblemData) -> list[int]:
    """The lines of the recovery curve: finished goods, or every line when nothing has a value."""
    valued = [i for i in range(len(data.lines)) if _value(data, i) > 0]
    return valued or list(range(len(data.lines)))


def counts_finished_goods(instance: Instance) -> bool:
    """Does the recovery curve count finished goods only (rather than every line's output)?"""
    values = {m.id: m.value for m in instance.materials}
    return any(values[ln.output] > 0 for ln in instance.lines)


def _by_line_and_day(plan: Plan, column: str, lines: list[str], horizon: int) -> pd.DataFrame:
    """`units` or `shifts` of the plan as a day x line table, 0 where the plan has no row."""
    frame = plan.production_frame()
    table = frame.pivot_table(index="day", columns="line", values=column, aggfunc="sum")
    return table.reindex(index=range(horizon), columns=lines).fillna(0).astype("int64")


# --- recovery curve ------------------------------------------------------------------------------


def recovery_frame(instance: Instance, plan: Plan, data: ProblemData | None = None) -> pd.DataFrame:
    """Daily and cumulative output against the baseline, per plant and for all plants.

    Columns: `plant` (a plant id, or `TOTAL`), `day`, `baseline_units`, `units`,
    `baseline_value`, `value`, and `cum_` + each of these four. The baseline of
    a line is `rate_per_shift * baseline_shifts` on each working day of its plant.
    """
    data = ProblemData.from_instance(instance) if data is None else data
    counted = _counted_lines(data)
    ids = [data.lines[i].id for i in counted]
    units = _by_line_and_day(plan, "units", ids, data.horizon)
    rows = []
    for i, line_id in zip(counted, ids, strict=True):
        line = instance.lines[i]
        working = pd.Series(data.plants[data.lines[i].plant].working, dtype="int64")
        value = _value(data, i)
        per_day = pd.DataFrame(
            {
                "plant": line.plant,
                "day": range(data.horizon),
                "baseline_units": working * line.rate_per_shift * line.baseline,
                "units": units[line_id].to_numpy(),
            }
        )
        per_day["baseline_value"] = per_day["baseline_units"] * value
        per_day["value"] = per_day["units"] * value
        rows.append(per_day)
    columns = ["baseline_units", "units", "baseline_value", "value"]
    if not rows:
        return pd.DataFrame(columns=["plant", "day", *columns, *(f"cum_{c}" for c in columns)])
    lines = pd.concat(rows)
    plants = lines.groupby(["plant", "day"], as_index=False, sort=False)[columns].sum()
    total = lines.groupby("day", as_index=False)[columns].sum().assign(plant=TOTAL)
    frame = pd.concat([total, plants], ignore_index=True)[["plant", "day", *columns]]
    for column in columns:
        frame[f"cum_{column}"] = frame.groupby("plant", sort=False)[column].cumsum()
    return frame


# --- Gantts ---------------------------------------------------------------------------------------


def demand_label(demand: dict[str, int]) -> str:
    """`forensic-it x2 + sap-team` for `{forensic-it: 2, sap-team: 1}`; `no crew` when empty."""
    parts = [rid if n == 1 else f"{rid} x{n}" for rid, n in demand.items() if n > 0]
    return " + ".join(parts) or "no crew"


def clearance_frame(instance: Instance, plan: Plan) -> pd.DataFrame:
    """One row a system cleared in the plan: who clears it, when.

    Columns: `system`, `name`, `mode`, `start_day`, `end_day` (exclusive),
    `days`, `resources` (the ids of the crews, `+`-joined: the Gantt's colour)
    and `demand` (the crews with amounts).
    """
    systems = {s.id: s for s in instance.systems}
    rows = []
    for row in plan.systems:
        if row.start_day is None or row.end_day is None or row.mode is None:
            continue
        system = systems[row.id]
        demand = {rid: n for rid, n in system.mode_list[row.mode].demand.items() if n > 0}
        rows.append(
            {
                "system": row.id,
                "name": system.name,
                "mode": row.mode,
                "start_day": row.start_day,
                "end_day": row.end_day,
                "days": row.end_day - row.start_day,
                "resources": " + ".join(demand) or "no crew",
                "demand": demand_label(demand),
            }
        )
    columns = ["system", "name", "mode", "start_day", "end_day", "days", "resources", "demand"]
    return pd.DataFrame(rows, columns=columns).sort_values(["start_day", "system"], ignore_index=True)


def restart_frame(instance: Instance, plan: Plan) -> pd.DataFrame:
    """The phases of each restarted line, clipped to the horizon.

    Columns: `line`, `plant`, `restart_day`, `phase` (one of `PHASES`),
    `start_day`, `end_day` (exclusive). Commissioning is days `r - c .. r - 1`,
    ramp-up `r .. r + len(ramp_up_percent) - 1`, then running to the horizon.
    """
    horizon = instance.horizon_days
    restarts = {ln.id: ln.restart_day for ln in plan.lines}
    rows = []
    for line in instance.lines:
        r = restarts.get(line.id)
        if r is None:
            continue
        ramp_end = r + len(line.ramp_up_percent)
        spans = {
            "commissioning": (r - line.commissioning_days, r),
            "ramp-up": (r, ramp_end),
            "running": (ramp_end, horizon),
        }
        if r < 0:  # running since before day 0: its commissioning is in the past
            spans["commissioning"] = (r, r)
        for phase, (first, end) in spans.items():
            first, end = max(first, 0), min(end, horizon)
            if first < end:
                rows.append(
                    {
                        "line": line.id,
                        "plant": line.plant,
                        "restart_day": r,
                        "phase": phase,
                        "start_day": first,
                        "end_day": end,
                    }
                )
    columns = ["line", "plant", "restart_day", "phase", "start_day", "end_day"]
    return pd.DataFrame(rows, columns=columns)


def line_order(plan: Plan) -> list[str]:
    """Line ids by restart day (lines not restarted last), the order of the restart Gantt."""
    never = float("inf")
    ordered = sorted(plan.lines, key=lambda ln: never if ln.restart_day is None else ln.restart_day)
    return [ln.id for ln in ordered]


# --- resources, staff and stock over time --------------------------------------------------------------


def resource_frame(instance: Instance, plan: Plan, data: ProblemData | None = None) -> pd.DataFrame:
    """Per resource and day: crews `used` by clearance and commissioning, and the `capacity` in force."""
    data = ProblemData.from_instance(instance) if data is None else data
    decisions = decisions_from_plan(data, plan)
    used = [[0] * data.horizon for _ in data.resources]
    for hold in usage.holds(data, decisions.systems, decisions.restarts):
        for t in range(max(hold.first, 0), min(hold.last, data.horizon)):
            for r, amount in hold.demand.items():
                used[r][t] += amount
    frames = [
        pd.DataFrame(
            {"resource": res.id, "day": range(data.horizon), "used": used[r], "capacity": res.capacity}
        )
        for r, res in enumerate(data.resources)
    ]
    return _concat(frames, ["resource", "day", "used", "capacity"])


def staff_frame(instance: Instance, plan: Plan, data: ProblemData | None = None) -> pd.DataFrame:
    """Per plant, pool and day: people `used` by the lines' shifts, and the `headcount` in force."""
    data = ProblemData.from_instance(instance) if data is None else data
    ids = [ln.id for ln in data.lines]
    shifts = _by_line_and_day(plan, "shifts", ids, data.horizon)
    frames = []
    for p, plant in enumerate(data.plants):
        for pool, headcount in plant.staff.items():
            used = sum(
                (shifts[ln.id] * ln.crew[pool] for ln in data.lines if ln.plant == p and pool in ln.crew),
                start=pd.Series(0, index=range(data.horizon), dtype="int64"),
            )
            frames.append(
                pd.DataFrame(
                    {
                        "plant": plant.id,
                        "pool": pool,
                        "day": range(data.horizon),
                        "used": used.to_numpy(),
                        "headcount": headcount,
                    }
                )
            )
    return _concat(frames, ["plant", "pool", "day", "used", "headcount"])


def stock_frame(instance: Instance, plan: Plan, data: ProblemData | None = None) -> pd.DataFrame:
    """Per material that some line consumes, and day: `delivered`, `consumed`, `produced`, `stock`.

    `stock` is at the end of the day (PROBLEM.md rule 7). `binds` is true, on
    every row of a material, when on some day its stock ran out while a line
    consuming it ran below what its shifts and ramp-up allow (fewer units left
    than one more unit of that line needs): the material held production back.
    """
    data = ProblemData.from_instance(instance) if data is None else data
    ids = [ln.id for ln in data.lines]
    units = _by_line_and_day(plan, "units", ids, data.horizon)
    short = _short_lines(instance, plan, units)
    ends = usage.ends(data, decisions_from_plan(data, plan).systems)
    frames = []
    for m, material in enumerate(data.materials):
        consumers = [ln for ln in data.lines if m in ln.inputs]
        if not consumers:
            continue
        delivered = pd.Series(usage.delivered(material, ends), index=range(data.horizon), dtype="int64")
        consumed = sum((units[ln.id] * ln.inputs[m] for ln in consumers), start=_zeros(data.horizon))
        produced = sum((units[ln.id] for ln in data.lines if ln.output == m), start=_zeros(data.horizon))
        available = material.on_hand + (delivered - consumed + produced).cumsum().shift(1, fill_value=0)
        available += delivered
        left = available - consumed
        binds = any(((left < ln.inputs[m]) & short[ln.id]).any() for ln in consumers)
        frames.append(
            pd.DataFrame(
                {
                    "material": material.id,
                    "day": range(data.horizon),
                    "delivered": delivered.to_numpy(),
                    "consumed": consumed.to_numpy(),
                    "produced": produced.to_numpy(),
                    "stock": (left + produced).to_numpy(),
                    "binds": binds,
                }
            )
        )
    return _concat(frames, ["material", "day", "delivered", "consumed", "produced", "stock", "binds"])


def _zeros(horizon: int) -> pd.Series:
    return pd.Series(0, index=range(horizon), dtype="int64")


def _short_lines(instance: Instance, plan: Plan, units: pd.DataFrame) -> pd.DataFrame:
    """Per day and line: does the line run (shifts > 0) below its shifts' and ramp-up's cap?"""
    ids = [ln.id for ln in instance.lines]
    shifts = _by_line_and_day(plan, "shifts", ids, instance.horizon_days)
    restarts = {ln.id: ln.restart_day for ln in plan.lines}
    short = {}
    for line in instance.lines:
        cap = shifts[line.id] * line.rate_per_shift
        r = restarts.get(line.id)
        full = line.rate_per_shift * line.max_shifts
        for k, pct in enumerate(line.ramp_up_percent):
            if r is not None and 0 <= r + k < instance.horizon_days:
                cap.iloc[r + k] = min(cap.iloc[r + k], pct * full // 100)
        short[line.id] = (shifts[line.id] > 0) & (units[line.id] < cap)
    return pd.DataFrame(short, index=units.index)


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


# --- everything the report shows --------------------------------------------------------------------


@dataclass(frozen=True)
class ReportData:
    """The headline and every series of one plan's report."""

    headline: Headline
    horizon: int
    finished_goods: bool  # does the recovery curve count finished goods only?
    recovery: pd.DataFrame
    plants: list[str]  # the recovery curve's facets: TOTAL, then plants in file order
    clearance: pd.DataFrame
    restarts: pd.DataFrame
    line_order: list[str]
    resources: pd.DataFrame
    staff: pd.DataFrame
    stock: pd.DataFrame

    @classmethod
    def compute(cls, instance: Instance, plan: Plan) -> ReportData:
        """Every series of the report; those of a plan without a schedule are empty."""
        if not plan.has_schedule:
            plan = plan.model_copy(update={"systems": [], "lines": [], "production": []})
        data = ProblemData.from_instance(instance)  # once, for every series that needs it
        recovery = recovery_frame(instance, plan, data)
        present = set(recovery["plant"])
        return cls(
            headline=headline(instance, plan, data),
            horizon=instance.horizon_days,
            finished_goods=counts_finished_goods(instance),
            recovery=recovery if plan.has_schedule else recovery.iloc[0:0],
            plants=[TOTAL] + [p.id for p in instance.plants if p.id in present],
            clearance=clearance_frame(instance, plan),
            restarts=restart_frame(instance, plan),
            line_order=line_order(plan),
            resources=resource_frame(instance, plan, data) if plan.has_schedule else pd.DataFrame(),
            staff=staff_frame(instance, plan, data) if plan.has_schedule else pd.DataFrame(),
            stock=stock_frame(instance, plan, data) if plan.has_schedule else pd.DataFrame(),
        )
