"""Scenario sweeps: the sweep file, reproducible drawing, the summary's statistics and the run itself."""

from __future__ import annotations

import csv
import json
import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.cli.commands import main
from planner.decisions.changes import apply_changes
from planner.decisions.sweep import (
    check_paths,
    draw,
    keep_in_order,
    percentile,
    read_table,
    run_sweep,
    summarize,
    week_ends,
)
from planner.errors import InstanceError, PlannerError
from planner.formats.read import load_instance, load_plan, parse_sweep
from planner.formats.schema import Plan, Sweep
from planner.verify import verify

from helpers import EXAMPLES, solve_checked

GATE = EXAMPLES / "05-parts-gate-and-lead-time.json"
JLR = Path(__file__).resolve().parents[1] / "instances" / "jlr-2025.json"
JLR_SWEEP = JLR.with_name("jlr-2025-sweep.json")


def _sweep(**overrides: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "format": "restart-sweep/1",
        "samples": 6,
        "seed": 1,
        "uncertain": [
            {"path": "systems.erp.duration_days", "triangular": [2, 3, 6]},
            {"path": "materials.wheel.supply.lead_days", "uniform": [0, 4]},
            {"path": "resources.sec-team.capacity", "choice": [1, 2], "weights": [3, 1]},
        ],
    }
    return d | overrides


def _parsed(**overrides: Any) -> Sweep:
    return parse_sweep(json.dumps(_sweep(**overrides)))


# --- the file ------------------------------------------------------------------------------


def test_the_issues_example_sweep_file_is_valid() -> None:
    sweep = parse_sweep(
        json.dumps(
            {
                "format": "restart-sweep/1",
                "samples": 200,
                "seed": 1,
                "uncertain": [
                    {"path": "systems.sap-erp.duration_days", "triangular": [6, 9, 15]},
                    {"path": "materials.parts-eu.supply.from_day", "uniform": [20, 40]},
                    {"path": "resources.forensic-it.capacity", "choice": [2, 3, 4], "weights": [1, 2, 1]},
                    {"path": "plants.halewood.staff.production", "choice": ["-10%", "+0", "+10%"]},
                ],
            }
        )
    )
    assert sweep.samples == 200 and len(sweep.uncertain) == 4
    # JLR-2025's SAP clearance has two modes: the duration is each mode's, and the sweep says so.
    jlr = load_instance(JLR)
    with pytest.raises(InstanceError) as err:
        check_paths(jlr, sweep)
    assert err.value.problems == [
        "uncertain[0] (value 6): systems.sap-erp.modes: give either modes or duration_days + demand, not both"
    ]
    check_paths(jlr, parse_sweep(JLR_SWEEP.read_bytes()))


@pytest.mark.parametrize(
    ("uncertain", "expected"),
    [
        ([{"path": "a.b", "triangular": [3, 2, 1]}], "uncertain[0]: triangular is [min, mode, max]"),
        ([{"path": "a.b"}], "uncertain[0]: give exactly one of triangular, uniform and choice (found: none)"),
        ([{"path": "a.b", "uniform": [1, 2], "choice": [1]}], "(found: uniform, choice)"),
        ([{"path": "a.b", "uniform": [2, 1]}], "uncertain[0]: uniform is [min, max], with min <= max"),
        ([{"path": "a.b", "choice": [1, 2], "weights": [1]}], "uncertain[0]: 1 weights for 2 choices"),
        ([{"path": "a.b", "uniform": [1, 2], "weights": [1]}], "uncertain[0]: weights go with choice"),
        ([{"path": "a.b", "choice": [1], "weights": [0]}], "uncertain[0]: the weights must not all be 0"),
        ([{"path": "a.b", "uniform": [1.5, 2]}], "uncertain[0].uniform[0]: expected an integer"),
        (
            [{"path": "a.b", "uniform": [1, 2]}, {"path": "a.b", "choice": [1]}],
            "uncertain[1].path: 'a.b' is uncertain[0] already",
        ),
    ],
)
def test_a_bad_sweep_file_is_refused_with_the_place_of_each_problem(
    uncertain: list[dict[str, Any]], expected: str
) -> None:
    with pytest.raises(InstanceError) as err:
        parse_sweep(json.dumps(_sweep(uncertain=uncertain)))
    assert any(expected in p for p in err.value.problems), err.value.problems


