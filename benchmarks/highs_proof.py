"""Does HiGHS prove JLR-2025 sooner when it starts from the optimum?

    python -m benchmarks.highs_proof --time-limit 150 --seeds 0,1,2

Solves JLR-2025 once with HiGHS on both cores (`planner.mip.solve_mip`,
2 threads, seed 0) to its proven optimum, then again from that optimal plan
as the start, once per seed, and prints the status, the plan's value, the
bound and the seconds each run took. If a proof came soon after a good plan
is known, the portfolio could hand both cores to HiGHS once its plan is the
best (issue 16's next step after the second session of 2026-12-07).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from planner.mip import MipOutcome

ROOT = Path(__file__).resolve().parents[1]


@click.command()
@click.option("--time-limit", type=float, default=150.0, show_default=True, help="Seconds per HiGHS run.")
@click.option("--seeds", default="0,1,2", show_default=True, help="HiGHS seeds of the runs from the optimum.")
def main(time_limit: float, seeds: str) -> None:
    from planner.formats.read import load_instance
    from planner.mip import solve_mip
    from planner.problem.data import ProblemData

    data = ProblemData.from_instance(load_instance(ROOT / "instances" / "jlr-2025.json"))
    cold = solve_mip(data, time_limit=time_limit, threads=2, seed=0)
    print(f"cold, seed 0: {_line(cold)}", flush=True)
    if cold.decisions is None:
        return
    for seed in (int(s) for s in seeds.split(",")):
        warm = solve_mip(data, time_limit=time_limit, threads=2, seed=seed, hint=cold.decisions)
        print(f"from that plan, seed {seed}: {_line(warm)}", flush=True)


def _line(outcome: MipOutcome) -> str:
    value = None if outcome.decisions is None else outcome.decisions.objective
    return f"{outcome.status}, plan {value}, bound {outcome.bound}, {outcome.runtime:.1f} s"


if __name__ == "__main__":
    main()
