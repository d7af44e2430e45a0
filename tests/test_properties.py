"""Property tests over small random instances (tests/random_instances.py).

Every plan the solver returns must pass the independent checker, its figures
must recompute, and small instances must be proven optimal or infeasible. On
one-line instances without systems the optimum is also computed by brute force.
A failing seed reproduces with `random_instance(seed)`; save its JSON with
`random_instance_dict(seed)`.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from planner import Instance, Result, VerifyReport, solve, verify

from random_instances import (
    FEATURES,
    brute_force_optimum,
    feature_flags,
    random_instance,
    random_instance_dict,
    relaxed_dict,
    reordered_dict,
    trap_of,
)

PROPERTY_SEEDS = range(300)
METAMORPHIC_SEEDS = range(150)
BRUTE_FORCE_SEEDS = range(200)
COVERAGE_SEEDS = range(200)

# Filled by the property test, read by `test_property_seeds_mean_something`.
_STATUSES: dict[int, str] = {}


def _solve(instance: Instance, **options: Any) -> Result:
    """Solve with one worker and seed 0; every plan, whatever the test, must pass the checker."""
    result = solve(instance, time_limit=10, workers=1, seed=0, **options)
    report = verify(instance, result.plan)
    assert report.ok, report.summary()
    return result


def _violations(report: VerifyReport) -> str:
    return "\n".join(str(v) for v in report.violations)


# --- the generator --------------------------------------------------------------------------


def test_generator_is_deterministic() -> None:
    for seed in (0, 1, 17, 123):
        assert random_instance_dict(seed) == random_instance_dict(seed)
        assert random_instance(seed) == random_instance(seed)
    assert random_instance_dict(1) != random_instance_dict(2)


def test_generated_instances_validate() -> None:
    for seed in COVERAGE_SEEDS:
        d = random_instance_dict(seed)
        inst = random_instance(seed)
        assert Instance.model_validate_json(json.dumps(d)) == inst
        assert 5 <= inst.horizon_days <= 14
        assert 1 <= len(inst.lines) <= 4 and 1 <= len(inst.systems) <= 5
        assert 1 <= len(inst.resources) <= 2 and 1 <= len(inst.plants) <= 2
        assert 1 <= len(inst.materials) <= 4
    for objective in ("lost_value", "lost_units", "makespan"):
        for seed in range(30):
            assert random_instance(seed, objective=objective).objective == objective


def test_generator_covers_every_feature() -> None:
    seen: Counter[str] = Counter()
    traps: Counter[str | None] = Counter()
    for seed in COVERAGE_SEEDS:
        seen.update(feature_flags(random_instance(seed)))
        traps[trap_of(seed)] += 1
    assert FEATURES - set(seen) == set()
    assert set(traps) == {
        None,
        "early_fixed_restart",
        "fixed_start_collision",
        "short_horizon",
        "understaffed_running",
    }
    assert 0.05 <= (len(COVERAGE_SEEDS) - traps[None]) / len(COVERAGE_SEEDS) <= 0.25


# --- solver against checker -------------------------------------------------------------------


@pytest.mark.parametrize("seed", PROPERTY_SEEDS)
def test_solved_plan_passes_the_checker(seed: int) -> None:
    instance = random_instance(seed)
    result = _solve(instance)
    _STATUSES[seed] = result.status
    plan = result.plan
    report = verify(instance, plan)
    assert report.ok, f"seed {seed}: the checker rejects the plan:\n{_violations(report)}"
    assert result.status in ("optimal", "infeasible"), f"seed {seed}: not proven ({result.status})"
    assert plan.status == result.status
    assert plan.objective.kind == instance.objective

    if result.status == "infeasible":
        assert plan.objective.value is None and plan.objective.bound is None
        assert plan.lost_value is None and plan.lost_units is None and plan.makespan is None
        assert plan.systems == [] and plan.lines == [] and plan.production == []
        assert plan.explanation, f"seed {seed}: an infeasible plan needs an explanation"
        return

    figures = report.figures
    assert figures is not None
    recomputed = getattr(figures, instance.objective)
    assert plan.objective.value == recomputed, (
        f"seed {seed}: objective {plan.objective.value} != {recomputed}"
    )
    assert plan.objective.bound == plan.objective.value
    assert result.objective == plan.objective.value
    assert (plan.lost_value, plan.lost_units, plan.makespan) == (
        figures.lost_value,
        figures.lost_units,
        figures.makespan,
    )


def test_property_seeds_mean_something() -> None:
    """Enough seeds are feasible, and some infeasible, for the property test to mean something."""
    if len(_STATUSES) < len(PROPERTY_SEEDS):
        pytest.skip("run together with test_solved_plan_passes_the_checker")
    counts = Counter(_STATUSES.values())
    assert counts["optimal"] >= 0.6 * len(PROPERTY_SEEDS), counts
    assert counts["infeasible"] >= 5, counts


@pytest.mark.parametrize("seed", METAMORPHIC_SEEDS)
def test_search_agrees_with_structural_checks(seed: int) -> None:
    """Structural reasons never call a feasible instance infeasible; the search alone agrees."""
    instance = random_instance(seed)
    checked = _solve(instance)
    searched = _solve(instance, structural_checks=False)
    report = verify(instance, searched.plan)
    assert report.ok, f"seed {seed}: without structural checks:\n{_violations(report)}"
    assert (searched.status, searched.objective) == (checked.status, checked.objective), checked.explanation


@pytest.mark.parametrize("seed", METAMORPHIC_SEEDS)
def test_relaxing_the_instance_never_hurts(seed: int) -> None:
    """More capacity, staff and parts and no release days: every plan stays a plan, so no worse optimum."""
    d = random_instance_dict(seed)
    original = _solve(Instance.model_validate_json(json.dumps(d)))
    relaxed_instance = Instance.model_validate_json(json.dumps(relaxed_dict(d)))
    relaxed = _solve(relaxed_instance)
    report = verify(relaxed_instance, relaxed.plan)
    assert report.ok, f"seed {seed} relaxed:\n{_violations(report)}"
    if original.status == "optimal":
        assert relaxed.status == "optimal", f"seed {seed}: relaxed is {relaxed.status}"
        assert relaxed.objective <= original.objective


@pytest.mark.parametrize("seed", METAMORPHIC_SEEDS)
def test_list_order_does_not_change_the_optimum(seed: int) -> None:
    d = random_instance_dict(seed)
    original = _solve(Instance.model_validate_json(json.dumps(d)))
    flipped_instance = Instance.model_validate_json(json.dumps(reordered_dict(d)))
    flipped = _solve(flipped_instance)
    report = verify(flipped_instance, flipped.plan)
    assert report.ok, f"seed {seed} reordered:\n{_violations(report)}"
    assert (flipped.status, flipped.objective) == (original.status, original.objective)


@pytest.mark.parametrize("seed", BRUTE_FORCE_SEEDS)
def test_one_line_optimum_matches_brute_force(seed: int) -> None:
    instance = random_instance(seed, n_lines=1, n_systems=0)
    expected = brute_force_optimum(instance)
    result = _solve(instance)
    report = verify(instance, result.plan)
    assert report.ok, f"seed {seed}:\n{_violations(report)}"
    if expected is None:
        assert result.status == "infeasible", f"seed {seed}: brute force finds no plan"
    else:
        assert result.status == "optimal", f"seed {seed}: brute force finds {expected}"
        assert result.objective == expected
