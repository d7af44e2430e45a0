"""planner.decisions.whatif: scenarios against the base, prices per unit, marginal values, monotonicity."""

from __future__ import annotations

import json
from typing import Any

import pytest

import planner.decisions.whatif as whatif_module
from planner.decisions.changes import Scenario, apply_changes
from planner.decisions.whatif import WhatIf, marginal, marginal_scenarios, whatif
from planner.errors import InstanceError
from planner.formats.read import load_instance
from planner.formats.schema import Instance
from planner.verify import verify

from helpers import EXAMPLES, instance, record_time_limits, tiny
from random_instances import random_instance, trap_of

FAST: dict[str, Any] = {"time_limit": 5.0, "workers": 1, "seed": 0, "processes": 1}


def _checked(inst: Instance, scenarios: list[Any], **options: Any) -> WhatIf:
    """whatif with one worker and seed 0; the base plan and every scenario's plan must verify."""
    found = whatif(inst, scenarios, **{**FAST, **options})
    _verify_all(inst, found)
    return found


def _verify_all(inst: Instance, found: WhatIf) -> None:
    report = verify(inst, found.base.plan)
    assert report.ok, report.summary()
    for scenario in found.scenarios:
        report = verify(scenario.instance, scenario.plan)
        assert report.ok, f"{scenario.name}: {report.summary()}"


def _two_systems(**changes: Any) -> Instance:
    """Line A (10 a day, value 1) needs s1 and s2, 2 days each, one team: restart day 4, lost 40."""
    systems = [
        {"id": "s1", "name": "s1", "duration_days": 2, "demand": {"team": 1}},
        {"id": "s2", "name": "s2", "duration_days": 2, "demand": {"team": 1}},
    ]
    data = tiny(systems=systems, **changes)
    data["lines"][0]["systems"] = ["s1", "s2"]
    return instance(data)


def _supplier(from_day: int = 6) -> Instance:
    """tiny() whose line uses one seat a car, 10 seats a day delivered from `from_day`: lost 60."""
    data = tiny()
    data["materials"].append(
        {"id": "seats", "name": "seats", "supply": {"per_day": 10, "from_day": from_day}}
    )
    data["resources"].append({"id": "spare", "capacity": 1})
    data["lines"][0]["inputs"] = {"seats": 1}
    return instance(data)


# --- comparing scenarios with the base -------------------------------------------------------


def test_each_scenario_is_compared_with_the_base() -> None:
    found = _checked(_two_systems(), ["resources.team.capacity=+1", "systems.s1.duration_days=1"])
    assert (found.base.status, found.base.plan.lost_value) == ("optimal", 40)
    more, shorter = found.scenarios
    assert (more.name, more.changes, more.status) == ("resources.team.capacity=+1", (more.name,), "optimal")
    assert (more.lost_value, more.lost_units, more.delta_value) == (20, 20, -20)
    assert more.restart_changes == {"A": (4, 2)}
    assert (shorter.lost_value, shorter.delta_value, shorter.restart_changes) == (30, -10, {"A": (4, 3)})
    assert (more.objective, more.bound) == (20, 20)


def test_capacity_is_priced_per_extra_team_day() -> None:
    (more,) = _checked(_two_systems(), ["resources.team.capacity=+1"]).scenarios
    # +1 team on each of the 10 days saves 20.
    assert (more.value_per_unit, more.unit) == (2.0, "value units per extra team-day")


def test_team_days_count_only_the_days_the_extra_capacity_is_in_force() -> None:
    steps = [{"id": "team", "capacity": 1, "capacity_changes": [{"day": 5, "capacity": 1}]}]
    (more,) = _checked(_two_systems(resources=steps), ["resources.team.capacity=2"]).scenarios
    # The second team is there on days 0-4 only: 5 team-days save 20.
    assert (more.delta_value, more.value_per_unit) == (-20, 4.0)


