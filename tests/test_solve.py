"""solve(): methods, the greedy fallback, the figures of a Result."""

from __future__ import annotations

from pathlib import Path

from planner.decisions.changes import apply_changes
from planner.formats.read import load_instance
from planner.formats.schema import Plan, PlanObjective
from planner.search.greedy import greedy
from planner.solve import Result, rebase, solve
from planner.verify import verify

from helpers import EXAMPLES, solve_checked, stated_optima
from random_instances import random_instance


def _result(trajectory: tuple[tuple[float, float | None, float], ...]) -> Result:
    plan = Plan(
        instance="x", status="feasible", objective=PlanObjective(kind="lost_value", value=100, bound=50),
        lost_value=100, lost_units=10, makespan=None,
    )  # fmt: skip
    return Result("feasible", plan, 100, 50, 3.0, 0.1, 2.0, trajectory)


def test_time_to_gap_is_the_first_time_the_gap_closes_that_far() -> None:
    result = _result(((0.5, None, 10.0), (1.0, 100.0, 50.0), (2.0, 100.0, 99.5)))
    assert result.time_to_gap(0.6) == 1.0
    assert result.time_to_gap(0.01) == 2.0
    assert result.time_to_gap(0.001) is None
    assert result.gap == 0.5


def test_greedy_method_returns_the_greedy_plan_without_a_search() -> None:
    instance = load_instance(EXAMPLES / "05-parts-gate-and-lead-time.json")
    result = solve(instance, method="greedy")
    expected = greedy(instance)
    assert expected is not None
    assert result.plan == expected
    assert verify(instance, result.plan).ok


def test_a_search_too_short_to_find_a_plan_still_returns_the_greedy_plan() -> None:
    instance = load_instance(Path(__file__).resolve().parents[1] / "instances" / "jlr-2025.json")
    result = solve(instance, time_limit=0.01, workers=1, seed=0)
    baseline = greedy(instance)
    assert baseline is not None
    assert result.status == "feasible"
    assert result.objective == baseline.objective.value
    assert verify(instance, result.plan).ok


def test_the_search_never_returns_a_worse_plan_than_its_warm_start() -> None:
    for seed in range(20):
        instance = random_instance(seed)
        baseline = greedy(instance)
        result = solve_checked(instance, time_limit=5)
        if baseline is not None:
            assert result.objective is not None
            assert result.objective <= baseline.objective.value


def test_an_optimal_solve_reaches_a_zero_gap_in_its_trajectory() -> None:
    result = solve_checked(load_instance(EXAMPLES / "01-precedence-and-one-team.json"))
    assert result.status == "optimal"
    closed = result.time_to_gap(0.0)
    assert closed is not None and closed <= result.runtime


def test_a_hint_not_followed_is_still_kept() -> None:
    """Without `follow_hint` the search starts from the greedy plan; the hint is the floor."""
    for seed in range(10):
        instance = random_instance(seed)
        found = solve(instance, time_limit=5, workers=1, seed=0)
        if found.objective is None:
            continue
        assert verify(instance, found.plan).ok
        # No time to search: the better of the hint and the greedy plan comes back.
        quick = solve(instance, hint=found.plan, follow_hint=False, time_limit=0, workers=1, seed=0)
        assert quick.objective is not None and quick.objective <= found.objective
        assert verify(instance, quick.plan).ok
        again = solve(instance, hint=found.plan, follow_hint=False, time_limit=5, workers=1, seed=0)
        assert again.objective is not None and again.objective <= found.objective
        assert verify(instance, again.plan).ok
        if found.status == "optimal":
            assert again.objective == found.objective


def test_a_hint_that_breaks_the_rules_leaves_the_greedy_start_when_not_followed() -> None:
    example = load_instance(EXAMPLES / "01-precedence-and-one-team.json")
    team = example.resources[0].id
    looser = apply_changes(example, [f"resources.{team}.capacity=+1"])
    loose_plan = solve(looser, time_limit=5, workers=1, seed=0).plan
    assert verify(looser, loose_plan).ok
    assert rebase(example, loose_plan) is None, "the looser plan clears two systems at once"
    result = solve(example, hint=loose_plan, follow_hint=False, time_limit=5, workers=1, seed=0)
    assert result.status == "optimal"
    assert result.objective == solve(example, time_limit=5, workers=1, seed=0).objective
    assert result.objective == stated_optima()["01-precedence-and-one-team.json"][1]
    assert verify(example, result.plan).ok
