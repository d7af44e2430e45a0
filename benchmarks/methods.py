"""The methods a suite is run with: our CP-SAT model, the greedy baseline, and peers.

Each returns a `Row`; ours are checked by `planner.verify` (a plan that fails
it is recorded as `verified = False` and fails the run).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.suites import Case
from planner.formats.schema import Instance, Plan
from planner.verify import verify


@dataclass
class Row:
    suite: str
    instance: str
    method: str
    status: str
    objective: int | None
    bound: int | None
    best_known: int | None
    time: float  # seconds, wall clock, model building included
    time_to_best: float | None = None
    build_time: float | None = None
    verified: bool | None = None  # None: not our plan (a peer's)

    @property
    def gap_to_best(self) -> float | None:
        """(objective - best known) / best known."""
        if self.objective is None or self.best_known is None:
            return None
        return (self.objective - self.best_known) / max(1, abs(self.best_known))

    @property
    def gap(self) -> float | None:
        """(objective - own bound) / objective."""
        if self.objective is None or self.bound is None:
            return None
        return (self.objective - self.bound) / max(1, abs(self.objective))


@dataclass(frozen=True)
class Settings:
    time_limit: float
    workers: int
    seed: int = 0


Method = Callable[[Case, Instance, Settings], Row]


def _checked(case: Case, instance: Instance, plan: Plan) -> bool:
    return verify(instance, plan).ok


def run_cpsat(case: Case, instance: Instance, settings: Settings, method: str = "cpsat") -> Row:
    from planner.solve import solve

    result = solve(
        instance,
        method="mip" if method == "mip" else "cpsat",
        time_limit=settings.time_limit,
        workers=settings.workers,
        seed=settings.seed,
        neighbourhoods=method != "cpsat-plain",
        root_probe=method not in ("cpsat-plain", "cpsat-noprobe"),
        relaxation=method not in ("cpsat-plain", "cpsat-nolp"),
        highs_search=method not in ("cpsat-plain", "cpsat-nolp", "cpsat-nohighs"),
        restart_days=method != "cpsat-noanneal",
    )
    return Row(
        case.suite,
        case.name,
        method,
        result.status,
        result.objective,
        result.bound,
        case.best_known,
        result.runtime,
        result.time_to_best,
        result.build_time,
        _checked(case, instance, result.plan),
    )


def run_mip(case: Case, instance: Instance, settings: Settings) -> Row:
    """The time-indexed MIP peer with HiGHS (`planner.mip`), cold: no greedy hint."""
    return run_cpsat(case, instance, settings, "mip")


def run_cpsat_plain(case: Case, instance: Instance, settings: Settings) -> Row:
    """CP-SAT alone, without the schedule neighbourhoods alongside (`planner.cpsat.lns`)."""
    return run_cpsat(case, instance, settings, "cpsat-plain")


def run_cpsat_noprobe(case: Case, instance: Instance, settings: Settings) -> Row:
    """The portfolio without HiGHS' root bound in a child process beside it (`search.highs_process`)."""
    return run_cpsat(case, instance, settings, "cpsat-noprobe")


def run_cpsat_nolp(case: Case, instance: Instance, settings: Settings) -> Row:
    """The portfolio without the LP relaxation's bound from the start (`planner.mip.lp_bound`)."""
    return run_cpsat(case, instance, settings, "cpsat-nolp")


def run_cpsat_nohighs(case: Case, instance: Instance, settings: Settings) -> Row:
    """The portfolio without HiGHS' search in the neighbourhoods' place where the LP proves more."""
    return run_cpsat(case, instance, settings, "cpsat-nohighs")


def run_cpsat_noanneal(case: Case, instance: Instance, settings: Settings) -> Row:
    """The portfolio without the restart-day annealing on CP-SAT's core (`planner.search.restart_days`)."""
    return run_cpsat(case, instance, settings, "cpsat-noanneal")


def run_greedy(case: Case, instance: Instance, settings: Settings) -> Row:
    from planner.search.greedy import greedy

    started = time.perf_counter()
    plan = greedy(instance)
    elapsed = time.perf_counter() - started
    if plan is None:
        return Row(case.suite, case.name, "greedy", "unknown", None, None, case.best_known, elapsed)
    return Row(
        case.suite,
        case.name,
        "greedy",
        plan.status,
        plan.objective.value,
        plan.objective.bound,
        case.best_known,
        elapsed,
        elapsed,
        None,
        _checked(case, instance, plan),
    )


def run_pyjobshop(case: Case, instance: Instance, settings: Settings) -> Row:
    """PyJobShop (the `bench` extra) on the original PSPLIB file: its own reader and CP-SAT model."""
    import pyjobshop
    from pyjobshop.read import read

    if case.source is None:
        raise ValueError(f"{case.name}: PyJobShop runs only on PSPLIB files")
    started = time.perf_counter()
    data = read(case.source, instance_format="psplib")
    result = pyjobshop.solve(
        data,
        solver="ortools",
        time_limit=settings.time_limit,
        num_workers=settings.workers,
        display=False,
        random_seed=settings.seed,
    )
    elapsed = time.perf_counter() - started
    status = {"OPTIMAL": "optimal", "FEASIBLE": "feasible", "INFEASIBLE": "infeasible"}.get(
        result.status.name, "unknown"
    )
    found = status in ("optimal", "feasible")
    return Row(
        case.suite,
        case.name,
        "pyjobshop",
        status,
        round(result.objective) if found else None,
        round(result.lower_bound) if found else None,
        case.best_known,
        elapsed,
    )


METHODS: dict[str, Method] = {
    "cpsat": run_cpsat,
    "cpsat-plain": run_cpsat_plain,
    "cpsat-noprobe": run_cpsat_noprobe,
    "cpsat-nolp": run_cpsat_nolp,
    "cpsat-nohighs": run_cpsat_nohighs,
    "cpsat-noanneal": run_cpsat_noanneal,
    "mip": run_mip,
    "greedy": run_greedy,
    "pyjobshop": run_pyjobshop,
}