def test_samples_are_bounded_and_an_instance_is_not_a_sweep() -> None:
    with pytest.raises(InstanceError, match=r"samples: must be at most 100000"):
        parse_sweep(json.dumps(_sweep(samples=10**6)))
    with pytest.raises(InstanceError, match="this is a restart-instance/1 file, not restart-sweep/1"):
        parse_sweep(GATE.read_bytes())


def test_paths_and_values_are_checked_against_the_instance_before_any_solve() -> None:
    inst = load_instance(GATE)
    unknown = _parsed(uncertain=[{"path": "resources.sec-teem.capacity", "uniform": [1, 2]}])
    with pytest.raises(InstanceError) as err:
        check_paths(inst, unknown)
    assert err.value.problems[0].startswith("uncertain[0].path: "), err.value.problems
    assert "sec-teem" in err.value.problems[0]
    negative = _parsed(uncertain=[{"path": "systems.erp.duration_days", "uniform": [-1, 2]}])
    with pytest.raises(InstanceError) as err:
        check_paths(inst, negative)
    assert err.value.problems[0].startswith("uncertain[0] (value -1): "), err.value.problems


# --- drawing -------------------------------------------------------------------------------


def test_the_same_file_draws_the_same_scenarios_and_a_scenario_does_not_depend_on_the_count() -> None:
    many = draw(_parsed(samples=50))
    assert many == draw(_parsed(samples=50))
    assert draw(_parsed(samples=7)) == many[:7]
    assert draw(_parsed(samples=50, seed=2)) != many
    assert [s.index for s in many] == list(range(1, 51))


def test_each_value_is_drawn_from_its_distribution() -> None:
    scenarios = draw(_parsed(samples=400))
    durations = [s.values[0] for s in scenarios]
    leads = [s.values[1] for s in scenarios]
    teams = [s.values[2] for s in scenarios]
    assert set(durations) <= set(range(2, 7)) and all(isinstance(v, int) for v in durations)
    assert set(leads) == set(range(5))  # both ends included, every integer between
    assert set(teams) == {1, 2}
    assert 0.6 < teams.count(1) / len(teams) < 0.9  # weights 3 : 1
    # triangular [2, 3, 6]: the mean is (2 + 3 + 6) / 3, before rounding
    assert abs(sum(durations) / len(durations) - 11 / 3) < 0.25


def test_a_choice_of_weight_zero_is_never_drawn_and_strings_stay_relative_changes() -> None:
    sweep = _parsed(
        samples=100,
        uncertain=[{"path": "resources.sec-team.capacity", "choice": ["+1", "+0"], "weights": [0, 1]}],
    )
    scenarios = draw(sweep)
    assert {s.values for s in scenarios} == {("+0",)}
    (relative,) = scenarios[0].changes(sweep)
    assert (relative.path, relative.operation, relative.value) == ("resources.sec-team.capacity", "add", 0)


def test_a_negative_number_drawn_is_set_not_subtracted() -> None:
    sweep = _parsed(uncertain=[{"path": "resources.sec-team.capacity", "choice": [-1]}])
    (change,) = draw(sweep)[0].changes(sweep)
    assert (change.operation, change.value) == ("set", -1)


# --- statistics ----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-(10**9), 10**9), min_size=1, max_size=40), st.sampled_from([10, 50, 90, 0, 100]))
def test_percentiles_are_numpys_linear_ones(values: list[int], q: int) -> None:
    assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)), rel=1e-9, abs=1e-6)


def test_a_percentile_among_the_never_restarted_is_never() -> None:
    assert percentile([3, 4, math.inf, math.inf], 50) == math.inf
    assert percentile([3, 4, 5, math.inf], 50) == 4.5
    assert percentile([3, math.inf], 0) == 3


