"""HiGHS on the MIP: the search, its LP and root bounds, production for a fixed schedule.

The formulation is in `formulation.py`; these functions build it, hand it to
HiGHS, follow its search (`MipListener`) and read the outcome back as `Decisions`.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

import highspy

from planner.errors import SolveError
from planner.mip.formulation import Formulation
from planner.mip.serial import best_serial_plan
from planner.problem.data import ProblemData
from planner.problem.decisions import Decisions, figures

MipStatus = Literal["optimal", "feasible", "infeasible", "unknown"]

_FAILED = {
    highspy.HighsModelStatus.kLoadError,
    highspy.HighsModelStatus.kModelError,
    highspy.HighsModelStatus.kPresolveError,
    highspy.HighsModelStatus.kSolveError,
    highspy.HighsModelStatus.kPostsolveError,
}


@dataclass(frozen=True)
class MipListener:
    """How a search running alongside follows the MIP's search.

    HiGHS calls these from its branch and bound: `on_plan` with each better
    plan it finds, `on_bound` with its dual bound (rounded up), and
    `should_stop` to ask whether to end. (Plans found elsewhere are not fed
    back: HiGHS 1.16 passes over plans given in its user-solution callback
    once it has a start, and flags them infeasible without one.)
    """

    on_plan: Callable[[Decisions], None] = lambda decisions: None
    on_bound: Callable[[int], None] = lambda bound: None
    should_stop: Callable[[], bool] = lambda: False


@dataclass(frozen=True)
class MipOutcome:
    """What the MIP gives: the status, the decisions of the best plan and the solver's figures."""

    status: MipStatus
    decisions: Decisions | None  # None when no plan was found
    bound: int | None  # proven lower bound on the objective, None when unknown
    build_time: float  # seconds to build the model
    runtime: float  # seconds, build included


def solve_mip(
    data: ProblemData,
    *,
    time_limit: float = 60.0,
    threads: int = 1,
    seed: int = 0,
    log: bool = False,
    hint: Decisions | None = None,
    listener: MipListener | None = None,
) -> MipOutcome:
    """Solve `data` with the time-indexed MIP and HiGHS.

    `threads` is passed on to HiGHS, whose branch and bound is mostly serial:
    it is a best effort. The objective is an integer, so the bound is the
    ceiling of HiGHS' dual bound. `hint`, a plan of the instance (for example
    the greedy one), starts the search when the model accepts it; under
    makespan the best of it and a serial schedule also bounds the restart days.
    `listener` follows the search as it goes (the portfolio of `solve()` does).
    """
    started = time.perf_counter()
    formulation, start = _build(data, hint, seed, log)
    build_time = time.perf_counter() - started
    if formulation.program.infeasible:
        if log:
            for reason in formulation.program.infeasible:
                print(f"mip: infeasible while building: {reason}", file=sys.stderr)
        return MipOutcome("infeasible", None, None, build_time, time.perf_counter() - started)
    if not formulation.program.names:
        # Nothing to decide (HiGHS would call the model empty and drop the offset).
        decisions = formulation.decisions([])
        return MipOutcome(
            "optimal", decisions, decisions.objective, build_time, time.perf_counter() - started
        )

    highs = new_highs(log, threads=threads, time_limit=time_limit - build_time)
    if log:
        print(f"mip: {formulation.program.size()}", file=sys.stderr)
    highs.setOptionValue("random_seed", seed)
    highs.setOptionValue("mip_rel_gap", 0.0)
    # The objective is an integer on every plan, so a gap below 1 proves optimality.
    highs.setOptionValue("mip_abs_gap", 1.0 - 1e-6)
    highs.passModel(formulation.program.lp())
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = start
        solution.value_valid = True
        highs.setSolution(solution)
    failures: list[Exception] = []
    if listener is not None:
        failures = _listen(highs, listener, formulation)
    highs.run()
    runtime = time.perf_counter() - started
    if failures:
        raise failures[0]  # raised in the listener: HiGHS itself would only say "Solve error"

    code = highs.getModelStatus()
    info = highs.getInfo()
    if code in _FAILED:
        raise SolveError(f"HiGHS failed on the MIP (a bug in the planner): {highs.modelStatusToString(code)}")
    if code in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        # The objective is bounded (every variable in it is), so "unbounded or
        # infeasible" can only be infeasible.
        return MipOutcome("infeasible", None, None, build_time, runtime)
    # Before the root LP is solved HiGHS' bound may be -inf; the columns' bounds give one.
    bound = formulation.floor()
    if math.isfinite(info.mip_dual_bound):
        bound = max(bound, math.ceil(info.mip_dual_bound - 1e-6))
    if info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible.value:
        decisions = formulation.decisions(list(highs.getSolution().col_value))
    elif start is not None:
        decisions = formulation.decisions(start)
    else:
        return MipOutcome("unknown", None, bound, build_time, runtime)
    if code == highspy.HighsModelStatus.kOptimal:
        return MipOutcome("optimal", decisions, decisions.objective, build_time, runtime)
    return MipOutcome("feasible", decisions, min(bound, decisions.objective), build_time, runtime)


