"""`solve(instance) -> Result`: the one place that wires schema, data, model and solver."""

from __future__ import annotations

import contextlib
import math
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ortools.sat.python import cp_model

from planner.cpsat.lns import ScheduleLns
from planner.cpsat.model import RestartModel
from planner.ctrl_c import stop_on_ctrl_c
from planner.data import ProblemData
from planner.errors import SolveError
from planner.greedy import greedy
from planner.infeasibility import structural_reasons
from planner.plans import Decisions, build_plan, decisions_from_plan, figures
from planner.schema import Instance, Plan, PlanObjective, Status
from planner.verify import verify

_STATUS: dict[cp_model.CpSolverStatus, Status] = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
}


@dataclass(frozen=True)
class Result:
    """What a solve gives: the status, the plan file and the solver's figures."""

    status: Status
    plan: Plan
    objective: int | None  # value of the instance's objective
    bound: int | None  # proven lower bound on it
    runtime: float  # seconds, model building included
    build_time: float  # seconds spent building the model
    time_to_best: float | None = None  # seconds from the start to the last improving plan
    trajectory: tuple[tuple[float, float | None, float], ...] = ()  # (seconds, objective, bound)
    interrupted: bool = False  # Ctrl-C stopped the search: the plan is the best found until then

    def time_to_gap(self, gap: float) -> float | None:
        """Seconds until the search's own gap first fell to `gap` (None if it never did)."""
        for seconds, objective, bound in self.trajectory:
            if objective is not None and (objective - bound) <= gap * max(1.0, abs(objective)):
                return seconds
        return None

    @property
    def gap(self) -> float | None:
        """(objective - bound) / max(1, |objective|); 0 when optimal."""
        if self.objective is None or self.bound is None:
            return None
        return (self.objective - self.bound) / max(1, abs(self.objective))

    @property
    def explanation(self) -> list[str]:
        return list(self.plan.explanation or [])


@dataclass(frozen=True)
class Progress:
    """Where a search stands: its best objective and proven bound so far."""

    elapsed: float  # seconds since solve() began
    objective: int | None  # the best plan's objective value (None: no plan yet)
    bound: int | None  # the proven lower bound on it (None: none yet)

    @property
    def gap(self) -> float | None:
        """(objective - bound) / max(1, |objective|), as `Result.gap`."""
        if self.objective is None or self.bound is None:
            return None
        return (self.objective - self.bound) / max(1, abs(self.objective))


OnProgress = Callable[[Progress], None]

Method = Literal["cpsat", "greedy", "mip"]


def solve(
    instance: Instance,
    *,
    method: Method = "cpsat",
    time_limit: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    log: bool = False,
    structural_checks: bool = True,
    hint: Plan | None = None,
    warmstart: bool = True,
    on_progress: OnProgress | None = None,
    neighbourhoods: bool = True,
) -> Result:
    """Plan the restart of `instance`.

    `method` "cpsat" searches with the CP-SAT model; "greedy" returns the
    greedy baseline's plan (`planner.greedy`) without a search; "mip" solves
    the time-indexed MIP peer (`planner.mip`, HiGHS), cold, as a peer would. With
    `structural_checks` (the default), reasons that prove the instance
    infeasible are looked for first and returned without a search. The search
    is warm-started from `hint` or, with `warmstart`, from the greedy plan.
    `hint` may be a plan of another version of the instance (a what-if, a
    re-plan): its figures are recomputed here, and when it keeps this
    instance's contract the better of it and the searched plan is returned,
    so a short time limit never loses it (nor the greedy's plan).

    With two workers or more, and unless `neighbourhoods` is false, one of
    them runs the schedule neighbourhoods of `planner.cpsat.lns` alongside
    CP-SAT's search (not under makespan); its plans are as checked, but which
    is found depends on timing, as with any multi-worker CP-SAT search.

    `on_progress` is called with the warm start's value, then at each better
    plan and each better bound of the search (from CP-SAT's threads: it must
    be quick). Ctrl-C during the search stops it, and the best plan found so
    far is returned (`Result.interrupted`); elsewhere it raises
    KeyboardInterrupt as usual.
    """
    started = time.perf_counter()
    if structural_checks:
        reasons = structural_reasons(instance)
        if reasons:
            elapsed = time.perf_counter() - started
            return Result(
                "infeasible", _empty_plan(instance, "infeasible", reasons), None, None, elapsed, 0.0
            )
    if method == "mip":
        return _mip(instance, started, time_limit, workers, seed, log)
    if method == "greedy":
        return _greedy_result(instance, greedy(instance), started)
    fallback = None
    if hint is not None:
        fallback = rebase(instance, hint)
    elif warmstart:
        hint = fallback = greedy(instance)
    return _search(
        instance, hint, fallback, started, time_limit, workers, seed, log, on_progress, neighbourhoods
    )


