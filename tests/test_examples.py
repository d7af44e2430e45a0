"""The golden tests: every worked example of the spec solves to the optimum its README states."""

from __future__ import annotations

import pytest

from planner.formats.read import load_instance

from helpers import EXAMPLES, SHARED, solve_checked, stated_optima

OPTIMA = stated_optima()


def test_readme_states_an_optimum_for_every_example() -> None:
    assert sorted(OPTIMA) == sorted(p.name for p in EXAMPLES.glob("*.json"))
    assert len(OPTIMA) == 8


@pytest.mark.parametrize("name", sorted(OPTIMA))
def test_example_solves_to_its_stated_optimum(name: str) -> None:
    objective, optimum = OPTIMA[name]
    instance = load_instance(EXAMPLES / name)
    assert instance.objective == objective
    result = solve_checked(instance)
    assert result.status == "optimal"
    assert result.objective == optimum
    assert result.bound == optimum


def test_example_02_uses_the_fast_mode_for_both_systems() -> None:
    result = solve_checked(load_instance(EXAMPLES / "02-modes.json"))
    assert [s.mode for s in result.plan.systems] == [1, 1]


def test_example_01_restarts_the_higher_value_per_team_day_first() -> None:
    result = solve_checked(load_instance(EXAMPLES / "01-precedence-and-one-team.json"))
    assert {ln.id: ln.restart_day for ln in result.plan.lines} == {"A": 4, "B": 6}


@pytest.mark.skipif(not (SHARED / "spec" / "examples").is_dir(), reason="no ../shared beside the repository")
def test_the_copied_examples_are_the_contracts_own() -> None:
    shared = SHARED / "spec" / "examples"
    for ours in sorted(EXAMPLES.iterdir()):
        assert ours.read_bytes() == (shared / ours.name).read_bytes(), f"{ours.name} drifted from {shared}"
    assert sorted(p.name for p in shared.iterdir()) == sorted(p.name for p in EXAMPLES.iterdir())
