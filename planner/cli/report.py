"""`restart-planner report INSTANCE PLAN -o report.html [--png DIR]`: the click command.

Registered by `planner.cli.commands` with `main.add_command(report)`. Exit codes: 0 the
report is written, 1 the plan fails the checker or the `report` extra is
missing, 2 bad input files.
"""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.errors import user_errors
from planner.errors import PlannerError
from planner.formats.read import load_instance, load_plan
from planner.outputs.report.errors import ReportError
from planner.verify import verify


@click.command("report")
@click.argument("instance", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("plan", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The HTML file to write (self-contained: it opens offline).",
)
@click.option(
    "--png",
    "png_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write each chart as a PNG in this directory (no browser needed).",
)
@click.option(
    "--sweep",
    "sweep_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also show a sweep's spread (its output directory, of this instance).",
)
@user_errors
def report(instance: Path, plan: Path, output: Path, png_dir: Path | None, sweep_dir: Path | None) -> None:
    """Write an HTML report of PLAN for INSTANCE: headline figures, recovery curve,
    Gantts of clearance and restarts, staff and stock over time, and why each line
    starts when it does; with --sweep, the spread over a sweep's scenarios."""
    written = _report(instance, plan, output, png_dir, sweep_dir)
    for path in written:
        click.echo(f"wrote {path}", err=True)


def _report(
    instance_path: Path, plan_path: Path, output: Path, png_dir: Path | None, sweep_dir: Path | None = None
) -> list[Path]:
    """Read the files; refuse a plan that fails the checker, or a sweep of another instance; write."""
    instance = load_instance(instance_path)
    plan = load_plan(plan_path)
    sweep = None
    if sweep_dir is not None:
        from planner.decisions.sweep import instance_digest, load_result

        sweep = load_result(sweep_dir)
        if sweep.instance_sha256 != instance_digest(instance):
            raise PlannerError(f"{sweep_dir}: a sweep of another instance than {instance_path}")
    checked = verify(instance, plan)
    if not checked.ok:
        raise ReportError(f"{plan_path}: the plan fails the checker, no report made:\n{checked.summary()}")
    from planner.outputs.report.html import write_report  # altair and vl-convert load only now

    return write_report(instance, plan, output, png_dir=png_dir, sweep=sweep)