def rebase(instance: Instance, plan: Plan) -> Plan | None:
    """The decisions of `plan` as a plan of `instance`, figures recomputed; None unless it verifies.

    This is how a plan of one version of an instance (yesterday's, the base of
    a what-if) is carried over to another: same clearances, restarts, shifts and
    units, judged by the other version's contract.
    """
    if not plan.has_schedule:
        return None
    data = ProblemData.from_instance(instance)
    try:
        decisions = decisions_from_plan(data, plan)
    except KeyError:  # a system or line the instance does not have
        return None
    value = figures(data, decisions).of(data.objective)
    if value is None:
        return None
    decisions = Decisions(decisions.systems, decisions.restarts, decisions.units, decisions.shifts, value)
    status: Status = "optimal" if value == 0 else "feasible"
    rebased = build_plan(instance, data, decisions, status, 0)
    return rebased if verify(instance, rebased).ok else None


def _greedy_result(instance: Instance, plan: Plan | None, started: float) -> Result:
    elapsed = time.perf_counter() - started
    if plan is None:
        reason = (
            "The greedy baseline found no plan; it does not prove that none exists (try the CP-SAT search)."
        )
        return Result("unknown", _empty_plan(instance, "unknown", [reason]), None, None, elapsed, 0.0)
    return Result(plan.status, plan, plan.objective.value, plan.objective.bound, elapsed, 0.0, elapsed)


def _mip(instance: Instance, started: float, time_limit: float, workers: int, seed: int, log: bool) -> Result:
    try:
        from planner.mip import solve_mip
    except ImportError as error:  # highspy is the optional `mip` extra
        raise SolveError(f"--method mip needs HiGHS ({error}): pip install 'restart-planner[mip]'") from None
    data = ProblemData.from_instance(instance)
    outcome = solve_mip(data, time_limit=time_limit, threads=workers, seed=seed, log=log)
    runtime = time.perf_counter() - started
    if outcome.decisions is None:
        reason = {
            "infeasible": "No plan meets every constraint together: HiGHS proved it on the MIP.",
            "unknown": f"The MIP found no plan within the time limit of {time_limit:g} s.",
        }.get(outcome.status, f"The MIP ended with status {outcome.status} and no plan.")
        status: Status = "infeasible" if outcome.status == "infeasible" else "unknown"
        return Result(
            status, _empty_plan(instance, status, [reason]), None, None, runtime, outcome.build_time
        )
    value = outcome.decisions.objective
    bound = value if outcome.bound is None else outcome.bound
    plan = build_plan(instance, data, outcome.decisions, outcome.status, bound)
    return Result(plan.status, plan, plan.objective.value, plan.objective.bound, runtime, outcome.build_time)


