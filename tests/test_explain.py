"""Explaining a plan (`planner.decisions.explain`): the binding causes of each day, and the bottleneck table.

Crafted tiny instances where the cause is known: the explanation must name it
by kind and entity, not only in its text. Plans come from the solver (one
worker, seed 0, short limits, each checked by `verify`) or, where the solver
may pick any of several equal days, are written by hand and checked the same way.
"""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from planner.decisions.explain import Cause, EntityExplanation, Explanation, explain
from planner.errors import InstanceError
from planner.formats.read import load_instance
from planner.formats.schema import Instance, Plan, PlanLine, PlanObjective, PlanProduction, PlanSystem
from planner.problem.data import working_days
from planner.search.greedy import greedy
from planner.solve import rebase
from planner.verify import verify

from helpers import EXAMPLES, instance, record_time_limits, solve_checked, stated_optima

JLR = Path(__file__).resolve().parents[1] / "instances" / "jlr-2025.json"
ALL_DAYS = [0, 1, 2, 3, 4, 5, 6]


# --- building instances and plans -------------------------------------------------------


def base(**changes: Any) -> dict[str, Any]:
    """One team, one plant working every day (pool 'ops' of 100), no systems, no lines."""
    data: dict[str, Any] = {
        "format": "restart-instance/1",
        "name": "crafted",
        "horizon_days": 10,
        "resources": [{"id": "team", "capacity": 1}],
        "systems": [],
        "plants": [{"id": "p", "name": "p", "workdays": ALL_DAYS, "staff": {"ops": 100}}],
        "materials": [{"id": "car", "name": "car", "value": 5}, {"id": "van", "name": "van", "value": 3}],
        "lines": [],
    }
    data.update(copy.deepcopy(changes))
    return data


def system(sid: str, days: int, **extra: Any) -> dict[str, Any]:
    return {"id": sid, "name": sid, "duration_days": days, "demand": {"team": 1}, **extra}


def line(lid: str, output: str = "car", **extra: Any) -> dict[str, Any]:
    return {"id": lid, "name": lid, "plant": "p", "output": output, "rate_per_shift": 10, **extra}


def solved(data: dict[str, Any]) -> tuple[Instance, Plan]:
    inst = instance(data)
    return inst, solve_checked(inst, time_limit=5).plan


def handmade(inst: Instance, systems: dict[str, tuple[int, int]], restarts: dict[str, int]) -> Plan:
    """A plan clearing `systems` (id -> start day, mode) and restarting lines at one full shift a day."""
    rows = []
    for s in inst.systems:
        if s.id in systems:
            start, mode = systems[s.id]
            end = start + s.mode_list[mode].duration_days
            rows.append(PlanSystem(id=s.id, mode=mode, start_day=start, end_day=end))
        else:
            rows.append(PlanSystem(id=s.id, mode=None, start_day=None, end_day=None))
    working = {p.id: working_days(p, inst.start_date, inst.horizon_days) for p in inst.plants}
    production = [
        PlanProduction(line=ln.id, day=t, shifts=1, units=ln.rate_per_shift)
        for ln in inst.lines
        if ln.id in restarts
        for t in range(restarts[ln.id], inst.horizon_days)
        if working[ln.plant][t]
    ]
    draft = Plan(
        instance=inst.name,
        status="feasible",
        objective=PlanObjective(kind=inst.objective, value=0, bound=0),
        lost_value=0,
        lost_units=0,
        makespan=None,
        systems=rows,
        lines=[PlanLine(id=ln.id, restart_day=restarts.get(ln.id)) for ln in inst.lines],
        production=production,
    )
    plan = rebase(inst, draft)  # figures recomputed; None unless it verifies
    assert plan is not None
    return plan


def of(explanation: Explanation, entity_id: str) -> EntityExplanation:
    return next(e for e in explanation.lines + explanation.systems if e.id == entity_id)


def kinds(entity: EntityExplanation) -> dict[str, Cause]:
    return {c.kind: c for c in entity.causes}


# --- why a line restarts when it does -----------------------------------------------------


