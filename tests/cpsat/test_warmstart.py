"""The warm start hints every variable, and a feasible plan is a feasible hint."""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model

from planner.cpsat import RestartModel, decisions_from_plan
from planner.problem.data import ProblemData
from planner.solve import solve
from planner.verify import verify

from helpers import solve_checked
from random_instances import random_instance


@pytest.mark.parametrize("seed", range(40))
def test_hint_from_a_solved_plan_is_complete_and_feasible(seed: int) -> None:
    instance = random_instance(seed)
    result = solve_checked(instance)
    if not result.plan.has_schedule:
        pytest.skip("infeasible instance: nothing to hint")
    data = ProblemData.from_instance(instance)
    built = RestartModel(data)
    built.warmstart(decisions_from_plan(data, result.plan))

    proto = built.model.proto
    hinted = set(proto.solution_hint.vars)
    free = {i for i, var in enumerate(proto.variables) if len(set(var.domain)) > 1}
    assert free <= hinted, f"no hint for {[proto.variables[i].name for i in free - hinted]}"

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.fix_variables_to_their_hinted_value = True
    status = solver.solve(built.model)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE), "the hint is not a solution of the model"
    assert solver.value(built.objective) == result.objective


def test_warmstart_clears_the_previous_hint() -> None:
    instance = random_instance(0)
    result = solve_checked(instance)
    data = ProblemData.from_instance(instance)
    built = RestartModel(data)
    decisions = decisions_from_plan(data, result.plan)
    built.warmstart(decisions)
    first = len(built.model.proto.solution_hint.vars)
    built.warmstart(decisions)
    assert len(built.model.proto.solution_hint.vars) == first


def test_solve_with_a_hint_reaches_the_same_optimum() -> None:
    instance = random_instance(3)
    first = solve_checked(instance)
    again = solve(instance, time_limit=10, workers=1, seed=0, hint=first.plan)
    assert verify(instance, again.plan).ok
    assert (again.status, again.objective) == (first.status, first.objective)