def test_shorter_clearance_is_priced_per_day_shorter() -> None:
    (shorter,) = _checked(_two_systems(), ["systems.s1.duration_days=-1"]).scenarios
    assert (shorter.value_per_unit, shorter.unit) == (10.0, "value units per day shorter")


def test_a_supplier_back_earlier_is_priced_per_day_earlier() -> None:
    (earlier,) = _checked(_supplier(6), ["materials.seats.supply.from_day=3"]).scenarios
    assert (earlier.lost_value, earlier.delta_value) == (30, -30)
    assert (earlier.value_per_unit, earlier.unit) == (10.0, "value units per day earlier")


def test_staff_is_priced_per_extra_person() -> None:
    inst = load_instance(EXAMPLES / "04-staff-and-shifts.json")
    (more,) = _checked(inst, ["plants.plant.staff.operators=+10%"]).scenarios
    assert more.status == "optimal"
    assert more.delta_value is not None
    # 12 operators + 10% = 14: two extra people.
    assert (more.value_per_unit, more.unit) == (-more.delta_value / 2, "value units per extra person")


def test_a_scenario_of_several_changes_has_no_price_per_unit() -> None:
    both = Scenario("both", ["resources.team.capacity=+1", "systems.s1.duration_days=1"])
    (result,) = _checked(_two_systems(), [both]).scenarios
    assert (result.name, result.changes) == (
        "both",
        ("resources.team.capacity=+1", "systems.s1.duration_days=1"),
    )
    # s1 (1 day) and s2 (2 days) side by side: restart day 2.
    assert (result.lost_value, result.value_per_unit, result.unit) == (20, None, None)


def test_a_scenario_without_a_plan_has_no_delta() -> None:
    (pinned,) = _checked(_two_systems(), ["lines.A.fixed_restart=1"]).scenarios
    assert pinned.status == "infeasible"
    assert (pinned.lost_value, pinned.delta_value, pinned.restart_changes) == (None, None, {})


def test_a_given_base_is_not_solved_again() -> None:
    inst = _two_systems()
    first = _checked(inst, ["resources.team.capacity=+1"])
    again = whatif(inst, ["systems.s1.duration_days=1"], base=first.base, **FAST)
    assert again.base is first.base
    _verify_all(inst, again)


@pytest.mark.parametrize(("processes", "shares"), [(1, 4), (2, 3)])
def test_the_time_limit_bounds_the_whole_what_if(
    monkeypatch: pytest.MonkeyPatch, processes: int, shares: int
) -> None:
    """The base and each round of scenarios solved at once get equal shares of one time limit."""
    given = record_time_limits(monkeypatch, "planner.decisions.whatif")
    changes = ["resources.team.capacity=+1", "systems.s1.duration_days=1", "horizon_days=12"]
    inst = _two_systems()
    found = whatif(inst, changes, **{**FAST, "time_limit": 6.0, "processes": processes})
    _verify_all(inst, found)
    assert found.base.objective == 40  # _two_systems' optimum (its docstring)
    base_share = given[0]
    assert base_share == pytest.approx(6.0 / shares, abs=0.05)
    if processes == 1:  # the scenarios ran in this process, through the recording solve
        assert len(given) == 4
        # The scenarios share what the base left (all of its share, when it ends early).
        assert sum(given[1:]) <= 6.0 and len(set(given[1:])) == 1


def test_parallel_and_sequential_runs_agree() -> None:
    changes = ["resources.team.capacity=+1", "systems.s1.duration_days=1", "horizon_days=12"]
    sequential = _checked(_two_systems(), changes, processes=1)
    parallel = _checked(_two_systems(), changes, processes=2)
    assert parallel.to_json() == sequential.to_json()
    assert [s.name for s in parallel.scenarios] == changes


