"""HiGHS' search of the MIP beside CP-SAT: its child process, and when the portfolio starts and stops it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

import planner.search.portfolio as portfolio
from planner.cpsat import RestartModel
from planner.cpsat.lns import ScheduleLns
from planner.formats.read import load_instance
from planner.formats.schema import Instance
from planner.problem.data import ProblemData
from planner.problem.decisions import Decisions, build_plan, decisions_from_plan, figures
from planner.search.greedy import greedy
from planner.search.highs_process import BoundProbe
from planner.search.portfolio import SearchProgress
from planner.solve import solve
from planner.verify import verify

from helpers import generated_optimum
from random_instances import random_instance

GENERATED = Path(__file__).resolve().parents[1] / "instances" / "generated"


def _verified(instance: Instance, data: ProblemData, decisions: Decisions) -> bool:
    return verify(instance, build_plan(instance, data, decisions, "feasible", 0)).ok


def test_the_search_child_reports_plans_that_keep_the_contract_and_bounds_below_the_optimum() -> None:
    instance = load_instance(GENERATED / "small-s1.json")
    data = ProblemData.from_instance(instance)
    hint = decisions_from_plan(data, greedy(instance))
    plans: list[Decisions] = []
    bounds: list[int] = []
    lock = threading.Lock()

    def on_plan(decisions: Decisions) -> None:
        with lock:
            plans.append(decisions)

    probe = BoundProbe(
        data, time_limit=60, seed=0, on_bound=bounds.append, kind="mip", hint=hint, on_plan=on_plan
    )
    try:
        probe._process.wait(90)  # it ends on its own once HiGHS proves its plan optimal
    finally:
        probe.stop()
    optimum = generated_optimum("small-s1")
    assert plans, "HiGHS found at least its hint's plan"
    assert all(_verified(instance, data, decisions) for decisions in plans)
    assert all(decisions.objective >= optimum for decisions in plans)
    assert min(decisions.objective for decisions in plans) <= hint.objective
    assert bounds and bounds == sorted(bounds)  # only better bounds are said
    assert max(bounds) <= optimum


class _Probe:
    """Stands for `BoundProbe`: the "lp" kind reports `bound` at once; the "mip" kind offers `plan`."""

    started: list[str] = []
    bound = 0
    plan: Decisions | None = None

    def __init__(self, data: ProblemData, **options: object) -> None:
        kind = str(options.get("kind", "root"))
        _Probe.started.append(kind)
        self.running = kind == "mip"
        on_bound = options["on_bound"]
        assert callable(on_bound)
        if kind == "lp":
            on_bound(_Probe.bound)
        if kind == "mip" and _Probe.plan is not None:
            on_plan = options["on_plan"]
            assert callable(on_plan)
            on_plan(_Probe.plan)

    def stop(self) -> None:
        self.running = False


@pytest.mark.parametrize(("above", "started"), [(1, ["mip"]), (0, []), (-1, [])])
def test_highs_searches_only_where_the_lp_proves_more_than_cpsat(
    monkeypatch: pytest.MonkeyPatch, above: int, started: list[str]
) -> None:
    monkeypatch.setattr(portfolio, "BoundProbe", _Probe)
    _Probe.started, _Probe.plan = [], None
    built = RestartModel(ProblemData.from_instance(random_instance(3)))
    progress = SearchProgress(time.perf_counter(), built=built)
    tried = portfolio.Portfolio(
        built, ScheduleLns(built), progress, cp_model.CpSolver(), 2, 0, False, lambda d: True
    )
    tried._deadline = time.perf_counter() + 60
    tried._on_cpsat_bound(1000)  # what CP-SAT has proved
    tried._on_lp_bound(1000 + above)
    assert _Probe.started == started
    assert progress.trajectory[-1][2] == max(1000, 1000 + above)  # the LP's bound joined the search's


def test_a_plan_of_highs_is_used_only_once_the_checker_passes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """HiGHS' plans go through the same checker as every other: a plan that breaks the contract is dropped."""
    instance = load_instance(GENERATED / "small-s1.json")
    data = ProblemData.from_instance(instance)
    good = decisions_from_plan(data, greedy(instance))
    early = [0 for _ in good.restarts]  # every line restarted on day 0, before any system is cleared
    broken = Decisions(good.systems, early, good.units, good.shifts, 0)
    broken = Decisions(good.systems, early, good.units, good.shifts, figures(data, broken).lost_value)
    assert not _verified(instance, data, broken)
    monkeypatch.setattr(portfolio, "BoundProbe", _Probe)
    monkeypatch.setattr(portfolio, "lp_seconds", lambda constraints: 0.01)
    _Probe.started, _Probe.bound, _Probe.plan = [], 0, broken  # 0: above the nothing CP-SAT has proved yet
    result = solve(instance, time_limit=3, workers=2, seed=0, root_probe=False)
    assert _Probe.started == ["lp", "mip"]
    assert verify(instance, result.plan).ok
    assert result.objective is not None and result.objective > 0
