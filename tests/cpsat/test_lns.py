"""The schedule neighbourhoods: fixing and releasing domains, the search, and solve() running it alongside."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from ortools.sat.python import cp_model
from test_examples import OPTIMA

from planner.cpsat import Decisions, RestartModel, decisions_from_plan
from planner.cpsat.lns import ScheduleLns
from planner.formats.read import load_instance
from planner.formats.schema import Instance
from planner.problem.data import ProblemData
from planner.problem.decisions import build_plan
from planner.search.greedy import greedy
from planner.search.portfolio import Portfolio, SearchProgress
from planner.solve import Progress, solve
from planner.verify import verify

from helpers import EXAMPLES, solve_checked
from random_instances import random_instance

GENERATED = Path(__file__).resolve().parents[2] / "instances" / "generated"


def _domains(built: RestartModel) -> list[list[int]]:
    return [list(var.domain) for var in built.model.proto.variables]


def _greedy_start(instance: Instance) -> tuple[RestartModel, Decisions]:
    plan = greedy(instance)
    assert plan is not None
    data = ProblemData.from_instance(instance)
    return RestartModel(data), decisions_from_plan(data, plan)


def test_fixing_everything_leaves_only_the_plans_schedule_and_release_restores_the_model() -> None:
    instance = load_instance(GENERATED / "small-s1.json")
    built, start = _greedy_start(instance)
    before = _domains(built)

    built.fix(start)  # nothing free
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(built.model) == cp_model.OPTIMAL
    found = built.decisions(solver)
    assert found.restarts == start.restarts
    assert found.systems == start.systems
    assert found.objective <= start.objective  # production is free: never worse
    plan = build_plan(instance, ProblemData.from_instance(instance), found, "feasible", 0)
    assert verify(instance, plan).ok

    built.release()
    assert _domains(built) == before


def test_freeing_a_line_frees_its_restart_and_keeps_the_others() -> None:
    instance = load_instance(GENERATED / "small-s2.json")
    built, start = _greedy_start(instance)
    lns = ScheduleLns(built, seed=0)
    moved = lns.movable[0]
    built.fix(start, lines=[moved], systems=lns.needs[moved])
    restart = built.lines[moved].restart
    assert isinstance(restart, cp_model.IntVar)
    assert len(set(built.model.proto.variables[restart.index].domain)) > 1
    for i in lns.movable[1:]:
        other = built.lines[i].restart
        assert isinstance(other, cp_model.IntVar)
        assert list(built.model.proto.variables[other.index].domain) == [start.restarts[i]] * 2 or (
            start.restarts[i] is None
        )
    built.release()


@pytest.mark.parametrize("name", ["small-s1", "small-s3", "medium-s3"])
def test_the_neighbourhood_search_returns_verified_plans_never_worse_than_its_start(name: str) -> None:
    instance = load_instance(GENERATED / f"{name}.json")
    built, start = _greedy_start(instance)
    before = _domains(built)
    improvements: list[Decisions] = []
    lns = ScheduleLns(built, seed=1)
    best = lns.improve(start, time.perf_counter() + 4.0, on_improvement=improvements.append)
    assert best.objective <= start.objective
    assert [d.objective for d in improvements] == sorted((d.objective for d in improvements), reverse=True)
    assert _domains(built) == before, "the model is restored after the search"
    data = ProblemData.from_instance(instance)
    plan = build_plan(instance, data, best, "feasible", 0)
    report = verify(instance, plan)
    assert report.ok, report.summary()
    assert lns.steps > 0


def test_a_plan_offered_by_the_search_alongside_becomes_the_incumbent() -> None:
    instance = load_instance(GENERATED / "small-s1.json")
    built, start = _greedy_start(instance)
    optimum = solve_checked(instance)
    assert optimum.status == "optimal"
    offered = decisions_from_plan(ProblemData.from_instance(instance), optimum.plan)
    best = ScheduleLns(built, seed=0).improve(
        start, time.perf_counter() + 1.0, better_elsewhere=lambda: offered
    )
    assert best.objective == optimum.objective


@pytest.mark.parametrize("name", sorted(OPTIMA))
def test_two_workers_with_the_neighbourhood_search_reach_every_examples_optimum(name: str) -> None:
    instance = load_instance(EXAMPLES / name)
    result = solve_checked(instance, workers=2)
    _, value = OPTIMA[name]
    assert result.status == "optimal"
    assert result.objective == value


@pytest.mark.parametrize("seed", range(30))
def test_two_workers_agree_with_one_on_random_optima(seed: int) -> None:
    instance = random_instance(seed)
    one = solve_checked(instance, time_limit=10)
    two = solve_checked(instance, time_limit=10, workers=2)
    assert two.status == one.status
    if one.status == "optimal":
        assert two.objective == one.objective


def test_progress_hears_the_neighbourhood_searchs_plans_in_order() -> None:
    instance = load_instance(GENERATED / "medium-s1.json")
    heard: list[Progress] = []
    result = solve(instance, time_limit=8, workers=2, seed=0, on_progress=heard.append)
    assert verify(instance, result.plan).ok
    values = [p.objective for p in heard if p.objective is not None]
    assert values == sorted(values, reverse=True)
    assert values[-1] == result.objective
    greedy_plan = greedy(instance)
    assert greedy_plan is not None and greedy_plan.objective.value is not None
    assert result.objective is not None and result.objective < greedy_plan.objective.value


def test_a_plan_found_before_any_bound_is_not_proven_and_one_at_the_bound_is() -> None:

    instance = load_instance(GENERATED / "small-s1.json")
    built, start = _greedy_start(instance)
    progress = SearchProgress(0.0, built=built)
    progress.found(start)  # the neighbourhoods may improve before the search reports a bound
    assert not progress.proven()
    progress.on_bound(float(start.objective) - 0.5)
    assert progress.proven()  # integer objective: a bound above objective - 1 proves it


@pytest.mark.parametrize("name", ["small-s1", "small-s2", "medium-s1"])
def test_polishing_production_keeps_the_schedule_and_returns_only_checked_plans(name: str) -> None:

    instance = load_instance(GENERATED / f"{name}.json")
    built, start = _greedy_start(instance)
    data = ProblemData.from_instance(instance)
    checked: list[bool] = []

    def check(decisions: Decisions) -> bool:
        checked.append(verify(instance, build_plan(instance, data, decisions, "feasible", 0)).ok)
        return checked[-1]

    def portfolio(accept: Callable[[Decisions], bool]) -> Portfolio:
        progress = SearchProgress(0.0, built=built)
        return Portfolio(built, ScheduleLns(built), progress, cp_model.CpSolver(), 2, 0, False, accept)

    polished, solved = portfolio(check)._polish(start, time.perf_counter() + 20)
    assert solved  # 20 s is plenty for these instances' production (HiGHS proves it optimal)
    assert polished.objective <= start.objective
    assert polished.restarts == start.restarts
    assert polished.systems == start.systems
    assert all(checked)
    if polished.objective < start.objective:
        assert checked, "a better plan is used only once checked"
        refused, _ = portfolio(lambda decisions: False)._polish(start, time.perf_counter() + 20)
        assert refused == start


def _portfolio_recording_checks(
    name: str, build_time: float = 0.0
) -> tuple[Portfolio, Decisions, list[Decisions]]:
    """A portfolio on a generated instance, its greedy plan, and the plans it will ask to check."""
    instance = load_instance(GENERATED / f"{name}.json")
    built, start = _greedy_start(instance)
    checked: list[Decisions] = []

    def check(decisions: Decisions) -> bool:
        checked.append(decisions)
        return True

    progress = SearchProgress(0.0, built=built)
    portfolio = Portfolio(
        built, ScheduleLns(built), progress, cp_model.CpSolver(), 2, 0, False, check, build_time=build_time
    )
    return portfolio, start, checked


def test_production_is_not_polished_when_the_time_left_cannot_cover_building_the_mip() -> None:
    slow_to_build, start, checked = _portfolio_recording_checks("medium-s1", build_time=1e6)
    assert slow_to_build._polish(start, time.perf_counter() + 20) == (start, False)
    assert checked == []  # HiGHS was not run: no plan came back to check


def test_highs_is_not_run_in_process_on_a_model_too_large_for_it_to_keep_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On xl-s1 HiGHS' root overran an 80 s limit by five minutes: neither polish nor MIP runs there."""
    too_large, start, checked = _portfolio_recording_checks("small-s2")
    monkeypatch.setattr("planner.search.portfolio.MIP_SECONDS", 0.0)
    monkeypatch.setattr(
        "planner.search.portfolio.HIGHS_CONSTRAINTS", len(too_large.built.model.proto.constraints) - 1
    )
    assert too_large._polish(start, time.perf_counter() + 20) == (start, False)
    assert too_large._mip(start, time.perf_counter() + 20) == start
    assert checked == [] and too_large.progress.best is None  # HiGHS was not run: no plan came back


