"""How build time, memory and time to 1% gap grow with lines x days.

    python -m benchmarks.scaling --sizes tiny,small,medium,large --time-limit 60

Each (size, seed) is solved in a fresh subprocess, so that its peak memory
(the child's maximum resident set) is its own.
"""

from __future__ import annotations

import json
import platform
import resource
import subprocess
import sys
from pathlib import Path

import click
import pandas as pd

from benchmarks.report import markdown


def measure(size: str, seed: int, time_limit: float, workers: int) -> dict[str, object]:
    """Solve one generated instance in this process and report what it cost."""
    from planner.problem.generate import generate
    from planner.solve import solve
    from planner.verify import verify

    instance = generate(size, seed)
    result = solve(instance, time_limit=time_limit, workers=workers, seed=0)
    days = instance.horizon_days
    return {
        "size": size,
        "seed": seed,
        "lines": len(instance.lines),
        "days": days,
        "lines_x_days": len(instance.lines) * days,
        "systems": len(instance.systems),
        "materials": len(instance.materials),
        "status": result.status,
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "build_time": round(result.build_time, 2),
        "time_to_1pct_gap": result.time_to_gap(0.01),
        "time": round(result.runtime, 2),
        "verified": verify(instance, result.plan).ok,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


@click.command()
@click.option("--sizes", default="tiny,small,medium,large", show_default=True)
@click.option("--seeds", default="1", show_default=True, help="Comma-separated seeds.")
@click.option("--time-limit", type=float, default=60.0, show_default=True)
@click.option("--workers", type=int, default=2, show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("benchmarks/results"))
@click.option("--one", is_flag=True, hidden=True, help="Measure one (size, seed) here and print JSON.")
def main(sizes: str, seeds: str, time_limit: float, workers: int, out: Path, one: bool) -> None:
    """Solve generated instances of growing size and tabulate what it costs."""
    if one:
        size, seed = sizes, int(seeds)
        click.echo(json.dumps(measure(size, seed, time_limit, workers)))
        return
    rows = []
    for size in sizes.split(","):
        for seed in (int(s) for s in seeds.split(",")):
            command = [
                sys.executable,
                "-m",
                "benchmarks.scaling",
                "--one",
                "--sizes",
                size,
                "--seeds",
                str(seed),
                "--time-limit",
                str(time_limit),
                "--workers",
                str(workers),
            ]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            row = json.loads(done.stdout.strip().splitlines()[-1])
            click.echo(f"{size} seed {seed}: {row}", err=True)
            rows.append(row)
    table = pd.DataFrame(rows)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "scaling.csv", index=False)
    text = (
        f"## Scaling: {time_limit:g} s, {workers} workers\n\n"
        f"`python -m benchmarks.scaling --sizes {sizes} --seeds {seeds} --time-limit {time_limit:g} "
        f"--workers {workers}` on {platform.machine()}, Python {platform.python_version()}\n\n"
        + markdown(table)
    )
    (out / "scaling.md").write_text(text + "\n")
    click.echo(text)
    if not table["verified"].all():
        click.echo("A PLAN FAILED THE CHECKER", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
