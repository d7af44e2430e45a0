"""The `restart-planner` command line: one thin function per command."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from planner.errors import PlannerError
from planner.files import load_instance

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
