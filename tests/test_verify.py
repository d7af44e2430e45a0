"""The independent plan checker (planner/verify.py).

Golden plans are written by hand from ../shared/spec/examples/README.md (never by
the solver); each is accepted with the optimum's figures. Every other test breaks
one of them in one way and asserts that exactly the expected rule (code and
entity) is reported.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from planner.formats.read import load_plan
from planner.formats.schema import Instance, Plan, PlanProduction, PlanSystem
from planner.verify import Figures, VerifyReport, Violation, verify

REPO = Path(__file__).resolve().parents[1]
PLAN_FIXTURES = Path(__file__).resolve().parent / "data" / "plans"  # <example>.plan.json
# The spec's examples, copied from ../shared/spec/examples.
EXAMPLE_DIRS = (REPO / "tests" / "data" / "examples",)

Json = dict[str, Any]
Row = tuple[str, int, int, int]  # line, day, shifts, units


# --- building instances and plans -------------------------------------------------


def example_json(stem: str) -> Json:
    for folder in EXAMPLE_DIRS:
        path = folder / f"{stem}.json"
        if path.exists():
            data: Json = json.loads(path.read_text())
            return data
    raise FileNotFoundError(f"example {stem}.json not found in any of {[str(d) for d in EXAMPLE_DIRS]}")


def instance_from(data: Json) -> Instance:
    # through JSON: the models are strict, and start_date is a date only in JSON text
    return Instance.model_validate_json(json.dumps(data))


def example(stem: str, change: Callable[[Json], None] | None = None) -> Instance:
    """An example instance, optionally edited first (`change` mutates the JSON)."""
    data = example_json(stem)
    if change is not None:
        change(data)
    return instance_from(data)


def run(line: str, days: Iterable[int], units: int, shifts: int = 1) -> list[Row]:
    return [(line, t, shifts, units) for t in days]


def make_plan(
    instance: Instance,
    systems: Mapping[str, tuple[int | None, int | None, int | None]],
    restarts: Mapping[str, int | None],
    production: list[Row],
    figures: Figures,
    status: str = "optimal",
) -> Plan:
    value = getattr(figures, instance.objective)
    return Plan.model_validate(
        {
            "instance": instance.name,
            "status": status,
            "objective": {"kind": instance.objective, "value": value, "bound": value},
            "lost_value": figures.lost_value,
            "lost_units": figures.lost_units,
            "makespan": figures.makespan,
            "systems": [
                {"id": sid, "mode": mode, "start_day": start, "end_day": end}
                for sid, (mode, start, end) in systems.items()
            ],
            "lines": [{"id": lid, "restart_day": r} for lid, r in restarts.items()],
            "production": [
                {"line": line, "day": day, "shifts": shifts, "units": units}
                for line, day, shifts, units in production
            ],
        }
    )


def with_figures(instance: Instance, plan: Plan, figures: Figures) -> Plan:
    """The plan claiming `figures` (status feasible, bound = value)."""
    value = getattr(figures, instance.objective)
    return plan.model_copy(
        update={
            "status": "feasible",
            "objective": plan.objective.model_copy(update={"value": value, "bound": value}),
            "lost_value": figures.lost_value,
            "lost_units": figures.lost_units,
            "makespan": figures.makespan,
        }
    )


def with_production(plan: Plan, rows: list[Row]) -> Plan:
    production = [PlanProduction(line=ln, day=d, shifts=sh, units=u) for ln, d, sh, u in rows]
    return plan.model_copy(update={"production": production})


def add_system(plan: Plan, sid: str, mode: int | None, start: int | None, end: int | None) -> Plan:
    row = PlanSystem(id=sid, mode=mode, start_day=start, end_day=end)
    return plan.model_copy(update={"systems": [*plan.systems, row]})


def with_systems(plan: Plan, **rows: tuple[int | None, int | None, int | None]) -> Plan:
    """Replace the rows of the named systems (mode, start_day, end_day)."""
    systems = [
        s.model_copy(update=dict(zip(("mode", "start_day", "end_day"), rows[s.id], strict=True)))
        if s.id in rows
        else s
        for s in plan.systems
    ]
    return plan.model_copy(update={"systems": systems})


def with_restarts(plan: Plan, **restarts: int | None) -> Plan:
    lines = [
        ln.model_copy(update={"restart_day": restarts[ln.id]}) if ln.id in restarts else ln
        for ln in plan.lines
    ]
    return plan.model_copy(update={"lines": lines})


def rows_of(plan: Plan) -> list[Row]:
    return [(p.line, p.day, p.shifts, p.units) for p in plan.production]


def only(report: VerifyReport, code: str) -> list[Violation]:
    """Assert that `code` is the only code reported, and return its violations."""
    codes = {v.code for v in report.violations}
    assert codes == {code}, report.summary()
    return report.violations


# --- golden plans, by hand from the examples README --------------------------------


def plan_01(inst: Instance) -> Plan:
    # idp 0-1, plc-a 1-4, plc-b 4-6, email never; A from day 4, B from day 6
    return make_plan(
        inst,
        {"idp": (0, 0, 1), "plc-a": (0, 1, 4), "plc-b": (0, 4, 6), "email": (None, None, None)},
        {"A": 4, "B": 6},
        run("A", range(4, 10), 10) + run("B", range(6, 10), 10),
        Figures(lost_value=4 * 50 + 6 * 30, lost_units=40 + 60, makespan=6),
    )


def plan_02(inst: Instance) -> Plan:
    # fast mode (both teams, 2 days) one after the other, A first
    return make_plan(
        inst,
        {"plc-a": (1, 0, 2), "plc-b": (1, 2, 4)},
        {"A": 2, "B": 4},
        run("A", range(2, 10), 10) + run("B", range(4, 10), 10),
        Figures(lost_value=2 * 50 + 4 * 30, lost_units=20 + 40, makespan=4),
    )


def plan_03(inst: Instance) -> Plan:
    # mes 0-1, commissioning 2-3, restart 4, ramp 5/10/15 then 20 a day (2 shifts)
    rows = [("A", 4, 1, 5), ("A", 5, 1, 10), ("A", 6, 2, 15), *run("A", range(7, 10), 20, shifts=2)]
    return make_plan(inst, {"mes": (0, 0, 2)}, {"A": 4}, rows, Figures(220, 110, 4))


def plan_04(inst: Instance) -> Plan:
    # A runs 3 shifts from day 0; B waits for the extra staff of day 3 and runs 1 shift
    rows = run("A", range(5), 30, shifts=3) + run("B", (3, 4), 12)
    return make_plan(inst, {}, {"A": 0, "B": 3}, rows, Figures(96 * 4, 96, 3))


def plan_05(inst: Instance) -> Plan:
    # erp first: wheels from day 5; mes 3-4; A from day 5, 10 cars a day
    return make_plan(
        inst,
        {"erp": (0, 0, 3), "mes": (0, 3, 5)},
        {"A": 5},
        run("A", range(5, 10), 10),
        Figures(500, 50, 5),
    )


def plan_06(inst: Instance) -> Plan:
    # A uses the 5 engines in stock on day 0, idles days 1-2, then 10 a day from E's output
    rows = [
        *run("E", range(2, 7), 10),
        ("A", 0, 1, 5),
        ("A", 1, 1, 0),
        ("A", 2, 1, 0),
        *run("A", range(3, 7), 10),
    ]
    return make_plan(inst, {"plc-engine": (0, 0, 2)}, {"E": 2, "A": 0}, rows, Figures(2500, 25, 2))


def plan_07(inst: Instance) -> Plan:
    # Thursday start; weekend days 2-3, closed Monday day 4: both lines produce days 5-8
    rows = run("A", range(5, 9), 10) + run("B", range(5, 9), 10)
    return make_plan(inst, {"plc-a": (0, 0, 2)}, {"A": 2, "B": 5}, rows, Figures(120, 40, 5))


def plan_08(inst: Instance) -> Plan:
    # b 0-1, a 2-4 with d 2, c 5-6, e 7-8: restart day 9
    systems = {"a": (0, 2, 5), "b": (0, 0, 2), "c": (0, 5, 7), "d": (0, 2, 3), "e": (0, 7, 9)}
    return make_plan(inst, systems, {"project": 9}, run("project", range(9, 12), 1), Figures(0, 0, 9))


GOLDEN: dict[str, tuple[Callable[[Instance], Plan], Figures]] = {
    "01-precedence-and-one-team": (plan_01, Figures(380, 100, 6)),
    "02-modes": (plan_02, Figures(220, 60, 4)),
    "03-ramp-up-and-commissioning": (plan_03, Figures(220, 110, 4)),
    "04-staff-and-shifts": (plan_04, Figures(384, 96, 3)),
    "05-parts-gate-and-lead-time": (plan_05, Figures(500, 50, 5)),
    "06-intermediate-material-chain": (plan_06, Figures(2500, 25, 2)),
    "07-calendar-and-after-lines": (plan_07, Figures(120, 40, 5)),
    "08-makespan-psplib-style": (plan_08, Figures(0, 0, 9)),
}

README_OPTIMA = {  # the table of the examples README, objective value by example
    "01-precedence-and-one-team": 380,
    "02-modes": 220,
    "03-ramp-up-and-commissioning": 220,
    "04-staff-and-shifts": 384,
    "05-parts-gate-and-lead-time": 500,
    "06-intermediate-material-chain": 2500,
    "07-calendar-and-after-lines": 40,
    "08-makespan-psplib-style": 9,
}


def golden(stem: str) -> tuple[Instance, Plan]:
    inst = example(stem)
    return inst, GOLDEN[stem][0](inst)


@pytest.mark.parametrize("stem", sorted(GOLDEN))
def test_hand_written_optimal_plan_is_accepted_with_its_figures(stem: str) -> None:
    inst, plan = golden(stem)
    report = verify(inst, plan)
    assert report.ok, report.summary()
    assert report.figures == GOLDEN[stem][1]
    assert getattr(report.figures, inst.objective) == README_OPTIMA[stem]


@pytest.mark.parametrize("stem", sorted(GOLDEN))
def test_plan_fixture_file_is_the_golden_plan(stem: str) -> None:
    # tests/data/plans/ holds the golden plans as files (for CLI tests): they must stay
    # the plans above, and so pass the checker with the README's optimum
    inst, plan = golden(stem)
    from_file = load_plan(PLAN_FIXTURES / f"{stem}.plan.json")
    assert from_file == plan
    report = verify(inst, from_file)
    assert report.ok, report.summary()
    assert from_file.objective.value == README_OPTIMA[stem]


def test_plan_survives_a_json_round_trip() -> None:
    inst, plan = golden("05-parts-gate-and-lead-time")
    again = Plan.model_validate_json(plan.to_json())
    assert verify(inst, again).ok


def test_summary_of_a_good_plan_gives_the_figures() -> None:
    inst, plan = golden("01-precedence-and-one-team")
    assert verify(inst, plan).summary() == (
        "plan is feasible and its figures recompute (lost_value 380, lost_units 100, makespan 6)"
    )


def test_violation_reads_code_entity_day_message() -> None:
    with_day = Violation("C2", "resource sec-team", 4, "demand 3 above capacity 2")
    assert str(with_day) == "C2 resource sec-team, day 4: demand 3 above capacity 2"
    assert str(Violation("C8", "plan", None, "lost_value differs")) == "C8 plan: lost_value differs"


def test_every_violation_is_reported_not_only_the_first() -> None:
    inst, plan = golden("01-precedence-and-one-team")
    broken = with_production(plan, [("A", 4, 2, 10), *rows_of(plan)[1:]])  # 2 shifts: C4
    broken = broken.model_copy(update={"instance": "other", "lost_value": 1})  # C0, C8
    report = verify(inst, broken)
    assert {v.code for v in report.violations} == {"C0", "C4", "C8"}
    assert report.summary().count("\n") == len(report.violations) - 1


def test_summary_of_a_plan_with_a_million_rows_is_not_a_million_lines() -> None:
    inst, plan = golden("01-precedence-and-one-team")
    repeated = [("A", 4, 1, 10)] * 50  # each a second row for line A, day 4
    report = verify(inst, with_production(plan, rows_of(plan) + repeated))
    assert len(only(report, "C0")) == 50  # every one is in the report
    lines = report.summary().splitlines()
    assert sum(line.startswith("C0 line A, day 4") for line in lines) == 20
    assert "C0 ... and 30 more" in lines


def test_checker_imports_nothing_of_the_solver() -> None:
    source = (REPO / "planner" / "verify.py").read_text()
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    planner_modules = {m for m in imported if m.split(".")[0] == "planner"}
    assert planner_modules == {"planner.formats.schema"}
    assert not any(m.split(".")[0] in ("ortools", "pandas", "numpy") for m in imported)


# --- C0 plan shape ------------------------------------------------------------------


def test_c0_plan_of_another_instance_is_caught() -> None:
    inst, plan = golden("02-modes")
    (v,) = only(verify(inst, plan.model_copy(update={"instance": "01-precedence-and-one-team"})), "C0")
    assert v.entity == "plan"
    assert "'01-precedence-and-one-team'" in v.message


def test_c0_system_missing_from_the_plan_is_caught() -> None:
    inst, plan = golden("01-precedence-and-one-team")
    systems = [s for s in plan.systems if s.id != "email"]  # email is uncleared anyway
    (v,) = only(verify(inst, plan.model_copy(update={"systems": systems})), "C0")
    assert v.entity == "system email"


def test_c0_system_listed_twice_and_unknown_system_are_caught() -> None:
    inst, plan = golden("01-precedence-and-one-team")
    extra = [plan.systems[0], plan.systems[0].model_copy(update={"id": "vpn"})]
    report = verify(inst, plan.model_copy(update={"systems": [*plan.systems, *extra]}))
    assert {v.entity for v in only(report, "C0")} == {"system idp", "system vpn"}


def test_c0_line_missing_from_the_plan_is_caught() -> None:
    inst, plan = golden("06-intermediate-material-chain")
    lines = [ln for ln in plan.lines if ln.id != "A"]
    # A is then not restarted: its rows also break C4, and makespan is null
    report = verify(inst, plan.model_copy(update={"lines": lines}))
    assert [v.entity for v in report.violations if v.code == "C0"] == ["line A"]


def test_c0_partially_null_system_row_is_caught() -> None:
    inst, plan = golden("01-precedence-and-one-team")
    (v,) = only(verify(inst, with_systems(plan, email=(0, None, None))), "C0")
    assert v.entity == "system email"
    assert "partially null" in v.message


def test_c0_mode_out_of_range_is_caught() -> None:
    inst, plan = golden("02-modes")
    (v,) = only(verify(inst, with_systems(plan, **{"plc-b": (2, 2, 4)})), "C0")
    assert v.entity == "system plc-b"
    assert "mode 2" in v.message


def test_c0_system_cleared_in_the_instance_must_have_end_day_0() -> None:
    def idp_cleared(data: Json) -> None:
        data["systems"][0] = {"id": "idp", "name": "Identity provider", "cleared": True}

    inst = example("01-precedence-and-one-team", idp_cleared)
    good = plan_01(inst)
    good = with_systems(good, idp=(None, None, 0), **{"plc-a": (0, 0, 3), "plc-b": (0, 3, 5)})
    good = with_restarts(good, A=3, B=5)
    good = with_production(good, run("A", range(3, 10), 10) + run("B", range(5, 10), 10))
    good = with_figures(inst, good, Figures(3 * 50 + 5 * 30, 30 + 50, 5))
    assert verify(inst, good).ok, verify(inst, good).summary()

    (v,) = only(verify(inst, with_systems(good, idp=(0, 0, 1))), "C0")
    assert v.entity == "system idp"


def test_c0_bad_production_rows_are_caught() -> None:
    inst, plan = golden("01-precedence-and-one-team")
    bad = [("Z", 5, 1, 0), ("A", 10, 1, 0), ("A", 4, 1, 10)]  # unknown line, day H, duplicate
    report = verify(inst, with_production(plan, rows_of(plan) + bad))
    assert [(v.entity, v.day) for v in only(report, "C0")] == [("line Z", 5), ("line A", 10), ("line A", 4)]


def test_c0_row_with_zero_shifts_or_negative_units_is_caught() -> None:
    inst, plan = golden("06-intermediate-material-chain")
    rows = [r for r in rows_of(plan) if (r[0], r[1]) not in (("A", 1), ("A", 2))]
    rows += [("A", 1, 0, 0), ("A", 2, 1, -1)]  # negative units are refunded below: A makes 44
    report = verify(inst, with_figures(inst, with_production(plan, rows), Figures(2600, 26, 2)))
    assert [(v.entity, v.day) for v in only(report, "C0")] == [("line A", 1), ("line A", 2)]


def test_infeasible_plan_shape_is_accepted() -> None:
    inst = example("01-precedence-and-one-team")
    plan = Plan.model_validate(
        {
            "instance": inst.name,
            "status": "infeasible",
            "objective": {"kind": "lost_value", "value": None, "bound": None},
            "lost_value": None,
            "lost_units": None,
            "makespan": None,
            "explanation": ["system plc-a cannot be cleared: no security team"],
        }
    )
    report = verify(inst, plan)
    assert report.ok, report.summary()
    assert report.figures is None
    assert "no schedule" in report.summary()


@pytest.mark.parametrize("status", ["infeasible", "unknown"])
def test_c0_plan_without_schedule_must_have_its_shape(status: str) -> None:
    inst, plan = golden("01-precedence-and-one-team")
    report = verify(inst, plan.model_copy(update={"status": status}))
    messages = [v.message for v in only(report, "C0")]
    assert report.figures is None
    # five figures not null, three lists not empty, no explanation
    assert len(messages) == 9
    assert any("explanation" in m for m in messages)


# --- C1 precedence and clearance --------------------------------------------------


def two_teams(data: Json) -> None:
    data["resources"][0]["capacity"] = 2


def test_c1_start_before_predecessor_ends_is_caught() -> None:
    inst = example("01-precedence-and-one-team", two_teams)  # no resource conflict to hide behind
    plan = with_systems(plan_01(inst), **{"plc-a": (0, 0, 3)})
    plan = with_restarts(plan, A=3)
    plan = with_production(plan, [*rows_of(plan), ("A", 3, 1, 10)])
    plan = with_figures(inst, plan, Figures(3 * 50 + 6 * 30, 90, 6))
    (v,) = only(verify(inst, plan), "C1")
    assert (v.entity, v.day) == ("system plc-a", 0)
    assert "before idp ends on day 1" in v.message


def test_c1_end_day_not_start_plus_duration_is_caught() -> None:
    inst, plan = golden("02-modes")
    (v,) = only(verify(inst, with_systems(plan, **{"plc-a": (1, 0, 4)})), "C1")
    assert v.entity == "system plc-a"
    assert "end_day 4" in v.message


def test_c1_cleared_after_an_uncleared_predecessor_is_caught() -> None:
    # email is never cleared in the golden plan: make plc-b wait for it
    inst = example("01-precedence-and-one-team", lambda d: d["systems"][2]["after"].append("email"))
    (v,) = only(verify(inst, plan_01(inst)), "C1")
    assert v.entity == "system plc-b"
    assert "email" in v.message


def test_c1_release_day_is_respected() -> None:
    inst = example("01-precedence-and-one-team", lambda d: d["systems"][1].update(release_day=2))
    (v,) = only(verify(inst, plan_01(inst)), "C1")
    assert (v.entity, v.day) == ("system plc-a", 1)


def test_c1_fixed_start_is_respected() -> None:
    inst = example("01-precedence-and-one-team", lambda d: d["systems"][3].update(fixed_start=6))
    # email has a fixed start but the plan leaves it uncleared
    (v,) = only(verify(inst, plan_01(inst)), "C1")
    assert v.entity == "system email"
    moved = with_systems(plan_01(inst), email=(0, 7, 9))
    (v,) = only(verify(inst, moved), "C1")
    assert (v.entity, v.day) == ("system email", 7)
    assert verify(inst, with_systems(plan_01(inst), email=(0, 6, 8))).ok


def test_c1_clearance_must_end_within_the_horizon() -> None:
    inst, plan = golden("01-precedence-and-one-team")
    (v,) = only(verify(inst, with_systems(plan, email=(0, 9, 11))), "C1")
    assert v.entity == "system email"
    assert "after the horizon" in v.message


def test_c1_makespan_needs_every_system_cleared() -> None:
    def extra_system(data: Json) -> None:
        data["systems"].append({"id": "f", "name": "f", "duration_days": 1, "demand": {"R1": 1}})

    inst = example("08-makespan-psplib-style", extra_system)
    (v,) = only(verify(inst, add_system(plan_08(inst), "f", None, None, None)), "C1")
    assert v.entity == "system f"
    assert "makespan" in v.message
    assert verify(inst, add_system(plan_08(inst), "f", 0, 3, 4)).ok  # f on day 3 beside a


# --- C2 resources ------------------------------------------------------------------


def test_c2_resource_overload_is_caught() -> None:
    inst, plan = golden("01-precedence-and-one-team")
    plan = with_systems(plan, **{"plc-b": (0, 3, 5)})  # overlaps plc-a on day 3
    plan = with_restarts(plan, B=5)
    plan = with_production(plan, [*rows_of(plan), ("B", 5, 1, 10)])
    plan = with_figures(inst, plan, Figures(4 * 50 + 5 * 30, 90, 5))
    (v,) = only(verify(inst, plan), "C2")
    assert (v.entity, v.day) == ("resource sec-team", 3)
    assert v.message == "demand 2 above capacity 1 (plc-a 1, plc-b 1)"


def test_c2_chosen_mode_demand_is_used() -> None:
    inst, plan = golden("02-modes")
    plan = with_systems(plan, **{"plc-b": (1, 1, 3)})  # fast mode of plc-b overlaps fast plc-a on day 1
    assert [(v.entity, v.day) for v in only(verify(inst, plan), "C2")] == [("resource sec-team", 1)]
    # the slow mode of both at once is feasible (but restarts later)
    slow = with_systems(plan, **{"plc-a": (0, 0, 4), "plc-b": (0, 0, 4)})
    slow = with_restarts(slow, A=4)
    slow = with_production(slow, run("A", range(4, 10), 10) + run("B", range(4, 10), 10))
    assert verify(inst, with_figures(inst, slow, Figures(320, 80, 4))).ok


def test_c2_capacity_step_function_is_followed() -> None:
    def second_team_from_day_1(data: Json) -> None:
        data["resources"][0]["capacity_changes"] = [{"day": 1, "capacity": 2}]

    inst = example("01-precedence-and-one-team", second_team_from_day_1)
    plan = with_systems(plan_01(inst), **{"plc-b": (0, 1, 3)})  # beside plc-a from day 1
    plan = with_restarts(plan, B=3)
    plan = with_production(plan, run("A", range(4, 10), 10) + run("B", range(3, 10), 10))
    plan = with_figures(inst, plan, Figures(4 * 50 + 3 * 30, 70, 4))
    assert verify(inst, plan).ok, verify(inst, plan).summary()
    # the same plan against one team all the time
    inst_one = example("01-precedence-and-one-team")
    assert [v.day for v in only(verify(inst_one, plan), "C2")] == [1, 2]


def test_c2_commissioning_uses_resources_on_the_days_before_restart() -> None:
    def engineer_leaves_on_day_3(data: Json) -> None:
        data["resources"][1]["capacity_changes"] = [{"day": 3, "capacity": 0}]

    inst = example("03-ramp-up-and-commissioning", engineer_leaves_on_day_3)
    (v,) = only(verify(inst, plan_03(inst)), "C2")
    assert (v.entity, v.day) == ("resource comm-eng", 3)
    assert "commissioning of line A 1" in v.message


def test_c2_commissioning_and_clearance_share_a_resource() -> None:
    def security_commissions_and_clears_email(data: Json) -> None:
        data["lines"][0]["commissioning"]["demand"] = {"sec-team": 1}
        data["systems"].append(
            {"id": "email", "name": "E-mail", "duration_days": 2, "demand": {"sec-team": 1}}
        )

    inst = example("03-ramp-up-and-commissioning", security_commissions_and_clears_email)
    on_time = add_system(plan_03(inst), "email", 0, 4, 6)
    assert verify(inst, on_time).ok  # email after the commissioning (days 2-3)
    clash = add_system(plan_03(inst), "email", 0, 3, 5)
    (v,) = only(verify(inst, clash), "C2")
    assert (v.entity, v.day) == ("resource sec-team", 3)
    assert "email 1" in v.message
    assert "commissioning of line A 1" in v.message


# --- C3 line restart ------------------------------------------------------------


def test_c3_restart_before_system_cleared_is_caught() -> None:
    inst, plan = golden("01-precedence-and-one-team")
    plan = with_restarts(plan, A=3)
    plan = with_production(plan, [*rows_of(plan), ("A", 3, 1, 10)])
    plan = with_figures(inst, plan, Figures(3 * 50 + 6 * 30, 90, 6))
    (v,) = only(verify(inst, plan), "C3")
    assert (v.entity, v.day) == ("line A", 3)
    assert "plc-a ends on day 4" in v.message


def test_c3_restart_before_commissioning_is_done_is_caught() -> None:
    inst, plan = golden("03-ramp-up-and-commissioning")
    rows = [("A", 3, 1, 5), ("A", 4, 1, 10), ("A", 5, 2, 15), *run("A", range(6, 10), 20, shifts=2)]
    plan = with_figures(inst, with_production(with_restarts(plan, A=3), rows), Figures(180, 90, 3))
    (v,) = only(verify(inst, plan), "C3")
    assert (v.entity, v.day) == ("line A", 3)
    assert "plus 2 commissioning days = 4" in v.message


def test_c3_restart_of_a_line_needing_an_uncleared_system_is_caught() -> None:
    inst = example("01-precedence-and-one-team", lambda d: d["lines"][1]["systems"].append("email"))
    (v,) = only(verify(inst, plan_01(inst)), "C3")
    assert v.entity == "line B"
    assert "email is not cleared" in v.message


def test_c3_after_lines_is_respected() -> None:
    inst, plan = golden("07-calendar-and-after-lines")
    plan = with_restarts(plan, B=1)  # Friday, before A's restart on day 2
    plan = with_production(plan, [*rows_of(plan), ("B", 1, 1, 10)])
    plan = with_figures(inst, plan, Figures(90, 30, 2))
    (v,) = only(verify(inst, plan), "C3")
    assert (v.entity, v.day) == ("line B", 1)
    assert "before line A restarts on day 2" in v.message


def test_c3_line_release_day_is_respected() -> None:
    inst = example("04-staff-and-shifts", lambda d: d["lines"][1].update(release_day=4))
    (v,) = only(verify(inst, plan_04(inst)), "C3")
    assert (v.entity, v.day) == ("line B", 3)


def test_c3_restart_day_outside_the_horizon_is_caught() -> None:
    inst, plan = golden("01-precedence-and-one-team")
    plan = with_restarts(plan, B=10)
    plan = with_production(plan, run("A", range(4, 10), 10))
    plan = with_figures(inst, plan, Figures(4 * 50 + 10 * 30, 140, 10))
    (v,) = only(verify(inst, plan), "C3")
    assert (v.entity, v.day) == ("line B", 10)


def test_c3_makespan_needs_every_line_restarted() -> None:
    inst, plan = golden("08-makespan-psplib-style")
    plan = with_production(with_restarts(plan, project=None), [])
    plan = plan.model_copy(
        update={
            "makespan": None,
            "objective": plan.objective.model_copy(update={"value": None, "bound": None}),
        }
    )
    (v,) = only(verify(inst, plan), "C3")
    assert v.entity == "line project"
    assert "makespan" in v.message


# --- negative fixed restart: a line running since before day 0 ---------------------------

RUNNING_LINE: Json = {
    "format": "restart-instance/1",
    "name": "running-line",
    "horizon_days": 7,
    "resources": [{"id": "eng", "capacity": 0}],
    "systems": [{"id": "mes", "name": "MES", "duration_days": 3, "demand": {"eng": 1}}],
    "plants": [{"id": "p", "name": "Plant"}],  # Monday-Friday; day 0 is a Monday
    "materials": [{"id": "car", "name": "Car", "value": 1}],
    "lines": [
        {
            "id": "L",
            "name": "Running line",
            "plant": "p",
            "output": "car",
            "rate_per_shift": 10,
            "systems": ["mes"],
            "release_day": 3,
            "commissioning": {"days": 2, "demand": {"eng": 1}},
            "ramp_up_percent": [20, 40, 60, 80],
            "fixed_restart": -2,
        }
    ],
}


def running_line() -> tuple[Instance, Plan]:
    inst = instance_from(RUNNING_LINE)
    # restarted on day -2: day 0 is ramp day k=2 (60% -> 6), day 1 k=3 (8), then full
    rows = [("L", 0, 1, 6), ("L", 1, 1, 8), *run("L", (2, 3, 4), 10)]
    return inst, make_plan(inst, {"mes": (None, None, None)}, {"L": -2}, rows, Figures(6, 6, -2))


def test_negative_fixed_restart_line_is_exempt_from_restart_rules() -> None:
    inst, plan = running_line()
    # mes never cleared, release_day 3, commissioning on an engineer that does not exist:
    # none of it applies to a line already running; it counts in makespan
    report = verify(inst, plan)
    assert report.ok, report.summary()
    assert report.figures == Figures(6, 6, -2)


def test_c3_negative_fixed_restart_must_be_the_plan_restart_day() -> None:
    inst, plan = running_line()
    plan = with_figures(inst, with_restarts(plan, L=-3), Figures(6, 6, -3))  # ramp caps 8, 10: still met
    (v,) = only(verify(inst, plan), "C3")
    assert (v.entity, v.day) == ("line L", -3)
    assert "fixed_restart is -2" in v.message


def test_c3_negative_restart_without_fixed_restart_is_caught() -> None:
    data = json.loads(json.dumps(RUNNING_LINE))
    data["lines"][0].update(fixed_restart=None, systems=[], release_day=0, commissioning=None)
    inst = instance_from(data)
    _, plan = running_line()  # restart day -2, ramp and rows as before
    (v,) = only(verify(inst, plan), "C3")
    assert (v.entity, v.day) == ("line L", -2)
    assert "not a day of the horizon" in v.message


def test_c5_ramp_of_a_negative_restart_counts_from_that_day() -> None:
    inst, plan = running_line()
    rows = [("L", 0, 1, 7), *rows_of(plan)[1:]]  # k=2 on day 0: cap 6
    (v,) = only(verify(inst, with_figures(inst, with_production(plan, rows), Figures(5, 5, -2))), "C5")
    assert (v.entity, v.day) == ("line L", 0)
    assert "k=2" in v.message


def test_c4_negative_restart_line_runs_from_day_0() -> None:
    inst, plan = running_line()
    plan = with_figures(inst, with_production(plan, rows_of(plan)[1:]), Figures(12, 12, -2))
    (v,) = only(verify(inst, plan), "C4")
    assert (v.entity, v.day) == ("line L", 0)


# --- C4 shifts and calendar ---------------------------------------------------------


def test_c4_missing_shift_on_working_day_is_caught() -> None:
    inst, plan = golden("01-precedence-and-one-team")
    rows = [r for r in rows_of(plan) if (r[0], r[1]) != ("A", 7)]
    plan = with_figures(inst, with_production(plan, rows), Figures(430, 110, 6))
    (v,) = only(verify(inst, plan), "C4")
    assert (v.entity, v.day) == ("line A", 7)


def test_c4_production_before_restart_is_caught() -> None:
    inst, plan = golden("01-precedence-and-one-team")
    plan = with_production(plan, [*rows_of(plan), ("A", 3, 1, 10)])
    plan = with_figures(inst, plan, Figures(330, 90, 6))
    (v,) = only(verify(inst, plan), "C4")
    assert (v.entity, v.day) == ("line A", 3)
    assert "before its restart day 4" in v.message


def test_c4_production_of_a_line_not_restarted_is_caught() -> None:
    inst, plan = golden("01-precedence-and-one-team")
    plan = with_restarts(plan, B=None)
    plan = with_figures(inst, plan, Figures(380, 100, None))
    assert [(v.entity, v.day) for v in only(verify(inst, plan), "C4")] == [
        ("line B", t) for t in range(6, 10)
    ]


@pytest.mark.parametrize(("day", "why"), [(2, "Saturday"), (3, "Sunday"), (4, "closed day")])
def test_c4_production_on_a_weekend_or_closed_day_is_caught(day: int, why: str) -> None:
    inst, plan = golden("07-calendar-and-after-lines")  # Thursday start, Monday day 4 closed
    plan = with_production(plan, [*rows_of(plan), ("A", day, 1, 10)])
    plan = with_figures(inst, plan, Figures(90, 30, 5))
    (v,) = only(verify(inst, plan), "C4")
    assert (v.entity, v.day) == ("line A", day)
    assert why in v.message


def test_c4_calendar_follows_start_date() -> None:
    _inst, plan = golden("07-calendar-and-after-lines")
    # starting on a Monday instead, days 2..3 become working days and day 5 a Saturday
    monday = example("07-calendar-and-after-lines", lambda d: d.update(start_date="2025-01-06"))
    report = verify(monday, plan)
    assert ("line A", 3) in [(v.entity, v.day) for v in report.violations if v.code == "C4"]
    assert ("line A", 5) in [(v.entity, v.day) for v in report.violations if v.code == "C4"]


def test_c4_day_0_is_a_monday_without_start_date() -> None:
    # seven days of a Monday-Friday plant: days 5 and 6 are a weekend, so the plan of
    # example 04 (no rows on them) stays complete and the baselines are unchanged
    inst = example("04-staff-and-shifts", lambda d: d.update(horizon_days=7))
    report = verify(inst, plan_04(inst))
    assert report.ok, report.summary()
    assert report.figures == Figures(384, 96, 3)
    wednesday = example("04-staff-and-shifts", lambda d: d.update(horizon_days=7, start_date="2025-01-01"))
    weekend = [(v.code, v.day) for v in verify(wednesday, plan_04(wednesday)).violations]
    assert ("C4", 3) in weekend  # a Saturday
    assert ("C4", 4) in weekend  # a Sunday


def test_c4_shifts_above_max_shifts_is_caught() -> None:
    inst, plan = golden("03-ramp-up-and-commissioning")
    rows = [*rows_of(plan)[:-1], ("A", 9, 3, 20)]
    (v,) = only(verify(inst, with_production(plan, rows)), "C4")
    assert (v.entity, v.day) == ("line A", 9)
    assert "max_shifts 2" in v.message


# --- C5 output ------------------------------------------------------------------


def test_c5_ramp_cap_is_caught() -> None:
    inst, plan = golden("03-ramp-up-and-commissioning")
    rows = [("A", 4, 1, 6), *rows_of(plan)[1:]]  # 25% of 20 = 5 on the restart day
    (v,) = only(verify(inst, with_figures(inst, with_production(plan, rows), Figures(218, 109, 4))), "C5")
    assert (v.entity, v.day) == ("line A", 4)
    assert v.message.endswith("25% of 20 = 5")


def test_c5_ramp_cap_rounds_down() -> None:
    # 33% of 10 = 3.3 -> 3
    inst = example("03-ramp-up-and-commissioning", lambda d: d["lines"][0].update(ramp_up_percent=[33]))
    rows = [("A", 4, 1, 4), *run("A", range(5, 10), 20, shifts=2)]
    plan = with_figures(inst, with_production(plan_03(inst), rows), Figures(2 * 96, 96, 4))
    # with max_shifts 2 the cap is 33% of 20 = 6: 4 is fine
    assert verify(inst, plan).ok
    one_shift = example(
        "03-ramp-up-and-commissioning",
        lambda d: d["lines"][0].update(ramp_up_percent=[33], max_shifts=1, rate_per_shift=10),
    )
    rows = [("A", 4, 1, 4), *run("A", range(5, 10), 10)]
    plan = with_figures(one_shift, with_production(plan_03(one_shift), rows), Figures(2 * 46, 46, 4))
    (v,) = only(verify(one_shift, plan), "C5")
    assert v.message.endswith("33% of 10 = 3")


def test_c5_units_above_rate_times_shifts_is_caught() -> None:
    inst, plan = golden("03-ramp-up-and-commissioning")
    rows = [(ln, d, 1 if d == 6 else s, u) for ln, d, s, u in rows_of(plan)]  # 15 units on 1 shift
    (v,) = only(verify(inst, with_production(plan, rows)), "C5")
    assert (v.entity, v.day) == ("line A", 6)
    assert "x 1 shift(s) = 10" in v.message


def test_c5_output_above_baseline_is_caught() -> None:
    # A's baseline becomes 2 shifts: 10 x 2 x 5 = 100, but the plan makes 150
    inst = example("04-staff-and-shifts", lambda d: d["lines"][0].update(baseline_shifts=2))
    plan = with_figures(inst, plan_04(inst), Figures(5 * -50 + 4 * 96, -50 + 96, 3))
    (v,) = only(verify(inst, plan), "C5")
    assert (v.entity, v.day) == ("line A", None)
    assert "150 units" in v.message
    assert "baseline 100" in v.message


# --- C6 staff ----------------------------------------------------------------------


def test_c6_staff_overload_is_caught() -> None:
    inst, plan = golden("04-staff-and-shifts")
    plan = with_restarts(plan, B=2)
    plan = with_production(plan, [*rows_of(plan), ("B", 2, 1, 12)])
    plan = with_figures(inst, plan, Figures(84 * 4, 84, 2))  # better than the optimum: impossible
    (v,) = only(verify(inst, plan), "C6")
    assert (v.entity, v.day) == ("plant plant/pool operators", 2)
    assert v.message == "needs 18 people (line A 12, line B 6), above headcount 12"


def test_c6_staff_changes_are_a_step_function() -> None:
    inst = example("04-staff-and-shifts", lambda d: d["plants"][0].update(staff_changes=[]))
    # without the recall on day 3 the golden plan is short of people on days 3 and 4
    assert [v.day for v in only(verify(inst, plan_04(inst)), "C6")] == [3, 4]


# --- C7 materials ----------------------------------------------------------------------


def test_c7_consuming_parts_before_delivery_is_caught() -> None:
    inst, plan = golden("05-parts-gate-and-lead-time")
    # mes first, restart day 2 at full rate: the 30 wheels last 15 cars; erp ends day 5,
    # so deliveries only start on day 7
    plan = with_systems(plan, mes=(0, 0, 2), erp=(0, 2, 5))
    plan = with_restarts(plan, A=2)
    plan = with_figures(inst, with_production(plan, run("A", range(2, 10), 10)), Figures(200, 20, 2))
    violations = only(verify(inst, plan), "C7")
    assert {v.entity for v in violations} == {"material wheel"}
    assert [v.day for v in violations] == [3, 4, 5, 6]  # short until the deliveries of day 7
    first = violations[0]
    assert first.message == "consumes 20 (line A 20) but only 10 available (stock 10 + delivered 0)"


def test_c7_delivery_waits_for_lead_days() -> None:
    # lead_days 3: the golden plan's wheels of day 5 arrive on day 6; day 5 uses the stock
    inst = example("05-parts-gate-and-lead-time", lambda d: d["materials"][1]["supply"].update(lead_days=3))
    assert verify(inst, plan_05(inst)).ok

    def ten_wheels_lead_3(data: Json) -> None:
        data["materials"][1]["on_hand"] = 10
        data["materials"][1]["supply"]["lead_days"] = 3

    on_hand_10 = example("05-parts-gate-and-lead-time", ten_wheels_lead_3)
    # day 5: 10 wheels for 20; day 6: 20 delivered, enough again
    (v,) = only(verify(on_hand_10, plan_05(on_hand_10)), "C7")
    assert (v.entity, v.day) == ("material wheel", 5)


def test_c7_uncleared_ordering_system_delivers_nothing() -> None:
    inst, plan = golden("05-parts-gate-and-lead-time")
    plan = with_systems(plan, erp=(None, None, None), mes=(0, 0, 2))
    plan = with_restarts(plan, A=2)
    plan = with_figures(inst, with_production(plan, run("A", range(2, 10), 10)), Figures(200, 20, 2))
    violations = only(verify(inst, plan), "C7")
    assert violations[0].day == 3
    assert all("delivered 0" in v.message for v in violations)


def test_c7_intermediate_is_usable_the_next_day() -> None:
    inst, plan = golden("06-intermediate-material-chain")
    # A takes on day 2 the engines E makes on day 2
    rows = [(ln, d, s, {("A", 2): 10, ("A", 3): 0}.get((ln, d), u)) for ln, d, s, u in rows_of(plan)]
    (v,) = only(verify(inst, with_production(plan, rows)), "C7")
    assert (v.entity, v.day) == ("material engine", 2)


def test_c7_supply_changes_and_from_day_are_followed() -> None:
    def supplier(data: Json) -> None:
        data["materials"][1]["supply"].update(from_day=6, changes=[{"day": 7, "per_day": 10}])

    inst = example("05-parts-gate-and-lead-time", supplier)
    # stock 30 covers days 5 (20) and part of 6: 10 + 20 delivered on day 6 = 30 >= 20;
    # day 7: 10 + 10 = 20; day 8: 0 + 10 < 20
    violations = only(verify(inst, plan_05(inst)), "C7")
    assert [v.day for v in violations] == [8, 9]


# --- C8 figures, objective, bound ---------------------------------------------------------


def test_c8_wrong_lost_value_is_caught() -> None:
    inst, plan = golden("01-precedence-and-one-team")
    plan = plan.model_copy(
        update={
            "lost_value": 370,
            "objective": plan.objective.model_copy(update={"value": 370, "bound": 370}),
        }
    )
    violations = only(verify(inst, plan), "C8")
    assert [v.message for v in violations] == [
        "lost_value is 370 in the plan, recomputed 380",
        "objective.value is 370, recomputed lost_value 380",
    ]


def test_c8_wrong_makespan_and_lost_units_are_caught() -> None:
    inst, plan = golden("07-calendar-and-after-lines")
    plan = plan.model_copy(update={"makespan": 2, "lost_units": 41})
    violations = only(verify(inst, plan), "C8")
    assert {v.entity for v in violations} == {"plan"}
    assert len(violations) == 2  # makespan and lost_units; objective.value (40) is right


def test_c8_optimal_with_bound_below_value_is_caught() -> None:
    inst, plan = golden("01-precedence-and-one-team")
    plan = plan.model_copy(update={"objective": plan.objective.model_copy(update={"bound": 370})})
    (v,) = only(verify(inst, plan), "C8")
    assert "status optimal" in v.message
    assert verify(inst, plan.model_copy(update={"status": "feasible"})).ok


def test_c8_bound_above_value_is_caught() -> None:
    inst, plan = golden("01-precedence-and-one-team")
    plan = plan.model_copy(
        update={"status": "feasible", "objective": plan.objective.model_copy(update={"bound": 390})}
    )
    (v,) = only(verify(inst, plan), "C8")
    assert "above objective.value" in v.message


def test_c8_objective_kind_must_be_the_instance_objective() -> None:
    inst, plan = golden("07-calendar-and-after-lines")
    plan = plan.model_copy(
        update={
            "objective": plan.objective.model_copy(update={"kind": "lost_value", "value": 120, "bound": 120})
        }
    )
    (v,) = only(verify(inst, plan), "C8")
    assert "lost_units" in v.message


def test_c8_lost_value_counts_only_finished_goods() -> None:
    inst, plan = golden("06-intermediate-material-chain")
    report = verify(inst, plan)
    # E's lost engines (value 0) count in neither figure
    assert report.figures == Figures(2500, 25, 2)