def test_line_waits_for_system_held_by_team_capacity() -> None:
    data = base(
        systems=[system("s1", 2), system("s2", 2)],
        lines=[line("A", systems=["s1"]), line("B", "van", systems=["s2"])],
    )
    inst, plan = solved(data)
    found = explain(inst, plan, bottlenecks=False)
    b = of(found, "B")
    assert b.day == 4 and b.binding
    waits = kinds(b)["system"]
    assert waits.entity == "s2" and waits.days == (4, 4)
    assert waits.then is not None and waits.then.id == "s2"
    capacity = kinds(waits.then)["capacity"]
    assert capacity.entity == "team" and capacity.others == ("s1",) and capacity.days == (0, 1)
    assert "team capacity full days 0-1 with s1" in b.sentence()


def test_line_held_by_staff() -> None:
    plant = {
        "id": "p",
        "name": "p",
        "workdays": ALL_DAYS,
        "staff": {"ops": 10},
        "staff_changes": [{"day": 3, "pool": "ops", "headcount": 20}],
    }
    crew: dict[str, Any] = {"crew_per_shift": {"ops": 10}}
    inst, plan = solved(base(plants=[plant], lines=[line("A", **crew), line("B", "van", **crew)]))
    b = of(explain(inst, plan, bottlenecks=False), "B")
    assert b.day == 3
    staff = kinds(b)["staff"]
    assert staff.entity == "p/ops" and staff.days == (0, 2) and staff.others == ("A",)
    assert "held by staff at p/ops days 0-2" in b.sentence()


def test_line_waits_for_an_after_lines_line() -> None:
    inst, plan = solved(
        base(systems=[system("s", 3)], lines=[line("A", systems=["s"]), line("B", after_lines=["A"])])
    )
    b = of(explain(inst, plan, bottlenecks=False), "B")
    after = kinds(b)["after_line"]
    assert b.day == 3 and after.entity == "A"
    assert after.then is not None and kinds(after.then)["system"].entity == "s"


def test_line_waits_for_commissioning_after_its_system() -> None:
    commissioning: dict[str, Any] = {"commissioning": {"days": 2}}
    inst, plan = solved(base(systems=[system("s", 2)], lines=[line("A", systems=["s"], **commissioning)]))
    a = of(explain(inst, plan, bottlenecks=False), "A")
    waits = kinds(a)["system"]
    assert a.day == 4 and waits.entity == "s" and "then commissioning 2 days" in waits.text


def test_commissioning_cannot_start_before_day_0_and_shares_a_resource() -> None:
    commissioning: dict[str, Any] = {"commissioning": {"days": 2, "demand": {"eng": 1}}}
    data = base(
        resources=[{"id": "team", "capacity": 1}, {"id": "eng", "capacity": 1}],
        lines=[line("A", **commissioning), line("B", "van", **commissioning)],
    )
    inst, plan = solved(data)
    found = explain(inst, plan, bottlenecks=False)
    assert kinds(of(found, "A"))["commissioning"].entity == "A"
    b = of(found, "B")
    full = kinds(b)["commissioning_capacity"]
    assert b.day == 4 and full.entity == "eng" and full.others == ("A commissioning",)


def test_release_days_of_a_line_and_of_a_system() -> None:
    data = base(
        systems=[system("s", 1, release_day=2)],
        lines=[line("A", systems=["s"]), line("B", "van", release_day=5)],
    )
    inst, plan = solved(data)
    found = explain(inst, plan, bottlenecks=False)
    assert kinds(of(found, "B"))["release"].entity == "B"
    assert kinds(of(found, "s"))["release"].days == (2, 2)
    assert of(found, "A").day == 3