def _search(
    instance: Instance,
    hint: Plan | None,
    fallback: Plan | None,
    started: float,
    time_limit: float,
    workers: int,
    seed: int,
    log: bool,
    on_progress: OnProgress | None = None,
    neighbourhoods: bool = True,
) -> Result:
    data = ProblemData.from_instance(instance)
    built = RestartModel(data)
    start_from = fallback or hint
    start = None
    if start_from is not None and start_from.has_schedule:
        # A plan of another instance may name ids or days this one lacks: then no warm start.
        with contextlib.suppress(KeyError, IndexError):
            start = decisions_from_plan(data, start_from)
            built.warmstart(start)
    build_time = time.perf_counter() - started

    solver = _solver(time_limit - build_time, workers, seed, log)
    progress = _Progress(started, on_progress, None if fallback is None else _value(fallback), built)
    solver.best_bound_callback = progress.on_bound
    lns = _lns(built, workers, seed) if neighbourhoods else None
    if lns is None:
        with stop_on_ctrl_c(solver) as ctrl_c:
            progress.on_start()
            code = solver.solve(built.model, progress)
        found = built.decisions(solver) if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    else:

        def check(decisions: Decisions) -> bool:
            return verify(instance, build_plan(instance, data, decisions, "feasible", 0)).ok

        portfolio = _Portfolio(built, lns, progress, solver, workers, seed, log, check)
        with stop_on_ctrl_c(solver, portfolio) as ctrl_c:
            progress.on_start()
            # Only a verified plan is a sound incumbent for the neighbourhoods.
            code, found, solver = portfolio.run(start if fallback is not None else None, started + time_limit)
    runtime = time.perf_counter() - started
    status = _status(code, built)
    if status == "infeasible":
        if fallback is not None:
            raise SolveError("planner bug: CP-SAT proved infeasible an instance with a verified plan")
        reasons = _conflict_reasons(instance, time_limit, workers, seed)
        runtime = time.perf_counter() - started
        return Result(status, _empty_plan(instance, status, reasons), None, None, runtime, build_time)

    plan = None
    if found is not None:
        proved = progress.bound(solver)
        if proved is not None and found.objective <= proved:
            status = "optimal"
        plan = build_plan(instance, data, found, status, found.objective if status == "optimal" else proved)
    if fallback is not None and (plan is None or _value(fallback) < _value(plan)):
        plan = _with_bound(fallback, solver)
    if plan is None:
        reason = (
            f"No plan was found within the time limit of {time_limit:g} s: the solver neither found "
            "a plan nor proved that none exists. Try a longer time limit."
        )
        if ctrl_c.is_set():
            reason = "The search was interrupted (Ctrl-C) before it found a plan."
        empty = _empty_plan(instance, "unknown", [reason])
        return Result("unknown", empty, None, None, runtime, build_time, interrupted=ctrl_c.is_set())
    best = progress.last if progress.last is not None else runtime
    # The search ends with its final plan and bound (an optimality proof calls no callback).
    assert plan.objective.value is not None and plan.objective.bound is not None
    progress.trajectory.append((runtime, plan.objective.value, plan.objective.bound))
    return Result(
        plan.status,
        plan,
        plan.objective.value,
        plan.objective.bound,
        runtime,
        build_time,
        best,
        tuple(progress.trajectory),
        ctrl_c.is_set(),
    )


@dataclass(frozen=True)
class Search:
    """One CP-SAT run on a prepared model: its status, best decisions and proven bound."""

    status: Status
    decisions: Decisions | None  # None unless a plan was found
    bound: int | None  # proven lower bound on the model's current objective, rounded up (None: none)


def search(
    built: RestartModel, *, time_limit: float, workers: int = 2, seed: int = 0, log: bool = False
) -> Search:
    """Run CP-SAT on `built` as it stands: its objective, its extra constraints, its hint.

    For callers that change the model before searching (re-planning freezes
    the past and may minimise changes instead of lost value); `solve()` is the
    entry point for an instance as it is.
    """
    solver = _solver(time_limit, workers, seed, log)
    with stop_on_ctrl_c(solver):
        code = solver.solve(built.model)
    status = _status(code, built)
    if status == "infeasible":
        return Search(status, None, None)
    proved = solver.best_objective_bound
    bound = math.ceil(proved - 1e-6) if math.isfinite(proved) else None
    decisions = None if status == "unknown" else built.decisions(solver)
    return Search(status, decisions, bound)


