"""Scenario sweeps: the spread of the lost value and of each line's restart, over sampled scenarios.

A `restart-sweep/1` file (`planner.formats.schema.Sweep`) says which values
of the instance are uncertain and how each is drawn. `draw(sweep)` samples
the scenarios; `run_sweep` solves each one, re-optimised from the base
plan as a warm start (what could be done with hindsight), and writes, as
each finishes, one row of `scenarios.csv` and its plan; `summarize` gives
the percentiles of `summary.json`.

Sampling is reproducible whatever runs it: scenario ``i`` (from 1) draws
from its own generator, seeded by a hash of the sweep's seed and ``i``, so
the same file gives the same scenarios on any machine, executor, number of
jobs or order of completion, and a resumed sweep draws what it would have.

The solves run on any `concurrent.futures.Executor`: a pool of local
processes (`--jobs`), or a Dask cluster's (`dask.distributed.Client.get_executor`,
`--scheduler`), so that a sweep too large for one machine needs no
scheduler of ours.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from planner.decisions.changes import Change, apply_changes, parse_change, resolve
from planner.errors import InstanceError, PlannerError, SolveError
from planner.formats.read import load_plan, parse_instance, parse_plan
from planner.formats.schema import Instance, Plan, Sweep, Uncertain
from planner.formats.write import write_atomically
from planner.mip import lp_bound, solve_production
from planner.problem.data import ProblemData
from planner.problem.decisions import build_plan, decisions_from_plan
from planner.search.greedy import in_order
from planner.solve import Result, solve
from planner.verify import verify

Value = int | str

SCENARIOS_CSV = "scenarios.csv"
SUMMARY_JSON = "summary.json"
SWEEP_JSON = "sweep.json"  # the sweep and the solve settings, so that --resume continues the same sweep
BASE_PLAN = "base-plan.json"
PLANS = "plans"
# A scenario solved with one worker spends this share of its time on the LP relaxation's bound
# first: on JLR-2025 at 10 s, CP-SAT's own bound was 30 % below its plans (benchmarks/README.md).
LP_SHARE = 0.5


# --- drawing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SampledScenario:
    """Scenario `index` (from 1): one drawn value per uncertain path, in the file's order."""

    index: int
    values: tuple[Value, ...]

    def changes(self, sweep: Sweep) -> list[Change]:
        """The `whatif` changes that make this scenario of the base instance."""
        return [change(u.path, v) for u, v in zip(sweep.uncertain, self.values, strict=True)]


def change(path: str, value: Value) -> Change:
    """A number sets the value (-1 too, which as text would subtract 1); a string reads as in `whatif`."""
    if isinstance(value, int):
        return Change(f"{path}={value}", path, "set", value)
    return parse_change(f"{path}={value}")


def draw(sweep: Sweep) -> list[SampledScenario]:
    """Every scenario of `sweep`, the same for the same file on any machine."""
    return [SampledScenario(i, _draw_one(sweep, i)) for i in range(1, sweep.samples + 1)]


