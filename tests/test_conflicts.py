"""Minimal conflicts of infeasible instances (`planner.diagnosis.conflicts`).

Crafted instances whose cause is known must name it; and the defining
property, checked by solves whose plans pass `verify`: for every conflict,
relaxing everything outside it leaves the instance infeasible, relaxing any
one of its reasons on top makes it feasible, and relaxing the first reason of
every conflict together makes the original instance feasible. The same
property is asserted over the infeasible random instances
(tests/random_instances.py).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from planner.diagnosis.conflicts import (
    Conflict,
    ConflictReport,
    Group,
    candidate_groups,
    conflicts,
    feasibility,
    relaxed,
)
from planner.diagnosis.structural import structural_reasons
from planner.formats.read import parse_instance
from planner.formats.schema import Instance
from planner.solve import solve
from planner.verify import verify

from helpers import solve_checked
from random_instances import random_instance, trap_of

ALL_DAYS = [0, 1, 2, 3, 4, 5, 6]


# --- building tiny instances ---------------------------------------------------------------


def tiny(
    *,
    horizon: int = 10,
    objective: str = "lost_value",
    capacity: int = 1,
    systems: list[dict[str, Any]] | None = None,
    lines: list[dict[str, Any]] | None = None,
    staff: int = 10,
) -> Instance:
    """One resource 'team', one plant 'plant' (pool 'ops', every day worked), one valued material."""
    d = {
        "format": "restart-instance/1",
        "name": "tiny",
        "horizon_days": horizon,
        "objective": objective,
        "resources": [{"id": "team", "capacity": capacity}],
        "systems": systems or [],
        "plants": [{"id": "plant", "name": "Plant", "workdays": ALL_DAYS, "staff": {"ops": staff}}],
        "materials": [{"id": "car", "name": "Car", "value": 1}],
        "lines": lines or [],
    }
    return parse_instance(json.dumps(d))


def system(sid: str, days: int, team: int = 1, **extra: Any) -> dict[str, Any]:
    return {"id": sid, "name": sid, "duration_days": days, "demand": {"team": team}, **extra}


def line(lid: str, **extra: Any) -> dict[str, Any]:
    return {"id": lid, "name": lid, "plant": "plant", "output": "car", "rate_per_shift": 10, **extra}


COMMISSIONED = {"days": 2, "demand": {"team": 1}}
CHAIN = [system("idp", 2), system("erp", 3, after=["idp"]), system("mes", 4, after=["erp"])]

CRAFTED: dict[str, tuple[Instance, list[str], list[str]]] = {
    # name: (instance, the conflict's places, words its sentences must contain)
    "fixed_restart_before_system_chain": (
        tiny(systems=CHAIN, lines=[line("A", systems=["mes"], fixed_restart=6)]),
        ["lines[0].fixed_restart"],
        ["lines[0] 'A'.fixed_restart=6", "before day 9", "idp (2 days) -> erp (3 days) -> mes (4 days)"],
    ),
    "two_fixed_restarts_share_one_team": (
        tiny(
            lines=[
                line("A", commissioning=COMMISSIONED, fixed_restart=5),
                line("B", commissioning=COMMISSIONED, fixed_restart=5),
            ]
        ),
        ["lines[0].fixed_restart", "lines[1].fixed_restart", "resources[0].capacity"],
        [
            "resources[0] 'team'.capacity=1",
            "commissioning 'A' (1)",
            "days 3-4",
            "lines[1] 'B'.fixed_restart=5",
        ],
    ),
    "staff_too_low_for_fixed_restart": (
        tiny(staff=2, lines=[line("A", crew_per_shift={"ops": 3}, fixed_restart=4)]),
        ["lines[0].fixed_restart", "plants[0].staff.ops"],
        ["plants[0] 'plant'.staff.ops=2", "needs 3 of pool 'ops'", "'A' (3)"],
    ),
    "horizon_too_short_under_makespan": (
        tiny(horizon=6, objective="makespan", systems=CHAIN, lines=[line("A", systems=["mes"])]),
        ["horizon_days", "objective"],
        ["horizon_days=6", "objective=makespan", "horizon of 6 days", "before day 5"],
    ),
    "release_day_after_fixed_restart": (
        tiny(lines=[line("A", release_day=5, fixed_restart=3)]),
        ["lines[0].release_day", "lines[0].fixed_restart"],
        ["lines[0] 'A'.release_day=5", "lines[0] 'A'.fixed_restart=3 is before its release_day 5"],
    ),
    "fixed_start_collision": (
        tiny(systems=[system("erp", 3, fixed_start=1), system("mes", 2, fixed_start=2)]),
        ["systems[0].fixed_start", "systems[1].fixed_start", "resources[0].capacity"],
        ["systems[1] 'mes'.fixed_start=2", "must start on day 2", "clearing 'erp' (1)"],
    ),
}


def report_of(inst: Instance) -> ConflictReport:
    return conflicts(inst, time_limit=20.0, check_time_limit=2.0, workers=1, seed=0)


# --- the property, checked by solves ---------------------------------------------------------------


def has_verified_plan(inst: Instance) -> bool:
    result = solve(inst, time_limit=5.0, workers=1, seed=0)
    if result.status not in ("optimal", "feasible"):
        return False
    assert verify(inst, result.plan).ok
    return True


def is_infeasible(inst: Instance) -> bool:
    return bool(structural_reasons(inst)) or feasibility(inst, time_limit=5.0) == "infeasible"


def assert_minimal_conflict(inst: Instance, conflict: Conflict) -> None:
    """Everything else relaxed: infeasible; any one reason relaxed too: a verified plan."""
    groups = candidate_groups(inst)
    inside = {r.group for r in conflict.reasons}
    outside = [g for g in groups if g not in inside]
    assert conflict.proven and conflict.minimal
    assert is_infeasible(relaxed(inst, outside)), conflict.places
    for g in inside:
        assert has_verified_plan(relaxed(inst, [*outside, g])), g.place


def assert_resolved(inst: Instance, report: ConflictReport) -> None:
    """Relaxing the first reason of every conflict together gives a verified plan."""
    assert report.resolved
    first: list[Group] = [c.reasons[0].group for c in report.conflicts]
    assert has_verified_plan(relaxed(inst, first))


# --- crafted instances -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_conflict_names_the_known_cause(name: str) -> None:
    inst, places, words = CRAFTED[name]
    report = report_of(inst)
    assert report.status == "explained"
    assert len(report.conflicts) == 1
    assert sorted(report.conflicts[0].places) == sorted(places)
    text = "\n".join(report.explanation())
    for word in words:
        assert word in text, f"{word!r} not in:\n{text}"


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_each_reason_of_a_crafted_conflict_is_necessary(name: str) -> None:
    inst = CRAFTED[name][0]
    report = report_of(inst)
    (conflict,) = report.conflicts
    assert_minimal_conflict(inst, conflict)
    assert_resolved(inst, report)
    for reason in conflict.reasons:  # a single conflict: each reason alone resolves the instance
        assert reason.resolves_alone
        assert has_verified_plan(relaxed(inst, [reason.group]))


def test_two_independent_conflicts_are_both_reported() -> None:
    inst = tiny(
        lines=[
            line("A", release_day=5, fixed_restart=3),
            line("B", commissioning=COMMISSIONED, fixed_restart=5),
            line("C", commissioning=COMMISSIONED, fixed_restart=5),
        ]
    )
    report = report_of(inst)
    assert [sorted(c.places) for c in report.conflicts] == [
        ["lines[0].fixed_restart", "lines[0].release_day"],
        ["lines[1].fixed_restart", "lines[2].fixed_restart", "resources[0].capacity"],
    ]
    for conflict in report.conflicts:
        assert_minimal_conflict(inst, conflict)
        assert not any(r.resolves_alone for r in conflict.reasons)
    assert_resolved(inst, report)
    assert report.explanation()[0].startswith("Conflict 1 of 2")


def test_feasible_instance_has_no_conflict() -> None:
    report = report_of(tiny(lines=[line("A", fixed_restart=3)]))
    assert report.status == "feasible" and not report.conflicts


def test_relaxations_only_add_plans() -> None:
    """The relaxation of every group keeps a feasible instance feasible (and longer horizons staffed)."""
    inst = tiny(
        horizon=8,
        staff=3,
        systems=[system("erp", 2, release_day=1)],
        lines=[line("A", systems=["erp"], crew_per_shift={"ops": 3}, fixed_restart=-2)],
    )
    assert has_verified_plan(inst)
    groups = candidate_groups(inst)
    assert {g.place for g in groups} == {
        "horizon_days",
        "resources[0].capacity",
        "plants[0].staff.ops",
        "systems[0].release_day",
        "lines[0].fixed_restart",
    }
    for g in groups:
        assert has_verified_plan(relaxed(inst, [g])), g.place
    assert has_verified_plan(relaxed(inst, groups))


# --- random instances --------------------------------------------------------------------------------


def infeasible_random_instances(count: int) -> list[tuple[str, Instance]]:
    """The first `count` generated instances (traps or structural reasons), both objectives."""
    found = []
    for seed in range(400):
        for objective in ("lost_value", "makespan"):
            inst = random_instance(seed, objective=objective)
            if trap_of(seed, objective=objective) is not None or structural_reasons(inst):
                found.append((f"{seed}/{objective}", inst))
        if len(found) >= count:
            return found[:count]
    return found


def test_random_infeasible_instances_get_minimal_conflicts() -> None:
    checked = 0
    kinds: set[str] = set()
    for name, inst in infeasible_random_instances(40):
        report = report_of(inst)
        if report.status == "feasible":
            continue  # a trap that the rest of the instance happened to absorb
        assert report.status == "explained", name
        for conflict in report.conflicts:
            if not conflict.minimal:
                continue
            assert_minimal_conflict(inst, conflict)
            kinds |= {r.group.kind for r in conflict.reasons}
            checked += 1
        if report.resolved:
            assert_resolved(inst, report)
    assert checked >= 30
    assert kinds >= {"fixed_restart", "fixed_start", "horizon", "objective", "staff", "capacity"}


def test_a_check_out_of_time_is_no_proof() -> None:
    """Without time for CP-SAT, a conflict that needs a search is not claimed."""
    inst = CRAFTED["two_fixed_restarts_share_one_team"][0]
    report = conflicts(inst, time_limit=0.0, workers=1, seed=0)
    assert report.status == "unknown"
    assert not report.conflicts
    assert "no conflict could be proven" in report.explanation()[0]


def test_assumption_seed_finds_the_core_among_many_candidates() -> None:
    """The CP-SAT seed (assumption literals, capacity slack) keeps the conflict and drops the rest."""
    from planner.diagnosis.conflicts import _Oracle, _seed

    bystanders = [line(f"X{k}", release_day=k + 1) for k in range(5)]
    inst = tiny(
        horizon=12,
        lines=[
            line("A", commissioning=COMMISSIONED, fixed_restart=5),
            line("B", commissioning=COMMISSIONED, fixed_restart=5),
            *bystanders,
        ],
    )
    groups = candidate_groups(inst)
    oracle = _Oracle(inst, groups, deadline=float("inf"), check_limit=5.0, workers=1, seed=0)
    core = _seed(inst, groups, frozenset(), oracle)
    assert core is not None
    places = {groups[k].place for k in core}
    assert places >= {"lines[0].fixed_restart", "lines[1].fixed_restart", "resources[0].capacity"}
    assert not any(p.endswith("release_day") for p in places)
    report = report_of(inst)
    assert sorted(report.conflicts[0].places) == [
        "lines[0].fixed_restart",
        "lines[1].fixed_restart",
        "resources[0].capacity",
    ]
    assert_minimal_conflict(inst, report.conflicts[0])


def test_solve_names_the_conflict_when_the_search_proves_infeasibility() -> None:
    inst = CRAFTED["two_fixed_restarts_share_one_team"][0]
    assert structural_reasons(inst) == []  # so the search, not the checks, proves it
    result = solve_checked(inst, time_limit=10)
    assert result.status == "infeasible"
    text = "\n".join(result.explanation)
    assert "lines[0] 'A'.fixed_restart=5" in text
    assert "lines[1] 'B'.fixed_restart=5" in text
    assert "resources[0] 'team'.capacity=1" in text
