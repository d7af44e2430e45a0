"""The plan's tables (outputs/tables.py) and `solve --tables DIR`: columns, and agreement with the plan."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from planner.cli.commands import main
from planner.formats.read import load_instance, load_plan
from planner.formats.schema import Instance, Line, Plan
from planner.outputs.tables import COLUMNS, plan_tables, write_tables

from helpers import instance as instance_of
from helpers import solve_checked, tiny

GENERATED = Path(__file__).resolve().parents[1] / "instances" / "generated"
NAMES = ["tiny-s1", "small-s1"]  # staff pools, supplies gated by ordering systems, intermediate parts


@functools.cache
def solved(name: str) -> tuple[Instance, Plan]:
    """A generated instance and its verified plan (one worker, seed 0)."""
    instance = load_instance(GENERATED / f"{name}.json")
    return instance, solve_checked(instance, time_limit=10).plan


@functools.cache
def tables(name: str) -> dict[str, pd.DataFrame]:
    return plan_tables(*solved(name))


@pytest.mark.parametrize("name", NAMES)
def test_every_table_has_its_documented_columns(name: str) -> None:
    found = tables(name)
    assert list(found) == list(COLUMNS)
    for table, columns in COLUMNS.items():
        assert list(found[table].columns) == columns, table


@pytest.mark.parametrize("name", NAMES)
def test_restarts_and_clearances_are_the_plans(name: str) -> None:
    _, plan = solved(name)
    restarts = tables(name)["restarts"]
    assert dict(zip(restarts["line"], restarts["restart_day"], strict=True)) == {
        line.id: line.restart_day for line in plan.lines
    }
    clearances = tables(name)["clearances"]
    assert list(clearances["system"]) == [s.id for s in plan.systems]


@pytest.mark.parametrize("name", NAMES)
def test_production_units_sum_to_the_plans(name: str) -> None:
    _, plan = solved(name)
    production = tables(name)["production"]
    assert len(production) == len(plan.production)
    assert production["units"].sum() == sum(p.units for p in plan.production)
    by_line = production.groupby("line")["units"].sum().to_dict()
    for line in plan.lines:
        assert by_line.get(line.id, 0) == sum(p.units for p in plan.production if p.line == line.id)


@pytest.mark.parametrize("name", NAMES)
def test_staff_covers_every_pool_and_day_within_headcount(name: str) -> None:
    instance, _ = solved(name)
    staff = tables(name)["staff"]
    pools = sum(len(plant.staff) for plant in instance.plants)
    assert len(staff) == pools * instance.horizon_days
    assert (staff["used"] <= staff["headcount"]).all()
    assert staff["used"].sum() > 0


def test_staff_used_is_crew_per_shift_times_shifts() -> None:
    instance, plan = solved("tiny-s1")
    staff = tables("tiny-s1")["staff"].set_index(["plant", "pool", "day"])
    plants = {line.id: line.plant for line in instance.lines}
    crews = {line.id: line.crew_per_shift for line in instance.lines}
    expected: dict[tuple[str, str, int], int] = {}
    for row in plan.production:
        for pool, people in crews[row.line].items():
            key = (plants[row.line], pool, row.day)
            expected[key] = expected.get(key, 0) + people * row.shifts
    assert expected
    for key, people in expected.items():
        assert staff.loc[key, "used"] == people


@pytest.mark.parametrize("name", NAMES)
def test_stock_is_never_negative_and_balances_every_day(name: str) -> None:
    instance, _ = solved(name)
    stock = tables(name)["stock"]
    assert len(stock) == len(instance.materials) * instance.horizon_days
    assert (stock["stock"] >= 0).all()
    for material in instance.materials:
        rows = stock[stock["material"] == material.id]
        before = rows["stock"].shift(fill_value=material.on_hand)
        assert (rows["consumed"] <= before + rows["delivered"]).all()  # constraint 7
        assert (rows["stock"] == before + rows["delivered"] - rows["consumed"] + rows["produced"]).all()


@pytest.mark.parametrize("name", NAMES)
def test_stock_flows_agree_with_the_plans_production(name: str) -> None:
    instance, plan = solved(name)
    stock = tables(name)["stock"].groupby("material")[["consumed", "produced", "delivered"]].sum()
    for material in instance.materials:
        made = sum(p.units for p in plan.production if _line(instance, p.line).output == material.id)
        used = sum(_line(instance, p.line).inputs.get(material.id, 0) * p.units for p in plan.production)
        assert stock.loc[material.id, "produced"] == made
        assert stock.loc[material.id, "consumed"] == used
    assert stock["delivered"].sum() > 0


def test_a_plan_without_a_schedule_gives_empty_tables() -> None:
    data = tiny()
    data["lines"][0]["fixed_restart"] = 1  # s takes 2 days: infeasible
    result = solve_checked(data)
    assert result.status == "infeasible"
    found = plan_tables(instance_of(data), result.plan)
    assert all(frame.empty and list(frame.columns) == COLUMNS[n] for n, frame in found.items())


def test_write_tables_writes_one_csv_per_table(tmp_path: Path) -> None:
    instance, plan = solved("tiny-s1")
    written = write_tables(instance, plan, tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(f"{name}.csv" for name in COLUMNS)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in written)
    for name, frame in tables("tiny-s1").items():
        pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "out" / f"{name}.csv"), frame, check_dtype=False)


def test_solve_with_tables_writes_the_csvs_of_its_plan(tmp_path: Path) -> None:
    source = GENERATED / "tiny-s1.json"
    out = tmp_path / "tables"
    args = ["solve", str(source), "-o", str(tmp_path / "plan.json"), "--tables", str(out)]
    result = CliRunner().invoke(main, [*args, "--workers", "1", "--quiet"])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.csv" for name in COLUMNS)
    for name, columns in COLUMNS.items():
        assert list(pd.read_csv(out / f"{name}.csv").columns) == columns
    production = pd.read_csv(out / "production.csv")
    assert production["units"].sum() == sum(p.units for p in load_plan(tmp_path / "plan.json").production)


def _line(instance: Instance, line_id: str) -> Line:
    return next(line for line in instance.lines if line.id == line_id)