def _solver(time_limit: float, workers: int, seed: int, log: bool) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.0, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = log
    if log:
        solver.parameters.log_to_stdout = False
        solver.log_callback = lambda line: print(line, file=sys.stderr)
    return solver


def _status(code: cp_model.CpSolverStatus, built: RestartModel) -> Status:
    """The plan's status of a solver's code; an invalid model is a planner bug and raises."""
    if code == cp_model.MODEL_INVALID:
        raise SolveError(f"the CP-SAT model is invalid (a bug in the planner): {built.model.validate()}")
    return _STATUS[code]


def _conflict_reasons(instance: Instance, time_limit: float, workers: int, seed: int) -> list[str]:
    """Why CP-SAT found no plan: small sets of the file's requirements that clash (`planner.conflicts`)."""
    from planner.conflicts import conflicts

    report = conflicts(
        instance, time_limit=min(30.0, time_limit), check_time_limit=5.0, workers=workers, seed=seed
    )
    if report.status == "explained":
        return report.explanation()
    generic = (
        "No plan meets every constraint together: CP-SAT proved it, but no single structural "
        "cause was found (fixed starts and restarts, capacities, staff and the horizon each pass "
        "on their own checks), so the conflict lies in several constraints at once."
    )
    return [generic, *report.explanation()]


def _value(plan: Plan) -> int:
    assert plan.objective.value is not None
    return plan.objective.value


def _with_bound(plan: Plan, solver: cp_model.CpSolver) -> Plan:
    """A plan found outside the search, with the best bound the search proved (if better)."""
    value = _value(plan)
    bound = plan.objective.bound if plan.objective.bound is not None else value
    proved = solver.best_objective_bound
    if math.isfinite(proved):
        bound = max(bound, min(value, math.ceil(proved - 1e-6)))
    status: Status = "optimal" if bound == value else "feasible"
    objective = plan.objective.model_copy(update={"bound": bound})
    return plan.model_copy(update={"status": status, "objective": objective})


class _Progress(cp_model.CpSolverSolutionCallback):
    """When each better plan and each better bound was found, in seconds from the start.

    Each is also reported to `on_progress`, as a `Progress` whose objective is
    the best of the search's plans and the warm start's `start_value`: the plan
    `solve()` returns is the better of the two. Plans found by the large
    neighbourhood search running alongside come in through `found`; with
    `built`, the search's own plans are kept too (`best`), for that search to
    start from. Both threads report here, hence the lock.
    """

    def __init__(
        self,
        started: float,
        on_progress: OnProgress | None = None,
        start_value: int | None = None,
        built: RestartModel | None = None,
    ):
        super().__init__()
        self.started = started
        self.last: float | None = None
        self.trajectory: list[tuple[float, float | None, float]] = []  # (time, objective, bound)
        self.best: Decisions | None = None  # the search's best plan, when `built` is given
        self._objective: float | None = None
        self._bound = -math.inf
        self._on_progress = on_progress
        self._start_value = start_value
        self._built = built
        self._lock = threading.Lock()

    def on_start(self) -> None:
        """Report the warm start's value, as the search begins."""
        if self._start_value is not None:
            with self._lock:
                self._report(time.perf_counter() - self.started)

    def on_solution_callback(self) -> None:
        decisions = self._built.decisions(self) if self._built is not None else None
        with self._lock:
            if decisions is not None and (self.best is None or decisions.objective < self.best.objective):
                self.best = decisions
            self._improved(self.objective_value, self.best_objective_bound)

    def found(self, decisions: Decisions) -> None:
        """A better plan from the search running alongside."""
        with self._lock:
            if self._objective is None or decisions.objective < self._objective:
                self._improved(decisions.objective, self._bound)

    def on_bound(self, bound: float) -> None:
        with self._lock:
            self._bound = max(self._bound, bound)
            elapsed = time.perf_counter() - self.started
            self.trajectory.append((elapsed, self._objective, self._bound))
            self._report(elapsed)

    def proven(self) -> bool:
        """Is the best plan so far proven optimal by the bound so far?"""
        with self._lock:
            if self._objective is None or not math.isfinite(self._bound):
                return False
            return self._objective <= math.ceil(self._bound - 1e-6)

    def bound(self, solver: cp_model.CpSolver) -> int:
        """The best bound proven, by the solver's end or any callback, rounded up."""
        proved = max(self._bound, solver.best_objective_bound)
        # No bound at all (no plan in the search itself): lost value and makespan are never negative.
        return math.ceil(proved - 1e-6) if math.isfinite(proved) else 0

    def _improved(self, objective: float, bound: float) -> None:
        self.last = time.perf_counter() - self.started
        self._objective = objective if self._objective is None else min(objective, self._objective)
        self._bound = max(self._bound, bound)
        self.trajectory.append((self.last, self._objective, self._bound))
        self._report(self.last)

    def _report(self, elapsed: float) -> None:
        if self._on_progress is None:
            return
        values = [round(v) for v in (self._objective, self._start_value) if v is not None]
        bound = math.ceil(self._bound - 1e-6) if math.isfinite(self._bound) else None
        self._on_progress(Progress(elapsed, min(values, default=None), bound))


