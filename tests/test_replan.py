"""replan(): the past before today is frozen exactly, the rest re-optimised, stable when nothing changed."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from ortools.sat.python import cp_model

from planner.cpsat import RestartModel, decisions_from_plan, replanning
from planner.decisions.changes import apply_changes
from planner.decisions.replan import Replan, from_today, replan
from planner.errors import InstanceError
from planner.formats.read import load_instance
from planner.formats.schema import Instance, Plan
from planner.problem.data import ProblemData
from planner.verify import verify

from helpers import EXAMPLES, instance, solve_checked, stated_optima, tiny
from random_instances import random_instance, random_instance_dict

EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("*.json"))
FAST = {"time_limit": 5.0, "workers": 1, "seed": 0}


def _example(name: str) -> Instance:
    return load_instance(EXAMPLES / name)


def _replan_checked(inst: Instance, old: Plan, today: int, **options: Any) -> Replan:
    """Re-plan with one worker and seed 0; a plan found must pass the checker on the changed instance."""
    result = replan(inst, old, today, **{**FAST, **options})
    if result.plan.has_schedule:
        report = verify(result.instance, result.plan)
        assert report.ok, report.summary()
    return result


def _assert_past_kept(old: Plan, new: Plan, today: int, inst: Instance) -> None:
    """Clearances, restarts and production begun before today as the old plan had them; none new before it."""
    old_systems = {s.id: s for s in old.systems}
    commissioning = {ln.id: ln.commissioning_days for ln in inst.lines}
    for s in new.systems:
        before = old_systems[s.id]
        if before.start_day is not None and before.start_day < today:
            assert (s.start_day, s.mode) == (before.start_day, before.mode), s.id
        elif s.start_day is not None:
            assert s.start_day >= today, s.id
    old_lines = {ln.id: ln.restart_day for ln in old.lines}
    for ln in new.lines:
        before = old_lines[ln.id]
        if before is not None and before - commissioning[ln.id] < today:
            assert ln.restart_day == before, ln.id
        elif ln.restart_day is not None:
            assert ln.restart_day - commissioning[ln.id] >= today, ln.id
    assert [p for p in new.production if p.day < today] == [p for p in old.production if p.day < today]


# --- the frozen model --------------------------------------------------------------


@pytest.mark.parametrize("seed", range(12))
def test_the_frozen_model_keeps_the_old_plan_feasible(seed: int) -> None:
    inst = random_instance(seed)
    old = solve_checked(inst, time_limit=5).plan
    if not old.has_schedule:
        pytest.skip("infeasible instance: no plan to freeze")
    data = ProblemData.from_instance(inst)
    decisions = decisions_from_plan(data, old)
    for today in sorted({0, 1, data.horizon // 2, data.horizon}):
        built = RestartModel(data)
        replanning.freeze(built, decisions, today)
        built.warmstart(decisions)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.fix_variables_to_their_hinted_value = True
        status = solver.solve(built.model)
        assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE), f"old plan infeasible frozen at {today}"


# --- no change: the old value, nothing moved -----------------------------------------


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_no_change_keeps_the_old_value_and_every_day(name: str) -> None:
    inst = _example(name)
    old = solve_checked(inst, time_limit=5).plan
    assert old.status == "optimal"
    for today in (0, 2, 5, inst.horizon_days):
        result = _replan_checked(inst, old, today)
        assert result.plan.objective.value == old.objective.value
        assert result.plan.status == "optimal"
        assert result.changed == 0
        _assert_past_kept(old, result.plan, today, inst)


def test_no_change_on_random_instances_never_loses_value() -> None:
    for seed in range(20):
        inst = random_instance(seed)
        old = solve_checked(inst, time_limit=5)
        if not old.plan.has_schedule:
            continue
        today = inst.horizon_days // 2
        result = _replan_checked(inst, old.plan, today)
        assert result.plan.objective.value is not None and old.objective is not None
        assert result.plan.objective.value <= old.objective
        if old.status == "optimal":
            assert result.changed == 0, result.text()
        _assert_past_kept(old.plan, result.plan, today, inst)


def test_equal_value_keeps_the_old_days() -> None:
    """Clearing `email` changes no value: the re-plan keeps it where the old plan had it."""
    inst = _example("01-precedence-and-one-team.json")
    pinned = instance(inst.model_dump(mode="json") | {"systems": _with(inst, "email", fixed_start=6)})
    old = solve_checked(pinned, time_limit=5).plan
    assert old.objective.value == 380
    result = _replan_checked(inst, old, 1)
    assert result.plan.objective.value == 380
    assert result.changed == 0
    assert {s.id: s.start_day for s in result.plan.systems}["email"] == 6


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_today_zero_equals_a_plain_solve(name: str) -> None:
    """From a poor old plan (every line held back to mid-horizon), day 0 reaches the optimum."""
    data = _example(name).model_dump(mode="json")
    best = solve_checked(instance(data), time_limit=5)
    late = [ln | {"release_day": data["horizon_days"] // 2} for ln in data["lines"]]
    old = solve_checked(instance(data | {"lines": late}), time_limit=5).plan
    result = _replan_checked(instance(data), old, 0)
    assert result.plan.status == "optimal"
    assert result.plan.objective.value == best.objective


# --- new facts ----------------------------------------------------------------------


def test_a_capacity_drop_from_today_moves_what_it_delays() -> None:
    inst = _example("01-precedence-and-one-team.json")
    old = solve_checked(inst, time_limit=5).plan  # plc-a days 1-3, A day 4; plc-b days 4-5, B day 6
    drop = 'resources.sec-team.capacity_changes=[{"day":4,"capacity":0},{"day":6,"capacity":1}]'
    result = _replan_checked(inst, old, 4, changes=[drop])
    assert result.plan.objective.value == 380 + 2 * 30
    assert result.old_value is None  # the old plan needs the team on day 4
    diff = result.diff.set_index("id")
    assert diff.loc["plc-b", "moved_by"] == 2
    assert diff.loc["plc-b", "why"] == f"new fact: {drop}"
    assert diff.loc["B", "moved_by"] == 2
    assert diff.loc["B", "why"] == "re-optimised"
    assert diff.loc["plc-a", "why"] == "frozen (started day 1 < today 4)"
    assert diff.loc["A", "why"] == "unchanged"
    assert result.changed == 2
    assert "system plc-b: day 4 -> day 6 (+2)" in result.text()
    _assert_past_kept(old, result.plan, 4, result.instance)


def test_a_system_released_later_is_replanned_without_the_changes_module() -> None:
    inst = _example("01-precedence-and-one-team.json")
    old = solve_checked(inst, time_limit=5).plan
    later = instance(inst.model_dump(mode="json") | {"systems": _with(inst, "plc-b", release_day=7)})
    result = _replan_checked(later, old, 4)
    assert result.plan.objective.value == 380 + 3 * 30
    assert {ln.id: ln.restart_day for ln in result.plan.lines} == {"A": 4, "B": 9}
    assert set(result.diff.query("moved_by > 0")["id"]) == {"plc-b", "B"}


def test_replan_with_new_facts_freezes_the_past_exactly() -> None:
    moved = 0
    for seed in range(40):
        data = random_instance_dict(seed)
        old = solve_checked(instance(data), time_limit=5).plan
        if not old.has_schedule:
            continue
        for today in sorted({data["horizon_days"] // 4, data["horizon_days"] // 3}):
            changed = instance(_later_and_scarcer(data, old, today))
            result = _replan_checked(changed, old, today)
            if not result.plan.has_schedule:
                assert result.plan.explanation, f"seed {seed}: no reason given"
                continue
            _assert_past_kept(old, result.plan, today, changed)
            assert result.changed == result.diff["changed"].sum()
            moved += result.changed
    assert moved >= 10, "the new facts should move some restart days and clearance starts"


def test_a_commissioning_under_way_keeps_its_restart_day() -> None:
    inst = _example("03-ramp-up-and-commissioning.json")  # mes days 0-1, commissioning 2-3, restart 4
    old = solve_checked(inst, time_limit=5).plan
    result = _replan_checked(inst, old, 3)
    line = inst.lines[0].id
    assert result.diff.set_index("id").loc[line, "why"] == "frozen (commissioning started day 2 < today 3)"


def test_work_under_way_that_cannot_go_on_is_infeasible_with_its_reasons() -> None:
    inst = _example("01-precedence-and-one-team.json")
    old = solve_checked(inst, time_limit=5).plan
    stop = 'resources.sec-team.capacity_changes=[{"day":2,"capacity":0},{"day":6,"capacity":1}]'
    result = _replan_checked(inst, old, 2, changes=[stop])
    assert result.plan.status == "infeasible"
    assert result.plan.explanation is not None
    assert "resource sec-team, day 2: needs 1 (plc-a 1), capacity 0" in result.plan.explanation
    assert verify(result.instance, result.plan).ok
    assert result.changed == 0 and result.diff.empty


def test_a_new_fact_that_contradicts_the_past_is_reported() -> None:
    inst = _example("01-precedence-and-one-team.json")
    old = solve_checked(inst, time_limit=5).plan
    result = _replan_checked(inst, old, 4, changes=["systems.plc-a.release_day=3"])  # it began on day 1
    assert result.plan.status == "infeasible"
    assert result.plan.explanation is not None
    assert result.plan.explanation[0] == "What happened before day 4 breaks the instance as it now is:"
    assert any("day 1" in reason and "plc-a" in reason for reason in result.plan.explanation)


def test_a_new_capacity_applies_from_today_not_to_the_past() -> None:
    inst = _example("01-precedence-and-one-team.json")
    old = solve_checked(inst, time_limit=5).plan
    assert _starts(old)["plc-b"] == 4  # plc-a used the team on days 1-3
    result = _replan_checked(inst, old, 4, changes=["resources.sec-team.capacity=0"])
    team = next(r for r in result.instance.resources if r.id == "sec-team")
    assert (team.capacity, [(c.day, c.capacity) for c in team.capacity_changes]) == (1, [(4, 0)])
    assert result.plan.has_schedule
    assert _starts(result.plan)["plc-b"] is None  # no team from today: plc-b stays uncleared
    assert _restarts(result.plan) == {"A": 4, "B": None}


def test_from_today_splices_each_step_function_at_today() -> None:
    inst = instance(
        tiny(resources=[{"id": "team", "capacity": 2, "capacity_changes": [{"day": 2, "capacity": 3}]}])
    )
    changed = from_today(inst, apply_changes(inst, ["resources.team.capacity=+1"]), 5)
    team = changed.resources[0]
    assert (team.capacity, [(c.day, c.capacity) for c in team.capacity_changes]) == (2, [(2, 3), (5, 4)])
    assert from_today(inst, apply_changes(inst, ["resources.team.capacity=+1"]), 0).resources[0].capacity == 3


# --- stability ----------------------------------------------------------------------


def test_stability_weight_trades_value_for_fewer_changes() -> None:
    """Old plan: B first (390). Re-ordering to A first gains 10 for 4 moves."""
    inst = _example("01-precedence-and-one-team.json")
    b_first = _with(inst, "plc-b", fixed_start=1)
    b_first = [s | {"fixed_start": 3} if s["id"] == "plc-a" else s for s in b_first]
    old = solve_checked(instance(inst.model_dump(mode="json") | {"systems": b_first}), time_limit=5).plan
    assert old.objective.value == 390
    lexicographic = _replan_checked(inst, old, 0)
    assert (lexicographic.plan.objective.value, lexicographic.changed) == (380, 4)
    assert lexicographic.plan.status == "optimal"
    costly = _replan_checked(inst, old, 0, stability=5)  # 380 + 4 x 5 > 390 + 0
    assert (costly.plan.objective.value, costly.changed) == (390, 0)
    assert costly.plan.status == "feasible" and costly.plan.objective.bound == 380
    cheap = _replan_checked(inst, old, 0, stability=1)  # 380 + 4 x 1 < 390
    assert (cheap.plan.objective.value, cheap.changed) == (380, 4)
    assert "Stability weight: 5 value units per change." in costly.text()


def test_second_stage_puts_back_what_the_value_did_not_need_to_move() -> None:
    """Hinted with a plan that drops `email` (5 changes), the stage finds 4: `email` back on day 6."""
    inst = _example("01-precedence-and-one-team.json")
    fixed = {"plc-b": 1, "plc-a": 3, "email": 6}
    rows = [s | {"fixed_start": fixed[s["id"]]} if s["id"] in fixed else s for s in _with(inst, "idp")]
    old = solve_checked(instance(inst.model_dump(mode="json") | {"systems": rows}), time_limit=5).plan
    best = solve_checked(inst, time_limit=5).plan  # A first, email not cleared
    data = ProblemData.from_instance(inst)
    built = RestartModel(data)
    replanning.freeze(built, decisions_from_plan(data, old), 0)
    changes = replanning.minimize_changes(built, decisions_from_plan(data, old), 380)
    built.warmstart(decisions_from_plan(data, best))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(built.model) == cp_model.OPTIMAL
    assert solver.value(changes) == 4
    assert solver.value(built.objective) == 380
    email = [s.id for s in inst.systems].index("email")
    assert built.decisions(solver).systems[email] == (0, 6, 8)


# --- misuse -------------------------------------------------------------------------


def test_a_day_outside_the_horizon_or_a_plan_without_schedule_is_an_instance_error() -> None:
    inst = _example("01-precedence-and-one-team.json")
    old = solve_checked(inst, time_limit=5).plan
    with pytest.raises(InstanceError, match="today"):
        replan(inst, old, inst.horizon_days + 1, **FAST)
    empty = old.model_copy(update={"status": "unknown"})
    with pytest.raises(InstanceError, match="no schedule"):
        replan(inst, empty, 1, **FAST)


# --- helpers ------------------------------------------------------------------------


def _with(inst: Instance, system_id: str, **fields: Any) -> list[dict[str, Any]]:
    """The instance's systems as JSON, `fields` set on one of them."""
    rows = inst.model_dump(mode="json")["systems"]
    return [s | fields if s["id"] == system_id else s for s in rows]


