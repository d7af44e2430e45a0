"""What the size limits and the time budget of `solve()` rest on, measured.

    python -m benchmarks.limits sizes [--scales 1,2,4] [--time-limit 40]
    python -m benchmarks.limits greedy
    python -m benchmarks.limits keep [--limits 3,5,10]

`sizes`: xl-s1 with its horizon stretched 1, 2 and 4 times (its calendar and
step functions repeat nothing past day 365; the products grow with the
horizon): the products `planner.problem.sizes` counts, the CP-SAT model's size, the
greedy's, the build's and the warm start's time, and the peak memory of a
`restart-planner solve` with 2 workers in its own process.

`greedy`: the greedy's first variant against all of them on the generated
set and JLR-2025 (`planner.solve._GREEDY_SHARE`).

`keep`: the wall time of `solve()` against its limit on xl-s1 and on the
instance infeasible only by search (tests/data/), 2 workers.
"""

from __future__ import annotations

import json
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click
import pandas as pd

from benchmarks.report import markdown

ROOT = Path(__file__).resolve().parents[1]
XL = ROOT / "instances" / "generated" / "xl-s1.json"


@click.group()
def main() -> None:
    """Measurements behind planner/problem/sizes.py and planner/search/budget.py."""


@main.command()
@click.option("--scales", default="1,2,4", show_default=True, help="Horizons as multiples of xl-s1's.")
@click.option(
    "--time-limit", default=40.0, show_default=True, help="Seconds of each solve whose memory is read."
)
def sizes(scales: str, time_limit: float) -> None:
    """Products, model size, times and peak memory of xl-s1 stretched in time."""
    from planner.cpsat.model import RestartModel
    from planner.formats.read import parse_instance
    from planner.problem.data import ProblemData
    from planner.problem.decisions import decisions_from_plan
    from planner.problem.sizes import PRODUCTS
    from planner.search.greedy import greedy

    rows = []
    base = json.loads(XL.read_text())
    for scale in (int(s) for s in scales.split(",")):
        data = dict(base, horizon_days=base["horizon_days"] * scale, name=f"xl-s1-x{scale}")
        instance = parse_instance(json.dumps(data))
        row: dict[str, object] = {"instance": instance.name}
        for product in PRODUCTS:
            row[product.unit] = product.count(instance)[0]
        started = time.perf_counter()
        plan = greedy(instance)
        row["greedy s"] = round(time.perf_counter() - started, 2)
        problem = ProblemData.from_instance(instance)
        started = time.perf_counter()
        built = RestartModel(problem)
        row["build s"] = round(time.perf_counter() - started, 2)
        assert plan is not None
        started = time.perf_counter()
        built.warmstart(decisions_from_plan(problem, plan))
        row["warm start s"] = round(time.perf_counter() - started, 2)
        row["variables"] = len(built.model.proto.variables)
        row["constraints"] = len(built.model.proto.constraints)
        row["solve peak MB"] = _peak_memory(data, time_limit)
        rows.append(row)
        click.echo(row, err=True)
    click.echo(f"{platform.processor() or platform.machine()}, solve --time-limit {time_limit:g} --workers 2")
    click.echo(markdown(pd.DataFrame(rows)))


# A solve in a process of its own, past the size limits too: they are what is measured.
_SOLVE = """
import sys
from planner.formats.read import load_instance
from planner.solve import solve
sys.modules["planner.solve"].check_size = lambda instance: None
result = solve(load_instance(sys.argv[1]), time_limit=float(sys.argv[2]), workers=2, seed=0)
assert result.plan.has_schedule, result.status
"""


def _peak_memory(data: dict[str, object], time_limit: float) -> int:
    """Peak resident memory (MB) of a solve of `data` with 2 workers, from GNU time."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "instance.json"
        path.write_text(json.dumps(data))
        command = [sys.executable, "-c", _SOLVE, str(path), str(time_limit)]
        done = subprocess.run(["/usr/bin/time", "-f", "peak %M", *command], capture_output=True, text=True)
    found = re.search(r"peak (\d+)", done.stderr)
    if done.returncode != 0 or not found:
        raise click.ClickException(f"the solve failed:\n{done.stderr}")
    return int(found[1]) // 1024


@main.command("greedy")
def greedy_variants() -> None:
    """The greedy's first variant against all of its variants."""
    from planner.formats.read import load_instance
    from planner.search.budget import Budget
    from planner.search.greedy import greedy

    rows = []
    paths = [*sorted((ROOT / "instances" / "generated").glob("*.json")), ROOT / "instances" / "jlr-2025.json"]
    for path in paths:
        instance = load_instance(path)
        started = time.perf_counter()
        every = greedy(instance)
        every_time = time.perf_counter() - started
        started = time.perf_counter()
        first = greedy(instance, Budget.of(0.0))
        first_time = time.perf_counter() - started
        assert every is not None and first is not None
        assert every.objective.value is not None and first.objective.value is not None
        rows.append(
            {
                "instance": instance.name,
                "all variants": every.objective.value,
                "all s": round(every_time, 2),
                "first variant": first.objective.value,
                "first s": round(first_time, 2),
                "first / all": round(first.objective.value / max(1, every.objective.value), 3),
            }
        )
    click.echo(markdown(pd.DataFrame(rows)))


@main.command()
@click.option("--limits", default="3,5,10", show_default=True, help="Time limits to try, in seconds.")
def keep(limits: str) -> None:
    """Wall time of solve() against its limit."""
    from planner.formats.read import load_instance
    from planner.solve import solve

    rows = []
    cases = [(XL, 2), (ROOT / "tests" / "data" / "infeasible-only-by-search.json", 2)]
    for path, workers in cases:
        instance = load_instance(path)
        for limit in (float(t) for t in limits.split(",")):
            started = time.perf_counter()
            result = solve(instance, time_limit=limit, workers=workers, seed=0)
            wall = time.perf_counter() - started
            rows.append(
                {
                    "instance": path.stem,
                    "limit s": limit,
                    "solve() s": round(wall, 2),
                    "over s": round(wall - limit, 2),
                    "status": result.status,
                    "note": result.note or "",
                }
            )
    click.echo(markdown(pd.DataFrame(rows)))


if __name__ == "__main__":
    main()
