"""The `sweep` and `criticality` commands: many scenarios of an instance, locally or on a Dask cluster.

Registered by planner/cli/commands.py. The scenarios run in local processes
(`--jobs` at a time), or on the Dask cluster whose scheduler `--scheduler`
names (the `dask` extra). Rows and plans are written as each scenario ends;
on bad input nothing is written and the exit code is 2.
"""

from __future__ import annotations

import contextlib
import json
import math
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import click

from planner.cli.errors import user_errors
from planner.cli.options import SECONDS
from planner.errors import PlannerError

F = TypeVar("F", bound=Callable[..., Any])
_CONNECT_SECONDS = 10.0  # a scheduler that has not answered by then is not there


def _many_solves(what: str) -> Callable[[F], F]:
    """--time-limit, --workers, --jobs, --seed and --scheduler of a command that runs a solve per `what`."""
    options = [
        click.option(
            "--time-limit",
            type=SECONDS,
            default=10.0,
            show_default=True,
            help=f"Seconds for each {what}'s solve.",
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=1, max=64),
            default=1,
            show_default=True,
            help=f"CP-SAT workers for each {what}.",
        ),
        click.option(
            "--jobs",
            type=click.IntRange(min=1, max=1024),
            default=None,
            help="Solves at a time (default: the cores over --workers, or the Dask cluster's threads).",
        ),
        click.option("--seed", type=click.IntRange(min=0, max=2**31 - 1), default=0, show_default=True),
        click.option(
            "--scheduler", default=None, help="A Dask scheduler's address (tcp://host:8786): run there."
        ),
    ]

    def decorate(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


@click.command("sweep")
@click.argument("instance", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("sweep_file", metavar="SWEEP", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@_many_solves("scenario")
@click.option(
    "--plan",
    "plan_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also keep this plan in its order under each scenario: what it loses; the value of information.",
)
@click.option(
    "--candidates",
    type=click.IntRange(min=0, max=100),
    default=0,
    show_default=True,
    help="Also keep K plans (the base's, and plans re-optimised for scenarios) under every scenario; "
    "recommend the one with the least P90.",
)
@click.option("--resume", is_flag=True, help="Go on with the sweep in the output directory.")
@click.option(
    "--max-time",
    type=SECONDS,
    default=None,
    help="Seconds for the whole sweep; the scenarios not started by then are left for --resume.",
)
@user_errors
def sweep(
    instance: Path,
    sweep_file: Path,
    out_dir: Path,
    time_limit: float,
    workers: int,
    jobs: int | None,
    seed: int,
    plan_path: Path | None,
    candidates: int,
    resume: bool,
    max_time: float | None,
    scheduler: str | None,
) -> None:
    """Solve each scenario that SWEEP (a restart-sweep/1 file) draws from INSTANCE; write their spread.

    Each scenario is re-optimised from the base plan (what hindsight could
    do). The output directory gets scenarios.csv (a row a scenario, written
    as it ends), summary.json (P10/P50/P90 of the lost value, each line's
    restart day and its chance to be back by the end of each week) and every
    plan under plans/. With --candidates K, K plans are each kept under
    every scenario and the most robust (least P90) is written as
    recommended-plan.json. With --plan, that plan is also kept under each
    scenario (its modes, its order of clearances and restarts, each as early
    as the scenario permits, production re-optimised): the rows then give
    what it loses and the value of information, what re-optimising saves.
    """
    from planner.decisions.sweep import check_output, check_paths, draw, run_sweep, solve_bounded
    from planner.formats.read import load_instance, load_plan, load_sweep
    from planner.verify import verify

    inst = load_instance(instance)
    drawn = load_sweep(sweep_file)
    check_paths(inst, drawn)
    kept = None
    if plan_path is not None:
        kept = load_plan(plan_path)
        report = verify(inst, kept)
        if not kept.has_schedule or not report.ok:
            raise PlannerError(f"{plan_path}: not a plan of {instance} (restart-planner verify says why)")
    draw(drawn)  # the scenarios are drawn before anything is written
    recorded = check_output(
        inst, drawn, out_dir, resume=resume, time_limit=time_limit, workers=workers, seed=seed, kept=kept
    )
    with _executor(jobs, workers, scheduler) as (executor, slots):
        count = _runs(drawn.samples, slots)
        click.echo(
            f"{drawn.samples} scenarios, {slots} at a time, {time_limit:g} s each: "
            f"about {(count + 1) * time_limit:g} s in all",
            err=True,
        )
        base = (
            kept
            or recorded
            or solve_bounded(inst, None, time_limit=time_limit, workers=workers, seed=seed).plan
        )
        show = _Shown(drawn.samples)
        try:
            with show:
                run = run_sweep(
                    inst,
                    drawn,
                    out_dir,
                    executor,
                    time_limit=time_limit,
                    jobs=slots,
                    workers=workers,
                    seed=seed,
                    resume=resume,
                    base_plan=base if base.has_schedule else None,
                    keep=kept is not None,
                    max_seconds=max_time,
                    on_row=show.row,
                )
        except KeyboardInterrupt:
            click.echo(
                f"interrupted: the scenarios solved are in {out_dir / 'scenarios.csv'}; "
                "--resume goes on with the others",
                err=True,
            )
            sys.exit(130)
        if candidates and base.has_schedule and len(run.rows) == drawn.samples:
            _recommend(inst, drawn, out_dir, executor, base, run.rows, candidates, time_limit, slots)
        elif candidates:
            click.echo("no candidates ranked: the sweep is not complete (--resume goes on with it)", err=True)
    click.echo(_summary_text(run.summary, inst.objective), err=True)
    left = drawn.samples - len(run.rows)
    if left:
        click.echo(f"{left} scenarios not solved in the time given: --resume goes on with them", err=True)
    click.echo(f"wrote {out_dir / 'scenarios.csv'} and {out_dir / 'summary.json'}", err=True)


@click.command("criticality")
@click.argument("instance", type=click.Path(dir_okay=False, path_type=Path))
@click.argument(
    "plan_path", metavar="[PLAN]", type=click.Path(dir_okay=False, path_type=Path), required=False
)
@click.option("--slip", "slip_days", type=click.IntRange(min=1, max=3650), default=7, show_default=True)
@_many_solves("slipped instance")
@click.option("--json", "as_json", is_flag=True, help="Print the ranking as JSON on stdout.")
@user_errors
def criticality(
    instance: Path,
    plan_path: Path | None,
    slip_days: int,
    time_limit: float,
    workers: int,
    jobs: int | None,
    seed: int,
    as_json: bool,
    scheduler: str | None,
) -> None:
    """Rank the systems of INSTANCE by what a slip of each clearance costs: which must not slip?

    For each system still to clear, the instance with every mode of its
    clearance --slip days longer is re-optimised; its cost is its lost value
    less the base's (PLAN's, or a solve's), with the proven range as whatif
    gives one.
    """
    from planner.decisions.criticality import criticality as rank
    from planner.decisions.sweep import solve_bounded
    from planner.formats.read import load_instance, load_plan
    from planner.verify import verify

    inst = load_instance(instance)
    base = None
    if plan_path is not None:
        base = load_plan(plan_path)
        if not base.has_schedule or not verify(inst, base).ok:
            raise PlannerError(f"{plan_path}: not a plan of {instance} (restart-planner verify says why)")
    with _executor(jobs, workers, scheduler) as (executor, slots):
        count = sum(not s.cleared for s in inst.systems)
        click.echo(
            f"{count} systems, {slots} at a time, {time_limit:g} s each: "
            f"about {(_runs(count, slots) + (base is None)) * time_limit:g} s in all",
            err=True,
        )
        base = base or solve_bounded(inst, None, time_limit=time_limit, workers=workers, seed=seed).plan
        if not base.has_schedule:
            raise PlannerError(f"{instance}: no plan of the instance itself to measure the slips from")

        def show(slip: Any, done: int, total: int) -> None:
            cost = "no plan" if slip.cost is None else f"{slip.cost:,}"
            click.echo(f"{slip.system} ({done}/{total}): costs {cost}", err=True)

        ranked = rank(
            inst,
            base,
            executor,
            slip_days=slip_days,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            jobs=slots,
            on_slip=show,
        )
    click.echo(json.dumps(ranked.to_json(), indent=2) if as_json else ranked.text())


def _recommend(
    inst: Any,
    drawn: Any,
    out_dir: Path,
    executor: Executor,
    base: Any,
    rows: list[dict[str, Any]],
    count: int,
    time_limit: float,
    slots: int,
) -> None:
    """Rank `count` candidate plans by the P90 of what each loses when kept; say which to follow."""
    from planner.decisions.robust import robust
    from planner.decisions.sweep import PLANS, draw
    from planner.formats.read import load_plan

    # The plans re-optimised for scenarios spread over the loss, from mild to harsh: they differ most.
    planned = sorted((r for r in rows if r["lost_value"] is not None), key=lambda r: r["lost_value"])
    picks = (
        [planned[round(j * (len(planned) - 1) / max(1, count - 2))] for j in range(count - 1)]
        if planned
        else []
    )
    chosen = [("base", base)]
    for r in picks:
        source = f"scenario {r['scenario']}"
        if source not in {c[0] for c in chosen}:
            chosen.append((source, load_plan(out_dir / PLANS / f"scenario-{r['scenario']:05d}.json")))
    click.echo(f"keeping {len(chosen)} candidate plans under {len(rows)} scenarios", err=True)
    ranked = robust(
        inst, drawn, draw(drawn), chosen, out_dir, executor, time_limit=time_limit / 4, jobs=slots
    )
    for c in ranked:
        click.echo(
            f"  candidate {c.id} ({c.source}): P90 {_n(c.spread['p90'])}, mean {_n(c.spread['mean'])}"
            + (f", not kept under {c.failed}" if c.failed else ""),
            err=True,
        )
    click.echo(
        f"recommended: candidate {ranked[0].id} ({ranked[0].source}), in {out_dir / 'recommended-plan.json'}",
        err=True,
    )


def _n(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _runs(samples: int, slots: int) -> int:
    return math.ceil(samples / max(1, slots))


@contextlib.contextmanager
def _executor(jobs: int | None, workers: int, scheduler: str | None) -> Iterator[tuple[Executor, int]]:
    """The executor the scenarios run on, and how many it runs at once."""
    if scheduler is None:
        slots = jobs or max(1, (os.cpu_count() or 1) // workers)
        # Spawned, not forked: a fork of a process with solver threads may hold their locks.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=slots, mp_context=context) as pool:
            try:
                yield pool, slots
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        return
    try:
        from distributed import Client
    except ImportError:
        raise PlannerError(
            "--scheduler runs on a Dask cluster: install the dask extra (pip install 'restart-planner[dask]')"
        ) from None
    try:
        client = Client(scheduler, timeout=_CONNECT_SECONDS)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as err:
        raise PlannerError(f"--scheduler {scheduler}: cannot reach the Dask scheduler ({err})") from None
    with client:
        slots = jobs or max(1, sum(client.nthreads().values()))  # type: ignore[no-untyped-call]
        yield client.get_executor(), slots  # type: ignore[no-untyped-call]


class _Shown:
    """A progress bar over the scenarios on a terminal; a line a scenario otherwise."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> _Shown:
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self.bar = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("scenarios", total=self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def row(self, row: dict[str, Any], done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done)
            return
        figures = "" if row["lost_value"] is None else f", lost value {row['lost_value']:,}"
        bound = "" if row["bound"] is None else f" (bound {row['bound']:,})"
        click.echo(f"scenario {row['scenario']} ({done}/{total}): {row['status']}{figures}{bound}", err=True)


def _summary_text(summary: dict[str, Any], objective: str) -> str:
    statuses = ", ".join(f"{n} {status}" for status, n in summary["statuses"].items())
    lines = [f"{summary['scenarios']} scenarios: {statuses}"]
    for key in ("lost_value", "lost_units", "bound", "kept_lost_value", "value_of_information"):
        spread = summary.get(key)
        if spread is not None and spread["p50"] is not None:
            name = f"{objective} bound" if key == "bound" else key.replace("_", " ")
            lines.append(
                f"  {name}: P10 {spread['p10']:,}  P50 {spread['p50']:,}  P90 {spread['p90']:,}  "
                f"mean {spread['mean']:,}"
            )
    return "\n".join(lines)
