"""The same solve, run again and again: how far does its plan move from run to run?

    python -m benchmarks.repeat --runs 5 --time-limit 60
    python -m benchmarks.repeat --runs 5 --time-limit 60 --before /tmp/before

Seeds alone do not show how robust a result is: with two workers, the same
seed gives different plans from one run to the next, on how the threads and
child processes happen to interleave (benchmarks/README.md, "JLR-2025 at 60 s
hangs on timing noise"). Each run here is `planner.solve.solve` (2 workers,
seed 0) in a fresh Python process, as `restart-planner solve` runs. With
`--before DIR` (a checkout of an earlier commit, e.g. `git worktree add
/tmp/before HEAD~1`), every run of this tree is paired with one of that
tree, in alternating order, so that machine noise hits both alike: the
before → after of a change to the search, in one run.

Every plan is checked with `planner.verify` in its process; a plan the
checker rejects, or one below `--optimum`, ends the benchmark with an error.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]

_RUN = """
import json, sys, time
from planner.formats.read import load_instance
from planner.solve import solve
from planner.verify import verify
path, time_limit, seed = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
instance = load_instance(path)
last = [0.0, None]
def on_progress(progress):
    if progress.objective is not None and progress.objective != last[1]:
        last[:] = [progress.elapsed, progress.objective]
result = solve(instance, time_limit=time_limit, workers=2, seed=seed, on_progress=on_progress)
print(json.dumps({"objective": result.objective, "bound": result.bound, "runtime": result.runtime,
                  "last_plan": last[0], "ok": verify(instance, result.plan).ok}))
"""


@click.command()
@click.option("--instance", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option("--runs", type=int, default=5, show_default=True)
@click.option("--time-limit", type=float, default=60.0, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--before", type=click.Path(exists=True, file_okay=False), default=None)
@click.option("--optimum", type=int, default=None, help="The proven optimum (JLR-2025's by default).")
def main(
    instance: str | None, runs: int, time_limit: float, seed: int, before: str | None, optimum: int | None
) -> None:
    path = Path(instance) if instance is not None else ROOT / "instances" / "jlr-2025.json"
    if optimum is None and instance is None:
        optimum = 13_595_739
    trees = {"after": ROOT} if before is None else {"after": ROOT, "before": Path(before).resolve()}
    results: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    print("| run | tree | plan | above optimum | bound | last better plan (s) | runtime (s) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for run in range(runs):
        order = list(trees) if run % 2 == 0 else list(reversed(trees))
        for name in order:
            outcome = _solve(trees[name], path, time_limit, seed)
            if not outcome["ok"] or (optimum is not None and outcome["objective"] < optimum):
                raise click.ClickException(f"run {run + 1} ({name}): a plan the checker rejects: {outcome}")
            results[name].append(outcome)
            above = "" if optimum is None else f"{(outcome['objective'] - optimum) / optimum:.2%}"
            print(
                f"| {run + 1} | {name} | {outcome['objective']:,} | {above} | {outcome['bound']:,} "
                f"| {outcome['last_plan']:.1f} | {outcome['runtime']:.1f} |",
                flush=True,
            )
    for name, outcomes in results.items():
        plans = [o["objective"] for o in outcomes]
        line = f"{name}: mean {statistics.mean(plans):,.0f}, worst {max(plans):,}"
        if optimum is not None:
            near = sum(plan <= optimum * 1.005 for plan in plans)
            line += f", within 0.5 % of the optimum in {near} of {len(plans)}"
        print(line)


def _solve(tree: Path, path: Path, time_limit: float, seed: int) -> dict[str, float]:
    """One solve in a fresh process that imports the planner from `tree`."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(path), str(time_limit), str(seed)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    outcome: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return outcome


if __name__ == "__main__":
    main()
