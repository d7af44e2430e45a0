"""A time-indexed MIP of the restart problem, solved with HiGHS: a peer of the CP-SAT model.

It is what an operations-research practitioner would write instead of the
CP-SAT model, formulated from the contract (../shared/spec/PROBLEM.md) alone,
so that the two methods check each other: where both prove an optimum, the
optima must agree. The formulation is the classic time-indexed one, in its
"step" (on/off) form, whose LP relaxation is the point:

- `started[s,k,t]` (binary, nondecreasing in t): system s started in mode k on
  or before day t. The usual start variable is `x[s,k,t] = started[s,k,t] -
  started[s,k,t-1]`; clearing s is `sum_k started[s,k,last day]`.
  `done(s,t) = sum_k started[s,k,t-d_k]` is "cleared and ended by day t".
- `running[l,t]` (binary, nondecreasing): line l restarted on or before day t;
  the restart day is the first day it is 1.
- `shifts[l,t]`, `units[l,t]` (integers) on the plant's working days;
  `stock[m,t]` (continuous, implied) is the stock of m after day t's
  consumption, before its output is added; at most all that was on hand,
  delivered and made by then (so the LP's duals always give a bound).

Constraints C1..C7 follow the contract's numbering (and the checker's codes):

- C1 `started(s,t) <= done(p,t)` for every p in `after` and every day (the
  strong, disaggregated precedence); one mode at most (exactly one when the
  system must be cleared).
- C2 per resource and day: `q * (started(t) - started(t-d))` over the modes of
  clearances, plus commissioning `q * (running(t+c) - running(t))`, within the
  capacity in force.
- C3 `running(l,t) <= done(s,t-c)` for each s in the line's systems and
  `running(l,t) <= running(m,t)` for each m in `after_lines`.
- C4 `running <= shifts <= max_shifts * running` on working days.
- C5 `units <= rate * shifts`; the ramp
  `units(t) <= full * running(t) - sum_k (full - cap_k) * restart_on(t-k)`;
  the baseline.
- C6 crew x shifts within the headcount, per plant, pool and working day.
- C7 the stock balance, with deliveries `supply(t) * done(gate, t-lead)`.

Start windows are cut by heads (release days and the shortest clearance of
every predecessor) and tails: hard tails for what must be done (under
makespan, pinned restarts and starts), and for what may be left undone, the
last day on which clearing it can still be of use (after it nothing needs it
in time, so a plan that clears it later does as well without it). Under
makespan the restart days are also cut at the makespan of a plan found first
(a serial schedule, or the caller's hint). Precedences implied by others are
left out, and so is every row the columns' bounds already satisfy.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from graphlib import TopologicalSorter
from random import Random
from typing import Literal

import highspy

from planner.errors import SolveError
from planner.problem.data import LineData, ProblemData
from planner.problem.decisions import Decisions, figures

MipStatus = Literal["optimal", "feasible", "infeasible", "unknown"]

INF = highspy.kHighsInf

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

    highs = _new_highs(log, threads=threads, time_limit=time_limit - build_time)
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


def _listen(highs: highspy.Highs, listener: MipListener, formulation: _Formulation) -> list[Exception]:
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
    read from them by `_Program.dual_bound`, which is valid for any duals.
    One thread. None when the relaxation is infeasible (so is the instance)
    or no dual came within the time limit.
    """
    started = time.perf_counter()
    formulation = _Formulation(data)
    program = formulation.program
    if program.infeasible:
        return None
    floor = formulation.floor()
    if not program.row_names:
        return floor
    lp = program.lp()
    lp.integrality_ = [highspy.HighsVarType.kContinuous] * lp.num_col_
    highs = _new_highs(False, threads=1, time_limit=time_limit - (time.perf_counter() - started))
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
    formulation = _Formulation(data)
    values = formulation.values_of(plan)
    program = formulation.program
    for window in [*formulation.started.values(), *formulation.running.values()]:
        for col in range(window.col, window.col + window.last - window.first + 1):
            program.lower[col] = program.upper[col] = values[col]
    lp = program.lp()
    if relax:
        lp.integrality_ = [highspy.HighsVarType.kContinuous] * lp.num_col_
    highs = _new_highs(False, threads=threads, time_limit=time_limit - (time.perf_counter() - started))
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
    # The plan's value, not HiGHS': see `_Formulation.decisions`.
    decisions = formulation.decisions(list(highs.getSolution().col_value)) if found else None
    value = None if decisions is None else float(decisions.objective)
    return ProductionOutcome(status, value, bound, runtime, decisions)


def _build(
    data: ProblemData, hint: Decisions | None, seed: int, log: bool
) -> tuple[_Formulation, list[float] | None]:
    """The formulation, and the column values of a plan to start from (None without one).

    Under makespan the restart days are cut at the makespan of the best known
    plan, once the cut model is checked to accept that plan: the optimum is no
    later, and a time-indexed model shrinks with its horizon.
    """
    plans = [] if hint is None else [hint]
    if data.objective == "makespan":
        heuristic = _best_serial_plan(data, seed)
        plans += [] if heuristic is None else [heuristic]
        for plan in sorted(plans, key=lambda plan: figures(data, plan).makespan or data.horizon):
            makespan = figures(data, plan).makespan
            if makespan is None:
                continue
            cut = _Formulation(data, last_restart=makespan)
            values = cut.values_of(plan)
            problem = "; ".join(cut.program.infeasible) or cut.program.violation(values)
            if problem is None:
                return cut, values
            if log:
                print(f"mip: a plan of makespan {makespan} does not fit: {problem}", file=sys.stderr)
    formulation = _Formulation(data)
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


