"""The search of `solve()`: CP-SAT alone, or a portfolio of CP-SAT and our schedule neighbourhoods.

`SearchProgress` follows a search (its plans, its bounds, when each came) and
reports it to `on_progress`; `Portfolio` runs CP-SAT's search of the whole
model alongside the schedule neighbourhoods of `planner.cpsat.lns`, and
HiGHS on production where those give way (models/formulation.md, "The
search").
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from planner.cpsat.lns import ScheduleLns
from planner.cpsat.model import RestartModel
from planner.cpsat.solver import new_solver
from planner.problem.decisions import Decisions
from planner.search.highs_process import BoundProbe
from planner.search.restart_days import Annealed, RestartDayAnnealing


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


class SearchProgress(cp_model.CpSolverSolutionCallback):
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
        """A plan from a search running alongside (kept as `best` when better)."""
        with self._lock:
            if self.best is None or decisions.objective < self.best.objective:
                self.best = decisions
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

    def gap(self) -> float | None:
        """(best - bound) / best so far; None before a plan and a bound."""
        with self._lock:
            if self._objective is None or not math.isfinite(self._bound):
                return None
            return (self._objective - self._bound) / max(1.0, abs(self._objective))

    def proved(self, solver: cp_model.CpSolver) -> float:
        """The best bound proven, by the solver's end or any callback (-inf: none)."""
        return max(self._bound, solver.best_objective_bound)

    def bound(self, solver: cp_model.CpSolver) -> int:
        """The best bound proven, by the solver's end or any callback, rounded up."""
        proved = self.proved(solver)
        # No bound at all: only when the whole search found no plan but the neighbourhoods
        # did, which happens only under lost value or units (never negative).
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


_PATIENCE = 10.0  # seconds without a better plan after which our neighbourhoods may hand over
_FAR = 0.10  # ... if the gap is above this
MIP_SECONDS = 60.0  # time left from which the MIP may take over from stalled neighbourhoods
BOUND_SHARE = 0.3  # of the time left, for HiGHS' bound where the neighbourhoods stall far from a proof
POLISH_SHARE = 0.3  # of the time left, for HiGHS to re-optimise production where neighbourhoods give way
PROBE_SECONDS = 30.0  # time left from which HiGHS' root bound is computed beside CP-SAT (up to MIP_SECONDS)
PROBE_CONSTRAINTS = 25_000  # ... in a model of at most this many CP-SAT constraints
_PROBE_MARGIN = 0.5  # seconds before the deadline by which the probe should report
LP_SHARE = 0.25  # of the time left, within which the LP relaxation's bound should come (`lp_seconds`)
HIGHS_CONSTRAINTS = 200_000  # HiGHS runs in this process only on models of at most this many constraints
CYCLE_SECONDS = 20.0  # the longest cycle of the restart-day annealing, between two plans of it


def lp_seconds(constraints: int) -> float:
    """How long HiGHS takes for the LP relaxation of a model with this many CP-SAT constraints.

    A power law through JLR-2025's LP (18,153 constraints, 3.3 s), because
    the LP's time grows with about the 2.2th power of the model's size; it
    is within 30 % of the time measured on the medium and large instances
    (benchmarks/README.md, "The LP relaxation's bound from the start").
    """
    ratio: float = constraints / 18_153
    return 3.3 * math.pow(ratio, 2.2)


def schedule_neighbourhoods(built: RestartModel, workers: int, seed: int) -> ScheduleLns | None:
    """The large neighbourhood search to run alongside CP-SAT's, where it helps.

    It takes one of the workers, so there must be two; and it moves restart
    days to lose less, so not under `makespan` (there, CP-SAT's own
    scheduling neighbourhoods are the peer-tested choice: benchmarks/README.md).
    """
    if workers < 2 or built.data.objective == "makespan":
        return None
    lns = ScheduleLns(built, seed=seed)
    return lns if lns.useful else None


