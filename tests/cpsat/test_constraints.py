"""One behaviour a test, per constraint family (C1..C7), on tiny instances solved by hand.

Each instance is `helpers.tiny()` changed in one way: one team, one plant
working every day, line A making 10 cars a day worth 1, needing system s
(2 days). Every plan is checked by the independent verifier in
`solve_checked`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner.cpsat import RestartModel
from planner.formats.psplib import from_psplib
from planner.problem.data import ProblemData

from helpers import solve_checked, tiny


def restart(result: Any, line: str) -> int | None:
    return next(ln.restart_day for ln in result.plan.lines if ln.id == line)


def with_line(data: dict[str, Any], **fields: Any) -> dict[str, Any]:
    data["lines"][0].update(fields)
    return data


def test_tiny_baseline_restarts_when_its_system_is_cleared() -> None:
    result = solve_checked(tiny())
    assert result.status == "optimal"
    assert result.objective == 20  # days 0-1 lost, 10 a day
    assert restart(result, "A") == 2


# -- C1 precedence ----------------------------------------------------------


def test_c1_system_waits_for_its_release_day() -> None:
    data = tiny()
    data["systems"][0]["release_day"] = 3
    result = solve_checked(data)
    assert result.objective == 50  # cleared days 3-4, restart day 5


def test_c1_system_waits_for_every_system_in_after() -> None:
    data = tiny(resources=[{"id": "team", "capacity": 2}])
    data["systems"] = [
        {"id": "idp", "name": "idp", "duration_days": 2, "demand": {"team": 1}},
        {"id": "s", "name": "s", "after": ["idp"], "duration_days": 2, "demand": {"team": 1}},
    ]
    result = solve_checked(data)
    assert result.objective == 40  # idp 0-1, s 2-3, restart day 4 despite a free team


def test_c1_fixed_start_is_kept_even_when_later_is_worse() -> None:
    data = tiny()
    data["systems"][0]["fixed_start"] = 4
    result = solve_checked(data)
    assert result.objective == 60
    assert result.plan.systems[0].start_day == 4


def test_c1_already_cleared_system_needs_no_work() -> None:
    data = tiny()
    data["systems"][0] = {"id": "s", "name": "s", "cleared": True}
    result = solve_checked(data)
    assert result.objective == 0
    assert result.plan.systems[0].end_day == 0


def test_c1_uncleared_system_keeps_its_line_stopped() -> None:
    data = tiny(resources=[{"id": "team", "capacity": 0}])
    result = solve_checked(data)
    assert result.status == "optimal"
    assert result.objective == 100  # nothing made
    assert restart(result, "A") is None
    assert result.plan.systems[0].start_day is None


# -- C2 resources -----------------------------------------------------------


def test_c2_capacity_change_opens_the_team_later() -> None:
    data = tiny(resources=[{"id": "team", "capacity": 0, "capacity_changes": [{"day": 3, "capacity": 1}]}])
    result = solve_checked(data)
    assert result.objective == 50  # cleared days 3-4


def test_c2_capacity_drop_forbids_work_across_it() -> None:
    # The team leaves on day 1 and is back on day 4: a 2-day job fits only from day 4.
    data = tiny(
        resources=[
            {
                "id": "team",
                "capacity": 1,
                "capacity_changes": [{"day": 1, "capacity": 0}, {"day": 4, "capacity": 1}],
            }
        ]
    )
    result = solve_checked(data)
    assert result.objective == 60


def test_c2_commissioning_competes_with_clearance_for_the_team() -> None:
    data = tiny()
    data["systems"] = [
        {"id": "sa", "name": "sa", "duration_days": 1, "demand": {"team": 1}},
        {"id": "sb", "name": "sb", "duration_days": 1, "demand": {"team": 1}},
    ]
    data["materials"] = [{"id": "car", "name": "car", "value": 1}]
    commissioning = {"days": 1, "demand": {"team": 1}}
    data["lines"] = [
        {
            "id": n,
            "name": n,
            "plant": "p",
            "output": "car",
            "rate_per_shift": 10,
            "systems": [s],
            "commissioning": commissioning,
        }
        for n, s in (("A", "sa"), ("B", "sb"))
    ]
    result = solve_checked(data)
    assert result.objective == 60  # four one-day jobs for one team: restarts on days 2 and 4


def test_c2_modes_trade_duration_for_crew() -> None:
    data = tiny(resources=[{"id": "team", "capacity": 2}])
    data["systems"][0] = {
        "id": "s",
        "name": "s",
        "modes": [{"duration_days": 4, "demand": {"team": 1}}, {"duration_days": 1, "demand": {"team": 2}}],
    }
    result = solve_checked(data)
    assert result.objective == 10
    assert result.plan.systems[0].mode == 1


# -- C3 line restart --------------------------------------------------------


def test_c3_line_waits_for_its_release_day() -> None:
    result = solve_checked(with_line(tiny(), systems=[], release_day=4))
    assert result.objective == 40


def test_c3_line_waits_for_commissioning_after_its_systems() -> None:
    data = with_line(tiny(), commissioning={"days": 3})
    result = solve_checked(data)
    assert result.objective == 50  # s ends day 2, commissioning days 2-4
    assert restart(result, "A") == 5


def test_c3_line_restarts_no_earlier_than_its_after_lines() -> None:
    data = tiny(resources=[{"id": "team", "capacity": 1}])
    data["systems"][0]["duration_days"] = 3
    data["lines"].append(
        {"id": "B", "name": "B", "plant": "p", "output": "car", "rate_per_shift": 10, "after_lines": ["A"]}
    )
    result = solve_checked(data)
    assert result.objective == 60
    assert restart(result, "B") == 3


def test_c3_fixed_restart_is_kept() -> None:
    result = solve_checked(with_line(tiny(), systems=[], fixed_restart=3))
    assert result.objective == 30
    assert restart(result, "A") == 3


def test_c3_negative_fixed_restart_keeps_ramping_from_before_day0() -> None:
    # Restarted two days before day 0: day 0 is k = 2 (75% -> 7), day 1 is k = 3 (full).
    data = with_line(tiny(horizon_days=5), systems=[], fixed_restart=-2, ramp_up_percent=[25, 50, 75])
    result = solve_checked(data)
    assert result.objective == 3
    assert restart(result, "A") == -2


# -- C4 shifts and C6 staff -------------------------------------------------


def test_c4_restarted_line_runs_a_shift_even_without_parts() -> None:
    # B has no parts at all; restarting it would take the only crew from A.
    data = tiny(horizon_days=4, systems=[], resources=[])
    data["plants"][0]["staff"] = {"ops": 1}
    data["materials"] = [
        {"id": "car", "name": "car", "value": 1},
        {"id": "van", "name": "van", "value": 5},
        {"id": "axle", "name": "axle"},
    ]
    data["lines"] = [
        {
            "id": "A",
            "name": "A",
            "plant": "p",
            "output": "car",
            "rate_per_shift": 10,
            "crew_per_shift": {"ops": 1},
        },
        {
            "id": "B",
            "name": "B",
            "plant": "p",
            "output": "van",
            "rate_per_shift": 10,
            "crew_per_shift": {"ops": 1},
            "inputs": {"axle": 1},
        },
    ]
    result = solve_checked(data)
    assert result.objective == 200  # B makes nothing either way: 40 vans x 5
    assert restart(result, "A") == 0
    assert restart(result, "B") is None


def test_c4_no_production_on_weekends_or_closed_days() -> None:
    data = with_line(tiny(horizon_days=7), systems=[])
    data["plants"][0]["workdays"] = [0, 1, 2, 3, 4]
    data["plants"][0]["closed_days"] = [2]
    result = solve_checked(data)
    assert result.objective == 0
    assert {p.day for p in result.plan.production} == {0, 1, 3, 4}


def test_c6_staff_recall_limits_shifts() -> None:
    data = with_line(tiny(horizon_days=4), systems=[], max_shifts=3, crew_per_shift={"ops": 2})
    data["plants"][0]["staff"] = {"ops": 2}
    data["plants"][0]["staff_changes"] = [{"day": 2, "pool": "ops", "headcount": 6}]
    result = solve_checked(data)
    # baseline 4 days x 3 shifts x 10 = 120; made 10 + 10 + 30 + 30 = 80
    assert result.objective == 40


# -- C5 output --------------------------------------------------------------


def test_c5_ramp_up_caps_the_first_days() -> None:
    data = with_line(tiny(), ramp_up_percent=[10, 50])
    result = solve_checked(data)
    assert result.objective == 20 + 9 + 5  # restart day 2: 1 then 5 instead of 10 and 10


def test_c5_output_never_counts_above_the_baseline() -> None:
    data = with_line(tiny(), max_shifts=2, baseline_shifts=1)
    result = solve_checked(data)
    assert result.objective == 0  # 8 days at 20 would beat the baseline of 100: capped
    assert sum(p.units for p in result.plan.production) == 100


# -- C7 materials -----------------------------------------------------------


def parts_line(supply: dict[str, Any], horizon: int = 6, on_hand: int = 0) -> dict[str, Any]:
    data = with_line(tiny(horizon_days=horizon), systems=[], inputs={"part": 1})
    data["materials"].append({"id": "part", "name": "part", "on_hand": on_hand, "supply": supply})
    return data


def test_c7_supply_changes_step_the_deliveries() -> None:
    result = solve_checked(parts_line({"per_day": 5, "changes": [{"day": 3, "per_day": 10}]}))
    assert result.objective == 15  # 5 x 3 + 10 x 3 = 45 of 60


def test_c7_supplier_back_from_day() -> None:
    result = solve_checked(parts_line({"per_day": 10, "from_day": 2}))
    assert result.objective == 20


def test_c7_deliveries_wait_for_the_ordering_system_and_lead_time() -> None:
    data = parts_line({"per_day": 10, "ordering_system": "s", "lead_days": 1}, on_hand=10)
    result = solve_checked(data)
    # s cleared days 0-1, deliveries from day 3; stock 10 covers one day: 10 + 3 x 10 = 40 of 60
    assert result.objective == 20


def test_c7_stock_carries_over_between_days() -> None:
    data = parts_line({"per_day": 5}, horizon=4, on_hand=10)
    result = solve_checked(data)
    assert result.objective == 40 - 30  # 10 + 4 x 5 = 30 parts


# -- objectives -------------------------------------------------------------


def test_lost_units_counts_every_finished_unit_as_one() -> None:
    data = tiny(objective="lost_units")
    data["materials"][0]["value"] = 7
    result = solve_checked(data)
    assert result.objective == 20
    assert result.plan.lost_value == 140


def test_makespan_clears_every_system_even_unneeded_ones() -> None:
    data = tiny(objective="makespan")
    data["systems"].append({"id": "mail", "name": "mail", "duration_days": 3, "demand": {"team": 1}})
    result = solve_checked(data)
    assert result.objective == 2  # s first; mail after, it needs no line
    assert all(s.start_day is not None for s in result.plan.systems)


# -- lines whose output cannot matter ---------------------------------------


def test_line_whose_output_cannot_matter_runs_one_shift_a_day_and_makes_nothing() -> None:
    data = tiny()
    data["materials"].append({"id": "scrap", "name": "scrap"})  # no value, nobody consumes it
    data["lines"].append(
        {
            "id": "B",
            "name": "B",
            "plant": "p",
            "output": "scrap",
            "rate_per_shift": 5,
            "max_shifts": 2,
            "systems": ["s"],
            "after_lines": ["A"],
            "ramp_up_percent": [50],
        }
    )
    result = solve_checked(data)
    assert result.objective == 20
    rows = [(p.day, p.shifts, p.units) for p in result.plan.production if p.line == "B"]
    first = restart(result, "B")
    if first is None:
        assert rows == []
    else:
        assert rows == [(t, 1, 0) for t in range(first, 10)]


def test_psplib_import_is_modelled_without_day_variables() -> None:
    instance = from_psplib(Path(__file__).parents[1] / "data" / "psplib" / "j30" / "j301_1.sm")
    names = [var.name for var in RestartModel(ProblemData.from_instance(instance)).model.proto.variables]
    assert not [name for name in names if name.startswith(("running[", "shifts[", "units["))]
    assert any(name.startswith("restart[") for name in names)