def _new_highs(log: bool, *, threads: int, time_limit: float) -> highspy.Highs:
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


# --- linear expressions and the program ------------------------------------------------


class _Lin:
    """An integer linear expression over column indices: terms plus a constant."""

    __slots__ = ("const", "terms")

    def __init__(self, terms: dict[int, int] | None = None, const: int = 0) -> None:
        self.terms = terms if terms is not None else {}
        self.const = const

    @staticmethod
    def col(j: int, coef: int = 1) -> _Lin:
        return _Lin({j: coef})

    def add(self, other: _Lin | int, coef: int = 1) -> _Lin:
        """Add `coef * other` in place; return self."""
        if isinstance(other, int):
            self.const += coef * other
            return self
        self.const += coef * other.const
        terms = self.terms
        for j, a in other.terms.items():
            b = terms.get(j, 0) + coef * a
            if b:
                terms[j] = b
            else:
                terms.pop(j, None)
        return self

    def __add__(self, other: _Lin | int) -> _Lin:
        return _Lin(dict(self.terms), self.const).add(other)

    def __sub__(self, other: _Lin | int) -> _Lin:
        return _Lin(dict(self.terms), self.const).add(other, -1)

    def __mul__(self, k: int) -> _Lin:
        if k == 0:
            return _Lin()
        return _Lin({j: k * a for j, a in self.terms.items()}, k * self.const)

    __rmul__ = __mul__


class _Program:
    """Columns and rows of the MIP, collected in plain lists and passed to HiGHS at once.

    Each row is checked against the column bounds on the way in: a row that
    cannot be violated is left out, one that cannot be met is recorded in
    `infeasible` (a proof of infeasibility, as the windows are valid bounds).
    """

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.cost: list[float] = []
        self.integer: list[bool] = []
        self.names: list[str] = []
        self.offset = 0
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []
        self.row_names: list[str] = []
        self.starts: list[int] = [0]
        self.index: list[int] = []
        self.value: list[float] = []
        self.infeasible: list[str] = []

    def var(self, name: str, lower: float, upper: float, *, integer: bool = True) -> int:
        self.lower.append(lower)
        self.upper.append(upper)
        self.cost.append(0.0)
        self.integer.append(integer)
        self.names.append(name)
        return len(self.names) - 1

    def le(self, name: str, expr: _Lin, rhs: int = 0) -> None:
        self._row(name, expr, -INF, rhs)

    def ge(self, name: str, expr: _Lin, rhs: int = 0) -> None:
        self._row(name, expr, rhs, INF)

    def eq(self, name: str, expr: _Lin, rhs: int = 0) -> None:
        self._row(name, expr, rhs, rhs)

    def _row(self, name: str, expr: _Lin, lower: float, upper: float) -> None:
        lower -= expr.const
        upper -= expr.const
        low = high = 0.0
        for j, a in expr.terms.items():
            if a > 0:
                low += a * self.lower[j]
                high += a * self.upper[j]
            else:
                low += a * self.upper[j]
                high += a * self.lower[j]
        if high < lower - 1e-9 or low > upper + 1e-9:
            self.infeasible.append(f"{name} cannot hold")
            return
        if low >= lower and high <= upper:
            return  # holds whatever the columns' values
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        self.row_names.append(name)
        self.index.extend(expr.terms)
        self.value.extend(float(a) for a in expr.terms.values())
        self.starts.append(len(self.index))

    def violation(self, values: list[float]) -> str | None:
        """The first column bound, integrality or row that `values` breaks; None if none."""
        tol = 1e-6
        for j, v in enumerate(values):
            if not self.lower[j] - tol <= v <= self.upper[j] + tol:
                return f"{self.names[j]} = {v} is outside [{self.lower[j]}, {self.upper[j]}]"
            if self.integer[j] and abs(v - round(v)) > tol:
                return f"{self.names[j]} = {v} is not an integer"
        for row, name in enumerate(self.row_names):
            first, end = self.starts[row], self.starts[row + 1]
            terms = zip(self.index[first:end], self.value[first:end], strict=True)
            activity = sum(a * values[j] for j, a in terms)
            if not self.row_lower[row] - tol <= activity <= self.row_upper[row] + tol:
                return f"{name} is {activity}, outside [{self.row_lower[row]}, {self.row_upper[row]}]"
        return None

    def dual_bound(self, row_dual: Sequence[float]) -> float:
        """The Lagrangian bound of the LP relaxation at `row_dual`: valid for any dual vector.

        With `r = c - A'y`, `min over the column box of c'x` subject to the rows
        is at least `offset + sum_i y_i * (lower_i if y_i > 0 else upper_i)
        + sum_j min(r_j * lower_j, r_j * upper_j)`, whatever `y` is (weak
        duality, the rows' sides and the columns' bounds all finite where
        used). So a bound read this way holds even when the LP solver stopped
        short of optimal or its tolerances were loose: it is proven by this
        arithmetic, not by the solver's word. A dual of the wrong sign for a
        one-sided row is taken as 0 (still a dual vector).
        """
        import numpy as np

        y = np.asarray(row_dual, dtype=float)
        lower, upper = np.asarray(self.row_lower), np.asarray(self.row_upper)
        y = np.where((y > 0) & np.isfinite(lower) | (y < 0) & np.isfinite(upper), y, 0.0)
        rows = np.repeat(np.arange(len(self.row_names)), np.diff(self.starts))
        value = np.asarray(self.value)
        reduced = np.asarray(self.cost) - np.bincount(
            np.asarray(self.index, dtype=np.int64), weights=value * y[rows], minlength=len(self.names)
        )
        col_lower, col_upper = np.asarray(self.lower), np.asarray(self.upper)
        sides = np.where(y > 0, y * np.where(np.isfinite(lower), lower, 0.0), 0.0) + np.where(
            y < 0, y * np.where(np.isfinite(upper), upper, 0.0), 0.0
        )
        low = np.where(reduced > 0, reduced * col_lower, 0.0)
        high = np.where(reduced < 0, reduced * col_upper, 0.0)
        if not (np.isfinite(low).all() and np.isfinite(high).all()):
            return -math.inf  # a column without a finite bound where its reduced cost points
        terms = np.concatenate([sides, low, high])
        # Rounding in these sums is far below this margin (about 1e-16 of each term each).
        margin = 1e-9 * float(np.abs(terms).sum()) + 1e-6
        return float(self.offset) + math.fsum(terms.tolist()) - margin

    def objective_at(self, values: Sequence[float]) -> float:
        """The objective at `values`, integer columns rounded: what HiGHS should report for them."""
        return self.offset + sum(
            c * (round(values[j]) if self.integer[j] else values[j]) for j, c in enumerate(self.cost) if c
        )

    def size(self) -> str:
        ints = sum(self.integer)
        return (
            f"{len(self.names)} columns ({ints} integer), {len(self.row_names)} rows, "
            f"{len(self.index)} nonzeros"
        )

    def lp(self) -> highspy.HighsLp:
        lp = highspy.HighsLp()
        lp.num_col_ = len(self.names)
        lp.num_row_ = len(self.row_names)
        lp.col_cost_ = self.cost
        lp.col_lower_ = self.lower
        lp.col_upper_ = self.upper
        lp.row_lower_ = self.row_lower
        lp.row_upper_ = self.row_upper
        lp.offset_ = float(self.offset)
        lp.col_names_ = self.names
        lp.row_names_ = self.row_names
        kinds = highspy.HighsVarType
        lp.integrality_ = [kinds.kInteger if i else kinds.kContinuous for i in self.integer]
        matrix = lp.a_matrix_
        matrix.format_ = highspy.MatrixFormat.kRowwise
        matrix.num_col_ = lp.num_col_
        matrix.num_row_ = lp.num_row_
        matrix.start_ = self.starts
        matrix.index_ = self.index
        matrix.value_ = self.value
        return lp


