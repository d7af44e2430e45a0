"""Fuzzing: no instance file, however broken, gets anything but a located error or a plan.

Mutations of the worked examples and the tiny generated instances
(tests/mutations.py) go through the reader, and those that are valid through
the size check, the structural checks, the greedy and a short search; every
plan must pass the checker. The command line must exit 0, 1 or 2 and never
print a traceback. A campaign of 2,000 files runs with the suite; the one of
20,000 that found the deep-nesting crash is `python -m pytest -m fuzz`.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli.commands import main
from planner.diagnosis.structural import structural_reasons
from planner.errors import InstanceError
from planner.formats.read import parse_instance
from planner.formats.schema import Instance
from planner.problem.sizes import check_size
from planner.search.greedy import greedy
from planner.solve import solve
from planner.verify import verify

from helpers import EXAMPLES
from mutations import mutants

GENERATED = Path(__file__).resolve().parents[1] / "instances" / "generated"
SEEDS = [p.read_bytes() for p in [*sorted(EXAMPLES.glob("*.json")), *sorted(GENERATED.glob("tiny-*.json"))]]


def _valid(texts: Iterator[bytes]) -> Iterator[Instance]:
    """The texts that are valid instances; every other must be refused with located problems."""
    for text in texts:
        try:
            yield parse_instance(text)
        except InstanceError as err:
            assert err.problems and all(": " in p or p.startswith("the file") for p in err.problems), err


def _plans_check(instance: Instance, *, search: bool) -> None:
    try:
        check_size(instance)
    except InstanceError:
        return
    structural_reasons(instance)
    plan = greedy(instance)
    if plan is not None:
        assert verify(instance, plan).ok
    if search:
        result = solve(instance, time_limit=0.5, workers=1, seed=0)
        assert verify(instance, result.plan).ok


def _campaign(count: int, rng_seed: int, search_every: int) -> int:
    valid = 0
    for instance in _valid(mutants(SEEDS, count, rng_seed)):
        _plans_check(instance, search=valid % search_every == 0)
        valid += 1
    return valid


def test_two_thousand_mutated_files_give_a_located_error_or_a_checked_plan() -> None:
    valid = _campaign(2000, rng_seed=1, search_every=10)
    assert valid > 100  # the mutations leave enough files valid to reach the solver


@pytest.mark.fuzz
def test_twenty_thousand_mutated_files_give_a_located_error_or_a_checked_plan() -> None:
    assert _campaign(20_000, rng_seed=2, search_every=1) > 1000


@pytest.mark.parametrize("chunk", range(4))
def test_the_command_line_exits_0_1_or_2_with_no_traceback_on_mutated_files(
    chunk: int, tmp_path: Path
) -> None:
    runner = CliRunner()
    path = tmp_path / "mutant.json"
    solved = 0
    for text in islice(mutants(SEEDS, 400, rng_seed=100 + chunk), 50):
        path.write_bytes(text)
        result = runner.invoke(main, ["validate", str(path)])
        assert "Traceback" not in result.output
        assert isinstance(result.exception, SystemExit | None), result.exception
        assert result.exit_code in (0, 2), result.output
        if result.exit_code == 0 and solved < 5:
            solved += 1
            out = tmp_path / "plan.json"
            result = runner.invoke(
                main, ["solve", str(path), "-o", str(out), "--time-limit", "1", "--workers", "1", "-q"]
            )
            assert "Traceback" not in result.output
            assert isinstance(result.exception, SystemExit | None), result.exception
            assert result.exit_code in (0, 1, 2), result.output
