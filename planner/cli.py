"""The `restart-planner` command line: one thin function per command.

Exit codes: 0 a plan was found (or a file is valid), 1 no feasible plan exists
or none was found in time (or a plan breaks the contract), 2 bad input.
Messages go to stderr; plans go to a file or stdout.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from planner.errors import PlannerError
from planner.files import load_instance, load_plan

F = TypeVar("F", bound=Callable[..., Any])


def _user_errors(func: F) -> F:
    """Turn a `PlannerError` into a message on stderr and its exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PlannerError as err:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            click.echo(f"error: {err}", err=True)
            sys.exit(err.exit_code)

    return wrapper  # type: ignore[return-value]


def _solver_options(func: F) -> F:
    """--time-limit, --workers, --seed, --log: defined once, each with an environment variable."""
    options = [
        click.option(
            "--time-limit",
            type=click.FloatRange(min=0),
            default=60.0,
            show_default=True,
            envvar="RESTART_PLANNER_TIME_LIMIT",
            help="Seconds for the whole solve.",
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            default=2,
            show_default=True,
            envvar="RESTART_PLANNER_WORKERS",
            help="CP-SAT search workers.",
        ),
        click.option(
            "--seed",
            type=int,
            default=0,
            show_default=True,
            envvar="RESTART_PLANNER_SEED",
            help="Random seed of the solver.",
        ),
        click.option(
            "--log",
            is_flag=True,
            envvar="RESTART_PLANNER_LOG",
            help="Print the solver's log on stderr.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _write(text: str, output: str) -> None:
    """To stdout for '-', else atomically to the file (no half-written plan on a crash)."""
    if output == "-":
        click.echo(text, nl=False)
        return
    target = Path(output)
    with tempfile.NamedTemporaryFile("w", dir=target.parent or ".", delete=False, suffix=".tmp") as tmp:
        tmp.write(text)
    os.replace(tmp.name, target)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, envvar="RESTART_PLANNER_DEBUG", help="Show tracebacks.")
@click.version_option(package_name="restart-planner")
def main(debug: bool) -> None:
    """Plan the phased restart of plants and lines after a cyber attack."""


@main.command()
@click.argument("instance", type=click.Path(dir_okay=False, path_type=Path))
@_user_errors
def validate(instance: Path) -> None:
    """Check INSTANCE against the contract and list every problem with its place."""
    inst = load_instance(instance)
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
@_solver_options
@_user_errors
def solve(
    instance: Path, output: str, method: str, time_limit: float, workers: int, seed: int, log: bool
) -> None:
    """Solve INSTANCE and write its restart-plan/1 file."""
    from planner.solve import Method
    from planner.solve import solve as run
    from planner.summary import summary
    from planner.verify import verify

    inst = load_instance(instance)
    result = run(
        inst, method=cast(Method, method), time_limit=time_limit, workers=workers, seed=seed, log=log
    )
    _write(result.plan.to_json(), output)
    click.echo(summary(inst, result), err=True)
    report = verify(inst, result.plan)
    if not report.ok:  # never expected: the checker is the last line of defence
        click.echo("the plan FAILS the independent checker:\n" + report.summary(), err=True)
        sys.exit(1)
    if result.plan.has_schedule:
        click.echo("verified: the plan meets every constraint and its figures recompute", err=True)
    sys.exit(0 if result.plan.has_schedule else 1)


@main.command()
@click.argument("instance", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("plan", type=click.Path(dir_okay=False, path_type=Path))
@_user_errors
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
    from planner.generate import generate as make
    from planner.generate import instance_json

    _write(instance_json(make(size, seed)), output)


@main.group(name="import")
def import_() -> None:
    """Convert instances from other formats."""


@import_.command("psplib")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", default="-", show_default=True, help="Instance file, or - for stdout.")
@click.option("--name", default=None, help="Instance name (default: the file's stem).")
@_user_errors
def import_psplib(source: Path, output: str, name: str | None) -> None:
    """Convert a PSPLIB single-mode file (.sm) into a restart instance (objective makespan)."""
    from planner.psplib import from_psplib, to_json

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
    """Write the JSON Schemas of the instance and plan formats."""
    from planner.schema import json_schemas

    out_dir.mkdir(parents=True, exist_ok=True)
    for name, body in json_schemas().items():
        (out_dir / name).write_text(json.dumps(body, indent=2) + "\n")
        click.echo(f"wrote {out_dir / name}", err=True)