# --- windows: heads and tails ----------------------------------------------------------


@dataclass(frozen=True)
class _Window:
    """Days first..last (inclusive) on which a variable exists; column `col` is day `first`."""

    first: int
    last: int
    col: int

    def at(self, t: int) -> _Lin:
        """The 0/1 step variable on day t: 0 before the window, its last value after it."""
        if t < self.first:
            return _Lin()
        return _Lin.col(self.col + min(t, self.last) - self.first)


@dataclass(frozen=True)
class _Bounds:
    """Valid bounds on start and restart days, computed once from the data."""

    earliest_start: list[int]  # per system; `never` when it cannot be cleared
    latest_end: list[int]  # per system
    earliest_restart: list[int]  # per line (its fixed restart when fixed)
    latest_restart: list[int]  # per line
    must_clear: list[bool]  # per system
    must_restart: list[bool]  # per line


def _bounds(data: ProblemData, makes: list[bool], last_restart: int | None) -> _Bounds:
    """Heads and tails of the systems and lines.

    `makes[l]`: line l's units are modelled (they can matter to the objective).
    `last_restart`: a day no free line restarts after (a makespan's upper bound).
    """
    horizon = data.horizon
    never = horizon + 1
    systems, lines = data.systems, data.lines
    system_order = list(
        TopologicalSorter({s: system.after for s, system in enumerate(systems)}).static_order()
    )
    line_order = list(TopologicalSorter({i: ln.after_lines for i, ln in enumerate(lines)}).static_order())

    # Heads: release days and the shortest clearance of every predecessor.
    start = [0] * len(systems)
    end = [0] * len(systems)  # earliest end
    for s in system_order:
        system = systems[s]
        if system.cleared:
            continue
        first = max([system.release] + [end[p] for p in system.after])
        if system.fixed_start is not None:
            first = system.fixed_start if system.fixed_start >= first else never
        fitting = [m.duration for m in system.modes if first + m.duration <= horizon]
        start[s] = first if fitting else never
        end[s] = first + min(fitting) if fitting else never
    restart_lo = [0] * len(lines)
    for i in line_order:
        line = lines[i]
        if line.fixed_restart is not None:
            restart_lo[i] = line.fixed_restart
            continue
        restart_lo[i] = max(
            [line.release, line.commissioning_days]
            + [end[s] + line.commissioning_days for s in line.systems]
            + [restart_lo[m] for m in line.after_lines]
        )

    # What must be done: everything under makespan, pinned restarts and starts,
    # and what they need.
    makespan = data.objective == "makespan"
    must_restart = [makespan or ln.fixed_restart is not None for ln in lines]
    last = horizon - 1 if last_restart is None else min(horizon - 1, last_restart)
    restart_hi = [last if ln.fixed_restart is None else ln.fixed_restart for ln in lines]
    for i in reversed(line_order):
        if must_restart[i] and not lines[i].running_before_day0:
            for m in lines[i].after_lines:
                must_restart[m] = True
                restart_hi[m] = min(restart_hi[m], restart_hi[i])
    must_clear = [not x.cleared and (makespan or x.fixed_start is not None) for x in systems]
    lines_of: list[list[int]] = [[] for _ in systems]
    for i, line in enumerate(lines):
        if line.running_before_day0:
            continue  # the restart rules no longer apply to it
        for s in line.systems:
            lines_of[s].append(i)
            if must_restart[i] and not systems[s].cleared:
                must_clear[s] = True
    successors: list[list[int]] = [[] for _ in systems]
    for s in reversed(system_order):
        for p in systems[s].after:
            successors[p].append(s)
            if must_clear[s] and not systems[p].cleared:
                must_clear[p] = True

    # Tails. A system that must be cleared ends in time for what must follow it;
    # one that may be left undone is of use only up to the last day that lets
    # a successor, a line or a delivery still happen.
    consumed = {m for i, line in enumerate(lines) if makes[i] for m in line.inputs}
    gate_ends: list[list[int]] = [[] for _ in systems]
    for m, material in enumerate(data.materials):
        supplied = [t for t, q in enumerate(material.supply) if q > 0]
        if material.ordering_system is not None and m in consumed and supplied:
            gate_ends[material.ordering_system].append(supplied[-1] - material.lead_days)
    latest_end = [horizon] * len(systems)
    latest_start = [horizon] * len(systems)
    for s in reversed(system_order):
        system = systems[s]
        if system.cleared:
            continue
        if must_clear[s]:
            ends = [latest_start[n] for n in successors[s] if must_clear[n]]
            ends += [restart_hi[i] - lines[i].commissioning_days for i in lines_of[s] if must_restart[i]]
            latest_end[s] = min([horizon, *ends])
        else:
            uses = [latest_start[n] for n in successors[s]]
            uses += [restart_hi[i] - lines[i].commissioning_days for i in lines_of[s]]
            uses += gate_ends[s]
            latest_end[s] = min(horizon, max(uses, default=-1))
        if system.fixed_start is not None:
            latest_start[s] = system.fixed_start
        else:
            latest_start[s] = latest_end[s] - system.min_duration
    return _Bounds(start, latest_end, restart_lo, restart_hi, must_clear, must_restart)