def test_parts_gate_explains_a_later_restart() -> None:
    supply = {"per_day": 20, "ordering_system": "erp", "lead_days": 2}
    data = base(
        systems=[system("erp", 3)],
        materials=[{"id": "car", "name": "car", "value": 10}, {"id": "wheel", "name": "w", "supply": supply}],
        lines=[line("A", inputs={"wheel": 2})],
    )
    inst = instance(data)
    plan = handmade(inst, {"erp": (0, 0)}, {"A": 5})
    a = of(explain(inst, plan, bottlenecks=False), "A")
    parts = kinds(a)["parts"]
    assert not a.binding and parts.entity == "wheel" and parts.days == (4, 4)
    assert parts.then is not None and parts.then.id == "erp"
    assert "wheel not delivered before day 5 (ordering system erp cleared day 3 + lead 2)" in a.sentence()


def test_free_restart_is_the_optimisers_choice() -> None:
    inst = instance(base(lines=[line("A")]))
    a = of(explain(inst, handmade(inst, {}, {"A": 3}), bottlenecks=False), "A")
    assert not a.binding and [c.kind for c in a.causes] == ["choice"]


def test_a_system_not_needed_earlier_and_another_mode() -> None:
    modes = [{"duration_days": 3, "demand": {"team": 1}}, {"duration_days": 1, "demand": {"team": 2}}]
    data = base(
        resources=[{"id": "team", "capacity": 2}],
        systems=[{"id": "x", "name": "x", "modes": modes}, {"id": "y", "name": "y", "modes": modes}],
        lines=[line("A", systems=["x"]), line("B", "van", systems=["y"])],
    )
    inst = instance(data)
    found = explain(inst, handmade(inst, {"x": (1, 1), "y": (3, 1)}, {"A": 2, "B": 6}), bottlenecks=False)
    assert kinds(of(found, "x"))["choice"].text.startswith("clearing earlier is allowed")
    not_needed = kinds(of(found, "y"))["not_needed"]  # B restarts on day 6, y is cleared on day 4
    assert not_needed.entity == "B" and not_needed.days == (6, 6)
    assert not of(found, "y").binding


def test_a_resource_full_the_day_before_notes_a_mode_that_would_fit() -> None:
    modes = [{"duration_days": 3, "demand": {"team": 1}}, {"duration_days": 1, "demand": {"team": 2}}]
    data = base(
        resources=[{"id": "team", "capacity": 2}],
        systems=[system("x", 3), {"id": "y", "name": "y", "modes": modes}],
        lines=[line("A", systems=["x"]), line("B", "van", systems=["y"])],
    )
    inst = instance(data)
    plan = handmade(inst, {"x": (0, 0), "y": (3, 1)}, {"A": 3, "B": 4})
    y = kinds(of(explain(inst, plan, bottlenecks=False), "y"))
    assert y["capacity"].entity == "team" and y["capacity"].others == ("x",)
    assert y["mode"].days == (2, 2) and "mode 0 (3 days) would fit from day 2" in y["mode"].text


def test_no_stock_of_an_intermediate_explains_a_later_restart() -> None:
    data = base(
        systems=[system("s", 2)],
        materials=[{"id": "car", "name": "car", "value": 5}, {"id": "engine", "name": "engine"}],
        lines=[line("E", "engine", systems=["s"]), line("A", inputs={"engine": 1})],
    )
    inst = instance(data)
    a = of(explain(inst, handmade(inst, {"s": (0, 0)}, {"E": 2, "A": 3}), bottlenecks=False), "A")
    stock = kinds(a)["stock"]
    assert stock.entity == "engine" and stock.others == ("E",) and "before day 3" in stock.text


def test_days_off_before_the_restart_and_what_rules_out_the_working_day_before() -> None:
    plant = {"id": "p", "name": "p", "workdays": [0, 1, 2, 3, 4], "staff": {"ops": 100}}
    data = base(plants=[plant], systems=[system("s", 5)], lines=[line("A", systems=["s"])])
    inst = instance(data)
    a = of(explain(inst, handmade(inst, {"s": (0, 0)}, {"A": 7}), bottlenecks=False), "A")
    off = kinds(a)["not_working"]  # days 5-6 are the weekend, day 4 is before s is cleared
    assert off.days == (5, 6) and [c.kind for c in off.because] == ["system"]
    assert a.binding


