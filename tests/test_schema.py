"""The pydantic models of the two file formats: defaults, derived views, strictness, plans."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pandas as pd
import pytest
from pydantic import ValidationError

from planner.errors import InstanceError
from planner.formats.read import parse_instance, parse_plan
from planner.formats.schema import (
    Instance,
    Line,
    Material,
    Mode,
    Plan,
    PlanLine,
    PlanObjective,
    PlanProduction,
    PlanSystem,
    Plant,
    Resource,
    Supply,
    System,
)


def minimal(**top: Any) -> dict[str, Any]:
    """The smallest useful instance: one system, one plant, one line; `top` overrides fields."""
    data: dict[str, Any] = {
        "format": "restart-instance/1",
        "name": "minimal",
        "horizon_days": 5,
        "resources": [{"id": "sec-team", "capacity": 1}],
        "systems": [{"id": "mes", "name": "MES", "duration_days": 2, "demand": {"sec-team": 1}}],
        "plants": [{"id": "plant", "name": "Plant"}],
        "materials": [{"id": "car", "name": "Car", "value": 3}],
        "lines": [{"id": "A", "name": "Line A", "plant": "plant", "output": "car", "rate_per_shift": 10}],
    }
    data.update(top)
    return data


def load(data: dict[str, Any]) -> Instance:
    return parse_instance(json.dumps(data))


def line(**fields: Any) -> Line:
    base = {"id": "A", "name": "Line A", "plant": "plant", "output": "car", "rate_per_shift": 10}
    return Line(**{**base, **fields})


def a_plan(**fields: Any) -> Plan:
    base: dict[str, Any] = {
        "instance": "minimal",
        "status": "optimal",
        "objective": PlanObjective(kind="lost_value", value=60, bound=60),
        "lost_value": 60,
        "lost_units": 20,
        "makespan": 2,
        "systems": [
            PlanSystem(id="mes", mode=0, start_day=0, end_day=2),
            PlanSystem(id="email", mode=None, start_day=None, end_day=None),
        ],
        "lines": [PlanLine(id="A", restart_day=2), PlanLine(id="B", restart_day=None)],
        "production": [
            PlanProduction(line="A", day=2, shifts=1, units=10),
            PlanProduction(line="A", day=3, shifts=1, units=10),
        ],
    }
    return Plan(**{**base, **fields})


# --- defaults -----------------------------------------------------------------------------------


def test_instance_defaults_to_lost_value_without_start_date() -> None:
    inst = load(minimal())
    assert inst.objective == "lost_value"
    assert inst.start_date is None


def test_lists_not_given_are_empty() -> None:
    inst = load({"format": "restart-instance/1", "name": "empty", "horizon_days": 1})
    assert (inst.resources, inst.systems, inst.plants, inst.materials, inst.lines) == ([], [], [], [], [])


def test_start_date_is_read_as_an_iso_date() -> None:
    assert load(minimal(start_date="2025-01-02")).start_date == date(2025, 1, 2)


def test_material_value_and_on_hand_default_to_zero() -> None:
    material = Material(id="wheel", name="Wheel")
    assert (material.value, material.on_hand, material.supply) == (0, 0, None)


def test_supply_from_day_and_lead_days_default_to_zero() -> None:
    supply = Supply(per_day=20)
    assert (supply.from_day, supply.lead_days, supply.ordering_system, supply.changes) == (0, 0, None, [])


def test_system_release_day_defaults_to_zero() -> None:
    system = System(id="mes", name="MES", duration_days=2)
    assert system.release_day == 0
    assert system.after == []
    assert system.cleared is False
    assert system.fixed_start is None


def test_line_release_day_defaults_to_zero() -> None:
    assert line().release_day == 0
    assert line().fixed_restart is None


def test_resource_has_no_capacity_changes_by_default() -> None:
    assert Resource(id="sec-team", capacity=1).capacity_changes == []


def test_plant_works_monday_to_friday_by_default() -> None:
    plant = Plant(id="plant", name="Plant")
    assert plant.workdays == [0, 1, 2, 3, 4]
    assert (plant.closed_days, plant.staff, plant.staff_changes) == ([], {}, [])


def test_line_max_shifts_defaults_to_one() -> None:
    assert line().max_shifts == 1


def test_line_baseline_defaults_to_max_shifts() -> None:
    ln = line(max_shifts=3)
    assert ln.baseline_shifts is None
    assert ln.baseline == 3


def test_line_baseline_is_baseline_shifts_when_given() -> None:
    assert line(max_shifts=3, baseline_shifts=2).baseline == 2


def test_line_commissioning_days_is_zero_without_commissioning() -> None:
    assert line().commissioning_days == 0
    assert line(commissioning={"days": 2, "demand": {"comm-eng": 1}}).commissioning_days == 2


def test_line_lists_and_maps_default_to_empty() -> None:
    ln = line()
    assert (ln.crew_per_shift, ln.inputs, ln.systems, ln.ramp_up_percent, ln.after_lines) == (
        {},
        {},
        [],
        [],
        [],
    )


def test_line_fixed_restart_may_be_negative() -> None:
    # A line already running: it restarted that many days before day 0.
    assert load(minimal(lines=[{**minimal()["lines"][0], "fixed_restart": -3}])).lines[0].fixed_restart == -3


# --- System.mode_list ---------------------------------------------------------------------------


def test_single_mode_system_has_one_mode_from_duration_and_demand() -> None:
    system = System(id="mes", name="MES", duration_days=2, demand={"sec-team": 1})
    assert system.mode_list == [Mode(duration_days=2, demand={"sec-team": 1})]


def test_single_mode_system_without_demand_needs_no_resource() -> None:
    assert System(id="mes", name="MES", duration_days=2).mode_list == [Mode(duration_days=2, demand={})]


def test_multi_mode_system_lists_its_modes_in_file_order() -> None:
    modes = [{"duration_days": 4, "demand": {"sec-team": 1}}, {"duration_days": 2, "demand": {"sec-team": 2}}]
    system = System(id="plc", name="PLC", modes=modes)
    assert [(m.duration_days, m.demand) for m in system.mode_list] == [
        (4, {"sec-team": 1}),
        (2, {"sec-team": 2}),
    ]


def test_cleared_system_needs_no_duration() -> None:
    inst = load(minimal(systems=[{"id": "mes", "name": "MES", "cleared": True}]))
    assert inst.systems[0].cleared
    assert inst.systems[0].mode_list == []


def test_system_without_duration_or_modes_is_rejected() -> None:
    with pytest.raises(InstanceError, match=r"systems\[0\]: needs duration_days or modes"):
        load(minimal(systems=[{"id": "mes", "name": "MES"}]))


def test_system_may_take_zero_days() -> None:
    assert System(id="mes", name="MES", duration_days=0).mode_list[0].duration_days == 0


# --- strictness ---------------------------------------------------------------------------------


def test_models_are_frozen() -> None:
    ln = line()
    with pytest.raises(ValidationError, match="frozen"):
        ln.rate_per_shift = 20  # type: ignore[misc]


def test_instance_is_frozen() -> None:
    inst = load(minimal())
    with pytest.raises(ValidationError, match="frozen"):
        inst.horizon_days = 10  # type: ignore[misc]


@pytest.mark.parametrize("value", ["10", 10.0, 10.5, True], ids=["string", "integral-float", "float", "bool"])
def test_integers_are_strict(value: object) -> None:
    with pytest.raises(ValidationError, match="rate_per_shift"):
        line(rate_per_shift=value)


@pytest.mark.parametrize("value", ["10", 10.0, True], ids=["string", "integral-float", "bool"])
def test_integers_are_strict_in_json(value: object) -> None:
    with pytest.raises(InstanceError, match=r"horizon_days: expected an integer"):
        load(minimal(horizon_days=value))


def test_unknown_field_is_an_error_not_ignored() -> None:
    with pytest.raises(ValidationError, match="duration_day"):
        System(id="mes", name="MES", duration_days=2, duration_day=3)  # type: ignore[call-arg]


def test_reference_problems_raise_instance_error_from_the_model_itself() -> None:
    data = minimal()
    data["lines"][0]["plant"] = "hallewood"
    with pytest.raises(InstanceError) as caught:
        Instance.model_validate(data)
    assert caught.value.problems == ["lines[0].plant: unknown plant 'hallewood'"]


def test_instance_error_lists_every_reference_problem() -> None:
    data = minimal()
    data["lines"][0].update(plant="hallewood", output="truck")
    with pytest.raises(InstanceError) as caught:
        load(data)
    assert caught.value.problems == [
        "lines[0].plant: unknown plant 'hallewood'",
        "lines[0].output: unknown material 'truck'",
    ]


def test_cycle_through_an_unknown_system_is_only_reported_as_unknown() -> None:
    data = minimal(systems=[{"id": "mes", "name": "MES", "after": ["ghost"], "duration_days": 1}])
    with pytest.raises(InstanceError) as caught:
        load(data)
    assert caught.value.problems == ["systems[0].after: unknown system 'ghost'"]


# --- Plan ---------------------------------------------------------------------------------------


def test_plan_format_defaults_to_restart_plan_1() -> None:
    assert a_plan().format == "restart-plan/1"


def test_plan_to_json_omits_explanation_when_none() -> None:
    data = json.loads(a_plan().to_json())
    assert "explanation" not in data
    assert data["format"] == "restart-plan/1"


def test_plan_to_json_writes_explanation_when_given() -> None:
    plan = a_plan(
        status="infeasible",
        objective=PlanObjective(kind="lost_value", value=None, bound=None),
        lost_value=None,
        lost_units=None,
        makespan=None,
        systems=[],
        lines=[],
        production=[],
        explanation=["Line 'A' needs system 'mes', which cannot be cleared within the horizon."],
    )
    data = json.loads(plan.to_json())
    assert data["explanation"] == ["Line 'A' needs system 'mes', which cannot be cleared within the horizon."]
    assert data["objective"] == {"kind": "lost_value", "value": None, "bound": None}


def test_plan_to_json_ends_with_a_newline() -> None:
    assert a_plan().to_json().endswith("}\n")


def test_plan_round_trips_through_parse_plan() -> None:
    plan = a_plan()
    assert parse_plan(plan.to_json()) == plan


def test_infeasible_plan_round_trips_with_its_explanation() -> None:
    plan = a_plan(status="infeasible", explanation=["No plan: reason."])
    assert parse_plan(plan.to_json()) == plan


def test_plan_has_a_schedule_only_when_optimal_or_feasible() -> None:
    assert a_plan(status="optimal").has_schedule
    assert a_plan(status="feasible").has_schedule
    assert not a_plan(status="infeasible").has_schedule
    assert not a_plan(status="unknown").has_schedule


def test_parse_plan_rejects_an_unknown_status() -> None:
    text = a_plan().to_json().replace('"optimal"', '"solved"')
    with pytest.raises(InstanceError, match="status"):
        parse_plan(text)


# --- Plan DataFrame helpers ---------------------------------------------------------------------


def test_restart_frame_has_one_row_a_line_with_na_when_not_restarted() -> None:
    frame = a_plan().restart_frame()
    assert list(frame.columns) == ["line", "restart_day"]
    assert str(frame["restart_day"].dtype) == "Int64"
    assert frame["line"].tolist() == ["A", "B"]
    assert frame.loc[0, "restart_day"] == 2
    assert frame.loc[1, "restart_day"] is pd.NA


def test_clearance_frame_has_one_row_a_system_with_na_when_not_cleared() -> None:
    frame = a_plan().clearance_frame()
    assert list(frame.columns) == ["system", "mode", "start_day", "end_day"]
    assert {str(frame[c].dtype) for c in ("mode", "start_day", "end_day")} == {"Int64"}
    assert frame.loc[0, ["mode", "start_day", "end_day"]].tolist() == [0, 0, 2]
    assert frame.loc[1, ["mode", "start_day", "end_day"]].isna().all()


def test_production_frame_has_one_row_a_line_and_day() -> None:
    frame = a_plan().production_frame()
    assert list(frame.columns) == ["line", "day", "shifts", "units"]
    assert frame.to_dict("records") == [
        {"line": "A", "day": 2, "shifts": 1, "units": 10},
        {"line": "A", "day": 3, "shifts": 1, "units": 10},
    ]


def test_frames_of_an_empty_plan_keep_their_columns() -> None:
    plan = a_plan(status="infeasible", systems=[], lines=[], production=[])
    assert list(plan.restart_frame().columns) == ["line", "restart_day"]
    assert list(plan.clearance_frame().columns) == ["system", "mode", "start_day", "end_day"]
    assert list(plan.production_frame().columns) == ["line", "day", "shifts", "units"]
    assert len(plan.production_frame()) == 0
