"""The time-indexed MIP (planner.mip): its plans pass the checker and its optima agree with CP-SAT.

The two models are written independently from the contract, so where both
prove an optimum the optima must be equal, and where both prove
infeasibility they must agree; a disagreement is a bug in one of them
(reproduce it with `random_instance(seed)`).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from random import Random

import highspy
import pytest

from planner.formats.psplib import from_psplib, known_bounds
from planner.formats.read import load_instance
from planner.formats.schema import Instance
from planner.mip import MipListener, MipOutcome, solve_mip, solve_production
from planner.mip.serial import best_serial_plan, serial_plan
from planner.problem.data import ProblemData
from planner.problem.decisions import Decisions, build_plan, decisions_from_plan
from planner.search.greedy import greedy
from planner.solve import solve
from planner.verify import verify

from helpers import EXAMPLES, generated_optimum
from random_instances import random_instance

# (seed, forced objective): the default mix of objectives, then more makespan and lost_units.
RANDOM_CASES = (
    [(seed, None) for seed in range(80)]
    + [(seed, "makespan") for seed in range(100, 125)]
    + [(seed, "lost_units") for seed in range(200, 215)]
)

# Proven optimal by the MIP with one thread in well under a second each (0.02-0.6 s
# measured on a 2-core machine), from several parameter groups; not every j30
# instance is that easy for a time-indexed MIP (some take minutes).
J30_QUICK = ["j301_1", "j302_1", "j307_9", "j3016_7", "j3028_2", "j3047_5"]
PSPLIB = Path(__file__).parent / "data" / "psplib"  # the files the tests use, from ../shared
GENERATED = Path(__file__).resolve().parents[1] / "instances" / "generated"

# file -> (objective, optimal value), from the table in the examples' README
OPTIMA = {
    name: (objective, int(value))
    for name, objective, value in re.findall(
        r"^\| (\S+\.json) \| (\w+) \| (\d+) \|$", (EXAMPLES / "README.md").read_text(), re.M
    )
}

# Filled by the comparison test, read by `test_enough_instances_were_compared`.
_COMPARED: Counter[str] = Counter()


def _mip(instance: Instance, time_limit: float = 10.0, hint: Decisions | None = None) -> MipOutcome:
    """Solve with one thread and seed 0; a plan found must pass the checker."""
    data = ProblemData.from_instance(instance)
    outcome = solve_mip(data, time_limit=time_limit, threads=1, seed=0, hint=hint)
    if outcome.decisions is not None:
        assert outcome.bound is not None
        plan = build_plan(instance, data, outcome.decisions, outcome.status, outcome.bound)
        report = verify(instance, plan)
        assert report.ok, report.summary()
        assert report.figures is not None
        assert getattr(report.figures, instance.objective) == outcome.decisions.objective
    return outcome


# --- against CP-SAT ---------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "objective"), RANDOM_CASES)
def test_mip_agrees_with_cpsat(seed: int, objective: str | None) -> None:
    instance = random_instance(seed, objective=objective)
    cpsat = solve(instance, time_limit=10, workers=1, seed=0)
    mip = _mip(instance)
    where = f"random_instance({seed}, objective={objective!r})"
    if mip.decisions is not None and cpsat.bound is not None:
        assert mip.decisions.objective >= cpsat.bound, f"{where}: MIP plan below CP-SAT's bound"
    if cpsat.objective is not None and mip.bound is not None:
        assert cpsat.objective >= mip.bound, f"{where}: CP-SAT plan below the MIP's bound"
    proven = ("optimal", "infeasible")
    if cpsat.status not in proven or mip.status not in proven:
        _COMPARED["unproven"] += 1
        return
    # solve() may call an instance infeasible from structural checks, without a search.
    assert mip.status == cpsat.status, f"{where}: MIP {mip.status}, CP-SAT {cpsat.status}"
    if mip.status == "optimal":
        assert mip.decisions is not None
        assert mip.decisions.objective == cpsat.objective, f"{where}: optima differ"
        assert mip.bound == mip.decisions.objective
    _COMPARED[mip.status] += 1


def test_enough_instances_were_compared() -> None:
    """The comparison is not vacuous: most instances are proven by both, some infeasible."""
    if sum(_COMPARED.values()) < len(RANDOM_CASES):
        pytest.skip("run together with test_mip_agrees_with_cpsat")
    assert _COMPARED["optimal"] >= 0.7 * len(RANDOM_CASES), _COMPARED
    assert _COMPARED["infeasible"] >= 8, _COMPARED


# --- known optima ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(OPTIMA))
def test_example_solves_to_its_stated_optimum(name: str) -> None:
    objective, optimum = OPTIMA[name]
    instance = load_instance(EXAMPLES / name)
    assert instance.objective == objective
    outcome = _mip(instance)
    assert outcome.status == "optimal"
    assert outcome.decisions is not None
    assert outcome.decisions.objective == optimum
    assert outcome.bound == optimum


@pytest.mark.parametrize("name", J30_QUICK)
def test_j30_solves_to_the_proven_optimum(name: str) -> None:
    bound = known_bounds(PSPLIB / "bounds.csv")[name]
    assert bound.optimal
    outcome = _mip(from_psplib(PSPLIB / "j30" / f"{name}.sm"), time_limit=20)
    assert outcome.status == "optimal"
    assert outcome.decisions is not None
    assert outcome.decisions.objective == bound.ub


# --- the serial plan, hints, output ---------------------------------------------------------------


@pytest.mark.parametrize("seed", range(40))
def test_serial_plan_passes_the_checker(seed: int) -> None:
    """The plans that cut the makespan model's horizon are plans, with or without noise."""
    instance = random_instance(seed, objective="makespan")
    data = ProblemData.from_instance(instance)
    for found in (serial_plan(data), serial_plan(data, Random(seed))):
        if found is None:
            continue  # it may get stuck; the model is then solved over the whole horizon
        plan = build_plan(instance, data, found, "feasible", 0)
        report = verify(instance, plan)
        assert report.ok, report.summary()


