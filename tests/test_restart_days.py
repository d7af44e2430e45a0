"""The restart-day search: the LP's price of a vector of restart days, the annealing, and its plans."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

import planner.search.portfolio as portfolio
from planner.cpsat import RestartModel
from planner.cpsat.solver import new_solver
from planner.formats.read import load_instance
from planner.mip.pricing import RestartDayPrices
from planner.problem.data import ProblemData
from planner.problem.decisions import Decisions, build_plan, decisions_from_plan
from planner.search.greedy import greedy
from planner.search.restart_days import Annealed, RestartDayAnnealing
from planner.solve import solve
from planner.verify import verify

from helpers import generated_optimum
from random_instances import random_instance

GENERATED = Path(__file__).resolve().parents[1] / "instances" / "generated"


def _optimum(data: ProblemData) -> Decisions | None:
    """CP-SAT's proven optimum of a small instance (one worker, fixed seed), None if not proven."""
    built = RestartModel(data)
    solver = new_solver(20, 1, 0)
    if solver.solve(built.model) != cp_model.OPTIMAL:
        return None
    return built.decisions(solver)


@pytest.mark.parametrize("seed", range(40))
def test_the_price_of_a_plans_restart_days_never_exceeds_what_the_plan_loses(seed: int) -> None:
    """The LP with the restart days fixed relaxes every plan with those days: the optimum's, the greedy's."""
    instance = random_instance(seed, objective="lost_value" if seed % 2 else "lost_units")
    data = ProblemData.from_instance(instance)
    optimum = _optimum(data)
    if optimum is None:
        pytest.skip("infeasible (a trap) or not proven")
    prices = RestartDayPrices(data)
    assert not prices.infeasible
    price = prices.price(optimum.restarts)
    assert price is not None, "the optimum's restart days admit a plan, so their LP is feasible"
    assert price <= optimum.objective + 1e-6
    plan = greedy(instance)
    if plan.status != "infeasible":
        decisions = decisions_from_plan(data, plan)
        greedy_price = prices.price(decisions.restarts)
        assert greedy_price is not None and greedy_price <= decisions.objective + 1e-6


def test_restart_days_no_plan_can_keep_are_priced_as_infeasible() -> None:
    data = ProblemData.from_instance(load_instance(GENERATED / "small-s1.json"))
    prices = RestartDayPrices(data)
    assert prices.free
    first = [prices.days(i)[0] if i in prices.free else None for i in range(len(data.lines))]
    start = decisions_from_plan(data, greedy(load_instance(GENERATED / "small-s1.json")))
    everything_at_once = [first[i] if i in prices.free else start.restarts[i] for i in range(len(first))]
    # Every line on the first day its systems allow: more clearance at once than the teams can do.
    assert prices.price(everything_at_once) is None
    assert prices.price(start.restarts) is not None


def test_no_vector_is_priced_after_the_deadline() -> None:
    """A price that would come too late is no price: the search's time limit holds for the LP too."""
    data = ProblemData.from_instance(load_instance(GENERATED / "small-s1.json"))
    start = decisions_from_plan(data, greedy(load_instance(GENERATED / "small-s1.json")))
    assert RestartDayPrices(data).price(start.restarts) is not None
    assert RestartDayPrices(data, deadline=time.perf_counter()).price(start.restarts) is None


def test_the_annealing_ends_no_worse_than_its_start_within_the_lines_days() -> None:
    instance = load_instance(GENERATED / "small-s1.json")
    data = ProblemData.from_instance(instance)
    start = decisions_from_plan(data, greedy(instance))
    prices = RestartDayPrices(data)
    annealing = RestartDayAnnealing(prices, 4.0, seed=0)
    found = annealing.cycle(2.0, lambda: False, start.restarts)
    assert found is not None and found.priced > 1
    start_price = prices.price(start.restarts)
    assert start_price is not None and found.price <= start_price
    assert prices.price(found.restarts) == pytest.approx(found.price)  # the price it says is the vector's
    for i, day in enumerate(found.restarts):
        if i in prices.free:
            first, last = prices.days(i)
            assert day is None or first <= day <= last
        else:
            assert day == start.restarts[i]  # a line whose day is no decision keeps it
    assert annealing.temperature() > 0
    going_on = annealing.cycle(2.5, lambda: False)  # from where it was, as the temperature falls to 0
    assert going_on is not None and going_on.priced > 1
    assert prices.price(going_on.restarts) == pytest.approx(going_on.price)
    assert annealing.temperature() == 0


def test_the_annealing_stops_when_told() -> None:
    data = ProblemData.from_instance(load_instance(GENERATED / "small-s1.json"))
    start = decisions_from_plan(data, greedy(load_instance(GENERATED / "small-s1.json")))
    annealing = RestartDayAnnealing(RestartDayPrices(data), 60.0, seed=0)
    found = annealing.cycle(60.0, lambda: True, start.restarts)
    assert found is not None and found.priced == 1  # only the start was priced
    with pytest.raises(ValueError, match="needs a start"):
        RestartDayAnnealing(RestartDayPrices(data), 60.0).cycle(1.0, lambda: False)


class _Search:
    """Stands for HiGHS' search in its child process: it runs until stopped, and finds nothing."""

    def __init__(self, data: ProblemData, **options: object) -> None:
        self.running = options.get("kind") == "mip"
        if options.get("kind") == "lp":
            on_bound = options["on_bound"]
            assert callable(on_bound)
            on_bound(0)  # above the nothing CP-SAT has proved: HiGHS' search starts, and the annealing

    def stop(self) -> None:
        self.running = False


def test_the_annealings_plans_keep_the_contract_its_days_and_the_time_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where HiGHS searches, the annealing takes CP-SAT's core; every plan it makes is checked and used."""
    instance = load_instance(GENERATED / "small-s1.json")
    data = ProblemData.from_instance(instance)
    realised: list[tuple[Annealed, Decisions | None]] = []
    realise = portfolio.Portfolio._realise

    def spy(self: portfolio.Portfolio, annealed: Annealed, like: Decisions, spare: float) -> Decisions | None:
        plan = realise(self, annealed, like, spare)
        realised.append((annealed, plan))
        return plan

    monkeypatch.setattr(portfolio, "BoundProbe", _Search)
    monkeypatch.setattr(portfolio, "lp_seconds", lambda constraints: 0.01)
    monkeypatch.setattr(portfolio.Portfolio, "_realise", spy)
    started = time.perf_counter()
    result = solve(instance, time_limit=8, workers=2, seed=0, root_probe=False)
    assert time.perf_counter() - started <= 8 + 1
    assert realised, "the annealing found restart days priced below the greedy plan, and CP-SAT made a plan"
    for annealed, plan in realised:
        assert plan is not None
        assert plan.restarts == annealed.restarts
        assert plan.objective >= annealed.price - 1e-6  # the price is a bound on every such plan
        assert verify(instance, build_plan(instance, data, plan, "feasible", 0)).ok
    assert verify(instance, result.plan).ok
    assert result.objective is not None and result.objective >= generated_optimum("small-s1")
    assert result.objective <= min(plan.objective for _, plan in realised if plan is not None)