def _later_and_scarcer(data: dict[str, Any], old: Plan, today: int) -> dict[str, Any]:
    """New facts from `today`: what has not begun is released 2 days later, one unit less of each resource."""
    started = {s.id for s in old.systems if s.start_day is not None and s.start_day < today}
    systems = [
        s | {"release_day": today + 2} if s["id"] not in started and "fixed_start" not in s else s
        for s in data["systems"]
    ]
    restarts = {ln.id: ln.restart_day for ln in old.lines}
    lines = []
    for ln in data["lines"]:
        restart, days = restarts[ln["id"]], ln.get("commissioning", {}).get("days", 0)
        under_way = restart is not None and restart - days < today
        lines.append(ln if under_way or "fixed_restart" in ln else ln | {"release_day": today + 2})
    resources = [r | {"capacity_changes": _less_from(r, today)} for r in data.get("resources", [])]
    return data | {"systems": systems, "lines": lines, "resources": resources}


def _less_from(resource: dict[str, Any], today: int) -> list[dict[str, int]]:
    """The resource's capacity step function, one less (not below 0) from `today` on."""
    changes = sorted(resource.get("capacity_changes", []), key=lambda c: c["day"])
    in_force = resource["capacity"]
    for change in changes:
        if change["day"] <= today:
            in_force = change["capacity"]
    kept = [c for c in changes if c["day"] < today]
    later = [{"day": c["day"], "capacity": max(0, c["capacity"] - 1)} for c in changes if c["day"] > today]
    return [*kept, {"day": today, "capacity": max(0, in_force - 1)}, *later]


