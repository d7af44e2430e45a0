"""PSPLIB import: the instance mirrors the file, and solves to the published optimum."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli.commands import main
from planner.errors import InstanceError
from planner.formats.psplib import MAX_HORIZON, Bound, from_psplib, known_bounds, to_json
from planner.formats.read import parse_instance

from helpers import EXAMPLES, SHARED, solve_checked

PSPLIB = Path(__file__).parent / "data" / "psplib"  # the files the tests use, from ../shared
FIXTURES = Path(__file__).parent / "data" / "psplib"
J301_1 = PSPLIB / "j30" / "j301_1.sm"

# Proven optimal by CP-SAT with one worker in under about a second each (0.05-0.7 s
# measured on a 2-core machine); one from each of several parameter groups.
J30_QUICK = ["j301_1", "j305_3", "j3010_3", "j3014_7", "j3029_10", "j3041_9"]


def _rows(path: Path, section: str) -> list[list[int]]:
    """The integer rows of a PSPLIB section, read independently of the importer."""
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if section in line)
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("*"):
            break
        if re.fullmatch(r"[\d\s]+", line) and line.strip():
            rows.append([int(v) for v in line.split()])
    return rows


def test_import_mirrors_the_j30_file() -> None:
    inst = from_psplib(J301_1)
    precedence = _rows(J301_1, "PRECEDENCE RELATIONS")
    requests = _rows(J301_1, "REQUESTS/DURATIONS")
    (capacities,) = _rows(J301_1, "RESOURCEAVAILABILITIES")

    assert inst.name == "j301_1"
    assert inst.objective == "makespan"
    assert len(inst.systems) == len(precedence) == 32
    assert [(r.id, r.capacity) for r in inst.resources] == [(f"R{k}", c) for k, c in enumerate(capacities, 1)]
    assert capacities == [12, 13, 4, 12]
    edges = {(f"j{row[0]}", f"j{succ}") for row in precedence for succ in row[3:]}
    assert {(pred, s.id) for s in inst.systems for pred in s.after} == edges
    assert len(edges) == sum(row[2] for row in precedence)
    for system, (job, _mode, duration, *demand) in zip(inst.systems, requests, strict=True):
        assert system.id == f"j{job}"
        assert system.duration_days == duration
        assert (system.demand or {}) == {f"R{k}": d for k, d in enumerate(demand, 1) if d}
    (line,) = inst.lines
    assert line.systems == [s.id for s in inst.systems]
    assert inst.horizon_days == sum(row[2] for row in requests) + 1


def test_imported_file_validates(tmp_path: Path) -> None:
    inst = from_psplib(J301_1)
    out = tmp_path / "j301_1.json"
    out.write_text(to_json(inst))
    assert parse_instance(out.read_text()) == inst
    result = CliRunner().invoke(main, ["validate", str(out)])
    assert result.exit_code == 0, result.output


def test_sm_version_of_example_08_is_the_worked_example() -> None:
    inst = from_psplib(FIXTURES / "example-08.sm")
    example = json.loads((EXAMPLES / "08-makespan-psplib-style.json").read_text())
    job = {s["id"]: f"j{k}" for k, s in enumerate(example["systems"], 2)}
    jobs = {s.id: s for s in inst.systems}
    for s in example["systems"]:
        got = jobs[job[s["id"]]]
        assert got.duration_days == s["duration_days"]
        assert got.demand == s["demand"]
        assert set(got.after) - {"j1"} == {job[a] for a in s.get("after", [])}
    assert solve_checked(inst).objective == 9  # the example's optimum


@pytest.mark.parametrize("name", J30_QUICK)
def test_j30_solves_to_the_proven_optimum(name: str) -> None:
    bound = known_bounds(PSPLIB / "bounds.csv")[name]
    assert bound.optimal
    result = solve_checked(from_psplib(PSPLIB / "j30" / f"{name}.sm"), time_limit=10)
    assert result.status == "optimal"
    assert result.objective == bound.ub


def test_known_bounds_reads_the_table() -> None:
    bounds = known_bounds(PSPLIB / "bounds.csv")
    assert len(bounds) == 480 + 480 + 600
    assert bounds["j301_1"] == Bound(name="j301_1", ub=43, lb=43, optimal=True)
    open_j60 = bounds["j6042_1"]
    assert open_j60.lb is None
    assert not open_j60.optimal


def test_horizon_is_capped_at_the_schema_limit(tmp_path: Path) -> None:
    text = (FIXTURES / "example-08.sm").read_text()
    long = re.sub(r"(?m)^(  [2-6]      1)     \d", r"\1  2000", text)
    (tmp_path / "long.sm").write_text(long)
    inst = from_psplib(tmp_path / "long.sm", name="long")
    assert inst.name == "long"
    assert sum(s.duration_days or 0 for s in inst.systems) == 10000
    assert inst.horizon_days == MAX_HORIZON


def test_multi_mode_file_is_rejected_at_its_lines() -> None:
    with pytest.raises(InstanceError) as err:
        from_psplib(FIXTURES / "multi-mode.mm")
    assert err.value.source == str(FIXTURES / "multi-mode.mm")
    assert err.value.problems == [
        "line 20 (job 2): 2 modes; only single-mode files (.sm) are supported",
        "line 28 (job 2, mode 1): uses the non-renewable N 1 (3); non-renewable resources are not supported",
    ]


def _replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)

    return edit


# line numbers are those of tests/data/psplib/example-08.sm
MALFORMED = {
    "missing-section": (_replace("REQUESTS/DURATIONS:", "REQUESTS:"), "no 'REQUESTS/DURATIONS' section"),
    "not-a-number": (_replace("  3      1     2       2", "  3      1     x       2"), "line 32:"),
    "negative-duration": (_replace("  3      1     2       2", "  3      1    -2       2"), "line 32:"),
    "unknown-successor": (_replace("   6        1          1           7", "   6  1  1  9"), "line 24:"),
    "successor-count": (_replace("   1        1          2           2   3", "   1  1  3  2  3"), "line 19:"),
    "job-count": (_replace("supersource/sink ):  7", "supersource/sink ):  8"), "line 6:"),
    "missing-request": (_replace("  5      1     1       1", "  5      1     1"), "line 34:"),
    "missing-capacity": (_replace("  R 1\n    2", "  R 1\n"), "line 41:"),
    "doubly-constrained": (_replace("AVAILABILITIES:\n  R 1", "AVAILABILITIES:\n  R 1  D 1"), "line 39:"),
    "too-long": (
        _replace("  3      1     2       2", "  3      1  2000000000  2"),
        "line 32 (job 3, duration_days): must be at most",
    ),
    "cycle": (_replace("   4        1          1           6", "   4  1  1  2"), "line 20 (job 2): cycle"),
}


@pytest.mark.parametrize("defect", MALFORMED)
def test_malformed_file_is_rejected_with_its_line(defect: str, tmp_path: Path) -> None:
    edit, expected = MALFORMED[defect]
    path = tmp_path / f"{defect}.sm"
    path.write_text(edit((FIXTURES / "example-08.sm").read_text()))
    with pytest.raises(InstanceError) as err:
        from_psplib(path)
    assert err.value.source == str(path)
    assert any(p.startswith(expected) for p in err.value.problems), err.value.problems


def test_missing_file_is_an_instance_error(tmp_path: Path) -> None:
    with pytest.raises(InstanceError, match="cannot read the file"):
        from_psplib(tmp_path / "nowhere.sm")


@pytest.mark.skipif(not (SHARED / "data" / "psplib").is_dir(), reason="no ../shared beside the repository")
def test_the_copied_psplib_files_are_the_shared_sets_own() -> None:
    shared = SHARED / "data" / "psplib"
    copies = [PSPLIB / "bounds.csv", *sorted((PSPLIB / "j30").glob("*.sm"))]
    for ours in copies:
        assert ours.read_bytes() == (shared / ours.relative_to(PSPLIB)).read_bytes(), ours.name
