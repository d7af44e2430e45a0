"""The `restart-planner` command line: one thin function per command.

Exit codes: 0 a plan was found (or a file is valid), 1 no feasible plan exists
or none was found in time (or a plan breaks the contract), 2 bad input.
Messages go to stderr; plans go to a file or stdout.
"""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from planner.cli.errors import user_errors
from planner.cli.options import solver_options
from planner.formats.read import load_instance, load_plan
from planner.formats.schema import Instance
from planner.formats.write import write_atomically
from planner.search import clock
from planner.search.budget import Budget
from planner.search.ctrl_c import terminate_as_interrupt

if TYPE_CHECKING:
    from planner.decisions.whatif import WhatIf
    from planner.solve import Method, Result

F = TypeVar("F", bound=Callable[..., Any])


# What a command does after its solves (checking the plan, its summary, writing it) takes up to
# 14 us per line-day on this project's machine (8 instances, tiny to xl; 0.43 s on xl-s1:
# benchmarks/README.md); twice that is kept back from the solves, for a slower machine.
_FINISH_SECONDS_PER_LINE_DAY = 28e-6
# And Python's exit after the last line (freeing the solver's memory, ending its threads): 0.11 s
# to 0.14 s on JLR-2025, measured from the process's exit hook to its end.
_EXIT_SECONDS = 0.2


def _solving_seconds(time_limit: float, inst: Instance, plans: int = 1) -> float:
    """What is left of `--time-limit` for the solves: less what the process has spent, and what follows them.

    The limit bounds the whole command, so it counts from the process's start
    (Python and the imports take about 0.8 s: `planner.search.clock`). What follows
    is checking `plans` plans of the instance's size (and writing one).
    """
    line_days = len(inst.lines) * inst.horizon_days
    finish = _FINISH_SECONDS_PER_LINE_DAY * line_days * plans + _EXIT_SECONDS
    return max(0.0, time_limit - clock.since_start() - finish)


# Each feasibility check of `explain`'s conflict search: the 10 s that --time-limit gave it before
# that option bounded the whole command.
_CHECK_SECONDS = 10.0


def _write(text: str, output: str) -> None:
    """To stdout for '-', else atomically to the file: the old file or the new one, never half of one."""
    if output == "-":
        click.echo(text, nl=False)
        return
    write_atomically(output, text)


class _Commands(click.Group):
    """The command group; its clock starts with the process when it reads the process's own arguments."""

    def main(self, args: Any = None, *rest: Any, **options: Any) -> Any:
        clock.begin(with_process=args is None)  # None: sys.argv, the process's own command
        return super().main(args, *rest, **options)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, envvar="RESTART_PLANNER_DEBUG", help="Show tracebacks.")
@click.version_option(package_name="restart-planner")
def main(debug: bool) -> None:
    """Plan the phased restart of plants and lines after a cyber attack."""
    # SIGTERM (a service manager stopping the command) is handled as Ctrl-C: a search stops
    # and its best plan is written, and no half-written file or temporary file is left.
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, terminate_as_interrupt)


@main.command()
@click.argument("instance", type=click.Path(dir_okay=False, path_type=Path))
@user_errors
def validate(instance: Path) -> None:
    """Check INSTANCE against the contract and the sizes the planner solves; list every problem."""
    from planner.problem.sizes import check_size

    inst = load_instance(instance)
    check_size(inst, str(instance))
    click.echo(
        f"{instance}: valid {inst.format} '{inst.name}': {len(inst.systems)} systems, "
        f"{len(inst.lines)} lines, {inst.horizon_days} days, objective {inst.objective}",
        err=True,
    )