def test_serial_plan_of_a_j30_instance_passes_the_checker() -> None:
    instance = from_psplib(PSPLIB / "j30" / "j305_3.sm")
    data = ProblemData.from_instance(instance)
    found = best_serial_plan(data, seed=0)
    assert found is not None
    report = verify(instance, build_plan(instance, data, found, "feasible", 0))
    assert report.ok, report.summary()
    assert found.objective >= known_bounds(PSPLIB / "bounds.csv")["j305_3"].ub


def test_hint_is_kept_when_time_runs_out() -> None:
    instance = load_instance(EXAMPLES / "06-intermediate-material-chain.json")
    plan = greedy(instance)
    assert plan is not None and plan.objective.value is not None
    outcome = _mip(
        instance, time_limit=0.0, hint=decisions_from_plan(ProblemData.from_instance(instance), plan)
    )
    assert outcome.status in ("feasible", "optimal")
    assert outcome.decisions is not None
    assert outcome.decisions.objective <= plan.objective.value


def test_makespan_hint_cuts_the_horizon_and_keeps_the_optimum() -> None:
    instance = load_instance(EXAMPLES / "08-makespan-psplib-style.json")
    plan = solve(instance, time_limit=10, workers=1, seed=0).plan
    outcome = _mip(instance, hint=decisions_from_plan(ProblemData.from_instance(instance), plan))
    assert outcome.status == "optimal"
    assert outcome.decisions is not None and outcome.decisions.objective == 9


@pytest.mark.parametrize("log", [False, True])
def test_nothing_goes_to_stdout(log: bool, capfd: pytest.CaptureFixture[str]) -> None:
    """A plan may be written to stdout: HiGHS' banner and log must not land there."""
    data = ProblemData.from_instance(load_instance(EXAMPLES / "01-precedence-and-one-team.json"))
    outcome = solve_mip(data, time_limit=10, log=log)
    assert outcome.status == "optimal"
    out, err = capfd.readouterr()
    assert out == ""
    assert ("Solving report" in err) == log


def test_threads_can_change_between_solves(capfd: pytest.CaptureFixture[str]) -> None:
    """HiGHS sizes one thread scheduler per process; a later solve may ask for another size."""
    data = ProblemData.from_instance(load_instance(EXAMPLES / "02-modes.json"))
    for threads in (1, 2, 1):
        assert solve_mip(data, threads=threads, log=True).status == "optimal"
    _, err = capfd.readouterr()
    assert "ERROR" not in err
    assert "across 2 threads" in err


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_production_of_the_optimal_schedule_is_the_optimum_and_its_lp_a_bound(name: str) -> None:
    instance = load_instance(EXAMPLES / name)
    if instance.objective == "makespan":
        pytest.skip("no production to price under makespan")
    optimum = solve(instance, time_limit=20, workers=1, seed=0)
    assert optimum.status == "optimal" and optimum.objective is not None
    assert verify(instance, optimum.plan).ok
    data = ProblemData.from_instance(instance)
    schedule = decisions_from_plan(data, optimum.plan)
    produced = solve_production(data, schedule, time_limit=20)
    relaxed = solve_production(data, schedule, time_limit=20, relax=True)
    assert produced.value is not None and relaxed.value is not None
    assert round(produced.value) == optimum.objective  # the optimum's schedule, best production
    assert produced.decisions is not None
    assert verify(instance, build_plan(instance, data, produced.decisions, "optimal", optimum.objective)).ok
    assert relaxed.value <= produced.value + 1e-6


def test_production_alone_never_does_worse_than_the_greedy_on_its_schedule() -> None:
    instance = load_instance(GENERATED / "small-s1.json")
    plan = greedy(instance)
    assert plan is not None and plan.objective.value is not None
    data = ProblemData.from_instance(instance)
    produced = solve_production(data, decisions_from_plan(data, plan), time_limit=20)
    assert produced.value is not None and produced.decisions is not None
    assert produced.value <= plan.objective.value + 1e-6
    assert verify(instance, build_plan(instance, data, produced.decisions, "feasible", 0)).ok


