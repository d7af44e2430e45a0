"""The spreadsheet commands: `template`, `import xlsx` and `export xlsx`.

Registered by planner/cli.py (`main.add_command(template)`,
`main.add_command(export)`, `import_.add_command(import_xlsx)`). Workbooks and
instance files are written atomically; on bad input nothing is written and the
exit code is 2.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from planner.errors import PlannerError

F = TypeVar("F", bound=Callable[..., Any])

_BOOK = click.Path(dir_okay=False, path_type=Path)


def _user_errors(func: F) -> F:
    """A `PlannerError` becomes a message on stderr and its exit code (a traceback with --debug)."""

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


@click.command("template")
@click.option("-o", "--output", type=_BOOK, required=True, help="Workbook to write (.xlsx).")
@_user_errors
def template(output: Path) -> None:
    """Write an empty workbook to fill in Excel: one sheet per entity and a README sheet."""
    from planner.spreadsheet import write_template

    write_template(output)
    click.echo(f"wrote {output}", err=True)


@click.command("xlsx")
@click.argument("book", type=_BOOK)
@click.option("-o", "--output", default="-", show_default=True, help="Instance file, or - for stdout.")
@_user_errors
def import_xlsx(book: Path, output: str) -> None:
    """Read a filled workbook BOOK into a restart-instance/1 file; problems are named by cell."""
    from planner.spreadsheet import read_workbook
    from planner.spreadsheet.write import write_atomically

    instance = read_workbook(book)
    text = instance.model_dump_json(indent=2, exclude_defaults=True) + "\n"
    if output == "-":
        click.echo(text, nl=False)
        return
    write_atomically(output, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


@click.group("export")
def export() -> None:
    """Convert instances and plans to other formats."""


@export.command("xlsx")
@click.argument("instance", type=_BOOK)
@click.argument("plan", type=_BOOK, required=False)
@click.option("-o", "--output", type=_BOOK, required=True, help="Workbook to write (.xlsx).")
@_user_errors
def export_xlsx(instance: Path, plan: Path | None, output: Path) -> None:
    """Write INSTANCE as a workbook and, with PLAN, the plan's sheets: restarts, clearance,
    production, staff use and stock, to filter and pivot."""
    from planner.files import load_instance, load_plan
    from planner.spreadsheet import write_workbook

    write_workbook(load_instance(instance), output, load_plan(plan) if plan is not None else None)
    click.echo(f"wrote {output}", err=True)
