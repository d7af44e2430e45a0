"""The spreadsheet commands: `template`, `import xlsx` and `export xlsx`.

Registered by planner/cli/commands.py (`main.add_command(template)`,
`main.add_command(export)`, `import_.add_command(import_xlsx)`). Workbooks and
instance files are written atomically; on bad input nothing is written and the
exit code is 2.
"""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.errors import user_errors

_BOOK = click.Path(dir_okay=False, path_type=Path)


@click.command("template")
@click.option("-o", "--output", type=_BOOK, required=True, help="Workbook to write (.xlsx).")
@user_errors
def template(output: Path) -> None:
    """Write an empty workbook to fill in Excel: one sheet per entity and a README sheet."""
    from planner.outputs.spreadsheet import write_template

    write_template(output)
    click.echo(f"wrote {output}", err=True)


@click.command("xlsx")
@click.argument("book", type=_BOOK)
@click.option("-o", "--output", default="-", show_default=True, help="Instance file, or - for stdout.")
@user_errors
def import_xlsx(book: Path, output: str) -> None:
    """Read a filled workbook BOOK into a restart-instance/1 file; problems are named by cell."""
    from planner.outputs.spreadsheet import read_workbook
    from planner.outputs.spreadsheet.write import write_file

    instance = read_workbook(book)
    text = instance.model_dump_json(indent=2, exclude_defaults=True) + "\n"
    if output == "-":
        click.echo(text, nl=False)
        return
    write_file(output, text)


@click.group("export")
def export() -> None:
    """Convert instances and plans to other formats."""


@export.command("xlsx")
@click.argument("instance", type=_BOOK)
@click.argument("plan", type=_BOOK, required=False)
@click.option("-o", "--output", type=_BOOK, required=True, help="Workbook to write (.xlsx).")
@user_errors
def export_xlsx(instance: Path, plan: Path | None, output: Path) -> None:
    """Write INSTANCE as a workbook and, with PLAN, the plan's sheets: restarts, clearance,
    production, staff use and stock, to filter and pivot."""
    from planner.formats.read import load_instance, load_plan
    from planner.outputs.spreadsheet import write_workbook

    write_workbook(load_instance(instance), output, load_plan(plan) if plan is not None else None)
    click.echo(f"wrote {output}", err=True)
