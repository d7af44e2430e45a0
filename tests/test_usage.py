"""The rules computed in one place (`planner.problem.usage`, `with_bound`), on the contract's examples."""

from __future__ import annotations

import pytest

from planner.formats.read import load_instance
from planner.problem import usage
from planner.problem.data import ProblemData
from planner.problem.decisions import decisions_from_plan, with_bound
from planner.search.greedy import greedy
from planner.verify import verify

from helpers import EXAMPLES, stated_optima


def _data(name: str) -> ProblemData:
    return ProblemData.from_instance(load_instance(EXAMPLES / name))


def test_the_gate_opens_lead_days_after_the_ordering_system_ends() -> None:
    data = _data("05-parts-gate-and-lead-time.json")
    erp, wheel = 0, 1
    assert usage.gate(data.materials[wheel], {erp: 3}) == 5  # erp ends on day 3, lead 2
    assert usage.delivered(data.materials[wheel], {erp: 3}) == [0] * 5 + [20] * 5


def test_nothing_is_delivered_while_the_ordering_system_is_not_cleared() -> None:
    data = _data("05-parts-gate-and-lead-time.json")
    wheel = data.materials[1]
    assert usage.gate(wheel, {}) is None
    assert usage.delivered(wheel, {}) == [0] * data.horizon


def test_a_material_without_an_ordering_system_is_never_gated() -> None:
    data = _data("05-parts-gate-and-lead-time.json")
    car = data.materials[0]
    assert usage.gate(car, {}) == 0
    assert usage.delivered(car, {}) == car.supply


def test_a_clearance_and_a_commissioning_hold_their_demand_on_their_own_days() -> None:
    data = _data("03-ramp-up-and-commissioning.json")  # mes: 2 days of sec-team; A: 2 days of comm-eng
    holds = list(usage.holds(data, {0: (0, 1, 3)}, [5]))
    assert [(h.activity, h.index, h.first, h.last, h.demand) for h in holds] == [
        ("clearance", 0, 1, 3, {0: 1}),
        ("commissioning", 0, 3, 5, {1: 1}),
    ]


def test_a_line_not_restarted_or_running_before_day_0_holds_nothing() -> None:
    data = _data("03-ramp-up-and-commissioning.json")
    assert list(usage.holds(data, {0: None}, [None])) == []
    assert list(usage.holds(data, {}, [-1])) == []


def test_ends_count_a_system_cleared_before_day_0_as_ended_on_day_0() -> None:
    instance = load_instance(EXAMPLES / "05-parts-gate-and-lead-time.json")
    document = instance.model_dump(mode="json", exclude_none=True)
    document["systems"][0]["cleared"] = True
    data = ProblemData.from_instance(type(instance).model_validate(document))
    assert usage.ends(data, {1: (0, 0, 2)}) == {0: 0, 1: 2}


@pytest.mark.parametrize(("bound", "status", "kept"), [(0, "feasible", 0), (10**9, "optimal", None)])
def test_with_bound_decides_status_from_the_bound_alone(bound: int, status: str, kept: int | None) -> None:
    instance = load_instance(EXAMPLES / "05-parts-gate-and-lead-time.json")
    plan = greedy(instance)
    assert plan is not None and plan.objective.value is not None
    assert verify(instance, plan).ok
    # No better than the optimum worked out by hand (500), and above 0, so that a bound of 0 proves nothing.
    assert plan.objective.value >= stated_optima()[instance.name + ".json"][1] > 0
    proved = with_bound(plan, bound)
    assert verify(instance, proved).ok
    assert proved.status == status
    assert proved.objective.bound == (plan.objective.value if kept is None else kept)
    assert decisions_from_plan(ProblemData.from_instance(instance), proved).restarts == [
        ln.restart_day for ln in plan.lines
    ]