class Portfolio:
    """CP-SAT's search of the whole model alongside the schedule neighbourhoods, then alone.

    First the whole search runs on a thread, with one worker fewer and its own
    copy of the model (the neighbourhoods change `built`'s domains), and `lns`
    on this one, from the better of its own plans and the whole search's.
    The whole search is stopped and restarted with every worker from the best
    plan, for the time left, in two cases:

    - the first neighbourhoods find nothing (`ScheduleLns.improve`'s
      `give_way`): production, not the schedule, is what is left to improve
      (the large generated instances). HiGHS re-optimises it first
      (`_polish`), then CP-SAT's own neighbourhoods do better than ours;
    - the neighbourhoods find nothing for `_PATIENCE` seconds while the gap
      is above `_FAR`: the proof is far off, and CP-SAT's whole portfolio
      finds plans better than one worker does.

    Before that restart, with at least `MIP_SECONDS` left, HiGHS searches the
    time-indexed MIP from the best plan for `BOUND_SHARE` of the time left
    (`_mip`), because its LP bound is far stronger than CP-SAT's where parts
    and staff decide the loss, and its plans are a better start. After
    production was polished, only where HiGHS solved it to optimality: where
    it could not, its MIP's root is out of reach too. With less than
    `MIP_SECONDS` left, HiGHS' root bound alone is computed in a child
    process instead, on this worker's core (`_probe_root`, `_await_probe`).
    The measurements behind each rule are in benchmarks/README.md.

    Otherwise the whole search runs to the end: near a proof, a restart would
    throw away its progress. Alongside it, where the neighbourhoods stall for
    `_PATIENCE` seconds and at least `MIP_SECONDS` are left, HiGHS searches
    the time-indexed MIP from the best plan (`_mip`), whose LP finds plans far
    from it and whose bound joins CP-SAT's; otherwise, and after it, the
    neighbourhoods go on. Any search ends them all by reaching the bound
    proven; the bound is the best any of them proved (`SearchProgress`).
    """

    def __init__(
        self,
        built: RestartModel,
        lns: ScheduleLns,
        progress: SearchProgress,
        solver: cp_model.CpSolver,
        workers: int,
        seed: int,
        log: bool,
        check: Callable[[Decisions], bool],
        build_time: float = 0.0,
        *,
        root_probe: bool = True,
        relaxation: bool = True,
        highs_search: bool = True,
        restart_days: bool = True,
    ) -> None:
        self.built = built
        self.check = check
        self.lns = lns
        self.progress = progress
        self.solver = solver
        self.workers = workers
        self.seed = seed
        self.log = log
        self.build_time = build_time
        self.root_probe = root_probe
        self.probe: BoundProbe | None = None  # HiGHS' root bound in a child process, once started
        self.relaxation = relaxation
        self.highs_search = highs_search
        self.lp: BoundProbe | None = None  # the LP relaxation's bound in a child process, once started
        self.highs: BoundProbe | None = None  # HiGHS' search of the MIP in a child process, once started
        self.restart_days = restart_days
        self._realiser: cp_model.CpSolver | None = None  # CP-SAT making a plan of annealed restart days
        self._lp_proved = -math.inf  # the LP relaxation's bound, once it came
        self._cpsat_proved = -math.inf  # the best bound CP-SAT's whole search has proved
        self._highs_awaited = False
        self._deadline = math.inf
        self._size = len(built.model.proto.constraints)
        self.stopped = False
        self.whole_ended = threading.Event()  # the whole search running alongside has ended

    def stop_search(self) -> None:
        """Stop every search (Ctrl-C, or a plan proven optimal)."""
        self.stopped = True
        self.lns.stop_search()
        self.solver.stop_search()
        if self._realiser is not None:
            self._realiser.stop_search()

    def run(
        self, start: Decisions | None, deadline: float
    ) -> tuple[cp_model.CpSolverStatus, Decisions | None, cp_model.CpSolver]:
        """The status, the best plan and the last whole search's solver."""
        self._deadline = deadline
        try:
            self._probe_relaxation(deadline)
            code, best, solver = self._run(start, deadline)
        finally:
            for probe in (self.lp, self.highs, self.probe):
                if probe is not None:
                    probe.stop()
        offered = self.progress.best  # a plan of HiGHS' that came as the searches ended
        if offered is not None and (best is None or offered.objective < best.objective):
            return (cp_model.OPTIMAL if self.progress.proven() else cp_model.FEASIBLE), offered, solver
        return code, best, solver

    def _probe_relaxation(self, deadline: float) -> None:
        """Start the LP relaxation's bound (`planner.mip.lp_bound`) in a child process, where it pays.

        It is the one bound that comes early on every instance whose LP
        HiGHS solves in time, and it is above CP-SAT's (benchmarks/README.md,
        "The LP relaxation's bound from the start"). Its core is taken from
        the two searches for that long, so it is started only where it should
        end within `LP_SHARE` of the time left, by `lp_seconds`' estimate: a
        bound that comes as the search ends tells the reader nothing the plan
        could still use.
        """
        left = deadline - time.perf_counter() - _PROBE_MARGIN
        if not self.relaxation or lp_seconds(self._size) > LP_SHARE * left:
            return
        # OSError: no Python to start (an embedded interpreter): the search goes on without.
        with contextlib.suppress(OSError):
            self.lp = BoundProbe(
                self.built.data,
                time_limit=left,
                seed=self.seed,
                on_bound=self._on_lp_bound,
                log=self.log,
                kind="lp",
            )

    def _on_lp_bound(self, bound: int) -> None:
        """The LP relaxation's bound: where it proves more than CP-SAT has, HiGHS searches the MIP.

        A relaxation that proves more than CP-SAT's propagation knows
        something of the instance that CP-SAT's search does not (on
        JLR-2025, the parts and the staff), and HiGHS' branch and bound
        searches from that relaxation, where our neighbourhoods search from
        the incumbent. HiGHS takes the neighbourhoods' core, in a child
        process (`_search_mip_aside`), while the LP proves more than CP-SAT
        (`_await_highs`); benchmarks/README.md, "HiGHS searches where the LP
        proves more".
        """
        self._lp_proved = bound
        stronger = bound > self._cpsat_proved
        self._on_bound(bound)
        if self.highs_search and stronger and not self.stopped and not self.whole_ended.is_set():
            self._search_mip_aside()

    def _search_mip_aside(self) -> None:
        """HiGHS' search of the MIP (`planner.mip.solve_mip`) from the best plan, in a child process.

        Its bounds join CP-SAT's and its plans are used once the checker
        passes them; the neighbourhoods stop, so that it has their core.
        """
        left = self._deadline - time.perf_counter() - _PROBE_MARGIN
        if left <= 0:
            return

        def on_plan(decisions: Decisions) -> None:
            best = self.progress.best
            if (best is None or decisions.objective < best.objective) and self.check(decisions):
                self._on_plan(decisions)

        try:
            self.highs = BoundProbe(
                self.built.data,
                time_limit=left,
                seed=self.seed,
                on_bound=self._on_bound,
                log=self.log,
                kind="mip",
                hint=self.progress.best,
                on_plan=on_plan,
            )
        except OSError:  # no Python to start (an embedded interpreter): the search goes on without
            return
        self.lns.stop_search()

    def _await_probe(self, best: Decisions, deadline: float) -> Decisions:
        """Leave this worker's core to the probe for `POLISH_SHARE` of the time left, or until it reports.

        The probe takes the place of `_polish` (and of `_mip`, which needs
        `MIP_SECONDS`), because as a third busy thread on two cores it cost
        plans, and in its place it did not (benchmarks/README.md, "HiGHS'
        root bound beside the search"). Then CP-SAT takes every worker, and
        the probe runs on to the end if its root has not come.
        """
        assert self.probe is not None
        until = time.perf_counter() + POLISH_SHARE * (deadline - time.perf_counter())
        while self.probe.running and not self._alongside_over() and time.perf_counter() < until:
            time.sleep(0.05)
        return self._better_of(best)

    def _probe_root(self, deadline: float) -> bool:
        """Start HiGHS' root bound in a child process (`planner.search.highs_process`); was it started?

        Called where the neighbourhoods hand over far from a proof, because
        there, with parts and staff deciding the lost value, the MIP's root
        bound is far above CP-SAT's. With `MIP_SECONDS` left, `_mip` computes
        it in this process instead (and searches on); with less, the probe
        runs where its root can still come: at least `PROBE_SECONDS` left and
        a model of at most `PROBE_CONSTRAINTS` CP-SAT constraints (JLR-2025's
        root comes in about 20 s; large-s1's had not come after 90 s). Not
        from the start, where it cost plans for little bound on an instance
        whose neighbourhoods do not hand over (benchmarks/README.md, "HiGHS'
        root bound beside the search").
        """
        left = deadline - time.perf_counter() - _PROBE_MARGIN
        if (
            not self.root_probe
            or self.probe is not None
            or not PROBE_SECONDS <= left < MIP_SECONDS
            or self._size > PROBE_CONSTRAINTS
        ):
            return False
        try:
            self.probe = BoundProbe(
                self.built.data, time_limit=left, seed=self.seed, on_bound=self._on_bound, log=self.log
            )
        except OSError:  # no Python to start (an embedded interpreter): the search goes on without
            return False
        return True

    def _run(
        self, start: Decisions | None, deadline: float
    ) -> tuple[cp_model.CpSolverStatus, Decisions | None, cp_model.CpSolver]:
        code, best = self._alongside(start, deadline)
        left = deadline - time.perf_counter()
        if self.stopped or best is None or code in (cp_model.OPTIMAL, cp_model.INFEASIBLE) or left < 1.0:
            return code, best, self.solver
        self.built.warmstart(best)
        # HiGHS' search still runs where the annealing handed CP-SAT's core back: it keeps its own.
        workers = self.workers - 1 if self.highs is not None and self.highs.running else self.workers
        alone = new_solver(left, max(1, workers), self.seed, self.log)
        alone.parameters.catch_sigint_signal = self.solver.parameters.catch_sigint_signal
        alone.best_bound_callback = self._on_cpsat_bound
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
        solver.best_bound_callback = self._on_cpsat_bound
        model = self.built.model.clone()
        codes: list[cp_model.CpSolverStatus] = []
        ended = self.whole_ended

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
                best = self._neighbourhoods(start, deadline, ended)
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

    def _neighbourhoods(self, start: Decisions, deadline: float, ended: threading.Event) -> Decisions:
        """Our neighbourhoods until the end, or until they should hand over (see the class)."""
        best = self.lns.improve(
            start,
            deadline,
            patience=_PATIENCE,
            give_way=True,
            better_elsewhere=lambda: self.progress.best,
            on_improvement=self._on_plan,
        )
        if self.highs is not None and not self._highs_awaited:
            self._highs_awaited = True
            best = self._await_highs(best, ended)
            if ended.is_set() or self.stopped:
                return best
            self.lns.resume()
            return self._neighbourhoods(best, deadline, ended)
        if ended.is_set() or self.stopped:
            return best
        if best.objective >= start.objective:  # they gave way: production is what is left
            if self._probe_root(deadline):  # HiGHS' root takes this worker instead of production
                return self._await_probe(best, deadline)
            best, solved = self._polish(best, deadline)
            # Where HiGHS solved production to optimality, it can afford the whole MIP's root.
            return self._mip(best, deadline, share=BOUND_SHARE) if solved else best
        gap = self.progress.gap()
        if gap is not None and gap > _FAR:  # far from a proof: a share for HiGHS' bound, then CP-SAT
            if self._probe_root(deadline):
                return self._await_probe(best, deadline)
            return self._mip(best, deadline, share=BOUND_SHARE)
        # Near a proof: keep the whole search's progress, and search on with HiGHS' MIP.
        best = self._mip(best, deadline)
        if ended.is_set() or self.stopped:
            return best
        return self.lns.improve(
            best, deadline, better_elsewhere=lambda: self.progress.best, on_improvement=self._on_plan
        )

    def _on_cpsat_bound(self, bound: float) -> None:
        self._cpsat_proved = max(self._cpsat_proved, bound)
        self._on_bound(bound)

    def _await_highs(self, best: Decisions, ended: threading.Event) -> Decisions:
        """Leave this worker's core to HiGHS' search while the LP proves more than CP-SAT; the better plan.

        HiGHS' branch and bound is steered by the LP relaxation: once
        CP-SAT's own bound is above the LP's, CP-SAT's propagation knows as
        much of the instance as that relaxation, and the core goes back to
        the neighbourhoods, which search from the incumbent.
        """
        assert self.highs is not None
        if self.restart_days and not ended.is_set():
            best = self._anneal(best)
        while self.highs.running and not ended.is_set() and not self.stopped:
            if self._cpsat_proved > self._lp_proved:
                self.highs.stop()
                break
            time.sleep(0.05)
        return self._better_of(best)

    def _anneal(self, best: Decisions) -> Decisions:
        """The restart-day annealing (`planner.search.restart_days`) on the core of CP-SAT's whole search.

        Where the LP proves more than CP-SAT, CP-SAT's search of the whole
        model is blind to what limits production, and on JLR-2025 it found
        nothing HiGHS' search did not beat; the annealing, priced by that LP,
        finds plans 0.6-2.5 % above the optimum in 28-45 s (benchmarks/README.md,
        "Restart-day annealing"). So the whole search is stopped, and the
        annealing runs over the time left, its temperature falling to 0 by
        the end, in cycles of up to `CYCLE_SECONDS`; after a cycle it goes on
        from where it was, or from HiGHS' plan where that is better than any
        it found. The best vector of a cycle is made a plan by CP-SAT with
        those restart days fixed (`_realise`); a cycle that finds no vector
        priced below the best plan ends the annealing, and CP-SAT's search
        starts again from the best plan for the time left (`_run`), beside
        HiGHS'. The annealing ends `reserve` before the deadline, for the
        last plan.
        """
        from planner.mip.pricing import RestartDayPrices

        # For the last plan (`_realise`): 1.7-2.6 s on JLR-2025, up to 8 builds of its model; then measured.
        reserve = 0.5 + 10 * self.build_time
        prices = RestartDayPrices(self.built.data, seed=self.seed, deadline=self._deadline - reserve)
        if prices.infeasible or not prices.free or self.stopped or self.whole_ended.is_set():
            return best
        self.solver.stop_search()
        annealing = RestartDayAnnealing(prices, self._deadline - reserve - time.perf_counter(), self.seed)

        def should_stop() -> bool:
            return self.stopped or time.perf_counter() > self._deadline - reserve

        start: list[int | None] | None = best.restarts
        while not should_stop():
            offered = self._better_of(best)
            if offered is not best:  # HiGHS' plan is better: go on from it
                best, start = offered, offered.restarts
            found = annealing.cycle(CYCLE_SECONDS, should_stop, start)
            start = None
            if found is None or found.price >= self._better_of(best).objective - 0.5 or self.stopped:
                break
            began = time.perf_counter()
            plan = self._realise(found, best, reserve)
            reserve = max(reserve, 1.5 * (time.perf_counter() - began))
            prices.deadline = self._deadline - reserve
            if plan is None or plan.objective >= best.objective or not self.check(plan):
                break
            self._on_plan(plan)
            best = plan
        return self._better_of(best)

    def _realise(self, annealed: Annealed, like: Decisions, reserve: float) -> Decisions | None:
        """A plan with `annealed`'s restart days, by the deadline (None: none found).

        CP-SAT with those days fixed (clearances, shifts and units free)
        finds the clearances; where its production falls short of the LP's
        price, HiGHS re-optimises production for its schedule
        (`planner.mip.solve_production`), which reaches the price where CP-SAT
        alone would need longer: measured on JLR-2025, CP-SAT's plan after
        1 s is up to 78 % above the price, its bound at the price, and HiGHS'
        production on its schedule at the price, in 0.4 s. The last third of
        `reserve` is kept for HiGHS.
        """
        from planner.mip import solve_production

        built = self.built
        built.fix(dataclasses.replace(like, restarts=annealed.restarts), systems=list(built.systems))
        try:
            limit = self._deadline - time.perf_counter() - reserve / 3
            solver = new_solver(limit, 1, self.seed, self.log)
            solver.parameters.catch_sigint_signal = self.solver.parameters.catch_sigint_signal
            self._realiser = solver
            if self.stopped:
                return None
            code = solver.solve(built.model)
        finally:
            built.release()
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        plan = built.decisions(solver)
        if plan.objective <= annealed.price + 0.5 or self.stopped:
            return plan
        left = self._deadline - time.perf_counter()
        polished = solve_production(built.data, plan, time_limit=left, should_stop=lambda: self.stopped)
        if polished.decisions is not None and polished.decisions.objective < plan.objective:
            return polished.decisions
        return plan

    def _better_of(self, best: Decisions) -> Decisions:
        """`best`, or the portfolio's best plan where that is better."""
        offered = self.progress.best
        return offered if offered is not None and offered.objective < best.objective else best

    def _mip(self, best: Decisions, deadline: float, share: float = 1.0) -> Decisions:
        """HiGHS' branch and bound on the MIP (`planner.mip`) from `best`, for `share` of the time left.

        Where the neighbourhoods stall near a proof, the plans left to find
        are often far from the incumbent in schedule, and the MIP's LP guides
        its search there. Its bound joins CP-SAT's, and its plans are used
        once the checker passes them. Far from a proof it runs for a share of
        the time left (see the class). Skipped where the time left is under
        `MIP_SECONDS`, because HiGHS needs about half a minute for its root
        node on the medium instances and JLR-2025 before its search pays off
        (benchmarks/README.md, "300 s with HiGHS searching alongside CP-SAT
        near a proof"); or under twice the model's build time; or where HiGHS
        would not stop in time (`_highs_keeps_time`).
        """
        left = deadline - time.perf_counter()
        if left < MIP_SECONDS or left < 2 * self.build_time or not self._highs_keeps_time():
            return best
        from planner.mip import MipListener, solve_mip

        found = [best]

        def on_plan(decisions: Decisions) -> None:
            if decisions.objective < found[0].objective and self.check(decisions):
                found[0] = decisions
                self._on_plan(decisions)

        outcome = solve_mip(
            self.built.data,
            time_limit=share * (deadline - time.perf_counter()),
            threads=1,
            seed=self.seed,
            hint=best,
            listener=MipListener(on_plan, self._on_bound, self._alongside_over),
        )
        if outcome.decisions is not None:
            on_plan(outcome.decisions)
        if outcome.bound is not None:
            self._on_bound(outcome.bound)
        return self._better_of(found[0])

    def _polish(self, best: Decisions, deadline: float) -> tuple[Decisions, bool]:
        """The best production for `best`'s schedule, by HiGHS (`planner.mip.solve_production`).

        Where the neighbourhoods give way, production is what is left to
        improve, and HiGHS finds far more of it than CP-SAT
        (benchmarks/README.md, "Production alone, on the greedy plan's
        schedule"). It takes a share of the time left (one thread; the whole
        search keeps the other), stops when the portfolio is stopped, and its
        plan is used only if the checker passes it. It is skipped where the
        share is under twice the model's build time (building the MIP takes
        about as long), and where HiGHS would not stop in time
        (`_highs_keeps_time`; both are the xl instance).
        """
        budget = POLISH_SHARE * (deadline - time.perf_counter())
        if budget < 2 * self.build_time or not self._highs_keeps_time():
            return best, False
        from planner.mip import solve_production

        outcome = solve_production(
            self.built.data, best, time_limit=budget, threads=1, should_stop=self._alongside_over
        )
        polished, solved = outcome.decisions, outcome.status == "Optimal"
        best = self._better_of(best)
        if polished is not None and polished.objective < best.objective and self.check(polished):
            self._on_plan(polished)
            return polished, solved
        return best, solved

    def _highs_keeps_time(self) -> bool:
        """Is the model small enough for HiGHS, in this process, to stop by the deadline?

        Not xl-s1 (380,552 CP-SAT constraints), because there HiGHS stayed at
        its root node, past its own time limit, for more than four times that
        limit; the large instances (about 57,000) stop on time
        (benchmarks/README.md, "300 s against the MIP on medium, large and xl").
        """
        return self._size <= HIGHS_CONSTRAINTS

    def _alongside_over(self) -> bool:
        """Should HiGHS stop: the portfolio was stopped, or the whole search it runs beside ended?"""
        return self.stopped or self.whole_ended.is_set()

    def _on_plan(self, decisions: Decisions) -> None:
        self.progress.found(decisions)
        self._stop_if_proven()

    def _on_bound(self, bound: float) -> None:
        self.progress.on_bound(bound)
        self._stop_if_proven()

    def _stop_if_proven(self) -> None:
        if self.progress.proven():
            self.stop_search()
