"""`solve(instance) -> Result`: the one place that wires schema, data, model and solver."""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, replace
from typing import Literal

from ortools.sat.python import cp_model

from planner.cpsat.model import RestartModel
from planner.cpsat.solver import new_solver
from planner.diagnosis.structural import structural_reasons
from planner.errors import SolveError
from planner.formats.schema import Instance, Plan, PlanObjective, Status
from planner.problem.data import ProblemData
from planner.problem.decisions import Decisions, build_plan, decisions_from_plan, figures, with_bound
from planner.problem.sizes import check_size
from planner.search.budget import Budget, OutOfTime
from planner.search.ctrl_c import stop_on_ctrl_c
from planner.search.greedy import greedy_decisions, greedy_plan
from planner.search.portfolio import OnProgress as OnProgress  # re-exported: part of solve()'s signature
from planner.search.portfolio import Portfolio, SearchProgress, schedule_neighbourhoods
from planner.search.portfolio import Progress as Progress
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
    note: str | None = None  # what a reader must know of how the plan was made (never a search's luck)

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

    def with_bound(self, bound: int) -> Result:
        """This result with its proven bound raised to `bound`, where that proves more (never past its value).

        For a bound proven elsewhere: by a version of the instance that is a
        relaxation of this one (`planner.decisions.whatif`).
        """
        if self.objective is None or self.bound is None or bound <= self.bound:
            return self
        plan = _with_bound(self.plan, bound)
        return replace(self, status=plan.status, plan=plan, bound=plan.objective.bound)


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
    follow_hint: bool = True,
    warmstart: bool = True,
    on_progress: OnProgress | None = None,
    neighbourhoods: bool = True,
    root_probe: bool = True,
    relaxation: bool = True,
    highs_search: bool = True,
    restart_days: bool = True,
) -> Result:
    """Plan the restart of `instance`.

    `method` "cpsat" searches with the CP-SAT model; "greedy" returns the
    greedy baseline's plan (`planner.search.greedy`) without a search; "mip" solves
    the time-indexed MIP peer (`planner.mip`, HiGHS), cold, as a peer would. With
    `structural_checks` (the default), reasons that prove the instance
    infeasible are looked for first and returned without a search. The search
    is warm-started from `hint` or, with `warmstart`, from the greedy plan.
    `hint` may be a plan of another version of the instance (a what-if, a
    re-plan): its figures are recomputed here, and when it keeps this
    instance's contract the better of it and the searched plan is returned,
    so a short time limit never loses it (nor the greedy's plan). Without
    `follow_hint`, the search starts from the greedy plan as if there were
    no hint, and the hint is only kept: a plan made under another version's
    binding limits can hold the search in its neighbourhood (a what-if
    scenario that loosens a limit: benchmarks/README.md). The schedule
    neighbourhoods (below) still start from the better of the two, and take
    CP-SAT's plans as they come.

    With two workers or more, and unless `neighbourhoods` is false, one of
    them runs the schedule neighbourhoods of `planner.cpsat.lns` alongside
    CP-SAT's search (not under makespan); its plans are checked like any
    other, but which is found depends on timing, as with any multi-worker
    CP-SAT search. Beside them, child processes compute HiGHS' bounds of
    the time-indexed MIP (`planner.search.highs_process`): its LP relaxation's from the
    start where it comes in time (unless `relaxation` is false), and its
    root's where the neighbourhoods stall (unless `root_probe` is false).
    Where the LP's bound is above CP-SAT's, HiGHS searches the MIP in a
    child process in the neighbourhoods' place (unless `highs_search` is
    false), and a search over the restart days alone, priced by that LP,
    takes the core of CP-SAT's whole search while it finds better plans
    (`planner.search.restart_days`, unless `restart_days` is false).

    `on_progress` is called with the warm start's value, then at each better
    plan and each better bound of the search (from CP-SAT's threads: it must
    be quick). Ctrl-C during the search stops it, and the best plan found so
    far is returned (`Result.interrupted`); elsewhere it raises
    KeyboardInterrupt as usual.
    """
    budget = Budget.of(time_limit)
    check_size(instance)
    data = ProblemData.from_instance(instance)  # once: every step below reads the same
    if structural_checks:
        reasons = structural_reasons(instance, data)
        if reasons:
            return Result(
                "infeasible", _empty_plan(instance, "infeasible", reasons), None, None, budget.elapsed(), 0.0
            )
    if method == "mip":
        return _mip(instance, data, budget, workers, seed, log)
    if method == "greedy":
        found = greedy_decisions(data, budget)
        return _greedy_result(instance, None if found is None else greedy_plan(instance, data, found), budget)
    kept = None if hint is None else rebase(instance, hint, data)
    if (hint is None or not follow_hint) and warmstart:
        start = greedy_decisions(data, budget.within(_GREEDY_SHARE * budget.seconds))
        kept = _better_plan(kept, None if start is None else greedy_plan(instance, data, start))
    else:
        given = kept or hint
        start = None if given is None else _hinted(data, given)
    return _search_model(
        instance,
        data,
        start,
        kept,
        budget,
        workers,
        seed,
        log,
        on_progress,
        neighbourhoods,
        root_probe,
        relaxation,
        highs_search,
        restart_days,
    )


