"""A plan's tables for pipelines: restarts, clearances, production, staff use and stock.

`plan_tables(instance, plan)` gives them as pandas DataFrames, computed from
the instance and the plan alone (never the solver), as the checker would
recompute them; `write_tables` writes each as CSV (`restart-planner solve
--tables DIR`). Every column is an integer or an id; a day is a day number of
the horizon. The tables and their columns:

- restarts: line, restart_day (empty when the line is not restarted)
- clearances: system, mode, start_day, end_day (empty when not cleared in the plan)
- production: line, day, shifts, units (one row a line and day with shifts)
- staff: plant, pool, day, used, headcount (every plant, pool of its staff and day)
- stock: material, day, stock, delivered, consumed, produced (every material and
  day; stock at the end of the day, what the line made that day included)

A plan without a schedule (infeasible, unknown) gives the same tables, empty.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.formats.schema import Instance, Plan
from planner.formats.write import write_atomically
from planner.problem import usage
from planner.problem.data import ProblemData, step_function
from planner.problem.decisions import decisions_from_plan

COLUMNS: dict[str, list[str]] = {
    "restarts": ["line", "restart_day"],
    "clearances": ["system", "mode", "start_day", "end_day"],
    "production": ["line", "day", "shifts", "units"],
    "staff": ["plant", "pool", "day", "used", "headcount"],
    "stock": ["material", "day", "stock", "delivered", "consumed", "produced"],
}


def plan_tables(instance: Instance, plan: Plan) -> dict[str, pd.DataFrame]:
    """Table name -> DataFrame with the columns of `COLUMNS`, in that order."""
    if not plan.has_schedule:
        return {name: _empty(columns) for name, columns in COLUMNS.items()}
    production = _integers(plan.production_frame(), ["day", "shifts", "units"])
    return {
        "restarts": plan.restart_frame(),
        "clearances": plan.clearance_frame(),
        "production": production,
        "staff": staff_table(instance, production),
        "stock": stock_table(instance, plan, production),
    }


def write_tables(instance: Instance, plan: Plan, directory: str | Path) -> list[Path]:
    """Write each table as `<name>.csv` in `directory` (made if missing); the paths written.

    Each file is replaced atomically: a reader sees the old file or the new
    one, never half of one.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in plan_tables(instance, plan).items():
        path = folder / f"{name}.csv"
        write_atomically(path, frame.to_csv(index=False, lineterminator="\n"))
        written.append(path)
    return written


def staff_table(instance: Instance, production: pd.DataFrame) -> pd.DataFrame:
    """People each plant's lines use from each pool on each day (constraint 6), and the headcount."""
    keys = ["plant", "pool", "day"]
    table = _headcounts(instance).merge(_staff_used(instance, production), on=keys, how="left")
    return _integers(table.fillna({"used": 0})[COLUMNS["staff"]], ["day", "used", "headcount"])


def _headcounts(instance: Instance) -> pd.DataFrame:
    """plant, pool, day, headcount: the step function of every pool, every day."""
    rows = []
    for plant in instance.plants:
        for pool, initial in plant.staff.items():
            changes = [(c.day, c.headcount) for c in plant.staff_changes if c.pool == pool]
            counts = step_function(initial, changes, instance.horizon_days)
            rows += [(plant.id, pool, day, count) for day, count in enumerate(counts)]
    return pd.DataFrame(rows, columns=["plant", "pool", "day", "headcount"])


def _staff_used(instance: Instance, production: pd.DataFrame) -> pd.DataFrame:
    """plant, pool, day, used: crew_per_shift * shifts, summed over the plant's lines."""
    crews = pd.DataFrame(
        [(ln.id, ln.plant, pool, n) for ln in instance.lines for pool, n in ln.crew_per_shift.items()],
        columns=["line", "plant", "pool", "crew"],
    )
    rows = production.merge(crews, on="line")
    used = (rows["crew"] * rows["shifts"]).groupby([rows["plant"], rows["pool"], rows["day"]]).sum()
    return used.rename("used").reset_index()


def stock_table(instance: Instance, plan: Plan, production: pd.DataFrame) -> pd.DataFrame:
    """Each material's daily balance (constraint 7), from `on_hand`:
    stock(t) = stock(t-1) + delivered(t) - consumed(t) + produced(t)."""
    keys = ["material", "day"]
    table = _delivered(instance, plan)
    table = table.join(_consumed(instance, production), on=keys).join(
        _produced(instance, production), on=keys
    )
    table = _integers(table.fillna({"consumed": 0, "produced": 0}), ["consumed", "produced"])
    change = table["delivered"] - table["consumed"] + table["produced"]
    on_hand = table["material"].map({m.id: m.on_hand for m in instance.materials})
    table["stock"] = on_hand + change.groupby(table["material"]).cumsum()
    return _integers(table[COLUMNS["stock"]], COLUMNS["stock"][1:])


def _delivered(instance: Instance, plan: Plan) -> pd.DataFrame:
    """material, day, delivered: every material and day of the horizon."""
    data = ProblemData.from_instance(instance)
    ends = usage.ends(data, decisions_from_plan(data, plan).systems)
    rows = []
    for material in data.materials:
        rows += [(material.id, day, amount) for day, amount in enumerate(usage.delivered(material, ends))]
    return pd.DataFrame(rows, columns=["material", "day", "delivered"])


def _consumed(instance: Instance, production: pd.DataFrame) -> pd.Series:
    """Units of each material the lines use each day, indexed by (material, day)."""
    inputs = pd.DataFrame(
        [(ln.id, m, per_unit) for ln in instance.lines for m, per_unit in ln.inputs.items()],
        columns=["line", "material", "per_unit"],
    )
    uses = production.merge(inputs, on="line")
    return (
        (uses["units"] * uses["per_unit"]).groupby([uses["material"], uses["day"]]).sum().rename("consumed")
    )


def _produced(instance: Instance, production: pd.DataFrame) -> pd.Series:
    """Units of each material the lines make each day, indexed by (material, day)."""
    outputs = {ln.id: ln.output for ln in instance.lines}
    material = production["line"].map(outputs)
    return (
        production["units"].groupby([material.rename("material"), production["day"]]).sum().rename("produced")
    )


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=columns)


def _integers(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame.astype(dict.fromkeys(columns, "int64")).reset_index(drop=True)
