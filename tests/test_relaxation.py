"""The LP relaxation's bound (`planner.mip.lp_bound`): never above an optimum, proven from any duals.

`solve()`'s portfolio reports it from a child process (`planner.search.highs_process`); a
bound above a proven optimum would make a plan look better than it can be,
so it is checked against optima proven by CP-SAT on random instances and
against the spec examples' stated optima.
"""

from __future__ import annotations

import re
from collections import Counter
from random import Random

import highspy
import pytest

import planner.search.portfolio as portfolio
from planner.formats.read import load_instance
from planner.mip import lp_bound
from planner.mip.formulation import Formulation
from planner.problem.data import ProblemData
from planner.solve import solve
from planner.verify import verify

from helpers import EXAMPLES
from random_instances import random_instance

OPTIMA = {
    name: int(value)
    for name, value in re.findall(
        r"^\| (\S+\.json) \| \w+ \| (\d+) \|$", (EXAMPLES / "README.md").read_text(), re.M
    )
}
RANDOM_CASES = [(seed, None) for seed in range(60)] + [(seed, "lost_units") for seed in range(200, 210)]
_PROVEN: Counter[str] = Counter()


@pytest.mark.parametrize(("seed", "objective"), RANDOM_CASES)
def test_lp_bound_never_exceeds_an_optimum_cpsat_proved(seed: int, objective: str | None) -> None:
    instance = random_instance(seed, objective=objective)
    result = solve(instance, time_limit=10, workers=1, seed=0)
    if result.status != "optimal":
        _PROVEN["unproven"] += 1
        return
    assert result.objective is not None
    assert verify(instance, result.plan).ok
    bound = lp_bound(ProblemData.from_instance(instance), time_limit=10)
    assert bound is not None, f"random_instance({seed}): the LP of a feasible instance has no bound"
    assert bound <= result.objective, f"random_instance({seed}, {objective}): {bound} > {result.objective}"
    _PROVEN["optimal"] += 1


def test_enough_optima_were_compared() -> None:
    if sum(_PROVEN.values()) < len(RANDOM_CASES):
        pytest.skip("run together with test_lp_bound_never_exceeds_an_optimum_cpsat_proved")
    assert _PROVEN["optimal"] >= 0.6 * len(RANDOM_CASES), _PROVEN


@pytest.mark.parametrize("name", sorted(OPTIMA))
def test_lp_bound_of_each_example_is_at_most_its_stated_optimum(name: str) -> None:
    bound = lp_bound(ProblemData.from_instance(load_instance(EXAMPLES / name)), time_limit=10)
    assert bound is not None
    assert bound <= OPTIMA[name]


def _lp_of(name: str) -> tuple[Formulation, highspy.Highs]:
    formulation = Formulation(ProblemData.from_instance(load_instance(EXAMPLES / name)))
    lp = formulation.program.lp()
    lp.integrality_ = [highspy.HighsVarType.kContinuous] * lp.num_col_
    highs = highspy.Highs()  # type: ignore[no-untyped-call]
    highs.setOptionValue("output_flag", False)
    highs.passModel(lp)
    highs.run()
    return formulation, highs


@pytest.mark.parametrize("name", sorted(OPTIMA))
def test_any_dual_vector_gives_a_bound_at_most_the_optimum(name: str) -> None:
    formulation, highs = _lp_of(name)
    program = formulation.program
    if not program.row_names:
        pytest.skip("no rows: nothing to price")
    exact = program.dual_bound(list(highs.getSolution().row_dual))
    # At the LP's own duals, the bound is the LP's optimum (up to the safety margin).
    assert exact == pytest.approx(highs.getObjectiveValue(), rel=1e-6, abs=1e-3)
    rng = Random(name)
    for _ in range(20):
        duals = [rng.uniform(-5, 5) * abs(y) + rng.uniform(-1, 1) for y in highs.getSolution().row_dual]
        assert program.dual_bound(duals) <= OPTIMA[name] + 1e-6


def test_dual_bound_is_minus_infinity_where_a_free_column_would_price_below_it() -> None:
    formulation, _ = _lp_of(sorted(OPTIMA)[0])
    program = formulation.program
    program.upper[0] = highspy.kHighsInf
    program.cost[0] = -1.0  # with no dual, its reduced cost is -1 and nothing bounds it above
    assert program.dual_bound([0.0] * len(program.row_names)) == float("-inf")


# --- when the portfolio starts it ------------------------------------------------------------


class _Probe:
    """Stands for `BoundProbe` and records what it was asked to compute."""

    started: list[str] = []

    def __init__(self, data: ProblemData, **options: object) -> None:
        _Probe.started.append(str(options.get("kind", "root")))

    running = False

    def stop(self) -> None:
        pass


@pytest.mark.parametrize(
    ("relaxation", "estimate", "expected"),
    [(True, 0.01, ["lp"]), (False, 0.01, []), (True, 1e6, [])],
)
def test_the_relaxation_starts_with_the_search_only_where_it_can_end_in_time(
    monkeypatch: pytest.MonkeyPatch, relaxation: bool, estimate: float, expected: list[str]
) -> None:
    monkeypatch.setattr(portfolio, "BoundProbe", _Probe)
    monkeypatch.setattr(portfolio, "lp_seconds", lambda constraints: estimate)
    _Probe.started = []
    instance = random_instance(3)
    result = solve(instance, time_limit=2, workers=2, seed=0, root_probe=False, relaxation=relaxation)
    assert _Probe.started == expected
    assert verify(instance, result.plan).ok
    alone = solve(instance, time_limit=10, workers=1, seed=0)  # CP-SAT alone proves the optimum
    assert alone.status == "optimal"
    assert result.status == "optimal"
    assert result.objective == alone.objective


def test_lp_seconds_grows_with_the_model() -> None:
    sizes = [500, 5_000, 18_153, 60_000, 400_000]
    estimates = [portfolio.lp_seconds(n) for n in sizes]
    assert estimates == sorted(estimates)
    assert portfolio.lp_seconds(18_153) == pytest.approx(3.3)