def _starts(plan: Plan) -> dict[str, int | None]:
    return {s.id: s.start_day for s in plan.systems}


def _restarts(plan: Plan) -> dict[str, int | None]:
    return {line.id: line.restart_day for line in plan.lines}


def test_the_bridge_is_a_feasible_plan_that_keeps_the_past() -> None:
    """When the old plan breaks the changed instance, the search starts from the bridge plan."""
    from planner.decisions.replan import _bridge
    from planner.problem.decisions import build_plan, figures

    inst = _example("01-precedence-and-one-team.json")
    old_plan = solve_checked(inst, time_limit=5).plan
    changed = from_today(inst, apply_changes(inst, ["resources.sec-team.capacity=0"]), 4)
    assert not verify(changed, old_plan).ok  # plc-b was to start on day 4
    data = ProblemData.from_instance(changed)
    bridge = _bridge(data, decisions_from_plan(data, old_plan), 4, 5.0, 1, 0)
    assert bridge is not None
    value = figures(data, bridge).of(data.objective)
    assert value is not None
    plan = build_plan(changed, data, replace(bridge, objective=value), "feasible", 0)
    assert verify(changed, plan).ok
    assert _starts(plan)["plc-a"] == _starts(old_plan)["plc-a"]  # begun before day 4
    assert [p for p in plan.production if p.day < 4] == [p for p in old_plan.production if p.day < 4]


