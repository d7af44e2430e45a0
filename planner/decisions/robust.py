"""The most robust plan of a sweep: K candidate plans, each kept under every scenario, ranked by P90.

`robust(...)` takes the candidates (the base plan, and plans re-optimised
for sampled scenarios), keeps each in its order under every scenario of the
sweep (`planner.decisions.sweep.keep_in_order`: its clearance modes and its
order of clearances and restarts, each as early as the scenario permits,
production re-optimised), and ranks them by the 90th percentile of what
they lose, then by the mean: the plan to follow when one does not know
which scenario comes, and does not want to be caught by a bad one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.decisions.changes import Change, apply_changes
from planner.decisions.sweep import (
    PLANS,
    SUMMARY_JSON,
    SampledScenario,
    keep_in_order,
    run_tasks,
    spread,
    table_text,
)
from planner.errors import InstanceError
from planner.formats.read import parse_instance, parse_plan
from planner.formats.schema import Instance, Plan, Sweep
from planner.formats.write import write_atomically

CANDIDATES_CSV = "candidates.csv"
RECOMMENDED_PLAN = "recommended-plan.json"


@dataclass(frozen=True)
class Evaluation:
    """One candidate plan kept under one scenario (plain data, for any executor)."""

    candidate: int
    scenario: int
    instance: str  # the base instance file's text
    plan: str  # the candidate's plan file text
    changes: tuple[Change, ...]
    time_limit: float  # for the production of the kept schedule


@dataclass(frozen=True)
class Evaluated:
    candidate: int
    scenario: int
    value: int | None  # the kept plan's objective (None: it could not be kept)
    bound: int | None


def evaluate(task: Evaluation) -> Evaluated:
    """Keep the candidate in its order under the scenario (runs in a worker; the plan is checked)."""
    try:
        changed = apply_changes(parse_instance(task.instance), list(task.changes))
    except InstanceError:
        return Evaluated(task.candidate, task.scenario, None, None)
    _, kept = keep_in_order(changed, parse_plan(task.plan), time_limit=task.time_limit)
    if kept is None:
        return Evaluated(task.candidate, task.scenario, None, None)
    return Evaluated(task.candidate, task.scenario, kept.value, kept.bound)


@dataclass(frozen=True)
class Candidate:
    """A candidate plan, where it comes from, and the spread of what it loses when kept."""

    id: int
    source: str  # "base", or "scenario 7": the plan re-optimised for that scenario
    plan: Plan
    spread: dict[str, int | None]  # mean, p10, p50, p90 of the kept plan's objective
    kept: int  # scenarios under which it could be kept
    failed: int  # ... and under which it could not

    def row(self) -> dict[str, Any]:
        return {"candidate": self.id, "source": self.source, "kept": self.kept, "failed": self.failed} | {
            k: self.spread[k] for k in ("mean", "p10", "p50", "p90")
        }


COLUMNS = ["candidate", "source", "kept", "failed", "mean", "p10", "p50", "p90"]


def robust(
    instance: Instance,
    sweep: Sweep,
    scenarios: Sequence[SampledScenario],
    candidates: Sequence[tuple[str, Plan]],
    out_dir: Path,
    executor: Executor,
    *,
    time_limit: float,
    jobs: int = 1,
    on_done: Callable[[int, int], None] | None = None,
) -> list[Candidate]:
    """Keep every candidate under every scenario; write candidates.csv and the recommended plan.

    Ranked by P90, then mean, of the kept objective, over the scenarios
    under which the candidate could be kept; one that could not be kept
    under some scenario ranks after every one that could under all. The
    recommendation also goes into summary.json (`candidates`, `recommended`).
    """
    text = instance.model_dump_json(exclude_unset=True)
    plans = [plan.to_json() for _, plan in candidates]
    tasks = [
        Evaluation(c, s.index, text, plans[c], tuple(s.changes(sweep)), time_limit)
        for c in range(len(candidates))
        for s in scenarios
    ]
    values: dict[int, list[int]] = {c: [] for c in range(len(candidates))}
    failed = dict.fromkeys(range(len(candidates)), 0)
    count = [0]

    def record(result: Evaluated) -> None:
        if result.value is None:
            failed[result.candidate] += 1
        else:
            values[result.candidate].append(result.value)
        count[0] += 1
        if on_done is not None:
            on_done(count[0], len(tasks))

    run_tasks(executor, tasks, record, work=evaluate, jobs=jobs)
    found = [
        Candidate(c, source, plan, spread(values[c]), len(values[c]), failed[c])
        for c, (source, plan) in enumerate(candidates)
    ]
    ranked = sorted(found, key=_rank)
    (out_dir / PLANS).mkdir(parents=True, exist_ok=True)
    for c in found:
        write_atomically(out_dir / PLANS / f"candidate-{c.id}.json", c.plan.to_json())
    table = table_text(COLUMNS, [c.row() for c in ranked], by_scenario=False)
    write_atomically(out_dir / CANDIDATES_CSV, table)
    best = ranked[0]
    write_atomically(out_dir / RECOMMENDED_PLAN, best.plan.to_json())
    summary_path = out_dir / SUMMARY_JSON
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    summary["candidates"] = [c.row() for c in ranked]
    summary["recommended"] = best.row()
    write_atomically(summary_path, json.dumps(summary, indent=2) + "\n")
    return ranked


def _rank(c: Candidate) -> tuple[bool, bool, int, int]:
    """Kept under every scenario first, then the least P90, then the least mean."""
    p90, mean = c.spread["p90"], c.spread["mean"]
    return c.failed > 0, p90 is None, p90 or 0, mean or 0