def _listen(highs: highspy.Highs, listener: MipListener, formulation: Formulation) -> list[Exception]:
    """Subscribe `listener` to HiGHS' branch-and-bound callbacks; the list gets what they raise.

    An exception escaping a callback makes HiGHS end with "Solve error", its
    cause lost; so it is kept, HiGHS is interrupted at its next chance, and
    `solve_mip` raises it.
    """
    failures: list[Exception] = []

    def improving(event: highspy.HighsCallbackEvent) -> None:
        if failures:
            return
        try:
            values = [float(v) for v in event.data_out.mip_solution]
            listener.on_plan(formulation.decisions(values))
        except Exception as failure:
            failures.append(failure)

    def interrupt(event: highspy.HighsCallbackEvent) -> None:
        if not failures:
            try:
                bound = event.data_out.mip_dual_bound
                if math.isfinite(bound):
                    listener.on_bound(math.ceil(bound - 1e-6))
                if not listener.should_stop():
                    return
            except Exception as failure:
                failures.append(failure)
        event.interrupt()

    highs.cbMipImprovingSolution.subscribe(improving)
    highs.cbMipInterrupt.subscribe(interrupt)
    return failures


def root_bound(data: ProblemData, *, time_limit: float, seed: int = 0) -> int | None:
    """HiGHS' proven bound at the MIP's root: presolve and the root LP, then it stops.

    No branching, one thread. Where the lost value depends on parts and staff,
    this bound is far stronger than CP-SAT's early on (JLR-2025: 13,549,339
    after about 20 s; CP-SAT's after 60 s is near 11.7M), and `solve()`'s
    portfolio reports it beside its plans (`planner.search.highs_process`). Where the time
    limit comes first, the bound is what presolve proved. None for an
    infeasible MIP.
    """
    reached: list[int] = []
    outcome = solve_mip(
        data,
        time_limit=time_limit,
        threads=1,
        seed=seed,
        listener=MipListener(on_bound=reached.append, should_stop=lambda: bool(reached)),
    )
    return outcome.bound


def lp_bound(data: ProblemData, *, time_limit: float, seed: int = 0) -> int | None:
    """A bound from the MIP's LP relaxation, solved by HiGHS' interior point method.

    The interior point method, without crossover, because it solves these
    LPs an order of magnitude sooner than dual simplex (JLR-2025: 2.8 s
    against 16 s; large-s1: 37 s, where dual simplex had not finished at
    150 s: benchmarks/README.md). Its duals need not be exact: the bound is
    read from them by `Program.dual_bound`, which is valid for any duals.
    One thread. None when the relaxation is infeasible (so is the instance)
    or no dual came within the time limit.
    """
    started = time.perf_counter()
    formulation = Formulation(data)
    program = formulation.program
    if program.infeasible:
        return None
    floor = formulation.floor()
    if not program.row_names:
        return floor
    lp = program.lp()
    lp.integrality_ = [highspy.HighsVarType.kContinuous] * lp.num_col_
    highs = new_highs(False, threads=1, time_limit=time_limit - (time.perf_counter() - started))
    highs.setOptionValue("random_seed", seed)
    highs.setOptionValue("solver", "ipm")
    highs.setOptionValue("run_crossover", "off")
    highs.passModel(lp)
    highs.run()
    code = highs.getModelStatus()
    if code in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return None
    if highs.getInfo().dual_solution_status == highspy.SolutionStatus.kSolutionStatusNone.value:
        return None
    proved = program.dual_bound(list(highs.getSolution().row_dual))
    return max(floor, math.ceil(proved - 1e-6)) if math.isfinite(proved) else floor


@dataclass(frozen=True)
class ProductionOutcome:
    """The best production for a fixed schedule: HiGHS' status, value and bound."""

    status: str  # HiGHS' model status, as it words it
    value: float | None  # the objective of the best solution (the LP's optimum when relaxed)
    bound: float | None  # HiGHS' dual bound
    runtime: float  # seconds, build included
    decisions: Decisions | None = None  # the best plan found (not when relaxed)


