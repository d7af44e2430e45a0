"""A plan as tables a planner can filter and pivot, recomputed from the instance and the plan alone.

Like the checker (planner/verify.py), nothing here reads the solver: every
figure comes from the plan's decisions (modes, start days, restart days,
shifts and units) and the instance's rules (calendars, step functions, the
stock balance of the contract's constraint 7). The plan is assumed to pass
`verify`; the spreadsheet export checks that first.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from planner.formats.schema import Instance, Line, Plan, PlanSystem
from planner.outputs import tables
from planner.problem.data import working_days

RESTART_COLUMNS = [
    "line",
    "name",
    "plant",
    "output",
    "restart_day",
    "commissioning_start",
    "full_rate_day",
    "baseline_units",
    "units",
    "shortfall_units",
    "lost_value",
]
CLEARANCE_COLUMNS = ["system", "name", "status", "mode", "start_day", "end_day", "duration_days"]
PRODUCTION_COLUMNS = ["line", "plant", "output", "day", "shifts", "units"]
DEMAND_PREFIX = "demand:"


@dataclass(frozen=True)
class _Decisions:
    """The plan's decisions indexed by id."""

    restart: dict[str, int | None]
    units: dict[str, dict[int, int]]  # line -> day -> units

    @staticmethod
    def read(instance: Instance, plan: Plan) -> _Decisions:
        units: dict[str, dict[int, int]] = {line.id: {} for line in instance.lines}
        for row in plan.production:
            units[row.line][row.day] = row.units
        return _Decisions({ln.id: ln.restart_day for ln in plan.lines}, units)


def plan_tables(instance: Instance, plan: Plan) -> dict[str, pd.DataFrame]:
    """Sheet name -> table: restarts, clearance, production, staff_use, stock.

    A plan without a schedule (infeasible, unknown) gives the same tables, empty.
    """
    if not plan.has_schedule:
        # Systems cleared before day 0 are listed as a schedule lists them: their supplies still deliver.
        cleared = [
            PlanSystem(id=s.id, mode=None, start_day=None, end_day=0) for s in instance.systems if s.cleared
        ]
        plan = plan.model_copy(update={"systems": cleared, "lines": [], "production": []})
    decisions = _Decisions.read(instance, plan)
    production = plan.production_frame().astype(dict.fromkeys(["day", "shifts", "units"], "int64"))
    return {
        "restarts": restarts_table(instance, decisions),
        "clearance": clearance_table(instance, plan),
        "production": production_table(instance, plan),
        "staff_use": _nullable(tables.staff_table(instance, production), tables.COLUMNS["staff"][2:]),
        "stock": _nullable(tables.stock_table(instance, plan, production), tables.COLUMNS["stock"][1:]),
    }


def _frame(rows: list[dict[str, object]], columns: list[str], integers: list[str]) -> pd.DataFrame:
    return _nullable(pd.DataFrame(rows, columns=columns), integers)


def _nullable(frame: pd.DataFrame, integers: list[str]) -> pd.DataFrame:
    return frame.astype(dict.fromkeys(integers, "Int64"))


def restarts_table(instance: Instance, decisions: _Decisions) -> pd.DataFrame:
    """One row a line: restart, commissioning start, first day at full rate, output against baseline."""
    value = {m.id: m.value for m in instance.materials}
    plants = {p.id: p for p in instance.plants}
    rows: list[dict[str, object]] = []
    for line in instance.lines:
        r = decisions.restart.get(line.id)
        calendar = working_days(plants[line.plant], instance.start_date, instance.horizon_days)
        baseline = line.rate_per_shift * line.baseline * sum(calendar)
        made = sum(decisions.units[line.id].values())
        rows.append(
            {
                "line": line.id,
                "name": line.name,
                "plant": line.plant,
                "output": line.output,
                "restart_day": r,
                "commissioning_start": _commissioning_start(line, r),
                "full_rate_day": None if r is None else r + len(line.ramp_up_percent),
                "baseline_units": baseline,
                "units": made,
                "shortfall_units": baseline - made,
                "lost_value": value[line.output] * (baseline - made),
            }
        )
    integers = RESTART_COLUMNS[4:]
    return _frame(rows, RESTART_COLUMNS, integers)


def _commissioning_start(line: Line, restart: int | None) -> int | None:
    if restart is None or line.commissioning_days == 0:
        return None
    if line.fixed_restart is not None and line.fixed_restart < 0:
        return None  # running before day 0: no commissioning in the horizon
    return restart - line.commissioning_days


def clearance_table(instance: Instance, plan: Plan) -> pd.DataFrame:
    """One row a system: status, mode, days, and the chosen mode's demand of every resource."""
    chosen = {s.id: s for s in plan.systems}
    resources = [r.id for r in instance.resources]
    rows: list[dict[str, object]] = []
    for system in instance.systems:
        decided = chosen.get(system.id)
        mode = decided.mode if decided else None
        demand = system.mode_list[mode].demand if mode is not None else {}
        status = "cleared before day 0" if system.cleared else "not cleared"
        if decided is not None and decided.start_day is not None:
            status = "cleared"
        row: dict[str, object] = {
            "system": system.id,
            "name": system.name,
            "status": status,
            "mode": mode,
            "start_day": decided.start_day if decided else None,
            "end_day": 0 if system.cleared else (decided.end_day if decided else None),
            "duration_days": system.mode_list[mode].duration_days if mode is not None else None,
        }
        row |= {
            f"{DEMAND_PREFIX}{res}": demand.get(res, 0) if mode is not None else None for res in resources
        }
        rows.append(row)
    columns = CLEARANCE_COLUMNS + [f"{DEMAND_PREFIX}{res}" for res in resources]
    return _frame(rows, columns, columns[3:])


def production_table(instance: Instance, plan: Plan) -> pd.DataFrame:
    """One row a line and day with shifts (the plan's production rows), with plant and output."""
    lines = {line.id: line for line in instance.lines}
    rows: list[dict[str, object]] = [
        {
            "line": p.line,
            "plant": lines[p.line].plant,
            "output": lines[p.line].output,
            "day": p.day,
            "shifts": p.shifts,
            "units": p.units,
        }
        for p in sorted(plan.production, key=lambda p: (p.line, p.day))
    ]
    return _frame(rows, PRODUCTION_COLUMNS, ["day", "shifts", "units"])
