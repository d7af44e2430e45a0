"""System criticality: what a slip of each clearance costs, with its proven range."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from click.testing import CliRunner

from planner.cli.commands import main
from planner.decisions.changes import apply_changes
from planner.decisions.criticality import criticality, slip_changes
from planner.formats.read import load_instance

from helpers import EXAMPLES, solve_checked
from random_instances import random_instance

ONE_TEAM = EXAMPLES / "01-precedence-and-one-team.json"
MODES = EXAMPLES / "02-modes.json"


def test_a_slip_lengthens_every_mode_of_the_system() -> None:
    inst = load_instance(MODES)
    system = next(s for s in inst.systems if s.modes is not None)
    changes = slip_changes(inst, system.id, 7)
    assert [c.path for c in changes] == [
        f"systems.{system.id}.modes.{k}.duration_days" for k in range(len(system.modes or []))
    ]
    slipped = apply_changes(inst, list(changes))
    after = next(s for s in slipped.systems if s.id == system.id)
    assert [m.duration_days for m in after.mode_list] == [m.duration_days + 7 for m in system.mode_list]


@pytest.mark.parametrize("path", [ONE_TEAM, MODES, *(EXAMPLES.glob("0[3-7]-*.json"))], ids=lambda p: p.stem)
def test_proven_costs_are_the_optima_differences(path) -> None:
    inst = load_instance(path)
    base = solve_checked(inst, time_limit=10).plan
    assert base.status == "optimal"
    with ThreadPoolExecutor(1) as pool:
        ranked = criticality(inst, base, pool, slip_days=3, time_limit=10)
    assert len(ranked.slips) == sum(not s.cleared for s in inst.systems)
    costs = [s.cost for s in ranked.slips]
    assert costs == sorted(costs, reverse=True)
    for slip in ranked.slips:
        slipped = apply_changes(inst, list(slip_changes(inst, slip.system, 3)))
        optimum = solve_checked(slipped, time_limit=10)
        assert optimum.status == slip.status == "optimal"
        assert slip.cost == slip.at_least == slip.at_most == optimum.objective - base.objective.value
        assert slip.cost >= 0 and slip.settled


@pytest.mark.parametrize("seed", range(6))
def test_the_proven_range_holds_the_true_cost_when_the_solves_are_cut_short(seed: int) -> None:
    inst = random_instance(seed, objective="lost_value")
    base = solve_checked(inst, time_limit=0.5).plan
    if not base.has_schedule:
        pytest.skip("no plan of the base in the time")
    with ThreadPoolExecutor(1) as pool:
        ranked = criticality(inst, base, pool, slip_days=5, time_limit=0.5)
    exact_base = solve_checked(inst, time_limit=20)
    for slip in ranked.slips:
        exact = solve_checked(apply_changes(inst, list(slip_changes(inst, slip.system, 5))), time_limit=20)
        if exact.status != "optimal" or exact_base.status != "optimal" or slip.at_least is None:
            continue
        true_cost = exact.objective - exact_base.objective
        assert slip.at_least <= true_cost <= slip.at_most, slip


def test_the_criticality_command_ranks_the_systems(tmp_path) -> None:
    result = CliRunner().invoke(
        main, ["criticality", str(ONE_TEAM), "--slip", "2", "--time-limit", "3", "--jobs", "1", "--json"]
    )
    assert result.exit_code == 0, result.output
    ranked = json.loads(result.stdout)
    assert ranked["slip_days"] == 2 and ranked["base"]["objective"] == 380
    assert [s["cost"] for s in ranked["systems"]] == sorted(
        (s["cost"] for s in ranked["systems"]), reverse=True
    )
    assert all(s["settled"] and s["at_least"] == s["at_most"] == s["cost"] for s in ranked["systems"])