def _ancestors(parents: list[list[int]], follows: list[bool]) -> list[set[int]]:
    """The transitive parents of each node, through nodes that `follows` its parents.

    `follows[n]` is false for a system already cleared and a line running
    since before day 0: their "after" rules do not hold, so no chain passes
    through them.
    """
    ancestors: list[set[int]] = [set() for _ in parents]
    for n in TopologicalSorter(dict(enumerate(parents))).static_order():
        if follows[n]:
            for p in parents[n]:
                ancestors[n] |= {p} | ancestors[p]
    return ancestors


def _direct(nodes: list[int], ancestors: list[set[int]]) -> list[int]:
    """The nodes that are no ancestor of another one: the rest is implied through them.

    In the LP relaxation too, as `done(q,t) <= started(q,t)` along a chain.
    """
    unique = set(nodes)
    return sorted(n for n in unique if not any(n in ancestors[m] for m in unique if m != n))


# --- a first plan under makespan -------------------------------------------------------


def _best_serial_plan(data: ProblemData, seed: int, passes: int = 30) -> Decisions | None:
    """The best of `_serial_plan` with its priorities as they are and `passes` times perturbed."""
    noise = Random(seed)
    found = [_serial_plan(data)] + [_serial_plan(data, noise) for _ in range(passes)]
    return min((plan for plan in found if plan is not None), key=lambda plan: plan.objective, default=None)