@main.command()
@click.argument("instance", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", default="-", show_default=True, help="Plan file, or - for stdout.")
@click.option(
    "--method",
    type=click.Choice(["cpsat", "greedy", "mip"]),
    default="cpsat",
    show_default=True,
    envvar="RESTART_PLANNER_METHOD",
    help="cpsat: search, warm-started from the greedy plan; greedy: the baseline alone; "
    "mip: the time-indexed MIP peer with HiGHS (the mip extra).",
)
@click.option(
    "--tables",
    "tables_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write the plan's tables as CSV in this folder: restarts, clearances, production, "
    "staff, stock.",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    envvar="RESTART_PLANNER_QUIET",
    help="No progress display on stderr, only the final summary.",
)
@solver_options()
@user_errors
def solve(
    instance: Path,
    output: str,
    method: str,
    tables_dir: Path | None,
    quiet: bool,
    time_limit: float,
    workers: int,
    seed: int,
    log: bool,
) -> None:
    """Solve INSTANCE and write its restart-plan/1 file.

    The search's progress (time, best objective, proven bound, gap) is shown on
    stderr: live on a terminal, as log lines otherwise. Ctrl-C stops the search
    and writes the best plan found so far.
    """
    inst = load_instance(instance)
    interrupted = "interrupted: nothing was written"
    try:
        seconds = _solving_seconds(time_limit, inst)
        result = _solve_showing_progress(inst, cast("Method", method), quiet, seconds, workers, seed, log)
        if result.interrupted:
            click.echo("interrupted: the search stopped; writing the best plan found so far", err=True)
        _write(result.plan.to_json(), output)
        interrupted = f"interrupted after the plan was written to {'stdout' if output == '-' else output}"
        if tables_dir is not None:
            from planner.outputs.tables import write_tables

            write_tables(inst, result.plan, tables_dir)
        _report_solve(inst, result)
    except KeyboardInterrupt:
        click.echo(interrupted, err=True)
        sys.exit(130)
    if not result.plan.has_schedule:
        sys.exit(130 if result.interrupted else 1)
    sys.exit(0)


def _solve_showing_progress(
    inst: Instance, method: Method, quiet: bool, time_limit: float, workers: int, seed: int, log: bool
) -> Result:
    """Solve, showing progress on stderr unless quiet (or the solver's own log is on)."""
    from planner.cli.progress import show_progress
    from planner.solve import solve as run

    with show_progress(sys.stderr, quiet=quiet or log) as on_progress:
        return run(
            inst,
            method=method,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            log=log,
            on_progress=on_progress,
        )


def _report_solve(inst: Instance, result: Result) -> None:
    """The summary on stderr, and the independent checker's verdict (exit 1 if it fails)."""
    from planner.cli.summary import summary
    from planner.verify import verify

    click.echo(summary(inst, result), err=True)
    report = verify(inst, result.plan)
    if not report.ok:  # never expected: the checker is the last line of defence
        click.echo("the plan FAILS the independent checker:\n" + report.summary(), err=True)
        sys.exit(1)
    if result.plan.has_schedule:
        click.echo("verified: the plan meets every constraint and its figures recompute", err=True)


@main.command()
@click.argument("instance", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("plan", type=click.Path(dir_okay=False, path_type=Path))
@user_errors
def verify(instance: Path, plan: Path) -> None:
    """Check PLAN against INSTANCE, recomputing every figure; list each violation (C1..C8)."""
    from planner.verify import verify as check

    report = check(load_instance(instance), load_plan(plan))
    click.echo(report.summary(), err=True)
    sys.exit(0 if report.ok else 1)


@main.command()
@click.option(
    "--size",
    type=click.Choice(["tiny", "small", "medium", "large", "xl"]),
    default="small",
    show_default=True,
)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("-o", "--output", default="-", show_default=True, help="Instance file, or - for stdout.")
def generate(size: str, seed: int, output: str) -> None:
    """Write a realistic random instance (deterministic in SIZE and SEED)."""
    from planner.problem.generate import generate as make
    from planner.problem.generate import instance_json

    _write(instance_json(make(size, seed)), output)


@main.group(name="import")
def import_() -> None:
    """Convert instances from other formats."""


@import_.command("psplib")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", default="-", show_default=True, help="Instance file, or - for stdout.")
@click.option("--name", default=None, help="Instance name (default: the file's stem).")
@user_errors
def import_psplib(source: Path, output: str, name: str | None) -> None:
    """Convert a PSPLIB single-mode file (.sm) into a restart instance (objective makespan)."""
    from planner.formats.psplib import from_psplib, to_json

    _write(to_json(from_psplib(source, name)), output)


@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("models"),
    show_default=True,
    help="Folder for the schema files.",
)
def schema(out_dir: Path) -> None:
    """Write the JSON Schemas of the instance, plan and sweep formats."""
    from planner.formats.schema import json_schemas

    out_dir.mkdir(parents=True, exist_ok=True)
    for name, body in json_schemas().items():
        (out_dir / name).write_text(json.dumps(body, indent=2) + "\n")
        click.echo(f"wrote {out_dir / name}", err=True)


@main.command()
@click.argument("instance", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("changes", nargs=-1)
@click.option(
    "--marginal",
    "marginal_",
    is_flag=True,
    help="Price +1 of every resource, +10% of every staff pool and every supplier a week earlier.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON on stdout.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the base plan's HTML report, with a table of the scenarios (the report extra).",
)
@solver_options(time_help="Seconds for the whole command (the base and the scenarios share them).")
@user_errors
def whatif(
    instance: Path,
    changes: tuple[str, ...],
    marginal_: bool,
    as_json: bool,
    report_path: Path | None,
    time_limit: float,
    workers: int,
    seed: int,
    log: bool,
) -> None:
    """Solve INSTANCE and each scenario, and compare what they lose.

    Each CHANGE (PATH=VALUE in the file's own terms, e.g.
    resources.forensics.capacity=+1 or materials.seats.supply.from_day=5) is a
    scenario of its own; an argument without '=' is a scenario file holding
    several named scenarios.
    """
    from planner.decisions.changes import Scenario, load_scenarios
    from planner.decisions.whatif import marginal, marginal_scenarios, whatif

    inst = load_instance(instance)
    if marginal_ == bool(changes):
        raise click.UsageError("give CHANGES or scenario files, or --marginal (not both)")
    if report_path is not None:
        from planner.outputs.report.errors import require_libraries

        require_libraries()  # before the solves, not after
    if marginal_:
        seconds = _solving_seconds(time_limit, inst, _whatif_plans(len(marginal_scenarios(inst))))
        compared = marginal(inst, time_limit=seconds, workers=workers, seed=seed, log=log)
    else:
        items: list[Scenario | str] = []
        for change in changes:
            items.extend([change] if "=" in change else load_scenarios(change))
        seconds = _solving_seconds(time_limit, inst, _whatif_plans(len(items)))
        compared = whatif(inst, items, time_limit=seconds, workers=workers, seed=seed, log=log)
    if as_json:
        click.echo(json.dumps(compared.to_json(), indent=2))
    else:
        click.echo(compared.text())
    if report_path is not None:
        _whatif_report(compared, report_path)


def _whatif_plans(scenarios: int) -> int:
    """The plans `whatif` checks after its solves: each scenario's on the base and the base's on it."""
    return 1 + 2 * scenarios


def _whatif_report(compared: WhatIf, path: Path) -> None:
    """The base plan's report with the scenarios' table; none when the base has no plan to show."""
    from planner.outputs.report.html import write_report

    base = compared.base.plan
    if not base.has_schedule:
        click.echo(f"no report written: the base has no plan (status {base.status})", err=True)
        return
    for written in write_report(compared.instance, base, path, whatif=compared):
        click.echo(f"wrote {written}", err=True)


@main.command()
@click.argument("instance", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("plan", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option(
    "--bottlenecks/--no-bottlenecks",
    default=True,
    show_default=True,
    help="Price each resource, staff pool and supply by relaxing it alone and re-solving.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON on stdout.")
@solver_options(
    time_help="Seconds for the whole command (the solve without PLAN, the bottlenecks' re-solves, "
    "the conflict search)."
)
@user_errors
def explain(
    instance: Path,
    plan: Path | None,
    bottlenecks: bool,
    as_json: bool,
    time_limit: float,
    workers: int,
    seed: int,
    log: bool,
) -> None:
    """Why each line and system starts when it does in PLAN, and what holds the plan back.

    Without PLAN, INSTANCE is solved first; if it has no feasible plan, the
    reasons that together make it infeasible are named instead, each in the
    file's terms, so that changing any one of them resolves the conflict.
    """
    from planner.decisions.explain import explain as why

    inst = load_instance(instance)
    budget = Budget.of(_solving_seconds(time_limit, inst, plans=2))  # the plan's, and its explanation
    if plan is not None:
        chosen = load_plan(plan)
    else:
        from planner.decisions.explain import relaxations
        from planner.solve import solve as run

        # The bottlenecks' losses are measured from this plan: it gets a share like each of them.
        shares = 1 + (len(relaxations(inst)) if bottlenecks else 0)
        result = run(inst, time_limit=budget.left() / shares, workers=workers, seed=seed, log=log)
        if result.status == "infeasible":
            _explain_conflicts(inst, as_json, budget.left(), workers, seed)
            sys.exit(1)
        if not result.plan.has_schedule:
            click.echo(f"error: no plan found within {result.runtime:.3g} s; nothing to explain", err=True)
            sys.exit(1)
        chosen = result.plan
    answer = why(
        inst, chosen, bottlenecks=bottlenecks, time_limit=budget.left(), workers=workers, seed=seed, log=log
    )
    click.echo(json.dumps(answer.to_json(), indent=2) if as_json else answer.text())


def _explain_conflicts(inst: Instance, as_json: bool, time_limit: float, workers: int, seed: int) -> None:
    from planner.diagnosis.conflicts import conflicts

    check = min(_CHECK_SECONDS, time_limit)
    report = conflicts(inst, time_limit=time_limit, check_time_limit=check, workers=workers, seed=seed)
    click.echo(json.dumps(report.to_json(), indent=2) if as_json else "\n".join(report.explanation()))


@main.command()
@click.argument("instance", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("changes", nargs=-1)
@click.option(
    "--plan",
    "old",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The plan being carried out (yesterday's).",
)
@click.option("--today", type=click.IntRange(min=0), required=True, help="The first day that may change.")
@click.option("-o", "--output", default="-", show_default=True, help="New plan file, or - for stdout.")
@click.option(
    "--stability",
    type=click.IntRange(min=0, max=10**9),  # weight x changes must stay exact in the objective
    default=None,
    help="Objective units (the file's value units under lost_value) worth one change fewer; "
    "default: fewest changes among plans of the best value.",
)
@solver_options()
@user_errors
def replan(
    instance: Path,
    changes: tuple[str, ...],
    old: Path,
    today: int,
    output: str,
    stability: int | None,
    time_limit: float,
    workers: int,
    seed: int,
    log: bool,
) -> None:
    """Re-plan INSTANCE from day --today: the past of --plan is kept, the rest re-optimised.

    CHANGES (PATH=VALUE, as for whatif) are the new facts. Clearances and
    commissioning started before today, restarts before today and production
    before today stay as they were; the new plan changes as few restart days and
    clearance starts as it can (see --stability). The diff goes to stderr.
    """
    from planner.decisions.replan import replan as run
    from planner.verify import verify

    inst = load_instance(instance)
    result = run(
        inst,
        load_plan(old),
        today,
        changes=changes,
        stability=stability,
        time_limit=_solving_seconds(time_limit, inst),
        workers=workers,
        seed=seed,
        log=log,
    )
    _write(result.plan.to_json(), output)
    click.echo(result.text(), err=True)
    if not verify(result.instance, result.plan).ok:  # never expected: replan() verifies its plan
        click.echo("the plan FAILS the independent checker", err=True)
        sys.exit(1)
    sys.exit(0 if result.plan.has_schedule else 1)


def _register_extra_commands() -> None:
    """Commands kept in their own packages (their libraries are optional extras, imported lazily)."""
    from planner.cli.report import report
    from planner.cli.serve import serve
    from planner.cli.spreadsheet import export, import_xlsx, template
    from planner.cli.sweep import criticality, sweep

    main.add_command(report)
    main.add_command(sweep)
    main.add_command(criticality)
    main.add_command(serve)
    main.add_command(template)
    main.add_command(export)
    import_.add_command(import_xlsx)


_register_extra_commands()