def rebase(instance: Instance, plan: Plan, data: ProblemData | None = None) -> Plan | None:
    """The decisions of `plan` as a plan of `instance`, figures recomputed; None unless it verifies.

    This is how a plan of one version of an instance (yesterday's, the base of
    a what-if) is carried over to another: same clearances, restarts, shifts and
    units, judged by the other version's contract. `data` is `instance`'s
    `ProblemData`, where the caller has it already.
    """
    if not plan.has_schedule:
        return None
    data = ProblemData.from_instance(instance) if data is None else data
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


def _greedy_result(instance: Instance, plan: Plan | None, budget: Budget) -> Result:
    elapsed = budget.elapsed()
    if plan is None:
        reason = (
            "The greedy baseline found no plan; it does not prove that none exists (try the CP-SAT search)."
        )
        return Result("unknown", _empty_plan(instance, "unknown", [reason]), None, None, elapsed, 0.0)
    return Result(plan.status, plan, plan.objective.value, plan.objective.bound, elapsed, 0.0, elapsed)


def _mip(instance: Instance, data: ProblemData, budget: Budget, workers: int, seed: int, log: bool) -> Result:
    from planner.mip import solve_mip

    time_limit = budget.left()
    outcome = solve_mip(data, time_limit=time_limit, threads=workers, seed=seed, log=log)
    runtime = budget.elapsed()
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


# The greedy's variants after its first plan improve that plan by at most 4 % on the
# generated instances and JLR-2025 (python -m benchmarks.limits greedy), in well under
# a second except on xl-s1 (2 s, for no gain): a search does more with that time.
_GREEDY_SHARE = 0.1

# What finishing a search takes (reading its plan back, building and checking the plan
# file) and how far CP-SAT runs past its own time limit (its presolve looks at the clock
# between steps) both grow with the model, as its build does: on xl-s1 about a quarter
# of the build time; so the search ends that much before the deadline.
_FINISH_SHARE = 0.25


def _hinted(data: ProblemData, plan: Plan) -> Decisions | None:
    """The decisions of a hint, or None: a plan of another instance may name ids this one lacks."""
    if not plan.has_schedule:
        return None
    try:
        return decisions_from_plan(data, plan)
    except KeyError:
        return None