def _serial_plan(data: ProblemData, noise: Random | None = None) -> Decisions | None:
    """A plan by a serial schedule generation scheme, or None when it gets stuck.

    Under makespan its largest restart day bounds the optimum, which cuts the
    time-indexed model down from the horizon (PSPLIB horizons are the sum of
    all durations, several times the optimum). Systems go in topological
    order, the one with the longest chain of clearances after it first, each
    in the mode that ends first; then lines restart as early as their systems,
    commissioning teams and staff (one shift a working day) allow. `noise`
    perturbs the priorities (by up to half of them), for a sampling of plans.
    """
    horizon = data.horizon
    systems, lines = data.systems, data.lines
    load = [[0] * horizon for _ in data.resources]

    def fits(demand: dict[int, int], first: int, days: int) -> bool:
        return (
            first >= 0
            and first + days <= horizon
            and all(
                load[r][t] + q <= data.resources[r].capacity[t]
                for r, q in demand.items()
                for t in range(first, first + days)
            )
        )

    def take(demand: dict[int, int], first: int, days: int) -> None:
        for r, q in demand.items():
            for t in range(first, first + days):
                load[r][t] += q

    successors: list[list[int]] = [[] for _ in systems]
    for s, system in enumerate(systems):
        for p in system.after:
            successors[p].append(s)
    order = list(TopologicalSorter({s: x.after for s, x in enumerate(systems)}).static_order())
    tail = [0.0] * len(systems)
    for s in reversed(order):
        tail[s] = systems[s].min_duration + max((tail[n] for n in successors[s]), default=0)
    if noise is not None:
        tail = [value * (1 + noise.random() / 2) for value in tail]

    end = [0] * len(systems)
    chosen: dict[int, tuple[int, int, int] | None] = {}
    waiting = {s for s, x in enumerate(systems) if not x.cleared}
    while waiting:
        s = max((s for s in waiting if not waiting & set(systems[s].after)), key=lambda s: (tail[s], -s))
        waiting.remove(s)
        system = systems[s]
        earliest = max([system.release] + [end[p] for p in system.after])
        starts = range(earliest, horizon + 1) if system.fixed_start is None else [system.fixed_start]
        options = []  # (end, mode, start)
        for k, mode in enumerate(system.modes):
            start = next((t for t in starts if t >= earliest and fits(mode.demand, t, mode.duration)), None)
            if start is not None:
                options.append((start + mode.duration, k, start))
        if not options:
            return None
        end[s], k, start = min(options)
        take(system.modes[k].demand, start, system.modes[k].duration)
        chosen[s] = (k, start, end[s])

    staff = [{pool: [0] * horizon for pool in plant.staff} for plant in data.plants]

    def staffed(line: LineData, first: int) -> bool:
        plant = data.plants[line.plant]
        return all(
            staff[line.plant][pool][t] + people <= plant.staff[pool][t]
            for pool, people in line.crew.items()
            for t in range(max(0, first), horizon)
            if plant.working[t]
        )

    restarts: dict[int, int] = {}
    line_order = TopologicalSorter({i: ln.after_lines for i, ln in enumerate(lines)}).static_order()
    # Lines running since before day 0 first: their staff is taken whatever is decided.
    for i in sorted(line_order, key=lambda i: not lines[i].running_before_day0):
        line = lines[i]
        c = line.commissioning_days
        if line.running_before_day0:
            days: Sequence[int] = [line.fixed_restart or 0]
        else:
            earliest = max(
                [line.release, c]
                + [end[s] + c for s in line.systems]
                + [restarts[m] for m in line.after_lines]
            )
            days = range(earliest, horizon)
            if line.fixed_restart is not None:
                days = [line.fixed_restart] if line.fixed_restart in days else []
        restart = next(
            (
                r
                for r in days
                if (line.running_before_day0 or fits(line.commissioning_demand, r - c, c))
                and staffed(line, r)
            ),
            None,
        )
        if restart is None:
            return None
        restarts[i] = restart
        if not line.running_before_day0:
            take(line.commissioning_demand, restart - c, c)
        working = data.plants[line.plant].working
        for pool, people in line.crew.items():
            for t in range(max(0, restart), horizon):
                if working[t]:
                    staff[line.plant][pool][t] += people
    shifts = {
        (i, t): 1
        for i, r in restarts.items()
        for t in range(max(0, r), horizon)
        if data.plants[lines[i].plant].working[t]
    }
    makespan = max(restarts.values(), default=0)
    ordered: list[int | None] = [restarts[i] for i in range(len(lines))]
    return Decisions(chosen, ordered, dict.fromkeys(shifts, 0), shifts, makespan)


# --- the formulation --------------------------------------------------------------------


