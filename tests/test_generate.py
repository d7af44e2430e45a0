"""The instance generator: deterministic, valid, near its size targets, realistic, solvable."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import pytest

from planner.diagnosis.structural import structural_reasons
from planner.formats.read import load_instance, load_plan, parse_instance
from planner.formats.schema import Instance
from planner.problem.generate import SIZES, generate, instance_json
from planner.verify import verify

from helpers import solve_checked
from random_instances import FEATURES, feature_flags

SEEDS = (0, 1, 2)

# What the generator never does: other objectives (it is about lost value),
# unsorted step functions, and an input nobody supplies or makes.
NOT_GENERATED = {
    "objective:lost_units",
    "objective:makespan",
    "resource:changes_unsorted",
    "material:stock_only_input",
    "line:no_systems",
}


@functools.cache
def generated(size: str, seed: int) -> Instance:
    return generate(size, seed)


def test_same_seed_gives_the_same_bytes() -> None:
    for size in SIZES:
        assert instance_json(generate(size, 7)) == instance_json(generate(size, 7))


def test_different_seeds_differ() -> None:
    for size in SIZES:
        assert instance_json(generated(size, 0)) != instance_json(generated(size, 1))


@pytest.mark.parametrize("size", list(SIZES))
def test_every_size_validates_and_round_trips(size: str) -> None:
    for seed in SEEDS:
        inst = generated(size, seed)
        assert inst.name == f"{size}-s{seed}"
        assert parse_instance(instance_json(inst)) == inst


@pytest.mark.parametrize("size", list(SIZES))
def test_sizes_hit_their_targets(size: str) -> None:
    target = SIZES[size]
    for seed in SEEDS:
        inst = generated(size, seed)
        assert inst.horizon_days == target.days
        assert abs(len(inst.lines) - target.lines) <= max(1, target.lines // 10)
        assert abs(len(inst.systems) - target.systems) <= target.systems // 10
        assert abs(len(inst.materials) - target.materials) <= max(2, target.materials // 10)
        assert target.plants - 1 <= len(inst.plants) <= target.plants


def test_unknown_size_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown size 'huge'"):
        generate("huge", 0)


def test_every_feature_of_the_contract_appears() -> None:
    seen: set[str] = set()
    for size in SIZES:
        for seed in SEEDS:
            seen |= feature_flags(generated(size, seed))
    assert FEATURES - NOT_GENERATED - seen == set()


# The features every medium (and larger) instance carries by construction.
EVERY_MEDIUM = {
    "start_date",
    "system:after",
    "system:release_day",
    "system:modes",
    "system:cleared",
    "system:fixed_start",
    "system:no_demand",
    "resource:capacity_changes",
    "resource:capacity_zero",
    "plant:workdays_default",
    "plant:closed_days",
    "plant:staff_changes",
    "plant:staff_zero",
    "line:crew_per_shift",
    "line:max_shifts_3",
    "line:baseline_shifts",
    "line:ramp_up",
    "line:commissioning_demand",
    "line:release_day",
    "line:fixed_restart_positive",
    "line:fixed_restart_negative",
    "material:on_hand",
    "material:supply_from_day",
    "material:supply_ordering_system",
    "material:supply_lead_days",
    "material:supply_changes",
    "material:intermediate",
    "material:finished_value_positive",
    "material:finished_value_zero",
}


@pytest.mark.parametrize("size", ["medium", "large", "xl"])
def test_a_medium_or_larger_instance_has_the_main_features_on_its_own(size: str) -> None:
    for seed in SEEDS:
        assert EVERY_MEDIUM - feature_flags(generated(size, seed)) == set()


def test_forced_decisions_have_no_structural_conflict() -> None:
    for size in SIZES:
        for seed in SEEDS:
            assert structural_reasons(generated(size, seed)) == []


def test_plants_have_the_press_body_paint_assembly_chain() -> None:
    inst = generated("medium", 0)
    values = {m.id: m.value for m in inst.materials}
    makers = {ln.output: ln for ln in inst.lines}
    assemblies = [ln for ln in inst.lines if values[ln.output] > 0 and ln.id.split("-")[1] == "assembly"]
    assert assemblies
    for asm in assemblies:
        painted = next(m for m in asm.inputs if m.startswith("painted-"))
        body = next(m for m in makers[painted].inputs if m.startswith("body-"))
        assert any(m.startswith("pressings-") for m in makers[body].inputs)
        powertrain = [m for m in asm.inputs if m.startswith(("engine-", "battery-"))]
        assert powertrain and all(makers[m].plant != asm.plant for m in powertrain)
    intermediates = {m for ln in inst.lines for m in ln.inputs if m in makers}
    assert intermediates and all(values[m] == 0 for m in intermediates)


def test_supply_waits_for_ordering_systems_and_recovers() -> None:
    inst = generated("large", 0)
    supplied = [m for m in inst.materials if m.supply is not None]
    ordering = {m.supply.ordering_system for m in supplied if m.supply is not None}
    assert {"calloffs-uk", "payments", "ckd-export"} <= ordering
    rising = [
        m
        for m in supplied
        if m.supply is not None and m.supply.changes and m.supply.changes[-1].per_day > m.supply.per_day
    ]
    assert rising


def test_staff_and_teams_only_grow() -> None:
    for size in SIZES:
        inst = generated(size, 0)
        for res in inst.resources:
            caps = [res.capacity] + [c.capacity for c in sorted(res.capacity_changes, key=lambda c: c.day)]
            assert caps == sorted(caps)
        for plant in inst.plants:
            for pool, start in plant.staff.items():
                steps = sorted((c.day, c.headcount) for c in plant.staff_changes if c.pool == pool)
                counts = [start] + [n for _, n in steps]
                assert counts == sorted(counts)


@pytest.mark.parametrize("seed", SEEDS)
def test_tiny_instances_solve(seed: int) -> None:
    result = solve_checked(generated("tiny", seed), time_limit=5)
    assert result.status in ("optimal", "feasible")
    restarts = [ln.restart_day for ln in result.plan.lines]
    assert all(r is not None and r > 0 for r in restarts)  # nothing runs before its clearance


@pytest.mark.parametrize("seed", (0, 1))
def test_small_instances_solve(seed: int) -> None:
    result = solve_checked(generated("small", seed), time_limit=6)
    assert result.status in ("optimal", "feasible")
    restarts = sorted(ln.restart_day for ln in result.plan.lines if ln.restart_day is not None)
    assert len(restarts) >= len(result.plan.lines) - 1
    assert restarts[-1] - max(0, restarts[0]) >= 3  # restarts are spread, not all on one day


def test_the_committed_set_is_what_the_generator_makes() -> None:
    folder = Path(__file__).resolve().parents[1] / "instances" / "generated"
    rows = list(csv.DictReader((folder / "index.csv").open()))
    assert rows
    for row in rows:
        inst = generate(row["size"], int(row["seed"]))
        assert inst.name == row["name"]
        assert (folder / f"{row['name']}.json").read_text() == instance_json(inst)
        assert int(row["lines"]) == len(inst.lines) and int(row["days"]) == inst.horizon_days


def test_every_best_known_value_is_a_checked_plan_of_its_instance() -> None:
    """index.csv's best_known is the value of best/NAME.json, which passes the checker."""
    folder = Path(__file__).resolve().parents[1] / "instances" / "generated"
    for row in csv.DictReader((folder / "index.csv").open()):
        plan = load_plan(folder / "best" / f"{row['name']}.json")
        report = verify(load_instance(folder / f"{row['name']}.json"), plan)
        assert report.ok, f"{row['name']}: {report.summary()}"
        assert plan.objective.value == int(row["best_known"]), row["name"]
        assert int(row["bound"]) <= int(row["best_known"]), row["name"]
        assert (row["status"] == "optimal") == (int(row["bound"]) == int(row["best_known"])), row["name"]