def test_the_summary_gives_spreads_and_each_lines_chance_to_be_back() -> None:
    inst = load_instance(GATE)  # one line A, horizon 10
    rows = [
        {
            "scenario": 1,
            "status": "optimal",
            "lost_value": 100,
            "lost_units": 10,
            "bound": 100,
            "restart:A": 3,
        },
        {
            "scenario": 2,
            "status": "optimal",
            "lost_value": 200,
            "lost_units": 20,
            "bound": 200,
            "restart:A": 8,
        },
        {
            "scenario": 3,
            "status": "feasible",
            "lost_value": 400,
            "lost_units": 40,
            "bound": 300,
            "restart:A": None,
        },
        {
            "scenario": 4,
            "status": "unknown",
            "lost_value": None,
            "lost_units": None,
            "bound": None,
            "restart:A": None,
        },
    ]
    summary = summarize(inst, rows)
    assert summary["scenarios"] == 4
    assert summary["statuses"] == {"feasible": 1, "optimal": 2, "unknown": 1}
    assert summary["lost_value"] == {"mean": 233, "p10": 120, "p50": 200, "p90": 360}
    assert summary["bound"]["p50"] == 200
    assert week_ends(10) == [6, 9]
    assert summary["lines"]["A"] == {"p50": 8, "p90": None, "back_by": {"6": 0.3333, "9": 0.6667}}


# --- running -------------------------------------------------------------------------------


def _scenario_instances(sweep: Sweep) -> dict[int, Any]:
    base = load_instance(GATE)
    return {s.index: apply_changes(base, s.changes(sweep)) for s in draw(sweep)}


def _plans_keep_their_scenarios(out: Path, sweep: Sweep, rows: list[dict[str, Any]]) -> None:
    """Every scenario's plan passes the checker on its own instance, at the optimum a solve of it proves."""
    instances = _scenario_instances(sweep)
    assert rows
    for r in rows:
        inst = instances[r["scenario"]]
        plan = load_plan(out / "plans" / f"scenario-{r['scenario']:05d}.json")
        assert verify(inst, plan).ok
        assert r["status"] == plan.status == "optimal"  # tiny instances: every solve is proven
        assert r["lost_value"] == plan.lost_value == solve_checked(inst, time_limit=5).objective


def test_a_sweep_writes_a_row_and_a_verified_plan_a_scenario(tmp_path: Path) -> None:
    inst, sweep = load_instance(GATE), _parsed()
    with ThreadPoolExecutor(1) as pool:
        run = run_sweep(inst, sweep, tmp_path / "out", pool, time_limit=5, jobs=1)
    assert run.solved == 6 and run.resumed == 0
    rows = read_table(tmp_path / "out" / "scenarios.csv")
    assert [r["scenario"] for r in rows] == list(range(1, 7))
    with (tmp_path / "out" / "scenarios.csv").open() as file:
        header = next(csv.reader(file))
    assert header == [
        "scenario",
        "systems.erp.duration_days",
        "materials.wheel.supply.lead_days",
        "resources.sec-team.capacity",
        "status",
        "lost_value",
        "lost_units",
        "bound",
        "restart:A",
    ]
    instances = _scenario_instances(sweep)
    for r, scenario in zip(rows, draw(sweep), strict=True):
        assert [r[u.path] for u in sweep.uncertain] == list(scenario.values)
        plan = load_plan(tmp_path / "out" / "plans" / f"scenario-{r['scenario']:05d}.json")
        assert verify(instances[r["scenario"]], plan).ok
        assert r["status"] == plan.status == "optimal"  # tiny instances: every solve is proven
        assert r["lost_value"] == plan.lost_value and r["bound"] == plan.objective.bound
        assert r["restart:A"] == plan.lines[0].restart_day
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary == run.summary and summary["scenarios"] == 6


def test_a_longer_lead_time_never_loses_less(tmp_path: Path) -> None:
    # One uncertain value, every scenario proven optimal: the losses must rise with the lead time.
    inst = load_instance(GATE)
    sweep = _parsed(samples=12, uncertain=[{"path": "materials.wheel.supply.lead_days", "uniform": [0, 6]}])
    with ThreadPoolExecutor(2) as pool:
        run = run_sweep(inst, sweep, tmp_path / "out", pool, time_limit=5, jobs=2)
    _plans_keep_their_scenarios(tmp_path / "out", sweep, run.rows)
    by_lead = sorted((r["materials.wheel.supply.lead_days"], r["lost_value"]) for r in run.rows)
    assert all(r["status"] == "optimal" for r in run.rows)
    assert [v for _, v in by_lead] == sorted(v for _, v in by_lead)
    assert len({lead for lead, _ in by_lead}) > 2