class _Formulation:
    """The MIP of one instance: its program, and how to read decisions back from a solution."""

    def __init__(self, data: ProblemData, last_restart: int | None = None) -> None:
        self.data = data
        self.program = _Program()
        self.horizon = data.horizon
        self.makespan = data.objective == "makespan"
        consumed = {m for line in data.lines for m in line.inputs}
        # Under makespan no unit matters; otherwise a line's units matter when its
        # output has a value or feeds a line.
        self.makes = [
            not self.makespan and (line.weight > 0 or line.output in consumed) for line in data.lines
        ]
        self.bounds = _bounds(data, self.makes, last_restart)
        # Precedences implied by others are left out: the same plans, fewer rows.
        before = _ancestors([x.after for x in data.systems], [not x.cleared for x in data.systems])
        self.after = [_direct(x.after, before) for x in data.systems]
        self.needs = [_direct(line.systems, before) for line in data.lines]
        earlier = _ancestors(
            [line.after_lines for line in data.lines], [not line.running_before_day0 for line in data.lines]
        )
        self.after_lines = [_direct(line.after_lines, earlier) for line in data.lines]
        self.started: dict[tuple[int, int], _Window] = {}  # (system, mode)
        self.running: dict[int, _Window] = {}  # free lines with a possible restart
        self.shifts: dict[tuple[int, int], int] = {}  # (line, day) -> column
        self.units: dict[tuple[int, int], int] = {}
        self.makespan_col: int | None = None
        self.stock: list[tuple[int, _Lin]] = []  # (column, what it equals but for itself), by day
        self._add_variables()
        self._add_constraints()
        self._add_objective()

    # -- variables --

    def _add_variables(self) -> None:
        program, data, bounds = self.program, self.data, self.bounds
        for s, system in enumerate(data.systems):
            if system.cleared or bounds.earliest_start[s] > self.horizon:
                continue
            for k, mode in enumerate(system.modes):
                first, last = bounds.earliest_start[s], bounds.latest_end[s] - mode.duration
                if system.fixed_start is not None:
                    last = min(last, system.fixed_start)
                if first > last:
                    continue
                col = len(program.names)
                for t in range(first, last + 1):
                    program.var(f"started[{system.id},{k},{t}]", 0, 1)
                self.started[s, k] = _Window(first, last, col)
        for i, line in enumerate(data.lines):
            if line.fixed_restart is not None:
                continue
            first, last = bounds.earliest_restart[i], bounds.latest_restart[i]
            if first > last:
                if bounds.must_restart[i]:
                    program.infeasible.append(f"line {line.id} cannot restart within the horizon")
                continue
            col = len(program.names)
            for t in range(first, last + 1):
                program.var(f"running[{line.id},{t}]", 0, 1)
            if bounds.must_restart[i]:
                program.lower[col + last - first] = 1
            self.running[i] = _Window(first, last, col)
        for i, line in enumerate(data.lines):
            if line.fixed_restart is None and i not in self.running:
                continue  # never restarted
            working = data.plants[line.plant].working
            for t in range(max(0, self.restart_lo(i)), self.horizon):
                if not working[t]:
                    continue
                self.shifts[i, t] = program.var(f"shifts[{line.id},{t}]", 0, line.max_shifts)
                if self.makes[i]:
                    self.units[i, t] = program.var(f"units[{line.id},{t}]", 0, self._units_cap(line, t))

    def restart_lo(self, i: int) -> int:
        """The earliest day line i may run (its fixed restart when pinned)."""
        return self.bounds.earliest_restart[i]

    def _units_cap(self, line: LineData, t: int) -> int:
        cap = line.full_rate
        if line.fixed_restart is not None and 0 <= t - line.fixed_restart < len(line.ramp):
            cap = min(cap, line.ramp[t - line.fixed_restart])
        return cap

    # -- the step expressions --

    def started_by(self, s: int, t: int) -> _Lin:
        expr = _Lin()
        for k in range(len(self.data.systems[s].modes)):
            window = self.started.get((s, k))
            if window is not None:
                expr.add(window.at(t))
        return expr

    def done_by(self, s: int, t: int) -> _Lin:
        """1 when system s is cleared and ends by day t (an already cleared one from day 0)."""
        system = self.data.systems[s]
        if system.cleared:
            return _Lin(const=1 if t >= 0 else 0)
        expr = _Lin()
        for k, mode in enumerate(system.modes):
            window = self.started.get((s, k))
            if window is not None:
                expr.add(window.at(t - mode.duration))
        return expr

    def cleared(self, s: int) -> _Lin:
        return self.started_by(s, self.horizon)

    def running_on(self, i: int, t: int) -> _Lin:
        """1 when line i is restarted on or before day t."""
        fixed = self.data.lines[i].fixed_restart
        if fixed is not None:
            return _Lin(const=1 if t >= fixed else 0)
        window = self.running.get(i)
        return _Lin() if window is None else window.at(t)

    def restart_on(self, i: int, t: int) -> _Lin:
        """1 when line i restarts on day t."""
        return self.running_on(i, t) - self.running_on(i, t - 1)

    # -- constraints --

    def _add_constraints(self) -> None:
        self._c1_precedence()
        self._c2_resources()
        self._c3_line_restart()
        self._c4_shifts()
        self._c5_output()
        self._c6_staff()
        self._c7_materials()

    def _c1_precedence(self) -> None:
        """C1: at most one mode (exactly one when it must be cleared); started only once `after` is done."""
        program, data = self.program, self.data
        for s, system in enumerate(data.systems):
            if system.cleared:
                continue
            windows = [(k, w) for (s2, k), w in self.started.items() if s2 == s]
            for k, window in windows:
                for t in range(window.first + 1, window.last + 1):
                    program.le(f"C1_step[{system.id},{k},{t}]", window.at(t - 1) - window.at(t))
            cleared = self.cleared(s)
            if self.bounds.must_clear[s]:
                program.eq(f"C1_clear[{system.id}]", cleared, 1)
            else:
                program.le(f"C1_clear[{system.id}]", cleared, 1)
            if not windows:
                continue
            first = min(w.first for _, w in windows)
            last = max(w.last for _, w in windows)
            for p in self.after[s]:
                if data.systems[p].cleared:
                    continue
                pid = data.systems[p].id
                for t in range(first, last + 1):
                    program.le(f"C1[{system.id},{pid},{t}]", self.started_by(s, t) - self.done_by(p, t))

    def _c2_resources(self) -> None:
        """C2: clearances and commissioning in progress within the capacity in force each day."""
        program, data = self.program, self.data
        for r, resource in enumerate(data.resources):
            load = [_Lin() for _ in range(self.horizon)]
            for (s, k), window in self.started.items():
                mode = data.systems[s].modes[k]
                q = mode.demand.get(r, 0)
                if q == 0 or mode.duration == 0:
                    continue
                for t in range(window.first, min(window.last + mode.duration, self.horizon)):
                    load[t].add(window.at(t) - window.at(t - mode.duration), q)
            for i, line in enumerate(data.lines):
                q = line.commissioning_demand.get(r, 0)
                c = line.commissioning_days
                if q == 0 or c == 0 or line.running_before_day0:
                    continue
                for t in range(max(0, self.restart_lo(i) - c), self.horizon):
                    load[t].add(self.running_on(i, t + c) - self.running_on(i, t), q)
            for t in range(self.horizon):
                program.le(f"C2[{resource.id},{t}]", load[t], resource.capacity[t])

    def _c3_line_restart(self) -> None:
        """C3: restart after release, the line's systems plus commissioning, and `after_lines`."""
        program, data = self.program, self.data
        for i, line in enumerate(data.lines):
            if line.running_before_day0:
                continue  # contract: constraint 3 no longer applies
            c = line.commissioning_days
            if line.fixed_restart is not None:
                if line.fixed_restart < max(line.release, c) or line.fixed_restart >= self.horizon:
                    program.infeasible.append(f"line {line.id} cannot restart on its fixed day")
                days = [line.fixed_restart]
            elif i in self.running:
                window = self.running[i]
                days = list(range(window.first, window.last + 1))
                for t in days[1:]:
                    program.le(f"C3_step[{line.id},{t}]", window.at(t - 1) - window.at(t))
            else:
                continue
            for s in self.needs[i]:
                if data.systems[s].cleared:
                    continue  # done from day 0, and the restart is on day c or later
                sid = data.systems[s].id
                for t in days:
                    program.le(f"C3[{line.id},{sid},{t}]", self.running_on(i, t) - self.done_by(s, t - c))
            for m in self.after_lines[i]:
                mid = data.lines[m].id
                for t in days:
                    program.le(
                        f"C3_after[{line.id},{mid},{t}]", self.running_on(i, t) - self.running_on(m, t)
                    )

    def _c4_shifts(self) -> None:
        """C4: 1..max_shifts shifts on every working day from the restart, none before."""
        program, data = self.program, self.data
        for (i, t), col in self.shifts.items():
            line = data.lines[i]
            running = self.running_on(i, t)
            shifts = _Lin.col(col)
            program.ge(f"C4_min[{line.id},{t}]", shifts - running)
            program.le(f"C4_max[{line.id},{t}]", shifts - line.max_shifts * running)

    def _c5_output(self) -> None:
        """C5: units within rate x shifts, the ramp-up cap and the baseline."""
        program, data = self.program, self.data
        total: dict[int, _Lin] = {}
        for (i, t), col in self.units.items():
            line = data.lines[i]
            units = _Lin.col(col)
            program.le(f"C5_rate[{line.id},{t}]", units - line.rate * _Lin.col(self.shifts[i, t]))
            if line.fixed_restart is None and line.ramp:
                # Full rate once running, less what the ramp withholds k days after
                # the restart: at most one restart day, so one k applies.
                full = line.full_rate
                cap = full * self.running_on(i, t)
                for k, ramp in enumerate(line.ramp):
                    if ramp < full:
                        cap.add(self.restart_on(i, t - k), -(full - ramp))
                program.le(f"C5_ramp[{line.id},{t}]", units - cap)
            total.setdefault(i, _Lin()).add(units)
        for i, made in total.items():
            line = data.lines[i]
            program.le(f"C5_baseline[{line.id}]", made, line.baseline)

    def _c6_staff(self) -> None:
        """C6: per plant, pool and working day, crew x shifts within the headcount."""
        program, data = self.program, self.data
        for p, plant in enumerate(data.plants):
            members = [i for i, line in enumerate(data.lines) if line.plant == p]
            for pool, headcount in plant.staff.items():
                crews = [(i, data.lines[i].crew[pool]) for i in members if pool in data.lines[i].crew]
                if not crews:
                    continue
                for t in range(self.horizon):
                    need = _Lin()
                    for i, people in crews:
                        if (i, t) in self.shifts:
                            need.add(_Lin.col(self.shifts[i, t]), people)
                    program.le(f"C6[{plant.id},{pool},{t}]", need, headcount[t])

    def _c7_materials(self) -> None:
        """C7: what is consumed each day is in stock or delivered that day.

        `stock[m,t]` (>= 0) is what is left after day t's consumption; day t's
        output joins it for day t+1.
        """
        program, data = self.program, self.data
        for m, material in enumerate(data.materials):
            consumers = [
                (i, line.inputs[m]) for i, line in enumerate(data.lines) if self.makes[i] and m in line.inputs
            ]
            if not consumers or self._never_short(m, consumers):
                continue  # its stock constrains nothing
            makers = [i for i, line in enumerate(data.lines) if self.makes[i] and line.output == m]
            previous = _Lin(const=material.on_hand)
            # The most there can be: all that was on hand, delivered and made. Implied,
            # but finite, so that any dual vector of the LP gives a bound (`dual_bound`).
            most = float(material.on_hand)
            for t in range(self.horizon):
                most += material.supply[t]
                stock_col = program.var(f"stock[{material.id},{t}]", 0, most, integer=False)
                stock = _Lin.col(stock_col)
                balance = stock - previous - self._delivered(m, t)
                for i, per_unit in consumers:
                    if (i, t) in self.units:
                        balance.add(_Lin.col(self.units[i, t]), per_unit)
                program.eq(f"C7[{material.id},{t}]", balance)
                self.stock.append((stock_col, _Lin.col(stock_col) - balance))
                previous = stock
                for i in makers:
                    if (i, t) in self.units:
                        previous = previous + _Lin.col(self.units[i, t])
                        most += program.upper[self.units[i, t]]

    def _never_short(self, m: int, consumers: list[tuple[int, int]]) -> bool:
        """Whether the stock covers the most the consumers can use, whatever is decided."""
        material = self.data.materials[m]
        stock = material.on_hand
        for t in range(self.horizon):
            surely = self._delivered(m, t)
            stock += surely.const if not surely.terms else 0
            for i, per_unit in consumers:
                if (i, t) in self.units:
                    stock -= per_unit * int(self.program.upper[self.units[i, t]])
            if stock < 0:
                return False
        return True

    def _delivered(self, m: int, t: int) -> _Lin:
        material = self.data.materials[m]
        supply = material.supply[t]
        if supply == 0 or material.ordering_system is None:
            return _Lin(const=supply)
        return supply * self.done_by(material.ordering_system, t - material.lead_days)

    # -- objective --

    def _add_objective(self) -> None:
        program, data = self.program, self.data
        if not self.makespan:
            program.offset = sum(line.weight * line.baseline for line in data.lines)
            for (i, _), col in self.units.items():
                program.cost[col] = -data.lines[i].weight
            return
        if not data.lines:
            return  # the makespan of no line is 0
        lowest = max(self.restart_lo(i) for i in range(len(data.lines)))
        highest = max(self.bounds.latest_restart)
        col = program.var("makespan", lowest, max(lowest, highest))
        program.cost[col] = 1
        self.makespan_col = col
        for i, line in enumerate(data.lines):
            window = self.running.get(i)
            if window is None:
                continue  # fixed: within the column's bounds
            # restart day = sum_t t * restart_on(t) = last - sum_{t < last} running(t)
            restart = _Lin().add(window.at(window.last), window.last)
            for t in range(window.first, window.last):
                restart.add(window.at(t), -1)
            program.ge(f"makespan[{line.id}]", _Lin.col(col) - restart)

    def floor(self) -> int:
        """A lower bound on the objective from the columns' bounds alone."""
        program = self.program
        least = program.offset + sum(
            min(c * program.lower[j], c * program.upper[j]) for j, c in enumerate(program.cost) if c
        )
        if not self.makespan:
            least = max(least, 0)  # no line makes more than its baseline
        return math.ceil(least - 1e-6)

    # -- a plan as a point of the program, and back --

    def values_of(self, plan: Decisions) -> list[float]:
        """The column values of `plan`, a start for the search.

        A clearance outside its window is left out: it ends too late to be of
        use (see `_bounds`), or the plan breaks a head and `_Program.violation`
        says so.
        """
        values = [0.0] * len(self.program.names)
        for (s, k), window in self.started.items():
            chosen = plan.systems.get(s)
            if chosen is not None and chosen[0] == k and window.first <= chosen[1] <= window.last:
                for t in range(chosen[1], window.last + 1):
                    values[window.col + t - window.first] = 1.0
        for i, window in self.running.items():
            restart = plan.restarts[i]
            if restart is not None and restart <= window.last:
                for t in range(max(restart, window.first), window.last + 1):
                    values[window.col + t - window.first] = 1.0
        for key, col in self.shifts.items():
            values[col] = plan.shifts.get(key, 0)
        for key, col in self.units.items():
            values[col] = plan.units.get(key, 0)
        for col, expr in self.stock:
            values[col] = expr.const + sum(a * values[j] for j, a in expr.terms.items())
        if self.makespan_col is not None:
            restarts = [r for r in plan.restarts if r is not None]
            values[self.makespan_col] = max([int(self.program.lower[self.makespan_col]), *restarts])
        return values

    def decisions(self, values: Sequence[float]) -> Decisions:
        """The decisions of a solution, from its rounded integer values.

        The plan's figures can only be as good as the program's objective at
        `values` (equal, but for a makespan column left above the last
        restart): where they are worse, the two models of the contract
        disagree. That objective is computed here, not taken from HiGHS: after
        its presolve HiGHS may value a solution in the reduced space, and
        there it can be off (xl-s1's production from the greedy plan: "MIP
        start solution is feasible: objective value is 174861680", then "...
        in the reduced space: objective value is 174858160", the value it
        then reported for the same solution).
        """
        data = self.data

        def on(window: _Window, t: int) -> bool:
            return values[window.col + t - window.first] > 0.5

        systems: dict[int, tuple[int, int, int] | None] = {}
        for s, system in enumerate(data.systems):
            if system.cleared:
                continue
            systems[s] = None
            for k, mode in enumerate(system.modes):
                window = self.started.get((s, k))
                if window is not None and on(window, window.last):
                    start = next(t for t in range(window.first, window.last + 1) if on(window, t))
                    systems[s] = (k, start, start + mode.duration)
        restarts: list[int | None] = []
        for i, line in enumerate(data.lines):
            window = self.running.get(i)
            if line.fixed_restart is not None:
                restarts.append(line.fixed_restart)
            elif window is not None and on(window, window.last):
                restarts.append(next(t for t in range(window.first, window.last + 1) if on(window, t)))
            else:
                restarts.append(None)
        shifts: dict[tuple[int, int], int] = {}
        units: dict[tuple[int, int], int] = {}
        for key, col in self.shifts.items():
            n = round(values[col])
            if n > 0:
                shifts[key] = n
                units[key] = round(values[self.units[key]]) if key in self.units else 0
        found = Decisions(systems, restarts, units, shifts, 0)
        value = figures(data, found).of(data.objective)
        objective = self.program.objective_at(values)
        if value is None or value > round(objective):
            raise RuntimeError(
                f"planner bug: the MIP's {data.objective} is {objective}, its plan's recomputes to {value}"
            )
        return Decisions(systems, restarts, units, shifts, value)