def test_the_mip_alongside_returns_checked_plans_and_its_bound_proves_the_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    instance = load_instance(GENERATED / "small-s2.json")
    built, start = _greedy_start(instance)
    data = ProblemData.from_instance(instance)
    optimum = solve_checked(instance, time_limit=30, workers=1)
    assert optimum.status == "optimal" and optimum.objective is not None
    checked: list[bool] = []

    def check(decisions: Decisions) -> bool:
        checked.append(verify(instance, build_plan(instance, data, decisions, "feasible", 0)).ok)
        return checked[-1]

    monkeypatch.setattr("planner.search.portfolio.MIP_SECONDS", 0.0)
    progress = SearchProgress(0.0, built=built)
    portfolio = Portfolio(built, ScheduleLns(built), progress, cp_model.CpSolver(), 2, 0, False, check)
    found = portfolio._mip(start, time.perf_counter() + 60)
    assert found.objective == optimum.objective
    assert checked and all(checked)
    assert progress.proven()  # HiGHS' bound, heard by the portfolio, proves it
    assert portfolio.stopped  # and a proof stops every search


def test_the_mip_is_not_run_when_too_little_time_is_left() -> None:
    portfolio, start, checked = _portfolio_recording_checks("small-s2")
    assert portfolio._mip(start, time.perf_counter() + 20) == start  # 20 s < MIP_SECONDS
    assert checked == [] and portfolio.progress.best is None