def test_resume_solves_only_what_is_missing_and_only_for_the_same_sweep(tmp_path: Path) -> None:
    inst, out = load_instance(GATE), tmp_path / "out"
    with ThreadPoolExecutor(1) as pool:
        first = run_sweep(inst, _parsed(), out, pool, time_limit=5)
        rows = (out / "scenarios.csv").read_text().splitlines()
        (out / "scenarios.csv").write_text("\n".join(rows[:4]) + "\n")  # as if stopped after 3 scenarios
        again = run_sweep(inst, _parsed(), out, pool, time_limit=5, resume=True)
        assert (again.resumed, again.solved) == (3, 3)
        assert again.rows == first.rows
        _plans_keep_their_scenarios(out, _parsed(), again.rows)
        with pytest.raises(PlannerError, match="holds a sweep already"):
            run_sweep(inst, _parsed(), out, pool, time_limit=5)
        with pytest.raises(PlannerError, match=r"holds another sweep \(its sweep differ\)"):
            run_sweep(inst, _parsed(seed=9), out, pool, time_limit=5, resume=True)


def test_max_seconds_leaves_the_scenarios_it_has_no_time_for(tmp_path: Path) -> None:
    inst = load_instance(GATE)
    with ThreadPoolExecutor(1) as pool:
        run = run_sweep(inst, _parsed(), tmp_path / "out", pool, time_limit=5, max_seconds=0.5)
    assert run.rows == [] and run.summary["scenarios"] == 0