def test_not_restarted_not_cleared_running_and_already_cleared() -> None:
    data = base(
        horizon_days=5,
        systems=[system("big", 9), system("old", 1, cleared=True), system("mail", 1)],
        lines=[line("A", systems=["big"]), line("R", "van", systems=["old"], fixed_restart=-3)],
    )
    inst, plan = solved(data)
    found = explain(inst, plan, bottlenecks=False)
    missing = kinds(of(found, "A"))["system_not_cleared"]
    assert missing.entity == "big" and missing.then is not None
    assert kinds(missing.then)["horizon"].entity == "big"
    assert of(found, "mail").causes[0].kind == "not_needed"
    assert of(found, "R").state == "running" and of(found, "old").state == "already_cleared"


def test_a_plan_that_does_not_verify_is_refused() -> None:
    inst, plan = solved(base(systems=[system("s", 2)], lines=[line("A", systems=["s"])]))
    broken = plan.model_copy(update={"lines": [PlanLine(id="A", restart_day=0)]})
    with pytest.raises(InstanceError, match="C3"):
        explain(inst, broken, bottlenecks=False)


# --- the bottleneck table -------------------------------------------------------------------


def team_and_spare() -> dict[str, Any]:
    """Two lines behind one team each way; 'spare' is needed only by a system no line waits for."""
    return base(
        resources=[{"id": "team", "capacity": 1}, {"id": "spare", "capacity": 1}],
        systems=[
            system("s1", 2),
            system("s2", 2),
            {"id": "mail", "name": "mail", "duration_days": 1, "demand": {"team": 1, "spare": 2}},
        ],
        lines=[line("A", systems=["s1"]), line("B", "van", systems=["s2"])],
    )


def test_bottlenecks_price_the_team_and_not_an_irrelevant_resource() -> None:
    inst, plan = solved(team_and_spare())
    found = explain(inst, plan, time_limit=5, workers=1, seed=0)
    table = found.bottlenecks.set_index("id")
    # with two teams B restarts on day 2, not 4: 2 days x 10 vans x 3
    assert table.loc["team", "lost_value_because"] == 60 and table.loc["team", "status"] == "optimal"
    assert table.loc["spare", "lost_value_because"] == 0
    assert list(found.bottlenecks["lost_value_because"]) == [60, 0]
    for row in found.bottleneck_rows:
        assert verify(row.instance, row.plan).ok
    assert "team" in found.text().split("Bottlenecks")[1]


def test_bottlenecks_price_staff_and_supply_and_skip_what_cannot_bind() -> None:
    supply = {"per_day": 40, "ordering_system": "erp", "lead_days": 2}
    data = base(
        systems=[system("erp", 3)],
        plants=[{"id": "p", "name": "p", "workdays": ALL_DAYS, "staff": {"ops": 10, "idle": 5}}],
        materials=[
            {"id": "car", "name": "car", "value": 10},
            {"id": "wheel", "name": "w", "on_hand": 20, "supply": supply},
            {"id": "bolt", "name": "b", "supply": {"per_day": 1000}},
        ],
        lines=[line("A", inputs={"wheel": 2, "bolt": 1}, crew_per_shift={"ops": 10}, max_shifts=2)],
    )
    inst, plan = solved(data)
    found = explain(inst, plan, time_limit=5, workers=1, seed=0)
    rows = {(b.kind, b.id): b for b in found.bottleneck_rows}
    assert set(rows) == {("staff", "ops"), ("supply", "wheel")}  # bolts and 'idle' cannot bind
    assert rows["staff", "ops"].plant == "p" and rows["staff", "ops"].lost_value_because > 0
    assert rows["supply", "wheel"].lost_value_because > 0
    for row in found.bottleneck_rows:
        assert verify(row.instance, row.plan).ok
        assert row.status in ("optimal", "feasible")


