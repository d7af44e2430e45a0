"""Instances that once broke the planner: each must now give a verified plan or a proof of none.

A file lands in tests/data/regressions/ named after the defect it exposed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.formats.read import load_instance

from helpers import solve_checked

REGRESSIONS = sorted((Path(__file__).parent / "data" / "regressions").glob("*.json"))


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.stem for p in REGRESSIONS])
def test_regression_instance_solves_to_a_verified_plan(path: Path) -> None:
    result = solve_checked(load_instance(path))
    assert result.status in ("optimal", "infeasible")
    if result.status == "optimal":
        assert result.bound == result.objective