_POLISH_SHARE = 0.3  # of the time left, for HiGHS to re-optimise production where neighbourhoods give way


def _lns(built: RestartModel, workers: int, seed: int) -> ScheduleLns | None:
    """The large neighbourhood search to run alongside CP-SAT's, where it helps.

    It takes one of the workers, so there must be two; and it moves restart
    days to lose less, so not under `makespan` (there, CP-SAT's own
    scheduling neighbourhoods are the peer-tested choice: benchmarks/README.md).
    """
    if workers < 2 or built.data.objective == "makespan":
        return None
    lns = ScheduleLns(built, seed=seed)
    return lns if lns.useful else None


class _Portfolio:
    """CP-SAT's search of the whole model alongside the schedule neighbourhoods, then alone.

    First the whole search runs on a thread, with one worker fewer and its own
    copy of the model (the neighbourhoods change `built`'s domains), and `lns`
    on this one, from the better of its own plans and the whole search's. When
    the first neighbourhoods find nothing (`ScheduleLns.improve`'s
    `give_way`), the whole search is restarted with every worker from the best
    plan, for the time left: where what is left to improve is production
    rather than the schedule (the large generated instances), CP-SAT's own
    neighbourhoods do better. Either
    search ends both by reaching the bound proven; the bound is the best any
    whole search proved (`_Progress`).
    """

    def __init__(
        self,
        built: RestartModel,
        lns: ScheduleLns,
        progress: _Progress,
        solver: cp_model.CpSolver,
        workers: int,
        seed: int,
        log: bool,
        check: Callable[[Decisions], bool],
    ) -> None:
        self.built = built
        self.check = check
        self.lns = lns
        self.progress = progress
        self.solver = solver
        self.workers = workers
        self.seed = seed
        self.log = log
        self.stopped = False

    def stop_search(self) -> None:
        """Stop every search (Ctrl-C, or a plan proven optimal)."""
        self.stopped = True
        self.lns.stop_search()
        self.solver.stop_search()

    def run(
        self, start: Decisions | None, deadline: float
    ) -> tuple[cp_model.CpSolverStatus, Decisions | None, cp_model.CpSolver]:
        """The status, the best plan and the last whole search's solver."""
        code, best = self._alongside(start, deadline)
        left = deadline - time.perf_counter()
        if self.stopped or best is None or code in (cp_model.OPTIMAL, cp_model.INFEASIBLE) or left < 1.0:
            return code, best, self.solver
        self.built.warmstart(best)
        alone = _solver(left, self.workers, self.seed, self.log)
        alone.parameters.catch_sigint_signal = self.solver.parameters.catch_sigint_signal
        alone.best_bound_callback = self._on_bound
        self.solver = alone
        if self.stopped:  # Ctrl-C between the two searches
            return code, best, self.solver
        code = alone.solve(self.built.model, self.progress)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = self.built.decisions(alone)
            best = found if found.objective <= best.objective else best
        return (cp_model.FEASIBLE if code == cp_model.UNKNOWN else code), best, alone

    def _alongside(
        self, start: Decisions | None, deadline: float
    ) -> tuple[cp_model.CpSolverStatus, Decisions | None]:
        solver = self.solver
        solver.parameters.num_workers = max(1, self.workers - 1)
        solver.best_bound_callback = self._on_bound
        model = self.built.model.clone()
        codes: list[cp_model.CpSolverStatus] = []
        ended = threading.Event()

        def whole() -> None:
            try:
                codes.append(solver.solve(model, self.progress))
            finally:
                ended.set()
                self.lns.stop_search()

        thread = threading.Thread(target=whole, name="cp-sat whole model", daemon=True)
        thread.start()
        best = None
        try:
            while start is None and not ended.is_set():  # no verified plan to start from: wait for one
                ended.wait(0.05)
                start = self.progress.best
            if start is not None:
                best = self.lns.improve(
                    start,
                    deadline,
                    give_way=True,
                    better_elsewhere=lambda: self.progress.best,
                    on_improvement=self._on_plan,
                )
                if not ended.is_set() and not self.stopped:  # the neighbourhoods gave way
                    best = self._polish(best, deadline)
        finally:
            if not ended.is_set():
                solver.stop_search()  # the neighbourhoods gave way: see `run`
            thread.join()
        code = codes[0]
        whole_best = self.built.decisions(solver) if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
        if code == cp_model.INFEASIBLE or best is None:
            return code, whole_best
        if whole_best is not None and whole_best.objective <= best.objective:
            return code, whole_best
        return cp_model.FEASIBLE, best

    def _polish(self, best: Decisions, deadline: float) -> Decisions:
        """The best production for `best`'s schedule, by HiGHS (`planner.mip.solve_production`).

        Where the neighbourhoods give way, production is what is left to
        improve, and CP-SAT finds little of it: on large-s1, with the greedy
        plan's schedule fixed, CP-SAT improves nothing in 10 s while HiGHS
        finds a plan 16 % better (benchmarks/production.py). It takes a share
        of the time left (one thread; the whole search keeps the other), and
        its plan is used only if the checker passes it. Without HiGHS (the
        `mip` extra) this step is skipped.
        """
        try:
            from planner.mip import solve_production
        except ImportError:
            return best
        budget = _POLISH_SHARE * (deadline - time.perf_counter())
        polished = solve_production(self.built.data, best, time_limit=budget, threads=1).decisions
        offered = self.progress.best
        if offered is not None and offered.objective < best.objective:
            best = offered
        if polished is not None and polished.objective < best.objective and self.check(polished):
            self._on_plan(polished)
            return polished
        return best

    def _on_plan(self, decisions: Decisions) -> None:
        self.progress.found(decisions)
        self._stop_if_proven()

    def _on_bound(self, bound: float) -> None:
        self.progress.on_bound(bound)
        self._stop_if_proven()

    def _stop_if_proven(self) -> None:
        if self.progress.proven():
            self.stop_search()


def _plan(
    instance: Instance, data: ProblemData, decisions: Decisions, status: Status, solver: cp_model.CpSolver
) -> Plan:
    bound = decisions.objective if status == "optimal" else math.ceil(solver.best_objective_bound - 1e-6)
    return build_plan(instance, data, decisions, status, bound)


def _empty_plan(instance: Instance, status: Status, explanation: list[str]) -> Plan:
    """The plan file of an instance without a plan: figures null, lists empty, reasons given."""
    return Plan(
        instance=instance.name,
        status=status,
        objective=PlanObjective(kind=instance.objective, value=None, bound=None),
        lost_value=None,
        lost_units=None,
        makespan=None,
        explanation=explanation,
    )