def test_every_bad_change_is_reported_before_anything_is_solved() -> None:
    with pytest.raises(InstanceError) as err:
        whatif(
            _two_systems(), ["resources.teem.capacity=+1", "lines.A.release_day=2", "horizon_days=0"], **FAST
        )
    assert err.value.problems == [
        "changes[0] 'resources.teem.capacity=+1': unknown resource 'teem' (known: team)",
        "changes[2] 'horizon_days=0': horizon_days: must be at least 1, got 0",
    ]


# --- output ------------------------------------------------------------------------------


def test_to_json_has_the_documented_shape() -> None:
    found = _checked(_two_systems(), ["resources.team.capacity=+1"])
    data = json.loads(json.dumps(found.to_json()))
    assert data["base"] == {"lost_value": 40, "lost_units": 40, "status": "optimal"}
    (scenario,) = data["scenarios"]
    assert {
        "name": "resources.team.capacity=+1",
        "changes": ["resources.team.capacity=+1"],
        "lost_value": 20,
        "lost_units": 20,
        "status": "optimal",
        "delta_value": -20,
    }.items() <= scenario.items()
    assert (scenario["value_per_unit"], scenario["restart_changes"]) == (2.0, {"A": [4, 2]})


def test_table_has_one_row_per_scenario() -> None:
    found = _checked(_two_systems(), ["resources.team.capacity=+1", "systems.s1.duration_days=1"])
    table = found.table()
    assert list(table["name"]) == ["resources.team.capacity=+1", "systems.s1.duration_days=1"]
    assert list(table["delta_value"]) == [-20, -10]
    assert list(table["restart_changes"]) == ["A 4->2", "A 4->3"]


def test_text_shows_figures_deltas_prices_and_restart_moves() -> None:
    text = _checked(_two_systems(), ["resources.team.capacity=+1"]).text()
    assert "base optimal, lost value 40 value units, lost units 40" in text
    assert "£" not in text  # the instance names no currency
    (row,) = [line for line in text.splitlines() if line.startswith("resources.team")]
    figures = ["resources.team.capacity=+1", "optimal", "20", "20", "-20", "20"]  # optimal: saves 20 at most
    assert row.split() == [*figures, "2", "value", "units", "per", "extra", "team-day", "A", "4->2"]


def test_text_says_amounts_in_the_instances_value_unit() -> None:
    inst = _two_systems(value_unit={"currency": "GBP", "scale": 100})  # a value of 1 is £100
    compared = _checked(inst, ["resources.team.capacity=+1"])
    text = compared.text()
    assert "base optimal, lost value £4,000, lost units 40" in text
    assert "lost value (£)" in text and "delta (£)" in text
    (row,) = [line for line in text.splitlines() if line.startswith("resources.team")]
    assert row.split()[2:6] == ["£2,000", "20", "-£2,000", "£2,000"]
    assert "£200 per extra team-day" in row
    assert compared.to_json()["value_unit"] == {"currency": "GBP", "scale": 100}
    assert compared.to_json()["base"]["lost_value"] == 40  # JSON keeps the file's integers


# --- marginal values ------------------------------------------------------------------------


def test_marginal_scenarios_of_example_instances() -> None:
    staff = load_instance(EXAMPLES / "04-staff-and-shifts.json")
    assert [s.name for s in marginal_scenarios(staff)] == ["plants.plant.staff.operators=+10%"]
    parts = load_instance(EXAMPLES / "05-parts-gate-and-lead-time.json")
    late = apply_changes(parts, ["materials.wheel.supply.from_day=9"])
    assert [s.name for s in marginal_scenarios(late)] == [
        "resources.sec-team.capacity=+1",
        "materials.wheel.supply.from_day=2",
    ]
    assert [s.name for s in marginal_scenarios(parts)] == ["resources.sec-team.capacity=+1"]  # from day 0


