"""The command line: files written, summaries, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from planner.cli.commands import main
from planner.formats.read import load_instance, load_plan, parse_plan
from planner.verify import verify

from helpers import EXAMPLES, solve_checked, tiny

EXAMPLE = EXAMPLES / "01-precedence-and-one-team.json"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_solve_writes_a_verified_plan_and_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    code, _, err = run("solve", str(EXAMPLE), "-o", str(out), "--workers", "1", "--time-limit", "10")
    assert code == 0
    plan = load_plan(out)
    assert plan.status == "optimal"
    assert plan.objective.value == 380
    assert verify(load_instance(EXAMPLE), plan).ok
    assert "optimal" in err
    assert "bound 380" in err
    assert "day 4" in err  # line A's restart in the table


def test_solve_without_output_writes_the_plan_on_stdout() -> None:
    code, out, err = run("solve", str(EXAMPLE), "--workers", "1")
    assert code == 0
    assert parse_plan(out).objective.value == 380
    assert "lost value 380" in err


def test_infeasible_instance_exits_1_with_an_explained_plan(tmp_path: Path) -> None:
    data = tiny()
    data["lines"][0]["fixed_restart"] = 1  # s takes 2 days
    source = tmp_path / "late.json"
    source.write_text(json.dumps(data))
    out = tmp_path / "plan.json"
    code, _, err = run("solve", str(source), "-o", str(out), "--workers", "1")
    assert code == 1
    plan = load_plan(out)
    assert plan.status == "infeasible"
    assert plan.objective.value is None and plan.lines == [] and plan.production == []
    assert plan.explanation and "A" in " ".join(plan.explanation)
    assert "infeasible" in err


def test_verify_accepts_a_solved_plan(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    run("solve", str(EXAMPLE), "-o", str(out), "--workers", "1")
    code, _, err = run("verify", str(EXAMPLE), str(out))
    assert code == 0
    assert "lost_value 380" in err


def test_verify_rejects_a_plan_with_a_wrong_figure_and_names_the_rule(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    run("solve", str(EXAMPLE), "-o", str(out), "--workers", "1")
    data = json.loads(out.read_text())
    data["lost_value"] = 1
    out.write_text(json.dumps(data))
    code, _, err = run("verify", str(EXAMPLE), str(out))
    assert code == 1
    assert "C8" in err


def test_verify_refuses_a_malformed_plan_file_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text('{"format": "restart-plan/1", "instance": "x", "status": "done"}')
    code, _, err = run("verify", str(EXAMPLE), str(bad))
    assert code == 2
    assert "status" in err
    assert "Traceback" not in err


def test_schema_writes_every_format(tmp_path: Path) -> None:
    code, _, _ = run("schema", "--out", str(tmp_path))
    assert code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"restart-{kind}-1.schema.json" for kind in ("instance", "plan", "sweep")]
    assert json.loads((tmp_path / names[0]).read_text())["title"] == "Instance"


def test_solver_options_read_their_environment_variables(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["solve", str(EXAMPLE), "-o", str(tmp_path / "p.json")],
        env={"RESTART_PLANNER_WORKERS": "0"},
    )
    assert result.exit_code == 2  # click rejects workers 0: the variable was read
    assert "workers" in result.stderr.lower()


def test_import_psplib_writes_an_instance_that_solves_to_the_optimum(tmp_path: Path) -> None:
    source = Path(__file__).parent / "data" / "psplib" / "j30" / "j301_1.sm"
    out = tmp_path / "j301_1.json"
    code, _, _ = run("import", "psplib", str(source), "-o", str(out))
    assert code == 0
    instance = load_instance(out)
    assert instance.objective == "makespan"
    result = solve_checked(instance)
    assert result.objective == 43  # bounds.csv: proven optimum of j301_1


def test_solve_with_the_greedy_method_writes_a_verified_plan(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    code, _, err = run("solve", str(EXAMPLE), "-o", str(out), "--method", "greedy")
    assert code == 0
    plan = load_plan(out)
    assert verify(load_instance(EXAMPLE), plan).ok
    assert plan.objective.value == 380  # the greedy finds this one's optimum (A first)
    assert "verified" in err


def test_solve_with_the_mip_method_writes_a_verified_optimal_plan(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    code, _, err = run("solve", str(EXAMPLE), "-o", str(out), "--method", "mip", "--workers", "1")
    assert code == 0
    plan = load_plan(out)
    assert verify(load_instance(EXAMPLE), plan).ok
    assert (plan.status, plan.objective.value) == ("optimal", 380)
    assert "verified" in err


def test_generate_writes_the_committed_instance_for_the_same_size_and_seed(tmp_path: Path) -> None:
    out = tmp_path / "tiny.json"
    code, _, _ = run("generate", "--size", "tiny", "--seed", "1", "-o", str(out))
    assert code == 0
    committed = Path(__file__).resolve().parents[1] / "instances" / "generated" / "tiny-s1.json"
    assert out.read_text() == committed.read_text()


def test_whatif_help_shows_a_percent_sign_not_two() -> None:
    code, out, _ = run("whatif", "--help")
    assert code == 0
    assert "+10% of every staff pool" in " ".join(out.split())
    assert "%%" not in out


def test_summary_says_a_line_running_since_before_day_0_is_running(tmp_path: Path) -> None:
    data = tiny(start_date="2025-09-01")
    data["lines"][0]["fixed_restart"] = -365
    data["lines"][0]["systems"] = []
    path = tmp_path / "running.json"
    path.write_text(json.dumps(data))
    code, _, err = run("solve", str(path), "-o", str(tmp_path / "plan.json"), "--workers", "1", "-q")
    assert code == 0, err
    assert "A     running (since before day 0)" in err
    assert "day -365" not in err


def test_solver_options_out_of_range_are_usage_errors_not_tracebacks() -> None:
    for option, value in (
        ("--time-limit", "nan"),
        ("--time-limit", "inf"),
        ("--seed", str(2**70)),
        ("--workers", "100000"),
    ):
        code, _, err = run("solve", str(EXAMPLE), option, value)
        assert code == 2, (option, value, err)
        assert f"Invalid value for '{option}'" in err
        assert "Traceback" not in err
    code, _, err = run("replan", str(EXAMPLE), "--plan", str(EXAMPLE), "--today", "0", "--stability", "1e30")
    assert code == 2 and "Invalid value for '--stability'" in err