def solve_production(
    data: ProblemData,
    plan: Decisions,
    *,
    time_limit: float = 60.0,
    threads: int = 1,
    relax: bool = False,
    should_stop: Callable[[], bool] | None = None,
) -> ProductionOutcome:
    """The production part alone: `plan`'s clearances and restart days fixed, shifts and units free.

    The search's portfolio uses it where production is what is left to
    improve (planner/search/portfolio.py); benchmarks/production.py measures with it
    how good the production of a schedule can be, as a MIP or (`relax`) as its
    LP relaxation. The MIP starts from `plan`'s own production. The branch and
    bound stops early once `should_stop()` says so (it is asked from HiGHS'
    callbacks).
    """
    started = time.perf_counter()
    formulation = Formulation(data)
    values = formulation.values_of(plan)
    program = formulation.program
    for window in [*formulation.started.values(), *formulation.running.values()]:
        for col in range(window.col, window.col + window.last - window.first + 1):
            program.lower[col] = program.upper[col] = values[col]
    lp = program.lp()
    if relax:
        lp.integrality_ = [highspy.HighsVarType.kContinuous] * lp.num_col_
    highs = new_highs(False, threads=threads, time_limit=time_limit - (time.perf_counter() - started))
    highs.setOptionValue("mip_abs_gap", 1.0 - 1e-6)
    highs.passModel(lp)
    if not relax and program.violation(values) is None:
        start = highspy.HighsSolution()  # the plan's own production: never worse than it
        start.col_value = values
        start.value_valid = True
        highs.setSolution(start)
    if should_stop is not None:
        stop = should_stop
        highs.cbMipInterrupt.subscribe(lambda event: event.interrupt() if stop() else None)
    highs.run()
    info = highs.getInfo()
    status = highs.modelStatusToString(highs.getModelStatus())
    runtime = time.perf_counter() - started
    found = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible.value
    if relax:
        value = highs.getObjectiveValue() if found else None
        return ProductionOutcome(status, value, value, runtime)
    bound = info.mip_dual_bound if math.isfinite(info.mip_dual_bound) else None
    # The plan's value, not HiGHS': see `Formulation.decisions`.
    decisions = formulation.decisions(list(highs.getSolution().col_value)) if found else None
    value = None if decisions is None else float(decisions.objective)
    return ProductionOutcome(status, value, bound, runtime, decisions)


def _build(
    data: ProblemData, hint: Decisions | None, seed: int, log: bool
) -> tuple[Formulation, list[float] | None]:
    """The formulation, and the column values of a plan to start from (None without one).

    Under makespan the restart days are cut at the makespan of the best known
    plan, once the cut model is checked to accept that plan: the optimum is no
    later, and a time-indexed model shrinks with its horizon.
    """
    plans = [] if hint is None else [hint]
    if data.objective == "makespan":
        heuristic = best_serial_plan(data, seed)
        plans += [] if heuristic is None else [heuristic]
        for plan in sorted(plans, key=lambda plan: figures(data, plan).makespan or data.horizon):
            makespan = figures(data, plan).makespan
            if makespan is None:
                continue
            cut = Formulation(data, last_restart=makespan)
            values = cut.values_of(plan)
            problem = "; ".join(cut.program.infeasible) or cut.program.violation(values)
            if problem is None:
                return cut, values
            if log:
                print(f"mip: a plan of makespan {makespan} does not fit: {problem}", file=sys.stderr)
    formulation = Formulation(data)
    if hint is not None and not formulation.program.infeasible:
        values = formulation.values_of(hint)
        problem = formulation.program.violation(values)
        if problem is None:
            return formulation, values
        if log:
            print(f"mip: the hint does not fit the model: {problem}", file=sys.stderr)
    return formulation, None


@contextlib.contextmanager
def _stdout_to(path: str | None) -> Iterator[None]:
    """Redirect file descriptor 1 to `path`, or to stderr when None.

    At the level of file descriptors: C++ output does not go through `sys.stdout`.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    target = os.open(path, os.O_WRONLY) if path is not None else os.dup(2)
    try:
        os.dup2(target, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(target)


def new_highs(log: bool, *, threads: int, time_limit: float) -> highspy.Highs:
    """A HiGHS instance with the options every use here shares: output, threads, time limit.

    Its log, when asked for, goes to stderr: HiGHS logs to stdout, where a
    plan may be written.
    """
    # The first Highs() of a process prints a banner on stdout, whatever its
    # options, and stdout may be where a plan is being written.
    with _stdout_to(None if log else os.devnull):
        highs = highspy.Highs()  # type: ignore[no-untyped-call]
    highs.setOptionValue("output_flag", log)
    if log:
        highs.setOptionValue("log_to_console", False)
        highs.cbLogging.subscribe(lambda event: print(event.message, end="", file=sys.stderr))
    highs.setOptionValue("time_limit", max(0.0, time_limit))
    # HiGHS keeps one thread scheduler per process, sized by the first solve;
    # a later solve asking for another size must reset it.
    highspy.Highs.resetThreadScheduler(True)
    highs.setOptionValue("threads", threads)
    return highs