def test_marginal_scenarios_floor_a_supplier_at_day_zero_and_skip_empty_pools() -> None:
    inst = apply_changes(_supplier(3), ['plants.p.staff={"idle": 0, "crew": 2}'])
    assert [s.name for s in marginal_scenarios(inst)] == [
        "resources.team.capacity=+1",
        "resources.spare.capacity=+1",
        "plants.p.staff.crew=+10%",
        "materials.seats.supply.from_day=0",
    ]


def test_marginal_ranks_the_biggest_saving_first() -> None:
    inst = _supplier(6)
    found = marginal(inst, **FAST)
    _verify_all(inst, found)
    assert found.scenarios[0].name == "materials.seats.supply.from_day=0"
    savings = [s.saving for s in found.scenarios]
    assert savings == sorted(savings, key=lambda s: -(s or 0)) and savings[0] == 40


# --- the property: more capacity, staff or supply never loses more ------------------------------

EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("*.json"))
RANDOM_SEEDS = [s for s in range(40) if trap_of(s, objective="lost_value") is None]


def _more_of_everything(inst: Instance) -> list[Scenario]:
    """The marginal levers, plus every supplier back on day 0 and a larger step on capacity."""
    extra = [Scenario.single(f"resources.{r.id}.capacity=+2") for r in inst.resources]
    extra += [
        Scenario.single(f"materials.{m.id}.supply.from_day=0")
        for m in inst.materials
        if m.supply is not None and 0 < m.supply.from_day <= 7
    ]
    return marginal_scenarios(inst) + extra


def _assert_never_worse(inst: Instance) -> None:
    found = _checked(inst, _more_of_everything(inst))
    assert found.base.status == "optimal"
    assert found.base.objective is not None
    for scenario in found.scenarios:
        assert scenario.status == "optimal", scenario.name
        assert scenario.objective is not None
        assert scenario.objective <= found.base.objective, scenario.name


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_more_capacity_staff_or_supply_never_loses_more_on_the_examples(name: str) -> None:
    _assert_never_worse(load_instance(EXAMPLES / name))


def test_more_capacity_staff_or_supply_never_loses_more_on_random_instances() -> None:
    assert len(RANDOM_SEEDS) > 25
    for seed in RANDOM_SEEDS:
        _assert_never_worse(random_instance(seed, objective="lost_value"))


def test_a_scenario_plan_that_keeps_the_base_rules_counts_for_the_base() -> None:
    """A base stopped at a poor plan must not make a change that does not bind look valuable."""
    from planner.solve import solve

    inst = load_instance(EXAMPLES / "01-precedence-and-one-team.json")
    pinned = inst.model_dump(mode="json", by_alias=True, exclude_unset=True)
    pinned["systems"] = [
        s | {"fixed_start": {"plc-b": 1, "plc-a": 3}[s["id"]]} if s["id"] in ("plc-a", "plc-b") else s
        for s in pinned["systems"]
    ]
    poor = solve(instance(pinned), time_limit=5, workers=1, seed=0).plan  # B first: 390, not 380
    base = solve(inst, hint=poor, time_limit=0, workers=1, seed=0)  # no search: the poor plan
    assert (base.objective, base.status) == (390, "feasible")
    found = whatif(
        inst, ["systems.email.release_day=1"], base=base, time_limit=5, workers=1, seed=0, processes=1
    )
    (scenario,) = found.scenarios
    assert scenario.status == "optimal" and scenario.objective == 380
    assert found.base.objective == 380  # the scenario's plan is a plan of the base too
    assert scenario.delta_value == 0
    for inst_, result in ((inst, found.base), (scenario.instance, scenario.result)):
        assert verify(inst_, result.plan).ok


# --- the saving's proven interval --------------------------------------------------------------


