"""How good can production be for a fixed schedule, and how much of it does CP-SAT find?

    python -m benchmarks.production medium-s1 large-s1 --time-limit 10

For each generated instance (or `jlr`), the greedy plan's clearances and
restart days are fixed, and only shifts, units and stocks are searched:

- `cpsat`: the CP-SAT model with the schedule fixed (`RestartModel.fix`),
  warm-started from the greedy plan, for `--time-limit` seconds;
- `mip`: the MIP peer's formulation with the schedule fixed, HiGHS, same limit;
- `lp`: that MIP's LP relaxation: a lower bound on any production for this
  schedule.

It needs HiGHS (the `mip` extra). It measures the decomposition lead of issue
4: the production part of a fixed schedule is close to a linear program.
"""

from __future__ import annotations

import platform
import time
from pathlib import Path

import click
import pandas as pd
from ortools.sat.python import cp_model

from benchmarks.report import markdown

ROOT = Path(__file__).resolve().parents[1]


def measure(name: str, time_limit: float, workers: int) -> dict[str, object]:
    from planner.cpsat import RestartModel, decisions_from_plan
    from planner.formats.read import load_instance
    from planner.mip import solve_production
    from planner.problem.data import ProblemData
    from planner.search.greedy import greedy

    path = ROOT / "instances" / ("jlr-2025.json" if name == "jlr" else f"generated/{name}.json")
    instance = load_instance(path)
    data = ProblemData.from_instance(instance)
    plan = greedy(instance)
    if plan is None:
        raise click.ClickException(f"{name}: the greedy found no plan")
    schedule = decisions_from_plan(data, plan)

    started = time.perf_counter()
    built = RestartModel(data)
    built.fix(schedule)
    built.warmstart(schedule)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 0
    code = solver.solve(built.model)
    cpsat_time = time.perf_counter() - started
    found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)

    mip = solve_production(data, schedule, time_limit=time_limit, threads=workers)
    lp = solve_production(data, schedule, time_limit=time_limit, threads=workers, relax=True)
    return {
        "instance": name,
        "greedy": plan.objective.value,
        "cpsat": round(solver.objective_value) if found else None,
        "cpsat_bound": round(solver.best_objective_bound) if found else None,
        "cpsat_status": solver.status_name(code),
        "cpsat_time": round(cpsat_time, 2),
        "mip": None if mip.value is None else round(mip.value),
        "mip_bound": None if mip.bound is None else round(mip.bound),
        "mip_status": mip.status,
        "mip_time": round(mip.runtime, 2),
        "lp": None if lp.value is None else round(lp.value),
        "lp_time": round(lp.runtime, 2),
    }


@click.command()
@click.argument("instances", nargs=-1, required=True)
@click.option("--time-limit", type=float, default=10.0, show_default=True)
@click.option("--workers", type=int, default=2, show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("benchmarks/results"))
def main(instances: tuple[str, ...], time_limit: float, workers: int, out: Path) -> None:
    """Production alone, on the greedy plan's schedule: CP-SAT, the MIP and its LP."""
    rows = [measure(name, time_limit, workers) for name in instances]
    frame = pd.DataFrame(rows)
    out.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out / "production.csv", index=False)
    click.echo(f"on {platform.machine()}, Python {platform.python_version()}\n")
    click.echo(markdown(frame))


if __name__ == "__main__":
    main()