def test_a_plans_value_is_recomputed_not_taken_from_highs(monkeypatch: pytest.MonkeyPatch) -> None:
    """After presolve HiGHS can misvalue a solution (xl-s1's production: 3,520 too low).

    That once made the portfolio's production polish raise "planner bug" on
    xl-s1 at 300 s. Each plan's value is now the planner's own, so a wrong
    report changes nothing.
    """
    monkeypatch.setattr(highspy.Highs, "getObjectiveValue", lambda self: 0.0)
    instance = load_instance(GENERATED / "small-s1.json")
    data = ProblemData.from_instance(instance)
    outcome = solve_mip(data, time_limit=20, threads=1, seed=0)
    assert outcome.status == "optimal" and outcome.decisions is not None
    produced = solve_production(data, outcome.decisions, time_limit=20)
    assert produced.decisions is not None
    for decisions in (outcome.decisions, produced.decisions):
        report = verify(instance, build_plan(instance, data, decisions, "feasible", 0))
        assert report.ok and report.figures is not None
        assert report.figures.lost_value == decisions.objective == 2_595_290  # small-s1's optimum
    assert produced.value == 2_595_290


def test_production_search_stops_when_asked_and_still_reports_what_it_has() -> None:
    instance = load_instance(GENERATED / "large-s2.json")
    plan = greedy(instance)
    assert plan is not None
    data = ProblemData.from_instance(instance)
    asked: list[bool] = []

    def should_stop() -> bool:
        asked.append(True)
        return True

    outcome = solve_production(data, decisions_from_plan(data, plan), time_limit=60, should_stop=should_stop)
    assert asked, "HiGHS asked whether to stop"
    assert "interrupt" in outcome.status.lower()
    assert outcome.decisions is not None  # at least the plan's own production, its start
    assert outcome.decisions.objective <= plan.objective.value
    checked = build_plan(instance, data, outcome.decisions, "feasible", 0)
    assert verify(instance, checked).ok


# --- a listener: how the portfolio of solve() runs the MIP alongside CP-SAT ---------------------


def _checked(instance: Instance, decisions: Decisions) -> bool:
    data = ProblemData.from_instance(instance)
    return verify(instance, build_plan(instance, data, decisions, "feasible", 0)).ok


def _greedy_start(name: str) -> tuple[Instance, ProblemData, Decisions]:
    """A generated instance, its data and its greedy plan's decisions (a start for HiGHS)."""
    instance = load_instance(GENERATED / f"{name}.json")
    data = ProblemData.from_instance(instance)
    plan = greedy(instance)
    assert plan is not None
    return instance, data, decisions_from_plan(data, plan)


def test_a_listener_hears_better_and_better_checked_plans_and_a_rising_bound() -> None:
    instance, data, start = _greedy_start("small-s2")
    plans: list[Decisions] = []
    bounds: list[int] = []
    outcome = solve_mip(
        data,
        time_limit=60,
        threads=1,
        hint=start,
        listener=MipListener(on_plan=plans.append, on_bound=bounds.append),
    )
    assert outcome.status == "optimal" and outcome.decisions is not None
    assert outcome.decisions.objective == generated_optimum("small-s2")  # the kept, checked optimum
    assert plans and bounds
    values = [found.objective for found in plans]
    assert values == sorted(values, reverse=True) and len(set(values)) == len(values)
    assert all(_checked(instance, found) for found in plans)
    assert values[-1] == outcome.decisions.objective
    assert bounds == sorted(bounds)
    assert bounds[-1] <= outcome.decisions.objective  # a bound, heard before the proof


def test_the_mip_stops_when_its_listener_says_so_with_a_checked_plan() -> None:
    instance, data, start = _greedy_start("medium-s1")
    bounds: list[int] = []
    outcome = solve_mip(
        data,
        time_limit=120,
        threads=1,
        hint=start,
        listener=MipListener(on_bound=bounds.append, should_stop=lambda: len(bounds) >= 3),
    )
    assert len(bounds) == 3  # it stopped when told, at the third report (it proves medium-s1 in minutes)
    assert outcome.status == "feasible" and outcome.decisions is not None
    assert outcome.decisions.objective <= start.objective
    assert _checked(instance, outcome.decisions)


@pytest.mark.parametrize("where", ["on_plan", "on_bound", "should_stop"])
def test_what_a_listener_raises_comes_out_of_the_mip_as_itself(where: str) -> None:
    """Not as HiGHS' "Solve error", which is all HiGHS says of a callback that raised."""
    data = ProblemData.from_instance(load_instance(GENERATED / "small-s2.json"))

    def fail(*args: object) -> bool:
        raise RuntimeError(f"{where} failed")

    listener = MipListener(**{where: fail})  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match=f"^{where} failed$"):
        solve_mip(data, time_limit=60, threads=1, listener=listener)