# --- every example and the flagship --------------------------------------------------------


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_every_example_is_explained(path: Path) -> None:
    inst = load_instance(path)
    plan = solve_checked(inst, time_limit=5).plan
    found = explain(inst, plan, time_limit=2, workers=1, seed=0)
    assert [e.id for e in found.lines] == [ln.id for ln in inst.lines]
    assert [e.id for e in found.systems] == [s.id for s in inst.systems]
    assert all(e.causes and e.sentence() for e in found.lines + found.systems)
    assert all(b.lost_value_because >= 0 and verify(b.instance, b.plan).ok for b in found.bottleneck_rows)
    json.dumps(found.to_json())
    assert found.text().startswith(f"Plan of {inst.name}")


def test_example_01_names_the_team_and_the_precedence() -> None:
    inst = load_instance(EXAMPLES / "01-precedence-and-one-team.json")
    found = explain(inst, solve_checked(inst, time_limit=5).plan, bottlenecks=False)
    plc_a = kinds(of(found, "plc-a"))
    assert plc_a["after"].entity == "idp"
    assert kinds(of(found, "plc-b"))["capacity"].others == ("idp", "plc-a")


def test_jlr_plan_is_explained_line_by_line() -> None:
    inst = load_instance(JLR)
    plan = greedy(inst)
    assert plan is not None and verify(inst, plan).ok
    found = explain(inst, plan, bottlenecks=False)
    assert len(found.lines) == len(inst.lines) and all(e.causes for e in found.lines)
    assert all(e.binding for e in found.lines if e.state == "restarted")
    text = found.text()
    assert all(f"  {ln.id} " in text for ln in inst.lines)
    assert json.loads(json.dumps(found.to_json()))["objective"]["value"] == plan.objective.value


def test_losses_are_measured_from_the_best_plan_of_the_instance_itself() -> None:
    """A re-solve that finds a better plan needing no relaxation is not a bottleneck's doing."""
    from planner.decisions.changes import apply_changes
    from planner.decisions.explain import _kept_value

    inst = load_instance(EXAMPLES / "01-precedence-and-one-team.json")
    best = solve_checked(inst).plan  # 380
    two_teams = apply_changes(inst, ["resources.sec-team.capacity=2"])
    wider = solve_checked(two_teams).plan  # needs both teams at once: not a plan of `inst`
    assert best.objective.value == 380
    assert wider.objective.value is not None and wider.objective.value < 380
    assert not verify(inst, wider).ok
    assert _kept_value(inst, wider) is None
    assert _kept_value(inst, best) == 380


def test_bottleneck_rows_are_the_loss_against_the_reference() -> None:
    inst = load_instance(EXAMPLES / "01-precedence-and-one-team.json")
    plan = solve_checked(inst).plan
    found = explain(inst, plan, time_limit=5, workers=1)
    for row in found.bottleneck_rows:
        assert verify(row.instance, row.plan).ok
        assert row.measured_from is not None and row.measured_from <= (plan.objective.value or 0)
        assert row.plan.objective.value is not None
        assert row.lost_value_because == max(0, row.measured_from - row.plan.objective.value)


def test_the_bottleneck_interval_is_exact_when_every_solve_is_proven() -> None:
    inst, plan = solved(team_and_spare())
    found = explain(inst, plan, time_limit=5, workers=1, seed=0)
    assert all(row.status == "optimal" for row in found.bottleneck_rows)
    assert [(r.at_least, r.at_most) for r in found.bottleneck_rows] == [(60, 60), (0, 0)]
    assert "at_least, at_most" in found.text()


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json"))[:4], ids=lambda p: p.stem)
def test_the_bottleneck_interval_holds_the_true_loss(path: Path) -> None:
    """Relaxed solves cut short still bracket the loss that exact solves of both instances give."""
    inst = load_instance(path)
    exact = solve_checked(inst).plan
    assert exact.status == "optimal"
    assert exact.objective.value == stated_optima()[path.name][1]  # the example's stated optimum
    found = explain(inst, exact, time_limit=0.5, workers=1, seed=0)
    for row in found.bottleneck_rows:
        assert row.at_least is not None and row.at_most is not None
        assert row.at_least <= row.lost_value_because <= row.at_most
        relaxed = solve_checked(row.instance).plan
        assert relaxed.status == "optimal" and relaxed.objective.value is not None
        assert exact.objective.value is not None
        assert row.at_least <= exact.objective.value - relaxed.objective.value <= row.at_most


