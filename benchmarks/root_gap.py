"""Where the MIP's root gap is: which decisions, made integral, close it?

    python -m benchmarks.root_gap --time-limit 300

Solves JLR-2025 (or `--instance`) to its optimum with HiGHS on both cores
(`planner.mip.solve_mip`), then measures the time-indexed MIP's relaxations
against that optimum:

- its LP relaxation as it is, and with the optimum's clearances, its restart
  days or both fixed (every other column free and continuous);
- the MIP with only some columns integral (`--integral`): the clearances
  (`started`), the restart days (`running`), both, or every column (`all`,
  the MIP itself), each on one thread, as HiGHS runs beside CP-SAT.

A relaxation whose optimum is the MIP's own optimum shows which decisions
the root gap is made of, and so which decisions a decomposition or a
strengthening must make integral (issue 16's next step).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    import highspy

    from planner.mip.formulation import Formulation
    from planner.problem.decisions import Decisions

ROOT = Path(__file__).resolve().parents[1]


@click.command()
@click.option("--instance", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option("--time-limit", type=float, default=300.0, show_default=True, help="Seconds per HiGHS run.")
@click.option(
    "--integral",
    default="started,running,started+running,all",
    show_default=True,
    help="The partial MIPs to solve: comma-separated, each a '+'-joined set of column kinds.",
)
def main(instance: str | None, time_limit: float, integral: str) -> None:
    from planner.formats.read import load_instance
    from planner.mip import solve_mip
    from planner.problem.data import ProblemData

    path = Path(instance) if instance is not None else ROOT / "instances" / "jlr-2025.json"
    data = ProblemData.from_instance(load_instance(path))
    optimum = solve_mip(data, time_limit=time_limit, threads=2, seed=0)
    if optimum.decisions is None:
        print(f"no plan from the MIP in {time_limit:g} s ({optimum.status})")
        return
    best = optimum.decisions.objective
    print(f"the MIP, 2 threads: {optimum.status}, plan {best:,}, bound {optimum.bound}, ", end="")
    print(f"{optimum.runtime:.1f} s", flush=True)
    for fixed in ((), ("started",), ("running",), ("started", "running")):
        began = time.perf_counter()
        value = _lp(data, optimum.decisions, fixed, time_limit)
        what = " and ".join(fixed) or "nothing"
        print(
            f"LP, the optimum's {what} fixed: {value:,.0f} ({(best - value) / best:.3%} below), "
            f"{time.perf_counter() - began:.1f} s",
            flush=True,
        )
    for kinds in integral.split(","):
        began = time.perf_counter()
        status, value, bound, nodes = _partial(data, tuple(kinds.split("+")), time_limit)
        print(
            f"MIP, {kinds} integral, 1 thread: {status}, value {value:,.0f}, bound {bound:,.0f} "
            f"({(best - bound) / best:.3%} below the optimum), {nodes} nodes, "
            f"{time.perf_counter() - began:.1f} s",
            flush=True,
        )


def _columns(formulation: Formulation, kinds: tuple[str, ...]) -> set[int]:
    windows = []
    if "started" in kinds:
        windows += list(formulation.started.values())
    if "running" in kinds:
        windows += list(formulation.running.values())
    return {col for w in windows for col in range(w.col, w.col + w.last - w.first + 1)}


def _highs(time_limit: float) -> highspy.Highs:
    import highspy

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highspy.Highs.resetThreadScheduler(True)  # the optimum's solve sized it for 2 threads
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("time_limit", time_limit)
    highs.setOptionValue("mip_abs_gap", 1.0 - 1e-6)
    return highs


def _lp(data, decisions: Decisions, fixed: tuple[str, ...], time_limit: float) -> float:
    import highspy

    from planner.mip.formulation import Formulation

    formulation = Formulation(data)
    values = formulation.values_of(decisions)
    program = formulation.program
    for col in _columns(formulation, fixed):
        program.lower[col] = program.upper[col] = values[col]
    lp = program.lp()
    lp.integrality_ = [highspy.HighsVarType.kContinuous] * lp.num_col_
    highs = _highs(time_limit)
    highs.passModel(lp)
    highs.run()
    return float(highs.getObjectiveValue())


def _partial(data, kinds: tuple[str, ...], time_limit: float) -> tuple[str, float, float, int]:
    import highspy

    from planner.mip.formulation import Formulation

    formulation = Formulation(data)
    lp = formulation.program.lp()
    if "all" not in kinds:
        integral = _columns(formulation, kinds)
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if j in integral else highspy.HighsVarType.kContinuous
            for j in range(lp.num_col_)
        ]
    highs = _highs(time_limit)
    highs.passModel(lp)
    highs.run()
    info = highs.getInfo()
    status = highs.modelStatusToString(highs.getModelStatus())
    return status, info.objective_function_value, info.mip_dual_bound, info.mip_node_count


if __name__ == "__main__":
    main()