def test_far_from_a_proof_the_mip_gets_only_its_share_of_the_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import planner.mip

    instance = load_instance(GENERATED / "small-s2.json")
    built, start = _greedy_start(instance)
    limits: list[float] = []
    solve_mip = planner.mip.solve_mip

    def recorded(*args: object, time_limit: float, **kwargs: object) -> planner.mip.MipOutcome:
        limits.append(time_limit)
        return solve_mip(*args, time_limit=time_limit, **kwargs)  # type: ignore[arg-type]

    def check(decisions: Decisions) -> bool:
        return verify(instance, build_plan(instance, data, decisions, "feasible", 0)).ok

    monkeypatch.setattr(planner.mip, "solve_mip", recorded)
    data = ProblemData.from_instance(instance)
    progress = SearchProgress(0.0, built=built)
    lns = ScheduleLns(built)
    portfolio = Portfolio(built, lns, progress, cp_model.CpSolver(), 2, 0, False, check)
    found = portfolio._mip(start, time.perf_counter() + 100, share=0.3)
    assert len(limits) == 1 and 25 < limits[0] <= 30
    assert found.objective <= start.objective
    assert check(found)


def test_highs_is_told_to_stop_once_the_whole_search_beside_it_has_ended(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import planner.mip
    from planner.mip import MipListener

    instance = load_instance(GENERATED / "small-s2.json")
    built, start = _greedy_start(instance)
    asked: list[bool] = []

    def recorded(*args: object, listener: MipListener, **kwargs: object) -> planner.mip.MipOutcome:
        asked.append(listener.should_stop())
        return planner.mip.MipOutcome("unknown", None, None, 0.0, 0.0)

    monkeypatch.setattr(planner.mip, "solve_mip", recorded)
    monkeypatch.setattr("planner.search.portfolio.MIP_SECONDS", 0.0)
    progress = SearchProgress(0.0, built=built)
    lns = ScheduleLns(built)
    portfolio = Portfolio(built, lns, progress, cp_model.CpSolver(), 2, 0, False, lambda d: True)
    assert portfolio._mip(start, time.perf_counter() + 30) == start
    portfolio.whole_ended.set()  # e.g. CP-SAT proved the optimum, which calls no bound callback
    assert portfolio._mip(start, time.perf_counter() + 30) == start
    assert asked == [False, True]