def test_the_time_limit_bounds_the_whole_bottleneck_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each relaxation's re-solve gets an equal share of what is left when its turn comes."""
    given = record_time_limits(monkeypatch, "planner.decisions.explain")
    inst = load_instance(EXAMPLES / "05-parts-gate-and-lead-time.json")  # a supply and a team to relax
    plan = solve_checked(inst, time_limit=5).plan
    assert plan.objective.value == stated_optima()["05-parts-gate-and-lead-time.json"][1]
    found = explain(inst, plan, time_limit=4.0, workers=1, seed=0)
    for row in found.bottleneck_rows:
        assert verify(row.instance, row.plan).ok
    assert len(given) == len(found.bottleneck_rows) >= 2
    assert given[0] == pytest.approx(4.0 / len(given), abs=0.05)
    assert all(limit <= 4.0 for limit in given)
    assert all(later >= earlier - 1e-9 for earlier, later in itertools.pairwise(given))


def test_an_unsettled_bottleneck_is_said_plainly() -> None:
    inst = load_instance(EXAMPLES / "05-parts-gate-and-lead-time.json")
    plan = solve_checked(inst, time_limit=5).plan
    assert plan.objective.value == stated_optima()["05-parts-gate-and-lead-time.json"][1]
    rough = explain(inst, plan, time_limit=0, workers=1, seed=0)  # the re-solves have no time to search
    unsettled = [b for b in rough.bottleneck_rows if not b.settled]
    assert unsettled
    assert f"Not settled: {', '.join(b.id for b in unsettled)}." in rough.text()
    assert [row["settled"] for row in rough.to_json()["bottlenecks"]] == [
        b.settled for b in rough.bottleneck_rows
    ]
    exact = explain(inst, plan, time_limit=20, workers=1, seed=0)
    assert all(b.status == "optimal" and b.settled for b in exact.bottleneck_rows)
    for row in (*rough.bottleneck_rows, *exact.bottleneck_rows):
        assert verify(row.instance, row.plan).ok
    assert "Not settled" not in exact.text()


def test_relaxations_that_would_end_past_the_limit_are_left_out_and_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A re-solve that runs 2 s past its share (on a clock of the test's own) leaves no room for the rest."""
    import planner.decisions.explain as module

    clock = [0.0]

    class TestClock:  # the table's budget, on the test's clock (the solves keep their own)
        def __init__(self, seconds: float) -> None:
            self.deadline = seconds

        @classmethod
        def of(cls, seconds: float) -> TestClock:
            return cls(seconds)

        def left(self) -> float:
            return max(0.0, self.deadline - clock[0])

        def elapsed(self) -> float:
            return clock[0]

    monkeypatch.setattr(module, "Budget", TestClock)
    real_solve = module.solve

    def slow_solve(*args: Any, **kwargs: Any) -> Any:
        result = real_solve(*args, **kwargs)
        clock[0] += kwargs["time_limit"] + 2.0
        return result

    monkeypatch.setattr(module, "solve", slow_solve)
    inst = load_instance(EXAMPLES / "05-parts-gate-and-lead-time.json")  # a supply and a team to relax
    plan = solve_checked(inst, time_limit=5).plan
    assert plan.objective.value == stated_optima()["05-parts-gate-and-lead-time.json"][1]
    found = explain(inst, plan, time_limit=4.0, workers=1, seed=0)
    relaxed = module.relaxations(inst)
    assert len(relaxed) >= 2
    assert [b.id for b in found.bottleneck_rows] == [relaxed[0].id]
    assert found.not_resolved == tuple(module._relaxation_name(r) for r in relaxed[1:])
    assert f"Not re-solved within the time limit: {', '.join(found.not_resolved)}" in found.text()
    assert found.to_json()["bottlenecks_not_resolved"] == list(found.not_resolved)
    for row in found.bottleneck_rows:
        assert verify(row.instance, row.plan).ok