# --- what re-planning saves ----------------------------------------------------------


def test_the_saving_against_the_old_plan_is_an_interval_that_holds_the_true_saving() -> None:
    inst = _example("01-precedence-and-one-team.json")
    old = solve_checked(inst, time_limit=5).plan
    assert old.objective.value == stated_optima()["01-precedence-and-one-team.json"][1]
    change = "resources.sec-team.capacity=+1"
    best = _replan_checked(inst, old, 1, changes=[change])
    assert best.plan.status == "optimal"
    # Only idp began before day 1, on day 0 as any optimum of the changed instance may have it:
    # the re-plan reaches that instance's own optimum, solved here independently.
    assert best.plan.objective.value == solve_checked(apply_changes(inst, [change])).plan.objective.value
    assert best.old_value == old.objective.value
    assert best.saving is not None and best.saving > 0
    assert best.saving == best.most_saving  # proven optimal: one figure
    assert "saves" in best.text() and "(proven: no re-plan saves more)" in best.text()
    for seed in range(3):  # cut short: the interval still holds the proven saving
        short = _replan_checked(inst, old, 1, changes=[change], time_limit=0.05, seed=seed)
        assert short.saving is not None and short.most_saving is not None
        assert short.saving <= best.saving <= short.most_saving


def test_no_saving_is_claimed_when_the_old_plan_breaks_the_instance() -> None:
    inst = _example("01-precedence-and-one-team.json")
    old = solve_checked(inst, time_limit=5).plan
    drop = 'resources.sec-team.capacity_changes=[{"day":4,"capacity":0},{"day":6,"capacity":1}]'
    result = _replan_checked(inst, old, 4, changes=[drop])
    assert result.plan.objective.value == 380 + 2 * 30  # as in the capacity-drop test above
    assert result.old_value is None
    assert result.saving is None and result.most_saving is None
    assert "Against carrying on" not in result.text()