def _draw_one(sweep: Sweep, index: int) -> tuple[Value, ...]:
    # Python's Mersenne Twister, seeded by an integer, and its triangular, randint and
    # choices give the same numbers on every platform and Python version we support.
    digest = hashlib.sha256(f"restart-sweep/1:{sweep.seed}:{index}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    return tuple(_value(u, rng) for u in sweep.uncertain)


def _value(u: Uncertain, rng: random.Random) -> Value:
    if u.triangular is not None:
        low, mode, high = u.triangular
        return _rounded(rng.triangular(low, high, mode))
    if u.uniform is not None:
        return rng.randint(u.uniform[0], u.uniform[1])
    assert u.choice is not None
    chosen = rng.choices(u.choice, weights=u.weights)[0]
    return _rounded(chosen) if isinstance(chosen, float) else chosen


def _rounded(x: float) -> int:
    """Half up, not to even: a value drawn half-way is the larger one, whatever its parity."""
    return math.floor(x + 0.5)


def check_paths(instance: Instance, sweep: Sweep) -> None:
    """Every path names a value of `instance`, and each value it can draw makes a valid instance.

    Each extreme of a number range and each choice is applied alone, so a
    bad sweep fails before any solve, located in the sweep file; a
    combination that only together breaks a rule is caught per scenario.
    """
    problems = []
    for k, u in enumerate(sweep.uncertain):
        try:
            resolve(instance, change(u.path, 0))
        except InstanceError as err:
            problems += [f"uncertain[{k}].path: {_after_text(p)}" for p in err.problems]
            continue
        for value in _extremes(u):
            try:
                apply_changes(instance, [change(u.path, value)])
            except InstanceError as err:
                problems += [f"uncertain[{k}] (value {value}): {_after_text(p)}" for p in err.problems]
                break
    if problems:
        raise InstanceError(problems, subject="the sweep")


def _extremes(u: Uncertain) -> list[Value]:
    if u.triangular is not None:
        return [_rounded(u.triangular[0]), _rounded(u.triangular[2])]
    if u.uniform is not None:
        return list(u.uniform)
    assert u.choice is not None
    return list(dict.fromkeys(_rounded(v) if isinstance(v, float) else v for v in u.choice))


def _after_text(problem: str) -> str:
    """``changes[0] 'a.b=3': message`` -> ``message``: the sweep's place replaces the change's."""
    head, sep, message = problem.partition("': ")
    return message if sep and head.startswith("changes[") else problem


# --- one scenario ------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """What a worker needs to solve one scenario: plain data, so that any executor can ship it."""

    index: int
    instance: str  # the base instance file's text
    base_plan: str | None  # the base plan file's text: the warm start
    changes: tuple[Change, ...]
    time_limit: float
    workers: int
    seed: int
    keep: bool = False  # also evaluate `base_plan` kept in its order (`--plan`)


@dataclass(frozen=True)
class Outcome:
    """A solved scenario: its figures, its restart days and its plan file's text (None: no plan)."""

    index: int
    status: str
    lost_value: int | None
    lost_units: int | None
    objective: int | None
    bound: int | None
    restarts: dict[str, int | None]
    plan: str | None
    problem: str | None = None  # why the scenario could not be solved (an invalid combination)
    kept: Kept | None = None  # the base plan kept in its order, with `Task.keep`


@dataclass(frozen=True)
class Kept:
    """The base plan kept in its order under a scenario: what it loses, at least and as found.

    `value` is the plan's objective (its production the best HiGHS found for
    that schedule); `bound` the least any production of that schedule loses.
    """

    value: int
    bound: int


def solve_scenario(task: Task) -> Outcome:
    """Apply the scenario's changes, solve from the base plan, check the plan (runs in a worker).

    With `task.keep`, the base plan kept in its order (`keep_in_order`) is
    evaluated first, on a quarter of the time, and is the solve's fallback,
    so the re-optimised plan never loses more than it.
    """
    started = time.monotonic()
    base = parse_instance(task.instance)
    try:
        changed = apply_changes(base, list(task.changes))
    except InstanceError as err:
        return Outcome(task.index, "invalid", None, None, None, None, {}, None, "; ".join(err.problems))
    hint = None if task.base_plan is None else parse_plan(task.base_plan)
    kept = None
    if task.keep and hint is not None:
        kept_plan, kept = keep_in_order(changed, hint, time_limit=task.time_limit / 4)
        hint = kept_plan if kept_plan is not None else hint
    limit = max(0.0, task.time_limit - (time.monotonic() - started))
    result = solve_bounded(changed, hint, time_limit=limit, workers=task.workers, seed=task.seed)
    plan = result.plan
    if plan.has_schedule:
        report = verify(changed, plan)
        if not report.ok:
            raise SolveError(
                f"planner bug: scenario {task.index}'s plan fails verify: {report.violations[:3]}"
            )
    restarts = {line.id: line.restart_day for line in plan.lines}
    return Outcome(
        task.index,
        plan.status,
        plan.lost_value,
        plan.lost_units,
        plan.objective.value,
        plan.objective.bound,
        restarts,
        plan.to_json(),
        kept=kept,
    )


def solve_bounded(
    instance: Instance, hint: Plan | None, *, time_limit: float, workers: int, seed: int
) -> Result:
    """`solve`, as `whatif` solves a scenario, with the LP relaxation's bound first where one worker runs.

    With one worker CP-SAT runs no LP of its own, and `solve` no relaxation
    beside it (that takes a second core): the LP relaxation's bound
    (`planner.mip.lp_bound`) is computed first, on `LP_SHARE` of the time.
    The search starts from its own greedy plan, `hint` kept as the
    fallback where it still verifies (`solve`'s `follow_hint`).
    """
    started = time.monotonic()
    relaxation = None
    if workers < 2 and instance.objective != "makespan":
        relaxation = lp_bound(ProblemData.from_instance(instance), time_limit=LP_SHARE * time_limit)
    limit = max(0.0, time_limit - (time.monotonic() - started))
    result = solve(instance, hint=hint, follow_hint=False, time_limit=limit, workers=workers, seed=seed)
    return result if relaxation is None else result.with_bound(relaxation)


def keep_in_order(instance: Instance, plan: Plan, *, time_limit: float) -> tuple[Plan | None, Kept | None]:
    """`plan` kept in its order on `instance` (`greedy.in_order`), production by HiGHS; checked.

    The schedule keeps `plan`'s clearance modes and its order of clearances
    and restarts, each as early as `instance` permits; production is then
    re-optimised for that schedule (`planner.mip.solve_production`, within
    `time_limit`), the greedy's day-by-day production where HiGHS finds
    nothing better. None when the pins of `instance` cannot be placed.
    """
    data = ProblemData.from_instance(instance)
    scheduled = in_order(data, decisions_from_plan(data, plan))
    if scheduled is None:
        return None, None
    best, bound = scheduled, 0
    if data.objective != "makespan":  # production does not change a makespan
        outcome = solve_production(data, scheduled, time_limit=time_limit, threads=1)
        if outcome.decisions is not None and outcome.decisions.objective < best.objective:
            best = outcome.decisions
        if outcome.bound is not None:
            bound = max(0, math.ceil(outcome.bound - 1e-6))
    else:
        bound = scheduled.objective
    kept = build_plan(instance, data, best, "feasible", 0)
    if not verify(instance, kept).ok:
        raise SolveError("planner bug: a plan kept in its order fails verify")
    return kept, Kept(best.objective, min(bound, best.objective))


# --- the table ---------------------------------------------------------------------------


KEPT_COLUMNS = ["kept_lost_value", "kept_bound", "value_of_information"]


def columns(instance: Instance, sweep: Sweep, keep: bool = False) -> list[str]:
    """scenarios.csv's header: scenario, each uncertain path, the figures, restart:<line> per line.

    With `keep` (`--plan`), also the kept plan's objective, its bound, and
    the value of information: the kept plan's objective less the re-optimised one.
    """
    head = ["scenario", *(u.path for u in sweep.uncertain), "status", "lost_value", "lost_units", "bound"]
    return head + (KEPT_COLUMNS if keep else []) + [f"restart:{line.id}" for line in instance.lines]


def row(sweep: Sweep, scenario: SampledScenario, outcome: Outcome) -> dict[str, Any]:
    """The scenarios.csv row of a solved scenario (an empty cell: not known, or not restarted)."""
    values = dict(zip((u.path for u in sweep.uncertain), scenario.values, strict=True))
    figures = {
        "status": outcome.status,
        "lost_value": outcome.lost_value,
        "lost_units": outcome.lost_units,
        "bound": outcome.bound,
    }
    if outcome.kept is not None:
        found = None if outcome.objective is None else outcome.kept.value - outcome.objective
        figures |= {
            "kept_lost_value": outcome.kept.value,
            "kept_bound": outcome.kept.bound,
            "value_of_information": found,
        }
    restarts = {f"restart:{line}": day for line, day in outcome.restarts.items()}
    return {"scenario": scenario.index, **values, **figures, **restarts}


def table_text(header: Sequence[str], rows: Iterable[dict[str, Any]], *, by_scenario: bool = True) -> str:
    """The CSV text of `rows`, ordered by scenario (or as given)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(header), lineterminator="\n")
    writer.writeheader()
    for r in sorted(rows, key=lambda r: int(r["scenario"])) if by_scenario else rows:
        writer.writerow({k: "" if r.get(k) is None else r[k] for k in header})
    return out.getvalue()


def read_table(path: Path) -> list[dict[str, Any]]:
    """The rows of a scenarios.csv written by `table_text` (numbers back as integers)."""
    with path.open(newline="", encoding="utf-8") as file:
        return [{k: _cell(k, v) for k, v in r.items()} for r in csv.DictReader(file)]


def _cell(key: str, text: str) -> Any:
    if text == "":
        return None
    if key == "status":
        return text
    try:
        return int(text)
    except ValueError:
        return text


# --- the summary -------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), interpolated between the closest ranks (numpy's 'linear').

    `math.inf` stands for "never" (a line not restarted): a percentile that
    falls among them, or between the last day and them, is `math.inf`.
    """
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    if ordered[high] == math.inf:
        return math.inf
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def spread(values: Sequence[int]) -> dict[str, int | None]:
    """Mean, P10, P50 and P90 of `values`, rounded to integers (None for each, without values)."""
    if not values:
        return {"mean": None, "p10": None, "p50": None, "p90": None}
    return {
        "mean": round(sum(values) / len(values)),
        **{f"p{q}": round(percentile(values, q)) for q in (10, 50, 90)},
    }


def week_ends(horizon: int) -> list[int]:
    """The last day of each week of the horizon (days 6, 13, ...), and the horizon's last day."""
    days = list(range(6, horizon, 7))
    return days if days and days[-1] == horizon - 1 else [*days, horizon - 1]


def summarize(instance: Instance, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """summary.json: the spread of the figures, and each line's restart day and chance to be back.

    Over the scenarios with a plan; `statuses` counts every scenario. The
    bound's spread says how sure the figures are: in every scenario the lost
    value (or units, or makespan: `objective`) is at least its bound.
    """
    planned = [r for r in rows if r["status"] in ("optimal", "feasible")]
    statuses: dict[str, int] = {}
    for r in rows:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    lines = {}
    for line in instance.lines:
        days = [math.inf if r.get(f"restart:{line.id}") is None else r[f"restart:{line.id}"] for r in planned]
        lines[line.id] = {
            **{f"p{q}": _day(percentile(days, q)) if days else None for q in (50, 90)},
            "back_by": {
                str(day): round(sum(d <= day for d in days) / len(days), 4) if days else None
                for day in week_ends(instance.horizon_days)
            },
        }
    return {
        "scenarios": len(rows),
        "statuses": dict(sorted(statuses.items())),
        "objective": instance.objective,
        "lost_value": spread([r["lost_value"] for r in planned if r["lost_value"] is not None]),
        "lost_units": spread([r["lost_units"] for r in planned if r["lost_units"] is not None]),
        "bound": spread([r["bound"] for r in planned if r["bound"] is not None]),
        **{
            key: spread([r[key] for r in planned if r.get(key) is not None])
            for key in KEPT_COLUMNS
            if any(key in r for r in rows)
        },
        "lines": lines,
    }


def _day(value: float) -> int | None:
    """A percentile of restart days as a day: rounded up (back by then), None for never."""
    return None if value == math.inf else math.ceil(value - 1e-9)


# --- the run -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepRun:
    """What `run_sweep` did: the rows (resumed ones included) and how many it solved itself."""

    rows: list[dict[str, Any]]
    solved: int
    resumed: int
    summary: dict[str, Any]


OnRow = Callable[[dict[str, Any], int, int], None]  # (row, done, total)


def run_sweep(
    instance: Instance,
    sweep: Sweep,
    out_dir: Path,
    executor: Executor,
    *,
    time_limit: float,
    jobs: int = 1,
    workers: int = 1,
    seed: int = 0,
    resume: bool = False,
    base_plan: Plan | None = None,
    keep: bool = False,
    max_seconds: float | None = None,
    on_row: OnRow | None = None,
) -> SweepRun:
    """Solve the scenarios of `sweep` on `executor`, `jobs` at a time; write each row and plan as it ends.

    `base_plan` (the base instance's plan, solved by the caller) is every
    scenario's warm start; with `keep`, it is also kept in its order under
    each scenario (`keep_in_order`) and the value of information reported.
    With `resume`, the scenarios already in `out_dir`'s scenarios.csv are
    kept and not solved again; `out_dir` must then hold this sweep, with the
    same settings. Without it, `out_dir` must not hold a sweep yet. With
    `max_seconds`, no scenario is given time past that many seconds from
    now: those that would start later are left for a resumed run. Files are
    written atomically, so an interrupted sweep loses only the scenarios
    being solved.
    """
    began = time.monotonic()
    if keep and base_plan is None:
        raise PlannerError("a sweep that keeps a plan needs that plan")
    settings = _settings(instance, sweep, time_limit, workers, seed, base_plan if keep else None)
    done = _prepare(out_dir, settings, resume)
    header = columns(instance, sweep, keep)
    scenarios = {s.index: s for s in draw(sweep)}
    rows = {int(r["scenario"]): r for r in done if int(r["scenario"]) in scenarios}
    resumed = len(rows)
    if base_plan is not None:
        write_atomically(out_dir / BASE_PLAN, base_plan.to_json())
    elif resume and (out_dir / BASE_PLAN).exists():
        base_plan = load_plan(out_dir / BASE_PLAN)
    text = instance.model_dump_json(exclude_unset=True)
    plan_text = None if base_plan is None else base_plan.to_json()
    (out_dir / PLANS).mkdir(exist_ok=True)
    by_index = {}
    tasks = []
    for i, scenario in scenarios.items():
        if i not in rows:
            by_index[i] = scenario
            changes = tuple(scenario.changes(sweep))
            tasks.append(Task(i, text, plan_text, changes, time_limit, workers, seed, keep))

    def record(outcome: Outcome) -> None:
        scenario = by_index[outcome.index]
        if outcome.plan is not None:
            write_atomically(out_dir / PLANS / f"scenario-{scenario.index:05d}.json", outcome.plan)
        rows[scenario.index] = row(sweep, scenario, outcome)
        write_atomically(out_dir / SCENARIOS_CSV, table_text(header, rows.values()))
        if on_row is not None:
            on_row(rows[scenario.index], len(rows), len(scenarios))

    deadline = None if max_seconds is None else began + max_seconds
    run_tasks(executor, tasks, record, jobs=jobs, deadline=deadline)
    ordered = [rows[i] for i in sorted(rows)]
    summary = summarize(instance, ordered)
    write_atomically(out_dir / SUMMARY_JSON, json.dumps(summary, indent=2) + "\n")
    return SweepRun(ordered, len(ordered) - resumed, resumed, summary)


# A scenario given less than this would end without a plan of its own: left for a resumed run.
_LEAST_SECONDS = 1.0


class Timed(Protocol):
    """A task with its own time limit (a frozen dataclass, so that a deadline can shorten it)."""

    @property
    def time_limit(self) -> float: ...


T = TypeVar("T", bound=Timed)
R = TypeVar("R")


def run_tasks(
    executor: Executor,
    tasks: Iterable[T],
    done: Callable[[R], None],
    *,
    work: Callable[[T], R] = solve_scenario,  # type: ignore[assignment]
    jobs: int = 1,
    deadline: float | None = None,
) -> None:
    """Run `work(task)` for each of `tasks` on `executor`, `jobs` in flight; `done(result)` as each ends.

    `work` must be a module-level function, so that any executor can ship
    it. With `deadline` (`time.monotonic()`), a task is given at most the
    time left until then, and none is started with less than
    `_LEAST_SECONDS`. Pending tasks are cancelled when `done` raises or the
    caller is interrupted.
    """
    todo = iter(tasks)
    running: set[Future[R]] = set()

    def submit_next() -> None:
        task = next(todo, None)
        if task is None:
            return
        if deadline is not None:
            left = deadline - time.monotonic()
            task = replace(task, time_limit=min(task.time_limit, left))  # type: ignore[type-var]
        if task.time_limit >= _LEAST_SECONDS:
            running.add(executor.submit(work, task))

    try:
        for _ in range(max(1, jobs)):
            submit_next()
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                running.discard(future)
                done(future.result())
                submit_next()
    finally:
        for future in running:
            future.cancel()


@dataclass(frozen=True)
class SweepResult:
    """A sweep's output directory, read back: its rows and summary, and the instance it swept."""

    rows: list[dict[str, Any]]
    summary: dict[str, Any]
    instance_sha256: str
    uncertain: list[str]  # the uncertain paths, in the sweep file's order


def load_result(out_dir: Path) -> SweepResult:
    """Read `out_dir`'s sweep.json, scenarios.csv and summary.json; `PlannerError` if it is not a sweep."""
    try:
        settings = json.loads((out_dir / SWEEP_JSON).read_text(encoding="utf-8"))
        summary = json.loads((out_dir / SUMMARY_JSON).read_text(encoding="utf-8"))
        rows = read_table(out_dir / SCENARIOS_CSV)
        uncertain = [u["path"] for u in settings["sweep"]["uncertain"]]
        digest = str(settings["instance_sha256"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise PlannerError(f"{out_dir}: not the output of a finished sweep ({err})") from None
    return SweepResult(rows, summary, digest, uncertain)


def instance_digest(instance: Instance) -> str:
    """The SHA-256 that sweep.json records of the instance a sweep was drawn from."""
    return _sha256(instance.model_dump_json(exclude_unset=True))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _settings(
    instance: Instance, sweep: Sweep, time_limit: float, workers: int, seed: int, kept: Plan | None
) -> dict[str, Any]:
    """What makes two sweeps the same: the instance, the sweep file, the solve settings, the plan kept."""
    return {
        "instance": instance.name,
        "instance_sha256": instance_digest(instance),
        "sweep": sweep.model_dump(mode="json", exclude_none=True),
        "solve": {"time_limit": time_limit, "workers": workers, "seed": seed},
        "kept_plan_sha256": None if kept is None else _sha256(kept.to_json()),
    }


def check_output(
    instance: Instance,
    sweep: Sweep,
    out_dir: Path,
    *,
    resume: bool,
    time_limit: float,
    workers: int = 1,
    seed: int = 0,
    kept: Plan | None = None,
) -> Plan | None:
    """Can `run_sweep` write to `out_dir` with these settings? (`PlannerError` if not; nothing written.)

    For a command to ask before it solves the base. Returns the base plan a
    resumed sweep recorded, if there is one.
    """
    settings = _settings(instance, sweep, time_limit, workers, seed, kept)
    _prepare(out_dir, settings, resume, write=False)
    recorded = out_dir / BASE_PLAN
    return load_plan(recorded) if resume and recorded.exists() else None


def _prepare(
    out_dir: Path, settings: dict[str, Any], resume: bool, write: bool = True
) -> list[dict[str, Any]]:
    """Check `out_dir` for this sweep, record its settings; the rows already there when resuming."""
    recorded = out_dir / SWEEP_JSON
    if out_dir.exists() and not out_dir.is_dir():
        raise PlannerError(f"{out_dir}: not a directory")
    if recorded.exists():
        if not resume:
            raise PlannerError(
                f"{out_dir} holds a sweep already: pass --resume to go on with it, or another -o"
            )
        try:
            before = json.loads(recorded.read_text(encoding="utf-8"))
        except ValueError:
            raise PlannerError(f"{recorded}: not a sweep's settings (invalid JSON)") from None
        if before != settings:
            differ = [k for k in settings if before.get(k) != settings[k]]
            raise PlannerError(
                f"{out_dir} holds another sweep (its {', '.join(differ)} differ): "
                "--resume goes on only with the same one"
            )
        table = out_dir / SCENARIOS_CSV
        return read_table(table) if table.exists() else []
    if write:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_atomically(recorded, json.dumps(settings, indent=2) + "\n")
    return []
