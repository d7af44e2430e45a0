"""planner.decisions.changes: path assignments in the file's terms, scenario files, located errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planner.decisions.changes import (
    Address,
    Change,
    Scenario,
    apply_changes,
    load_scenarios,
    parse_change,
    resolve,
)
from planner.errors import InstanceError
from planner.formats.read import load_instance
from planner.formats.schema import Instance

from helpers import EXAMPLES, instance, tiny


def _estate() -> Instance:
    """tiny() with two resources, a capacity step, two staff pools with steps and a supplier."""
    return instance(
        tiny(
            resources=[
                {"id": "forensics", "capacity": 2, "capacity_changes": [{"day": 3, "capacity": 4}]},
                {"id": "ot", "capacity": 1},
            ],
            systems=[{"id": "s", "name": "s", "duration_days": 2, "demand": {"forensics": 1}}],
            plants=[
                {
                    "id": "p",
                    "name": "p",
                    "staff": {"production": 10, "maintenance": 5},
                    "staff_changes": [
                        {"day": 2, "pool": "production", "headcount": 20},
                        {"day": 2, "pool": "maintenance", "headcount": 7},
                    ],
                }
            ],
            materials=[
                {"id": "car", "name": "car", "value": 1},
                {
                    "id": "seats",
                    "name": "seats",
                    "supply": {"per_day": 10, "from_day": 4, "changes": [{"day": 6, "per_day": 30}]},
                },
            ],
        )
    )


def _problems(inst: Instance, *changes: str | Change) -> list[str]:
    with pytest.raises(InstanceError) as err:
        apply_changes(inst, list(changes))
    return err.value.problems


def _dump(inst: Instance) -> dict[str, Any]:
    return inst.model_dump(mode="json", exclude_unset=True)


# --- absolute values -------------------------------------------------------------------


def test_absolute_value_sets_the_field_named_by_id() -> None:
    changed = apply_changes(_estate(), ["resources.ot.capacity=6", "horizon_days=12"])
    assert changed.resources[1].capacity == 6
    assert changed.horizon_days == 12


def test_absolute_capacity_leaves_the_capacity_changes_alone() -> None:
    changed = apply_changes(_estate(), ["resources.forensics.capacity=3"])
    assert changed.resources[0].capacity == 3
    assert changed.resources[0].capacity_changes[0].capacity == 4


def test_nested_fields_and_map_keys_are_addressed_by_path() -> None:
    changed = apply_changes(
        _estate(),
        ["materials.seats.supply.from_day=1", "plants.p.staff.production=12", "systems.s.demand.ot=1"],
    )
    assert changed.materials[1].supply is not None
    assert changed.materials[1].supply.from_day == 1
    assert changed.plants[0].staff == {"production": 12, "maintenance": 5}
    assert changed.systems[0].demand == {"forensics": 1, "ot": 1}


def test_a_position_addresses_an_item_of_a_list_of_objects() -> None:
    inst = load_instance(EXAMPLES / "02-modes.json")
    system = inst.systems[1].id
    changed = apply_changes(inst, [f"systems.{system}.modes.1.duration_days=1"])
    assert changed.systems[1].modes is not None
    assert changed.systems[1].modes[1].duration_days == 1


def test_json_values_set_lists_and_plain_text_is_a_string() -> None:
    changed = apply_changes(_estate(), ["lines.A.systems=[]", "objective=lost_units", "lines.A.name=Line A"])
    assert changed.lines[0].systems == []
    assert changed.objective == "lost_units"
    assert changed.lines[0].name == "Line A"


def test_null_removes_an_optional_field() -> None:
    pinned = apply_changes(_estate(), ["lines.A.fixed_restart=5"])
    assert pinned.lines[0].fixed_restart == 5
    assert apply_changes(pinned, ["lines.A.fixed_restart=null"]).lines[0].fixed_restart is None


def test_ids_holding_dots_take_the_longest_known_id() -> None:
    data = tiny(resources=[{"id": "team", "capacity": 1}, {"id": "team.b", "capacity": 2}])
    changed = apply_changes(instance(data), ["resources.team.b.capacity=5", "resources.team.capacity=3"])
    assert [r.capacity for r in changed.resources] == [3, 5]


def test_the_instance_is_not_modified() -> None:
    inst = _estate()
    before = _dump(inst)
    apply_changes(inst, ["resources.forensics.capacity=+1", "lines.A.release_day=3"])
    assert _dump(inst) == before


# --- relative and percentage changes -------------------------------------------------------


def test_relative_change_adds_to_the_value_in_force() -> None:
    changed = apply_changes(_estate(), ["resources.ot.capacity=+2", "plants.p.staff.production=-3"])
    assert changed.resources[1].capacity == 3
    assert changed.plants[0].staff["production"] == 7


def test_relative_change_of_an_unset_field_starts_from_the_contract_default() -> None:
    changed = apply_changes(_estate(), ["lines.A.release_day=+2", "lines.A.baseline_shifts=+0"])
    assert changed.lines[0].release_day == 2
    assert changed.lines[0].baseline_shifts == 1  # the default is max_shifts


def test_signed_value_of_an_unset_field_without_default_is_the_value() -> None:
    changed = apply_changes(_estate(), ["lines.A.fixed_restart=-3"])
    assert changed.lines[0].fixed_restart == -3


def test_percentage_rounds_the_size_of_the_change_up() -> None:
    inst = instance(tiny(resources=[{"id": "team", "capacity": 5}, {"id": "ot", "capacity": 10}]))
    changed = apply_changes(inst, ["resources.team.capacity=+10%", "resources.ot.capacity=-15%"])
    assert changed.resources[0].capacity == 6  # 5 + 0.5, rounded up
    assert changed.resources[1].capacity == 8  # 10 - 1.5, the cut rounded up


def test_relative_capacity_change_shifts_every_capacity_change() -> None:
    changed = apply_changes(_estate(), ["resources.forensics.capacity=+1"])
    assert changed.resources[0].capacity == 3
    assert [c.capacity for c in changed.resources[0].capacity_changes] == [5]


def test_percentage_applies_to_each_value_of_the_step_function() -> None:
    changed = apply_changes(_estate(), ["resources.forensics.capacity=+10%"])
    assert changed.resources[0].capacity == 3  # 2 + 0.2 -> +1
    assert [c.capacity for c in changed.resources[0].capacity_changes] == [5]  # 4 + 0.4 -> +1


def test_relative_staff_change_shifts_only_that_pools_staff_changes() -> None:
    changed = apply_changes(_estate(), ["plants.p.staff.production=+10%"])
    plant = changed.plants[0]
    assert plant.staff == {"production": 11, "maintenance": 5}
    assert [(c.pool, c.headcount) for c in plant.staff_changes] == [("production", 22), ("maintenance", 7)]


def test_relative_supply_change_shifts_the_supply_changes() -> None:
    changed = apply_changes(_estate(), ["materials.seats.supply.per_day=+5"])
    supply = changed.materials[1].supply
    assert supply is not None
    assert (supply.per_day, [c.per_day for c in supply.changes]) == (15, [35])


def test_relative_from_day_moves_only_the_day() -> None:
    changed = apply_changes(_estate(), ["materials.seats.supply.from_day=-3"])
    supply = changed.materials[1].supply
    assert supply is not None
    assert (supply.from_day, supply.per_day, [c.per_day for c in supply.changes]) == (1, 10, [30])


# --- located errors ------------------------------------------------------------------------


def test_unknown_id_names_the_change_and_the_known_ids() -> None:
    assert _problems(_estate(), "resources.forensic.capacity=6") == [
        "changes[0] 'resources.forensic.capacity=6': unknown resource 'forensic' (known: forensics, ot)"
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("resources.ot.capcity=3", "unknown field 'capcity' of resource 'ot' (fields: id, capacity,"),
        ("lines.B.release_day=3", "unknown line 'B' (known: A)"),
        ("lines.A=3", "name a field of line 'A'"),
        ("nonsense=3", "unknown field 'nonsense'"),
        ("horizon_days.x=3", "horizon_days has no field 'x'"),
        ("lines.A.commissioning.days=1", "line 'A' has no commissioning"),
        ("plants.p.staff.prod=+10", "unknown pool 'prod' of plant 'p' (known: production, maintenance)"),
        ("lines.A.name=+1", 'lines.A.name is "A", not an integer, so it cannot change by +1'),
        ("lines.A.fixed_restart=+10%", "lines.A.fixed_restart is not set, so it cannot change by +10%"),
        ("resources.ot.capacity=10%", "a percentage is a signed integer, e.g. +10% or -5%"),
        ("resources.ot.capacity", "expected PATH=VALUE"),
        ("resources.ot.capacity=", "missing value after '='"),
        ("resources..capacity=1", "the path 'resources..capacity' has an empty part"),
    ],
)
def test_a_bad_path_or_value_is_located_in_the_users_words(change: str, message: str) -> None:
    (problem,) = _problems(_estate(), change)
    assert problem.startswith(f"changes[0] '{change}': {message}"), problem


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("resources.ot.capacity=-3", "resources.ot.capacity: must be at least 0, got -2"),
        ("resources.forensics.capacity=-3", "resources.forensics.capacity: must be at least 0, got -1"),
        ("lines.A.rate_per_shift=2.5", "lines.A.rate_per_shift: expected an integer, got 2.5"),
        ('lines.A.systems=["s","erp"]', "lines.A.systems: unknown system 'erp'"),
        ("lines.A.plant=q", "lines.A.plant: unknown plant 'q'"),
        ("lines.A.plant=null", "lines.A.plant: missing field"),
    ],
)
def test_what_revalidation_finds_is_located_at_the_change(change: str, message: str) -> None:
    (problem,) = _problems(_estate(), change)
    assert problem == f"changes[0] '{change}': {message}"


def test_a_step_shifted_below_zero_is_located_in_the_step_function() -> None:
    steps = [{"id": "team", "capacity": 4, "capacity_changes": [{"day": 3, "capacity": 1}]}]
    (problem,) = _problems(instance(tiny(resources=steps)), "resources.team.capacity=-2")
    assert problem == (
        "changes[0] 'resources.team.capacity=-2': resources.team.capacity_changes[0].capacity:"
        " must be at least 0, got -1"
    )


def test_a_revalidation_problem_goes_to_the_change_of_that_item() -> None:
    problems = _problems(_estate(), "horizon_days=3", "lines.A.fixed_restart=5")
    assert problems == [
        "changes[1] 'lines.A.fixed_restart=5': lines.A.fixed_restart: 5 is not a day of the horizon (0..2)"
    ]


def test_every_bad_change_is_listed() -> None:
    problems = _problems(_estate(), "resources.x.capacity=1", "horizon_days=10", "lines.Z.release_day=1")
    assert [p.split(" ")[0] for p in problems] == ["changes[0]", "changes[2]"]


def test_a_change_keeps_the_place_it_was_written() -> None:
    change = parse_change("resources.x.capacity=1", place="scenarios[3].changes[1]")
    (problem,) = _problems(_estate(), change)
    assert problem.startswith("scenarios[3].changes[1] 'resources.x.capacity=1': unknown resource 'x'")


def test_parse_change_reports_bad_syntax() -> None:
    with pytest.raises(InstanceError, match=r"changes\[0\] 'capacity': expected PATH=VALUE"):
        parse_change("capacity")


def test_resolve_names_what_a_change_addresses() -> None:
    inst = _estate()
    assert resolve(inst, "plants.p.staff.production=+1") == Address("plants", "p", ("staff", "production"))
    assert resolve(inst, "materials.seats.supply.from_day=0") == Address(
        "materials", "seats", ("supply", "from_day")
    )
    assert resolve(inst, "horizon_days=3") == Address(None, None, ("horizon_days",))


# --- scenarios -----------------------------------------------------------------------------


def _scenario_file(tmp_path: Path, content: Any) -> Path:
    path = tmp_path / "scenarios.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_scenario_file_gives_named_scenarios_in_order(tmp_path: Path) -> None:
    path = _scenario_file(
        tmp_path,
        {
            "scenarios": [
                {"name": "more teams", "changes": ["resources.ot.capacity=+2", "horizon_days=12"]},
                {"name": "seats early", "changes": ["materials.seats.supply.from_day=0"]},
            ]
        },
    )
    scenarios = load_scenarios(path)
    assert [s.name for s in scenarios] == ["more teams", "seats early"]
    assert [c.text for c in scenarios[0].changes] == ["resources.ot.capacity=+2", "horizon_days=12"]
    assert scenarios[1].changes[0].place == "scenarios[1].changes[0]"


def test_scenario_file_errors_are_located_in_the_file(tmp_path: Path) -> None:
    path = _scenario_file(
        tmp_path,
        {
            "scenarios": [
                {"name": "a", "changes": ["horizon_days=12"]},
                {"name": "a", "changes": ["horizon_days", "lines.A.release_day=5%"]},
            ]
        },
    )
    with pytest.raises(InstanceError) as err:
        load_scenarios(path)
    assert err.value.source == str(path)
    assert err.value.problems == [
        "scenarios[1].name: duplicate name 'a' (also scenarios[0])",
        "scenarios[1].changes[0] 'horizon_days': expected PATH=VALUE, for example resources.team.capacity=3",
        "scenarios[1].changes[1] 'lines.A.release_day=5%': a percentage is a signed integer,"
        " e.g. +10% or -5%, not '5%'",
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ({"scenarios": [{"name": "a", "changes": [3]}]}, "scenarios[0].changes[0]: expected a string, got 3"),
        ({"scenarios": [{"name": "a", "changes": []}]}, "scenarios[0].changes: must have at least 1 item"),
        ({"scenarios": [{"name": "a", "changes": ["x=1"], "why": "?"}]}, "scenarios[0].why: unknown field"),
        ({"scenario": []}, "scenarios: missing field"),
        ("{not json", "invalid JSON"),
        (
            '{"scenarios": [{"name": "a", "name": "b", "changes": ["x=1"]}]}',
            "scenarios[0].name: given 2 times",
        ),
        ('{"scenarios": ' + "[" * 40 + "]" * 40 + "}", "scenarios[0][0]"),
    ],
)
def test_a_malformed_scenario_file_is_rejected(tmp_path: Path, content: Any, problem: str) -> None:
    with pytest.raises(InstanceError) as err:
        load_scenarios(_scenario_file(tmp_path, content))
    assert any(p.startswith(problem) for p in err.value.problems), err.value.problems


def test_a_missing_scenario_file_is_an_instance_error(tmp_path: Path) -> None:
    with pytest.raises(InstanceError, match="cannot read the file"):
        load_scenarios(tmp_path / "none.json")


def test_scenario_parses_strings_and_single_is_named_after_the_change() -> None:
    scenario = Scenario("both", ["resources.ot.capacity=+1", parse_change("horizon_days=5")])
    assert [c.operation for c in scenario.changes] == ["add", "set"]
    single = Scenario.single("lines.A.release_day=3")
    assert (single.name, len(single.changes)) == ("lines.A.release_day=3", 1)