def _search_model(
    instance: Instance,
    data: ProblemData,
    start_from: Decisions | None,
    fallback: Plan | None,
    budget: Budget,
    workers: int,
    seed: int,
    log: bool,
    on_progress: OnProgress | None = None,
    neighbourhoods: bool = True,
    root_probe: bool = True,
    relaxation: bool = True,
    highs_search: bool = True,
    restart_days: bool = True,
) -> Result:
    try:
        built = RestartModel(data, budget.check)
        if start_from is not None:
            # A hint of another instance may hold days this one lacks: then no warm start.
            with contextlib.suppress(IndexError):
                built.warmstart(start_from, budget.check)
        # CP-SAT's own search starts from its hint, the neighbourhoods from the best verified plan
        # known (the same plan, unless a hint is kept but not followed).
        start = None if fallback is None else decisions_from_plan(data, fallback)
        budget.check()
    except OutOfTime:
        return _unsearched(instance, fallback, budget)
    build_time = budget.elapsed()
    searching = budget.keeping(_FINISH_SHARE * build_time)
    if searching.left() < _FINISH_SHARE * build_time:
        # CP-SAT would spend about that loading the model (xl-s1: 1 s) and find nothing.
        return _unsearched(instance, fallback, budget)

    solver = new_solver(searching.left(), workers, seed, log)
    progress = SearchProgress(
        budget.started, on_progress, None if fallback is None else _value(fallback), built
    )
    solver.best_bound_callback = progress.on_bound
    lns = schedule_neighbourhoods(built, workers, seed) if neighbourhoods else None
    if lns is None:
        with stop_on_ctrl_c(solver) as ctrl_c:
            progress.on_start()
            code = solver.solve(built.model, progress)
        found = built.decisions(solver) if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    else:

        def check(decisions: Decisions) -> bool:
            return verify(instance, build_plan(instance, data, decisions, "feasible", 0)).ok

        portfolio = Portfolio(
            built,
            lns,
            progress,
            solver,
            workers,
            seed,
            log,
            check,
            build_time,
            root_probe=root_probe,
            relaxation=relaxation,
            highs_search=highs_search,
            restart_days=restart_days,
        )
        with stop_on_ctrl_c(solver, portfolio) as ctrl_c:
            progress.on_start()
            # Only a verified plan is a sound incumbent for the neighbourhoods.
            code, found, solver = portfolio.run(start, searching.deadline)
    runtime = budget.elapsed()
    status = _status(code, built)
    if status == "infeasible":
        if fallback is not None:
            raise SolveError("planner bug: CP-SAT proved infeasible an instance with a verified plan")
        reasons = _conflict_reasons(instance, budget.keeping(_FINISH_SHARE * build_time), workers, seed)
        return Result(
            status, _empty_plan(instance, status, reasons), None, None, budget.elapsed(), build_time
        )

    plan = None
    if found is not None:
        proved = progress.bound(solver)
        if found.objective <= proved:
            status = "optimal"
        plan = build_plan(instance, data, found, status, found.objective if status == "optimal" else proved)
    if fallback is not None and (plan is None or _value(fallback) < _value(plan)):
        plan = _with_bound(fallback, progress.proved(solver))
    if plan is None:
        reason = (
            f"No plan was found within the time limit of {budget.seconds:g} s: the "
            "solver neither found a plan nor proved that none exists. Try a longer time limit."
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
class CpsatRun:
    """One CP-SAT run on a prepared model: its status, best decisions and proven bound."""

    status: Status
    decisions: Decisions | None  # None unless a plan was found
    bound: int | None  # proven lower bound on the model's current objective, rounded up (None: none)


def run_cpsat(
    built: RestartModel, *, time_limit: float, workers: int = 2, seed: int = 0, log: bool = False
) -> CpsatRun:
    """Run CP-SAT on `built` as it stands: its objective, its extra constraints, its hint.

    For callers that change the model before searching (re-planning freezes
    the past and may minimise changes instead of lost value); `solve()` is the
    entry point for an instance as it is.
    """
    solver = new_solver(time_limit, workers, seed, log)
    with stop_on_ctrl_c(solver):
        code = solver.solve(built.model)
    status = _status(code, built)
    if status == "infeasible":
        return CpsatRun(status, None, None)
    proved = solver.best_objective_bound
    bound = math.ceil(proved - 1e-6) if math.isfinite(proved) else None
    decisions = None if status == "unknown" else built.decisions(solver)
    return CpsatRun(status, decisions, bound)


def _status(code: cp_model.CpSolverStatus, built: RestartModel) -> Status:
    """The plan's status of a solver's code; an invalid model is a planner bug and raises."""
    if code == cp_model.MODEL_INVALID:
        raise SolveError(f"the CP-SAT model is invalid (a bug in the planner): {built.model.validate()}")
    return _STATUS[code]


def _conflict_reasons(instance: Instance, budget: Budget, workers: int, seed: int) -> list[str]:
    """Why CP-SAT found no plan: small sets of the file's requirements that clash (`diagnosis.conflicts`).

    They are looked for in the time left of the solve's own limit; each check
    takes at most a fifth of it, so that a conflict of several requirements
    can be narrowed down in that time.
    """
    from planner.diagnosis.conflicts import conflicts

    proved = (
        "No plan meets every constraint together: CP-SAT proved it, but no single structural "
        "cause was found (fixed starts and restarts, capacities, staff and the horizon each pass "
        "on their own checks), so the conflict lies in several constraints at once."
    )
    left = budget.left()
    if left < _CONFLICT_SECONDS:
        return [
            proved,
            f"No time was left within the time limit to name the requirements at fault: run "
            f"`restart-planner explain` with a --time-limit of {_CONFLICT_SECONDS:g} s or more.",
        ]
    report = conflicts(instance, time_limit=left, check_time_limit=left / 5, workers=workers, seed=seed)
    if report.status == "explained":
        return report.explanation()
    return [proved, *report.explanation()]


_CONFLICT_SECONDS = 1.0  # below this a conflict search ends before its first check of the instance


def _better_plan(one: Plan | None, other: Plan | None) -> Plan | None:
    """The plan of lower value (either when the other is None); `one` on a tie."""
    if one is None or (other is not None and _value(other) < _value(one)):
        return other
    return one


def _value(plan: Plan) -> int:
    assert plan.objective.value is not None
    return plan.objective.value


def _with_bound(plan: Plan, proved: float) -> Plan:
    """A plan found outside the search, with the best bound the search proved (if better)."""
    value = _value(plan)
    bound = plan.objective.bound if plan.objective.bound is not None else value
    if math.isfinite(proved):
        bound = max(bound, math.ceil(proved - 1e-6))
    return with_bound(plan, bound)


def _unsearched(instance: Instance, fallback: Plan | None, budget: Budget) -> Result:
    """No time is left to search once the model is built: the plan the search would start from."""
    limit = f"{budget.seconds:g} s"
    if fallback is None:
        reason = (
            f"No plan was found within the time limit of {limit}: it ran out while the CP-SAT model "
            "was built. Try a longer time limit."
        )
        return Result(
            "unknown", _empty_plan(instance, "unknown", [reason]), None, None, budget.elapsed(), 0.0
        )
    note = (
        f"the greedy plan, not searched: the time limit of {limit} left no time to search once the "
        "CP-SAT model was built; give a longer --time-limit for a searched plan"
    )
    value = _value(fallback)
    bound = fallback.objective.bound if fallback.objective.bound is not None else value
    runtime = budget.elapsed()
    return Result(fallback.status, fallback, value, bound, runtime, runtime, runtime, note=note)


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
