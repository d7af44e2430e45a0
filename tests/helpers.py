"""Shared test helpers: solve with one worker and a fixed seed, and always check the plan."""

from __future__ import annotations

import copy
import csv
import importlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from planner.formats.read import parse_instance
from planner.formats.schema import Instance
from planner.solve import Result, solve
from planner.verify import verify

SHARED = Path(__file__).resolve().parents[2] / "shared"
# The contract's worked examples, copied from ../shared/spec/examples (their README says how
# each optimum was checked), so that the suite runs from a clone of this repository.
EXAMPLES = Path(__file__).resolve().parent / "data" / "examples"
GENERATED = Path(__file__).resolve().parents[1] / "instances" / "generated"


def generated_optimum(name: str) -> int:
    """The kept, checked optimum of a generated instance (index.csv; test_generate.py checks its plan)."""
    with (GENERATED / "index.csv").open() as rows:
        row = next(r for r in csv.DictReader(rows) if r["name"] == name)
    assert row["status"] == "optimal"
    return int(row["best_known"])


def instance(data: dict[str, Any]) -> Instance:
    return parse_instance(json.dumps(data))


def solve_checked(inst: Instance | dict[str, Any], time_limit: float = 20.0, workers: int = 1) -> Result:
    """Solve with one worker (unless told) and seed 0; the plan must pass the independent checker.

    Two workers run the schedule neighbourhoods alongside CP-SAT's search
    (`planner.cpsat.lns`), whose outcome depends on timing.
    """
    if isinstance(inst, dict):
        inst = instance(inst)
    result = solve(inst, time_limit=time_limit, workers=workers, seed=0)
    report = verify(inst, result.plan)
    assert report.ok, report.summary()
    if result.plan.has_schedule:
        assert report.figures is not None
        figures = {
            "lost_value": report.figures.lost_value,
            "lost_units": report.figures.lost_units,
            "makespan": report.figures.makespan,
        }
        assert result.objective == figures[inst.objective]
    return result


def tiny(**changes: Any) -> dict[str, Any]:
    """One team, one plant working every day, one line 'A' (10 a day, value 1) needing 's' (2 days)."""
    base: dict[str, Any] = {
        "format": "restart-instance/1",
        "name": "tiny",
        "horizon_days": 10,
        "resources": [{"id": "team", "capacity": 1}],
        "systems": [{"id": "s", "name": "s", "duration_days": 2, "demand": {"team": 1}}],
        "plants": [{"id": "p", "name": "p", "workdays": [0, 1, 2, 3, 4, 5, 6]}],
        "materials": [{"id": "car", "name": "car", "value": 1}],
        "lines": [
            {"id": "A", "name": "A", "plant": "p", "output": "car", "rate_per_shift": 10, "systems": ["s"]}
        ],
    }
    data = copy.deepcopy(base)
    data.update(changes)
    return data


def stated_optima() -> dict[str, tuple[str, int]]:
    """file -> (objective, optimal value), read from the table in the examples' README."""
    rows = re.findall(r"^\| (\S+\.json) \| (\w+) \| (\d+) \|$", (EXAMPLES / "README.md").read_text(), re.M)
    return {name: (objective, int(value)) for name, objective, value in rows}


def record_time_limits(monkeypatch: pytest.MonkeyPatch, module_name: str) -> list[float]:
    """The `time_limit` of every `solve` that module `module_name` calls, in order (it still solves)."""
    module = importlib.import_module(module_name)
    given: list[float] = []
    real = module.solve

    def recording(inst: Instance, **options: Any) -> Any:
        given.append(options["time_limit"])
        return real(inst, **options)

    monkeypatch.setattr(module, "solve", recording)
    return given