def test_a_dask_cluster_solves_the_same_scenarios(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    inst, sweep = load_instance(GATE), _parsed()
    with ThreadPoolExecutor(1) as pool:
        local = run_sweep(inst, sweep, tmp_path / "local", pool, time_limit=5)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = run_sweep(inst, sweep, tmp_path / "dask", client.get_executor(), time_limit=5, jobs=2)
    assert on_dask.rows == local.rows
    _plans_keep_their_scenarios(tmp_path / "dask", sweep, on_dask.rows)


# --- the command ---------------------------------------------------------------------------


def test_the_sweep_command_writes_the_table_and_the_summary(tmp_path: Path) -> None:
    sweep_file = tmp_path / "sweep.json"
    sweep_file.write_text(json.dumps(_sweep(samples=3)))
    out = tmp_path / "out"
    args = ["sweep", str(GATE), str(sweep_file), "-o", str(out), "--time-limit", "3", "--jobs", "1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "3 scenarios: 3 optimal" in result.output
    assert len(read_table(out / "scenarios.csv")) == 3
    assert json.loads((out / "summary.json").read_text())["scenarios"] == 3
    assert load_plan(out / "base-plan.json").status == "optimal"


def test_a_bad_sweep_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    sweep_file = tmp_path / "sweep.json"
    sweep_file.write_text(
        json.dumps(_sweep(uncertain=[{"path": "lines.B.rate_per_shift", "uniform": [1, 2]}]))
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["sweep", str(GATE), str(sweep_file), "-o", str(out)])
    assert result.exit_code == 2
    assert "uncertain[0].path: " in result.output and "Traceback" not in result.output
    assert not out.exists()


# --- a plan kept under each scenario ------------------------------------------------------------


def _optimal_plan(path: Path) -> Plan:
    result = solve_checked(load_instance(path), time_limit=10)
    assert result.status == "optimal"
    return result.plan


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_a_plan_kept_in_its_order_on_its_own_instance_verifies_and_keeps_its_modes(name: str) -> None:
    from planner.problem.data import ProblemData
    from planner.problem.decisions import decisions_from_plan
    from planner.search.greedy import in_order

    inst = load_instance(EXAMPLES / name)
    plan = _optimal_plan(EXAMPLES / name)
    kept, figures = keep_in_order(inst, plan, time_limit=5)
    assert kept is not None and figures is not None
    assert verify(inst, kept).ok
    assert figures.bound <= figures.value == kept.objective.value
    assert kept.objective.value >= plan.objective.value  # the optimum is the least any plan loses
    data = ProblemData.from_instance(inst)
    ordered = in_order(data, decisions_from_plan(data, plan))
    assert ordered is not None
    modes = {s: chosen[0] for s, chosen in decisions_from_plan(data, plan).systems.items() if chosen}
    pinned = {s for s, system in enumerate(data.systems) if system.fixed_start is not None}
    assert all(ordered.systems[s][0] == k for s, k in modes.items() if s not in pinned and ordered.systems[s])


def test_with_a_kept_plan_each_row_gives_what_it_loses_and_the_value_of_information(tmp_path: Path) -> None:
    inst = load_instance(GATE)
    plan = _optimal_plan(GATE)
    with ThreadPoolExecutor(1) as pool:
        run = run_sweep(inst, _parsed(), tmp_path / "out", pool, time_limit=5, base_plan=plan, keep=True)
    _plans_keep_their_scenarios(tmp_path / "out", _parsed(), run.rows)
    instances = _scenario_instances(_parsed())
    for r in run.rows:
        assert r["status"] == "optimal"
        assert r["kept_bound"] <= r["kept_lost_value"]
        assert r["value_of_information"] == r["kept_lost_value"] - r["lost_value"] >= 0
        kept, _ = keep_in_order(instances[r["scenario"]], plan, time_limit=5)
        assert kept is not None and kept.objective.value == r["kept_lost_value"]
    assert run.summary["value_of_information"]["p50"] is not None
    header = (tmp_path / "out" / "scenarios.csv").read_text().splitlines()[0].split(",")
    assert header[header.index("bound") + 1 :][:3] == [
        "kept_lost_value",
        "kept_bound",
        "value_of_information",
    ]


def test_a_slower_clearance_never_makes_the_kept_plan_lose_less(tmp_path: Path) -> None:
    inst = load_instance(GATE)
    plan = _optimal_plan(GATE)
    sweep = _parsed(samples=10, uncertain=[{"path": "systems.erp.duration_days", "uniform": [3, 7]}])
    with ThreadPoolExecutor(2) as pool:
        run = run_sweep(inst, sweep, tmp_path / "out", pool, time_limit=5, jobs=2, base_plan=plan, keep=True)
    _plans_keep_their_scenarios(tmp_path / "out", sweep, run.rows)
    by_duration = sorted((r["systems.erp.duration_days"], r["kept_lost_value"]) for r in run.rows)
    assert [v for _, v in by_duration] == sorted(v for _, v in by_duration)
    assert by_duration[0][0] == 3 and by_duration[0][1] == plan.objective.value  # the base's own duration


def test_the_sweep_command_keeps_a_plan_given_with_plan(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(_optimal_plan(GATE).to_json())
    sweep_file = tmp_path / "sweep.json"
    sweep_file.write_text(json.dumps(_sweep(samples=2)))
    out = tmp_path / "out"
    args = [
        "sweep",
        str(GATE),
        str(sweep_file),
        "-o",
        str(out),
        "--plan",
        str(plan_file),
        "--time-limit",
        "3",
    ]
    result = CliRunner().invoke(main, [*args, "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "value of information: P10" in result.output
    assert all(r["value_of_information"] is not None for r in read_table(out / "scenarios.csv"))


# --- the most robust plan ----------------------------------------------------------------------------


def test_candidates_are_ranked_by_the_p90_of_what_they_lose_when_kept(tmp_path: Path) -> None:
    from planner.decisions.robust import robust
    from planner.decisions.sweep import spread

    inst, sweep, out = load_instance(GATE), _parsed(), tmp_path / "out"
    base = _optimal_plan(GATE)
    with ThreadPoolExecutor(2) as pool:
        run = run_sweep(inst, sweep, out, pool, time_limit=5, jobs=2, base_plan=base)
        _plans_keep_their_scenarios(out, sweep, run.rows)
        plans = [load_plan(out / "plans" / f"scenario-{r['scenario']:05d}.json") for r in run.rows[:2]]
        candidates = [("base", base), ("scenario 1", plans[0]), ("scenario 2", plans[1])]
        ranked = robust(inst, sweep, draw(sweep), candidates, out, pool, time_limit=2, jobs=2)
    instances = _scenario_instances(sweep)
    for c in ranked:
        kept = [keep_in_order(instances[i], c.plan, time_limit=2)[1] for i in sorted(instances)]
        assert all(k is not None for k in kept)
        assert c.spread == spread([k.value for k in kept if k is not None]) and c.failed == 0
    assert [c.spread["p90"] for c in ranked] == sorted(c.spread["p90"] for c in ranked)
    rows = read_table(out / "candidates.csv")
    assert [r["candidate"] for r in rows] == [c.id for c in ranked]
    assert load_plan(out / "recommended-plan.json") == ranked[0].plan
    summary = json.loads((out / "summary.json").read_text())
    assert summary["recommended"]["candidate"] == ranked[0].id and summary["scenarios"] == 6


def test_the_sweep_command_recommends_a_candidate(tmp_path: Path) -> None:
    sweep_file = tmp_path / "sweep.json"
    sweep_file.write_text(json.dumps(_sweep(samples=4)))
    out = tmp_path / "out"
    args = ["sweep", str(GATE), str(sweep_file), "-o", str(out), "--candidates", "3"]
    result = CliRunner().invoke(main, [*args, "--time-limit", "3", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "recommended: candidate" in result.output
    assert 2 <= len(read_table(out / "candidates.csv")) <= 3
    assert verify(load_instance(GATE), load_plan(out / "recommended-plan.json")).ok


def test_the_command_refuses_a_directory_holding_a_sweep_and_resumes_it(tmp_path: Path) -> None:
    sweep_file = tmp_path / "sweep.json"
    sweep_file.write_text(json.dumps(_sweep(samples=3)))
    out = tmp_path / "out"
    args = ["sweep", str(GATE), str(sweep_file), "-o", str(out), "--time-limit", "3", "--jobs", "1"]
    assert CliRunner().invoke(main, args).exit_code == 0
    before = (out / "scenarios.csv").read_text()
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 2 and "holds a sweep already" in again.output
    assert (out / "scenarios.csv").read_text() == before
    resumed = CliRunner().invoke(main, [*args, "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert (out / "scenarios.csv").read_text() == before


def test_the_sweep_command_runs_on_a_dask_scheduler(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    sweep_file = tmp_path / "sweep.json"
    sweep_file.write_text(json.dumps(_sweep(samples=3)))
    out = tmp_path / "out"
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        args = ["sweep", str(GATE), str(sweep_file), "-o", str(out), "--time-limit", "3"]
        result = CliRunner().invoke(main, [*args, "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 0, result.output
    assert "3 scenarios, 2 at a time" in result.output  # the cluster's threads
    assert len(read_table(out / "scenarios.csv")) == 3


def test_an_unreachable_dask_scheduler_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr("planner.cli.sweep._CONNECT_SECONDS", 1.0)
    sweep_file = tmp_path / "sweep.json"
    sweep_file.write_text(json.dumps(_sweep(samples=3)))
    args = ["sweep", str(GATE), str(sweep_file), "-o", str(tmp_path / "out")]
    result = CliRunner().invoke(main, [*args, "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2 and "cannot reach the Dask scheduler" in result.output


def test_a_number_chosen_is_rounded_half_up_and_the_drawn_values_are_bounded() -> None:
    sweep = _parsed(samples=50, uncertain=[{"path": "resources.sec-team.capacity", "choice": [1.5, 2.49]}])
    assert {s.values for s in draw(sweep)} == {(2,)}
    many = [{"path": f"a{k}", "uniform": [0, 1]} for k in range(20)]
    with pytest.raises(InstanceError, match=r"samples: 100000 samples of 20 values are more than 1,000,000"):
        parse_sweep(json.dumps(_sweep(samples=100_000, uncertain=many)))
