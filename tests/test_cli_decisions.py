"""The decision-support commands on the command line: whatif, explain, replan."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from planner.cli.commands import main
from planner.decisions.changes import apply_changes
from planner.formats.read import load_instance, load_plan, parse_plan
from planner.verify import verify

from helpers import EXAMPLES, solve_checked, stated_optima, tiny

EXAMPLE = EXAMPLES / "01-precedence-and-one-team.json"
FAST = ("--workers", "1", "--time-limit", "10")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_whatif_json_compares_each_change_with_the_base() -> None:
    changes = ["resources.sec-team.capacity=+1", "lines.B.release_day=8"]
    code, out, _ = run("whatif", str(EXAMPLE), *changes, "--json", *FAST)
    assert code == 0
    answer = json.loads(out)
    base = solve_checked(load_instance(EXAMPLE))
    assert answer["base"] == {
        "lost_value": base.plan.lost_value,
        "lost_units": base.plan.lost_units,
        "status": "optimal",
    }
    assert [s["name"] for s in answer["scenarios"]] == changes
    for scenario, change in zip(answer["scenarios"], changes, strict=True):
        assert scenario["changes"] == [change]
        # The same figures as a verified solve of the changed instance.
        alone = solve_checked(apply_changes(load_instance(EXAMPLE), [change]))
        assert scenario["status"] == alone.status == "optimal"
        assert scenario["lost_value"] == alone.plan.lost_value
        assert scenario["delta_value"] == alone.objective - base.objective


def test_whatif_reads_a_scenario_file_and_prints_a_table(tmp_path: Path) -> None:
    book = tmp_path / "scenarios.json"
    book.write_text(
        json.dumps({"scenarios": [{"name": "two teams", "changes": ["resources.sec-team.capacity=2"]}]})
    )
    code, out, _ = run("whatif", str(EXAMPLE), str(book), *FAST)
    assert code == 0
    assert "two teams" in out
    assert "lost value" in out


def test_whatif_marginal_prices_every_resource() -> None:
    code, out, _ = run("whatif", str(EXAMPLE), "--marginal", "--json", *FAST)
    assert code == 0
    names = [s["name"] for s in json.loads(out)["scenarios"]]
    assert "resources.sec-team.capacity=+1" in names


def test_whatif_refuses_an_unknown_id_with_exit_2_and_its_place() -> None:
    code, out, err = run("whatif", str(EXAMPLE), "resources.secteam.capacity=+1", *FAST)
    assert code == 2
    assert out == ""
    assert "changes[0] 'resources.secteam.capacity=+1': unknown resource 'secteam'" in err
    assert "Traceback" not in err


def test_explain_a_solved_plan_names_each_line_and_prices_the_team(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(solve_checked(load_instance(EXAMPLE)).plan.to_json())
    code, out, _ = run("explain", str(EXAMPLE), str(plan), "--json", *FAST)
    assert code == 0
    answer = json.loads(out)
    assert {line["id"] for line in answer["lines"]} == {"A", "B"}
    rows = {row["id"]: row for row in answer["bottlenecks"]}
    assert rows["sec-team"]["lost_value_because"] > 0


def test_explain_without_a_plan_names_the_conflict_and_exits_1(tmp_path: Path) -> None:
    data = tiny()
    data["lines"][0]["fixed_restart"] = 1  # s takes 2 days
    source = tmp_path / "late.json"
    source.write_text(json.dumps(data))
    code, out, _ = run("explain", str(source), "--json", *FAST)
    assert code == 1
    report = json.loads(out)
    assert report["status"] == "explained"
    assert report["conflicts"][0]["places"] == ["lines[0].fixed_restart"]


def test_explain_refuses_a_plan_of_another_instance_with_exit_2(tmp_path: Path) -> None:
    other = EXAMPLES / "02-modes.json"
    plan = tmp_path / "plan.json"
    plan.write_text(solve_checked(load_instance(other)).plan.to_json())
    code, _, err = run("explain", str(EXAMPLE), str(plan), "--no-bottlenecks", *FAST)
    assert code == 2
    assert "Traceback" not in err


def test_replan_with_a_new_fact_writes_a_verified_plan_and_the_diff(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old_plan = solve_checked(load_instance(EXAMPLE)).plan
    old.write_text(old_plan.to_json())
    new = tmp_path / "new.json"
    change = "lines.B.release_day=8"
    code, _, err = run(
        "replan", str(EXAMPLE), change, "--plan", str(old), "--today", "2", "-o", str(new), *FAST
    )
    assert code == 0
    changed = apply_changes(load_instance(EXAMPLE), [change])
    plan = load_plan(new)
    assert verify(changed, plan).ok
    restarts = {line.id: line.restart_day for line in plan.lines}
    assert restarts["B"] == 8  # held by the new release day, and no later
    assert restarts["A"] == {line.id: line.restart_day for line in old_plan.lines}["A"]
    assert "line B: day 6 -> day 8" in err
    assert "now: B restarts day 8: release_day 8" in err  # what holds it there, from explain
    assert change in err


def test_replan_with_nothing_new_keeps_the_old_value(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old_plan = solve_checked(load_instance(EXAMPLE)).plan
    old.write_text(old_plan.to_json())
    code, out, err = run("replan", str(EXAMPLE), "--plan", str(old), "--today", "3", *FAST)
    assert code == 0
    plan = parse_plan(out)
    assert verify(load_instance(EXAMPLE), plan).ok
    assert plan.objective.value == old_plan.objective.value
    assert "Changed: none." in err


def test_whatif_report_writes_the_base_plans_page_with_the_scenarios(tmp_path: Path) -> None:
    out = tmp_path / "whatif.html"
    example = str(EXAMPLES / "01-precedence-and-one-team.json")
    code, _, err = run("whatif", example, "resources.sec-team.capacity=+1", *FAST, "--report", str(out))
    assert code == 0, err
    page = out.read_text()
    assert 'id="section-whatif"' in page and "resources.sec-team.capacity=+1" in page
    assert '<div class="value">380 value units</div>' in page  # the base plan: the stated optimum
    assert f"wrote {out}" in err


def test_whatif_report_writes_nothing_for_bad_input(tmp_path: Path) -> None:
    out = tmp_path / "whatif.html"
    example = str(EXAMPLES / "01-precedence-and-one-team.json")
    code, _, err = run("whatif", example, "resources.no-such-team.capacity=+1", *FAST, "--report", str(out))
    assert code == 2, err
    assert not out.exists()


def test_log_reaches_every_solve_of_whatif_and_explain(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--log` was accepted and ignored by these two commands; now each of their solves gets it."""
    import planner.decisions.explain as explain_module
    import planner.decisions.whatif as whatif_module

    solve_module = sys.modules["planner.solve"]  # `planner.solve` is also the function
    given: list[bool] = []
    real = solve_module.solve

    def recording(inst: Any, **options: Any) -> Any:
        given.append(options.get("log", False))
        return real(inst, **{**options, "log": False})  # the test's output stays quiet

    for module in (whatif_module, explain_module, solve_module):
        monkeypatch.setattr(module, "solve", recording)
    optimum = stated_optima()[EXAMPLE.name][1]  # 380, worked out by hand in the examples' README
    code, out, _ = run("whatif", str(EXAMPLE), "resources.sec-team.capacity=+1", "--log", "--json", *FAST)
    assert code == 0
    assert given == [True, True]  # the base and the scenario
    checked = solve_checked(load_instance(EXAMPLE))  # verified by the project's checker
    assert checked.objective == optimum
    assert json.loads(out)["base"] == {
        "lost_value": optimum,
        "lost_units": checked.plan.lost_units,
        "status": "optimal",
    }
    given.clear()
    code, out, _ = run("explain", str(EXAMPLE), "--log", "--json", *FAST)
    assert code == 0
    assert len(given) >= 2 and all(given)  # the plan's solve and each relaxation's
    assert json.loads(out)["objective"] == {"kind": "lost_value", "value": optimum, "status": "optimal"}
