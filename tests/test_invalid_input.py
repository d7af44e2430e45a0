"""Broken instance files are rejected before any solving, with every problem located.

Each file in tests/data/invalid/ is a small valid instance with one defect (or a
few, where the file says so), named after it. PROBLEM.md, "Errors": such a file is
rejected with every problem listed by its place in the file, a non-zero exit code
(2: bad input) and nothing written.

Deliberately independent of the solver (no `helpers` import): the contract's
input checks must hold even while the model cannot be imported.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from planner.cli.commands import main
from planner.errors import InstanceError
from planner.formats.read import MAX_FILE_BYTES, load_instance, parse_instance

INVALID = Path(__file__).parent / "data" / "invalid"
EXAMPLES = Path(__file__).resolve().parent / "data" / "examples"  # a copy of ../shared/spec/examples


class Case(NamedTuple):
    """What a user must be told: each (place, message) pair is one located problem.

    A problem matches a pair when it starts with the place and contains the message.
    `exact` (default): the file yields exactly these problems, no more.
    """

    problems: tuple[tuple[str, str], ...]
    exact: bool = True
    xfail: str | None = None


def one(place: str, message: str) -> Case:
    return Case(((place, message),))


CASES: dict[str, Case] = {
    # --- not JSON, or not an object -----------------------------------------------------------
    "bad-json.json": one("invalid JSON", "line 5 column 3"),
    "trailing-comma.json": one("invalid JSON", "trailing comma at line 137"),
    "comments-in-json.json": one("invalid JSON", "line 5 column 3"),
    "truncated.json": one("invalid JSON", "EOF while parsing"),
    "empty-file.json": one("the file is empty", ""),
    "whitespace-only.json": one("the file is empty", ""),
    "latin1-encoding.json": one("the file is not UTF-8", "save it as UTF-8"),
    "yaml-not-json.yaml": one("invalid JSON", "line 1 column 2"),
    "top-level-list.json": one("(top level)", "expected an object, got a list"),
    "top-level-null.json": one("(top level)", "expected an object"),
    "plan-file-instead-of-instance.json": Case(
        (("format", "this is a restart-plan/1 file, not restart-instance/1"),)
    ),
    # --- hostile JSON: nesting, repeated keys, numbers JSON or int64 cannot hold ---------------
    "nested-5000-deep.json": one("systems[1].duration_days[0][0]", "nested more than 32 deep (at line 27"),
    "nested-33-deep.json": one("horizon_days[0]", "nested more than 32 deep (at line 4 column 50)"),
    "duplicate-key-capacity.json": one("resources[0].capacity", "given 2 times in one object"),
    "duplicate-key-in-demand.json": one("systems[0].demand.sec-team", "given 2 times in one object"),
    "duplicate-top-level-key.json": one("horizon_days", "given 2 times in one object"),
    "nan-capacity.json": one("resources[0].capacity", "expected an integer, got NaN"),
    "infinity-rate.json": one("lines[0].rate_per_shift", "expected an integer, got Infinity"),
    "capacity-near-2-63.json": one("resources[0].capacity", "must be at most 1000000000"),
    "release-day-2-64.json": one("systems[1].release_day", "must be at most 1000000000"),
    "number-with-5000-digits.json": one("invalid JSON", "number out of range at line 9"),
    # --- top-level fields ---------------------------------------------------------------------
    "missing-format.json": one("format", "missing field"),
    "wrong-format-version.json": one("format", 'got "restart-instance/2"'),
    "missing-horizon.json": one("horizon_days", "missing field"),
    "horizon-misspelled.json": Case((("horizon", "unknown field"), ("horizon_days", "missing field"))),
    "null-horizon.json": one("horizon_days", "expected an integer"),
    "horizon-zero.json": one("horizon_days", "must be at least 1"),
    "horizon-too-long.json": one("horizon_days", "must be at most 3650, got 3651"),
    "bad-objective.json": one("objective", "'lost_value', 'lost_units' or 'makespan'"),
    "bad-start-date.json": one("start_date", 'YYYY-MM-DD (invalid character in year), got "02/01/2025"'),
    "start-date-not-a-day.json": one("start_date", "day value is outside expected range"),
    "value-unit-bad-currency.json": one("value_unit.currency", "three-letter ISO 4217 code"),
    "value-unit-scale-zero.json": one("value_unit.scale", "must be at least 1, got 0"),
    "value-unit-without-currency.json": one("value_unit.currency", "missing field"),
    # --- unknown fields and wrong types -------------------------------------------------------
    "unknown-field.json": one("systems[0].duration_day", "unknown field"),
    "nested-unknown-field.json": one("materials[1].supply.lead_day", "unknown field"),
    "wrong-type-rate.json": one("lines[0].rate_per_shift", 'expected an integer, got "10"'),
    "float-days.json": one("systems[0].duration_days", "expected an integer, got 1.5"),
    "integral-float.json": one("lines[0].rate_per_shift", "expected an integer, got 10.0"),
    "true-as-number.json": one("lines[0].max_shifts", "expected an integer"),
    "cleared-as-string.json": one("systems[0].cleared", 'expected true or false, got "yes"'),
    "demand-as-list.json": one("systems[0].demand", "expected an object, got a list"),
    "after-as-string.json": one("systems[2].after", 'expected a list, got "idp"'),
    "missing-line-plant.json": one("lines[1].plant", "missing field"),
    # --- ids ----------------------------------------------------------------------------------
    "bad-id-characters.json": one("lines[1].id", "ids may contain only"),
    # The line still names the resource whose id was blanked: that reference dangles too.
    "empty-id.json": Case(
        (
            ("resources[1].id", "ids may contain only"),
            ("lines[0].commissioning.demand.comm-eng", "unknown resource 'comm-eng'"),
        )
    ),
    "bad-id-in-demand-key.json": one("systems[0].demand.sec team", "ids may contain only"),
    "duplicate-system-id.json": one("systems[3].id", "duplicate id 'idp' (also systems[0])"),
    "duplicate-line-id.json": one("lines[2].id", "duplicate id 'A' (also lines[0])"),
    # --- ranges -------------------------------------------------------------------------------
    "negative-duration.json": one("systems[2].duration_days", "must be at least 0, got -2"),
    "negative-capacity.json": one("resources[0].capacity", "must be at least 0, got -1"),
    "negative-demand.json": one("systems[2].demand.sec-team", "must be at least 0, got -1"),
    "negative-on-hand.json": one("materials[1].on_hand", "must be at least 0, got -5"),
    "negative-release-day.json": one("lines[1].release_day", "must be at least 0, got -3"),
    "fixed-start-negative.json": one("systems[2].fixed_start", "must be at least 0, got -1"),
    "rate-zero.json": one("lines[1].rate_per_shift", "greater than 0, got 0"),
    "max-shifts-zero.json": one("lines[1].max_shifts", "must be at least 1, got 0"),
    "baseline-zero.json": one("lines[0].baseline_shifts", "must be at least 1, got 0"),
    "baseline-above-max-shifts.json": one("lines[0].baseline_shifts", "3 is above max_shifts 2"),
    "ramp-percent-above-100.json": one("lines[0].ramp_up_percent[1]", "must be at most 100, got 120"),
    "ramp-percent-zero.json": one("lines[0].ramp_up_percent[0]", "must be at least 1, got 0"),
    "workday-seven.json": one("plants[0].workdays[6]", "must be at most 6, got 7"),
    "fixed-restart-beyond-horizon.json": one(
        "lines[0].fixed_restart", "10 is not a day of the horizon (0..9)"
    ),
    # --- how a system is cleared --------------------------------------------------------------
    "modes-and-duration-both.json": one("systems[1].modes", "either modes or duration_days + demand"),
    "empty-modes.json": one("systems[1].modes", "at least 1 item"),
    "system-without-duration.json": one("systems[2]", "needs duration_days or modes"),
    "demand-without-duration.json": one("systems[2].duration_days", "missing field (demand is given)"),
    "cleared-with-fixed-start.json": one(
        "systems[0].fixed_start", "already cleared cannot have a fixed start"
    ),
    # --- dangling references ------------------------------------------------------------------
    "line-unknown-plant.json": one("lines[0].plant", "unknown plant 'hallewood'"),
    "unknown-resource-in-demand.json": one("systems[0].demand.sec-teem", "unknown resource 'sec-teem'"),
    "unknown-resource-in-mode-demand.json": one(
        "systems[1].modes[1].demand.ot-team", "unknown resource 'ot-team'"
    ),
    "unknown-commissioning-resource.json": one(
        "lines[0].commissioning.demand.comm-engineer", "unknown resource 'comm-engineer'"
    ),
    "unknown-system-in-after.json": one("systems[2].after", "unknown system 'network'"),
    "unknown-ordering-system.json": one("materials[1].supply.ordering_system", "unknown system 'sap'"),
    "unknown-input-material.json": one("lines[0].inputs.wheels", "unknown material 'wheels'"),
    "unknown-output-material.json": one("lines[1].output", "unknown material 'truck'"),
    "unknown-line-system.json": one("lines[0].systems", "unknown system 'mes'"),
    "unknown-after-line.json": one("lines[1].after_lines", "unknown line 'C'"),
    "crew-pool-not-in-plant-staff.json": one(
        "lines[0].crew_per_shift.electricians",
        "unknown pool 'electricians' (not in the staff of plant 'plant')",
    ),
    "staff-change-unknown-pool.json": one("plants[0].staff_changes[0].pool", "unknown pool 'operator'"),
    # --- step functions: at most one change a day (per pool) -----------------------------------
    "two-capacity-changes-same-day.json": one(
        "resources[0].capacity_changes[1].day", "a second change on day 3"
    ),
    "two-supply-changes-same-day.json": one("materials[1].supply.changes[1].day", "a second change on day 5"),
    "two-staff-changes-same-day.json": one(
        "plants[0].staff_changes[1].day", "a second change of pool 'operators' on day 3"
    ),
    # --- cycles -------------------------------------------------------------------------------
    "system-after-itself.json": one("systems[1].after", "system 'erp' cannot come after itself"),
    "line-after-itself.json": one("lines[1].after_lines", "line 'B' cannot come after itself"),
    "system-after-cycle.json": one("systems[0].after", "cycle idp -> plc-a -> erp -> idp"),
    "after-lines-cycle.json": one("lines[0].after_lines", "cycle A -> B -> A"),
    "two-system-cycles.json": Case(
        (("systems[0].after", "cycle idp -> erp -> idp"), ("systems[", "mes -> scada")),
    ),
    "duplicate-id-before-cycle.json": Case(
        (
            ("systems[1].id", "duplicate id 'idp' (also systems[0])"),
            ("systems[2].after", "cycle erp -> plc-a -> erp"),
        ),
    ),
    # --- several problems: every one is listed ------------------------------------------------
    "multiple-problems.json": Case(
        (
            ("lines[0].plant", "unknown plant 'hallewood'"),
            ("systems[0].demand.sec-teem", "unknown resource 'sec-teem'"),
            ("lines[1].after_lines", "unknown line 'C'"),
        )
    ),
    "multiple-field-problems.json": Case(
        (
            ("horizon_days", 'expected an integer, got "10"'),
            ("systems[1].modes[0].duration_days", "expected an integer, got 2.5"),
            ("lines[1].max_shifts", "must be at least 1, got 0"),
        )
    ),
    "field-and-reference-problems.json": Case(
        (
            ("lines[0].rate_per_shift", 'expected an integer, got "10"'),
            ("lines[0].plant", "unknown plant 'hallewood'"),
            ("systems[2].after", "unknown system 'network'"),
        ),
    ),
}


def _params() -> list[object]:
    marks = {
        name: pytest.mark.xfail(strict=True, reason=case.xfail) for name, case in CASES.items() if case.xfail
    }
    return [pytest.param(name, case, id=name, marks=marks.get(name, ())) for name, case in CASES.items()]


def _matches(problem: str, place: str, message: str) -> bool:
    return problem.startswith(place) and message in problem


def _shows(output: str, place: str, message: str) -> bool:
    """The CLI prints one problem a line: the pair must be on one line."""
    return any(_matches(line.strip(), place, message) for line in output.splitlines())


@pytest.mark.parametrize(("name", "case"), _params())
def test_validate_rejects_the_file_with_every_problem_located(name: str, case: Case) -> None:
    result = CliRunner().invoke(main, ["validate", str(INVALID / name)])
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    for place, message in case.problems:
        assert _shows(result.output, place, message), f"{place}: ...{message}... not in\n{result.output}"


@pytest.mark.parametrize(("name", "case"), _params())
def test_solve_rejects_the_file_and_writes_nothing(name: str, case: Case, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(main, ["solve", str(INVALID / name), "-o", str(out)])
    assert "No such command" not in result.output, "the solve command does not exist yet"
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    for place, message in case.problems:
        assert _shows(result.output, place, message), f"{place}: ...{message}... not in\n{result.output}"
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind either


@pytest.mark.parametrize(("name", "case"), _params())
def test_load_instance_raises_instance_error_with_every_problem(name: str, case: Case) -> None:
    with pytest.raises(InstanceError) as caught:
        load_instance(INVALID / name)
    problems = caught.value.problems
    for place, message in case.problems:
        assert any(_matches(p, place, message) for p in problems), problems
    if case.exact:
        assert len(problems) == len(case.problems), problems


def test_every_invalid_file_is_in_the_table() -> None:
    files = {p.name for p in INVALID.iterdir() if p.is_file()}
    assert files - set(CASES) == set(), "add these files to CASES"
    assert set(CASES) - files == set(), "these CASES have no file"


def test_instance_error_names_the_file() -> None:
    path = INVALID / "line-unknown-plant.json"
    with pytest.raises(InstanceError) as caught:
        load_instance(path)
    assert caught.value.source == str(path)
    assert str(caught.value).startswith(f"{path}: 1 problem in the file\n")


def test_validate_as_a_subprocess_exits_2_with_the_place_on_stderr() -> None:
    path = INVALID / "line-unknown-plant.json"
    proc = subprocess.run(
        [sys.executable, "-m", "planner", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "lines[0].plant: unknown plant 'hallewood'" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written, and nothing should be read
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert f"the file has {MAX_FILE_BYTES + 1:,} bytes" in result.output
    assert "Traceback" not in result.output


def test_text_over_the_size_limit_is_refused() -> None:
    with pytest.raises(InstanceError, match="the planner reads files of at most"):
        parse_instance(b" " * (MAX_FILE_BYTES + 1))


def test_validate_reports_a_missing_file_without_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nowhere.json")])
    assert result.exit_code == 2
    assert "cannot read the file" in result.output
    assert "Traceback" not in result.output


def test_spec_examples_are_all_present() -> None:
    assert len(list(EXAMPLES.glob("*.json"))) == 8


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_spec_example_validates(path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "valid restart-instance/1" in result.output