def _unproven_and_exact(inst: Instance, scenarios: list[Scenario]) -> tuple[WhatIf, WhatIf]:
    """The what-if without a search (the warm starts and their bounds), and solved to optimality."""
    from planner.solve import solve

    unproven = whatif(
        inst,
        scenarios,
        base=solve(inst, time_limit=0, workers=1, seed=0),
        time_limit=0,
        workers=1,
        processes=1,
    )
    _verify_all(inst, unproven)
    exact = _checked(inst, scenarios, time_limit=20.0)
    assert exact.base.status == "optimal"
    assert all(s.status == "optimal" for s in exact.scenarios)
    return unproven, exact


def test_the_proven_interval_holds_the_true_saving_on_random_instances() -> None:
    compared = 0
    for seed in RANDOM_SEEDS[:10]:
        inst = random_instance(seed, objective="lost_value")
        unproven, exact = _unproven_and_exact(inst, marginal_scenarios(inst)[:3])
        for rough, true in zip(unproven.scenarios, exact.scenarios, strict=True):
            assert true.least_saving == true.saving == true.most_saving, true.name
            assert true.settled
            if rough.least_saving is None or rough.most_saving is None:
                continue
            assert rough.least_saving <= true.saving <= rough.most_saving, (seed, rough.name)
            compared += 1
    assert compared >= 10


def test_an_unsettled_saving_is_said_plainly() -> None:
    inst = load_instance(EXAMPLES / "01-precedence-and-one-team.json")
    change = marginal_scenarios(inst)[0]
    unproven, exact = _unproven_and_exact(inst, [change])
    (rough,) = unproven.scenarios
    assert rough.most_saving is not None and rough.least_saving is not None
    assert not rough.settled
    assert f"Not settled: {change.name}." in unproven.text()
    assert unproven.to_json()["scenarios"][0]["settled"] is False
    assert exact.base.objective == 380  # the example's optimum (spec/examples)
    assert "Not settled" not in exact.text()
    assert exact.to_json()["scenarios"][0]["settled"] is True


def _looser(inst: Instance, one: list[str], other: list[str]) -> bool:
    from planner.problem.data import ProblemData

    versions = [ProblemData.from_instance(apply_changes(inst, changes)) for changes in (one, other)]
    return whatif_module._looser(*versions)


def test_looser_versions_are_told_by_their_limits_alone() -> None:
    inst = _two_systems()
    loosening = [
        ["resources.team.capacity=+1"],
        ["systems.s1.duration_days=1"],
        ["systems.s2.release_day=0", "resources.team.capacity=+2"],
    ]
    for changes in loosening:
        assert _looser(inst, changes, []), changes
        assert not _looser(inst, [], changes), changes
    assert _looser(inst, [], [])
    mixed = ["resources.team.capacity=+1", "systems.s1.duration_days=3"]
    assert not _looser(inst, mixed, []) and not _looser(inst, [], mixed)
    assert not _looser(inst, ["objective=lost_units"], []) and not _looser(inst, [], ["objective=lost_units"])


def test_a_slip_is_bounded_below_by_the_base_and_its_interval_holds_the_true_cost() -> None:
    from planner.solve import solve

    compared = 0
    for seed in RANDOM_SEEDS[:10]:
        inst = random_instance(seed, objective="lost_value")
        slips = [f"systems.{s.id}.duration_days=+2" for s in inst.systems if s.duration_days is not None][:2]
        if not slips:
            continue
        base = solve(inst, time_limit=20, workers=1, seed=0)
        assert base.status == "optimal" and base.bound is not None
        rough = whatif(inst, slips, base=base, time_limit=0, workers=1, processes=1)
        _verify_all(inst, rough)
        exact = _checked(inst, slips, time_limit=20.0)
        for slip, true in zip(rough.scenarios, exact.scenarios, strict=True):
            if slip.bound is None or true.saving is None:
                continue
            assert true.status == "optimal"
            assert slip.bound >= base.bound  # a slip never loses less than the base's optimum
            assert slip.least_saving is not None and slip.most_saving is not None
            assert slip.least_saving <= true.saving <= slip.most_saving, (seed, slip.name)
            compared += 1
    assert compared >= 5
