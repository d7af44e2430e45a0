"""Limits are kept: one time budget for the whole solve, and instances too large to solve refused.

The time tests assert a limit, not a speed: each gives a small limit to an
instance where the old code overran it by seconds (xl-s1: build and warm
start past the limit; an instance infeasible only by search: the conflict
search after the search's own limit) and allows one second for what must
follow the deadline.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from planner.cli.commands import main
from planner.cpsat.model import RestartModel
from planner.errors import InstanceError
from planner.formats.read import load_instance, parse_instance
from planner.problem.data import ProblemData
from planner.problem.sizes import PRODUCTS, check_size
from planner.search.budget import Budget, OutOfTime
from planner.search.greedy import greedy
from planner.solve import solve
from planner.verify import verify

from helpers import tiny

ROOT = Path(__file__).resolve().parents[1]
XL = ROOT / "instances" / "generated" / "xl-s1.json"
INFEASIBLE_BY_SEARCH = Path(__file__).parent / "data" / "infeasible-only-by-search.json"
SLACK = 1.0  # seconds allowed past the limit: CP-SAT's own overrun, writing the plan


# --- the budget -----------------------------------------------------------------------------


def test_a_part_of_the_budget_never_ends_after_the_whole() -> None:
    budget = Budget.of(1.0)
    assert budget.within(100.0).deadline == budget.deadline
    assert budget.within(0.1).deadline < budget.deadline
    assert budget.keeping(0.5).deadline == pytest.approx(budget.deadline - 0.5)
    assert budget.keeping(100.0).left() == 0.0


def test_a_spent_budget_says_so_and_its_check_raises() -> None:
    budget = Budget.of(0.0)
    assert budget.expired()
    assert budget.left() == 0.0
    with pytest.raises(OutOfTime):
        budget.check()


def test_the_model_stops_building_when_its_check_raises() -> None:
    data = ProblemData.from_instance(load_instance(ROOT / "instances" / "jlr-2025.json"))
    calls = 0

    def check() -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OutOfTime

    with pytest.raises(OutOfTime):
        RestartModel(data, check)
    assert calls == 3


def test_the_warm_start_stops_when_its_check_raises() -> None:
    inst = parse_instance(json.dumps(tiny()))
    data = ProblemData.from_instance(inst)
    built = RestartModel(data)
    plan = greedy(inst)
    assert plan is not None
    from planner.problem.decisions import decisions_from_plan

    calls = []

    def check() -> None:
        calls.append(1)
        if len(calls) == 2:
            raise OutOfTime

    with pytest.raises(OutOfTime):
        built.warmstart(decisions_from_plan(data, plan), check)
    assert len(calls) == 2  # checked between lines, and it stopped at once


def test_the_command_line_counts_its_limit_from_the_process_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """The solves get the limit less the time spent before them and the time their checking takes."""
    import planner.cli.commands as cli

    inst = parse_instance(json.dumps(tiny()))
    monkeypatch.setattr(cli.clock, "since_start", lambda: 0.75)
    finish = cli._FINISH_SECONDS_PER_LINE_DAY * len(inst.lines) * inst.horizon_days
    assert cli._solving_seconds(10.0, inst) == pytest.approx(10.0 - 0.75 - finish - cli._EXIT_SECONDS)
    assert cli._solving_seconds(10.0, inst, plans=3) == pytest.approx(
        10.0 - 0.75 - 3 * finish - cli._EXIT_SECONDS
    )
    assert cli._solving_seconds(0.5, inst) == 0.0  # never negative


def test_a_command_run_as_a_process_counts_from_before_the_imports(monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.search import clock

    monkeypatch.setattr(clock, "_began", None)
    clock.begin(with_process=True)
    imported = time.perf_counter() - clock._IMPORTED
    assert clock.since_start() >= imported - 0.02  # /proc counts in 10 ms ticks


def test_a_command_invoked_in_a_running_process_counts_from_its_invocation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from planner.search import clock

    monkeypatch.setattr(clock, "_began", None)
    clock.begin(with_process=False)
    assert 0.0 <= clock.since_start() < time.perf_counter() - clock._IMPORTED


def test_the_greedy_out_of_time_still_makes_its_first_plan() -> None:
    instance = load_instance(ROOT / "instances" / "generated" / "large-s1.json")
    first = greedy(instance, Budget.of(0.0))
    best = greedy(instance)
    assert first is not None and best is not None
    assert verify(instance, first).ok
    assert first.objective.value is not None and best.objective.value is not None
    assert first.objective.value >= best.objective.value  # the variants only add plans


# --- the time limit holds for the whole solve ---------------------------------------------------


def test_xl_with_a_three_second_limit_returns_the_greedy_plan_in_time_and_says_so() -> None:
    instance = load_instance(XL)
    started = time.perf_counter()
    result = solve(instance, time_limit=3.0, workers=2, seed=0)
    assert time.perf_counter() - started <= 3.0 + SLACK
    assert result.status == "feasible"
    assert verify(instance, result.plan).ok
    assert result.note is not None and result.note.startswith("the greedy plan, not searched")
    assert result.objective == greedy(instance, Budget.of(0.0)).objective.value  # type: ignore[union-attr]


def test_an_instance_infeasible_only_by_search_keeps_the_time_limit_and_names_a_conflict() -> None:
    instance = load_instance(INFEASIBLE_BY_SEARCH)
    started = time.perf_counter()
    result = solve(instance, time_limit=3.0, workers=1, seed=0)
    assert time.perf_counter() - started <= 3.0 + SLACK
    assert result.status == "infeasible"
    assert verify(instance, result.plan).ok
    assert any("fixed_restart" in reason for reason in result.explanation), result.explanation


def test_no_time_left_for_the_conflict_search_is_said_not_hidden() -> None:
    instance = load_instance(INFEASIBLE_BY_SEARCH)
    result = solve(instance, time_limit=0.5, workers=1, seed=0)
    assert result.status in ("infeasible", "unknown")
    if result.status == "infeasible":
        assert "No time was left within the time limit to name the requirements" in result.explanation[-1]


def test_the_solve_command_prints_the_note_of_an_unsearched_plan(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(main, ["solve", str(XL), "-o", str(out), "--time-limit", "1", "-q"])
    assert result.exit_code == 0, result.output
    assert "note: the greedy plan, not searched" in result.output
    assert "verified: the plan meets every constraint" in result.output


# --- sizes ------------------------------------------------------------------------------------


def _with(count: int, kind: str, horizon: int) -> dict[str, Any]:
    """The tiny instance with `count` lines, materials, inputs, crew pools or clearance modes."""
    data = tiny(horizon_days=horizon)
    line = data["lines"][0]
    if kind == "line-days":
        data["lines"] = [dict(line, id=f"L{k}", name=f"L{k}") for k in range(count)]
    elif kind == "material-days":
        data["materials"] += [{"id": f"m{k}", "name": f"m{k}"} for k in range(count - 1)]
    elif kind == "input-days":
        data["materials"] += [{"id": f"m{k}", "name": f"m{k}", "on_hand": 1} for k in range(count)]
        line["inputs"] = {f"m{k}": 1 for k in range(count)}
    elif kind == "crew-days":
        data["plants"][0]["staff"] = {f"pool{k}": 1 for k in range(count)}
        line["crew_per_shift"] = {f"pool{k}": 1 for k in range(count)}
    elif kind == "clearance modes":
        data["systems"] = [
            {"id": "s", "name": "s", "modes": [{"duration_days": 1 + k % 3} for k in range(count)]}
        ]
    return data


def _counts(product_unit: str, limit: int) -> tuple[int, int]:
    """A horizon and a count whose product is just over `limit` (a count alone for totals)."""
    if product_unit in ("clearance modes", "precedences"):
        return 10, limit + 1
    horizon = 3650
    return horizon, limit // horizon + 1


@pytest.mark.parametrize("product", PRODUCTS, ids=[p.unit for p in PRODUCTS])
def test_an_instance_over_a_size_limit_is_refused_naming_the_product(product: Any) -> None:
    horizon, count = _counts(product.unit, product.limit)
    if product.unit == "precedences":
        instance = _precedences(product.limit + 1)
    else:
        instance = parse_instance(json.dumps(_with(count, product.unit, horizon)))
    with pytest.raises(InstanceError) as caught:
        check_size(instance)
    [problem] = [p for p in caught.value.problems if product.unit in p]
    assert problem.startswith(f"{product.place}: ")
    assert f"more than the {product.limit:,} the planner solves" in problem


def _precedences(count: int) -> Any:
    """At least `count` after-references: 500 systems, each after the 150 before it."""
    data = tiny(horizon_days=10)
    data["systems"] = [
        {
            "id": f"s{k}",
            "name": "s",
            "duration_days": 1,
            "after": [f"s{j}" for j in range(max(0, k - 150), k)],
        }
        for k in range(500)
    ]
    data["lines"][0]["systems"] = ["s499"]
    assert sum(len(s["after"]) for s in data["systems"]) >= count
    return parse_instance(json.dumps(data))


def test_the_largest_generated_instance_and_jlr_are_well_within_the_limits() -> None:
    for path in (XL, ROOT / "instances" / "jlr-2025.json"):
        check_size(load_instance(path))  # raises if not


def test_solve_and_validate_refuse_a_huge_instance_with_exit_2_and_write_nothing(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(_with(500, "line-days", 3650)))
    out = tmp_path / "plan.json"
    for command in (["validate", str(path)], ["solve", str(path), "-o", str(out), "--time-limit", "10"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2, result.output
        assert "lines: 500 lines x 3,650 days = 1,825,000 line-days, more than the 75,000" in result.output
        assert "Traceback" not in result.output
    assert not out.exists()
