"""Writing workbooks: the template, an instance, and a plan's tables beside it.

Every file is written atomically (a temporary file in the same folder, then
renamed), so a failed write leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.errors import InstanceError, PlannerError
from planner.formats import money
from planner.formats.schema import Instance, Plan
from planner.formats.write import write_atomically
from planner.outputs.spreadsheet.layout import (
    INSTANCE_LAYOUT,
    INSTANCE_SHEETS,
    PLAN_SHEETS,
    README_COLUMNS,
    SETTINGS,
    WEEKDAYS,
    Kind,
    Sheet,
    openpyxl_module,
    readme_rows,
)

if TYPE_CHECKING:
    from openpyxl import Workbook

# --- the workbooks -------------------------------------------------------------


def write_template(path: str | Path) -> None:
    """Write an empty workbook: the README, the settings and one sheet per entity, headers only."""
    book = _new_book(plan_sheets=False)
    _write_settings(book, {s.name: None for s in SETTINGS.columns})
    for sheet in INSTANCE_SHEETS:
        _write_rows(book, sheet.name, [c.name for c in sheet.columns], [])
    _save(book, path)


def write_workbook(instance: Instance, path: str | Path, plan: Plan | None = None) -> None:
    """Write `instance` in the template's sheets and, with a plan, the plan's tables.

    The plan must pass the checker (`planner.verify`): its tables are recomputed
    from the instance and its decisions. Otherwise `InstanceError`, nothing written.
    """
    if plan is not None:
        _check_plan(instance, plan)
    book = _new_book(plan_sheets=plan is not None)
    _write_settings(book, _settings_values(instance))
    for name, rows in instance_rows(instance).items():
        _write_rows(book, name, [c.name for c in INSTANCE_LAYOUT[name].columns], rows)
    if plan is not None:
        _write_plan(book, instance, plan)
    _save(book, path)


def instance_rows(instance: Instance) -> dict[str, list[list[object]]]:
    """Sheet name -> the cell values of its rows, for every instance sheet but settings."""
    dump = instance.model_dump()
    rows: dict[str, list[list[object]]] = {}
    for sheet in INSTANCE_SHEETS:
        if sheet.role == "entity":
            rows[sheet.name] = [_entity_row(sheet, item) for item in dump[sheet.name]]
        elif sheet.role == "demand":
            rows[sheet.name] = list(_demand_rows(dump["systems"]))
        else:
            rows[sheet.name] = list(_child_rows(sheet, dump[sheet.parent]))
    return rows


def _entity_row(sheet: Sheet, item: dict[str, Any]) -> list[object]:
    return [_to_cell(col.kind, _get(item, col.field_path)) for col in sheet.columns]


def _child_rows(sheet: Sheet, parents: list[dict[str, Any]]) -> Iterator[list[object]]:
    fields = sheet.columns[1:]
    for parent in parents:
        children = _get(parent, sheet.path)
        if sheet.role == "map":
            for key, amount in (children or {}).items():
                yield [parent["id"], key, amount]
            continue
        for k, child in enumerate(children or []):
            yield [parent["id"]] + [
                k if c.name == sheet.index else _to_cell(c.kind, child[c.name]) for c in fields
            ]


def _demand_rows(systems: list[dict[str, Any]]) -> Iterator[list[object]]:
    for system in systems:
        for resource, amount in (system["demand"] or {}).items():
            yield [system["id"], None, resource, amount]
        for k, mode in enumerate(system["modes"] or []):
            for resource, amount in mode["demand"].items():
                yield [system["id"], k, resource, amount]


def _get(item: dict[str, Any] | None, path: tuple[str, ...]) -> Any:
    for part in path:
        if item is None:
            return None
        item = item.get(part)
    return item


def _to_cell(kind: Kind, value: Any) -> object:
    """A field's value as a cell shows it: lists comma-separated, workdays by name."""
    if kind == "weekdays":
        return ", ".join(WEEKDAYS[d] for d in value) if value else "none"
    if kind in ("ids", "ints"):
        return ", ".join(str(v) for v in value) if value else None
    return value


def _settings_values(instance: Instance) -> dict[str, object]:
    dump = instance.model_dump()
    return {s.name: _get(dump, s.field_path) for s in SETTINGS.columns}


def _new_book(*, plan_sheets: bool) -> Workbook:
    book: Workbook = openpyxl_module().Workbook()
    del book[book.sheetnames[0]]  # the default sheet
    sheets = [SETTINGS, *INSTANCE_SHEETS, *(PLAN_SHEETS if plan_sheets else ())]
    _write_rows(book, "README", list(README_COLUMNS), list(readme_rows(sheets)))
    return book


def _write_settings(book: Workbook, values: dict[str, object]) -> None:
    rows = [[name, value] for name, value in values.items()]
    _write_rows(book, "settings", ["setting", "value"], rows)


def _write_plan(book: Workbook, instance: Instance, plan: Plan) -> None:
    from planner.outputs.spreadsheet.plan_sheets import plan_tables

    _write_rows(book, "plan", ["figure", "value"], _plan_figures(instance, plan))
    for name, frame in plan_tables(instance, plan).items():
        rows = [[_plain(v) for v in row] for row in frame.itertuples(index=False)]
        _write_rows(book, name, [str(c) for c in frame.columns], rows)


def _plan_figures(instance: Instance, plan: Plan) -> list[list[object]]:
    lost = None if plan.lost_value is None else money.amount(instance.value_unit, plan.lost_value)
    figures: list[list[object]] = [
        ["instance", plan.instance],
        ["status", plan.status],
        ["objective", plan.objective.kind],
        ["objective_value", plan.objective.value],
        ["bound", plan.objective.bound],
        ["lost_value", plan.lost_value],
        ["value_unit", money.unit_name(instance.value_unit)],
        ["lost_value_amount", lost],
        ["lost_units", plan.lost_units],
        ["makespan", plan.makespan],
    ]
    return figures + [["explanation", reason] for reason in plan.explanation or []]


def _plain(value: Any) -> object:
    """pandas/numpy scalars as the Python values openpyxl writes (NA as a blank cell)."""
    import pandas as pd

    if value is None or value is pd.NA:
        return None
    return value.item() if hasattr(value, "item") else value


def _check_plan(instance: Instance, plan: Plan) -> None:
    from planner.verify import verify

    report = verify(instance, plan)
    if not report.ok:
        problems = [str(v) for v in report.violations]
        raise InstanceError(problems, subject="the plan (it fails the checker)")


def _write_rows(
    book: Workbook,
    name: str,
    header: list[str],
    rows: list[list[object]],
) -> None:
    """A sheet: bold frozen header, a filter over the columns, readable widths."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(name)
    ws.append(header)
    for row in rows:
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
            elif cell.data_type == "f":
                # A name such as '=HYPERLINK(...)' is text from the file, never a formula to run.
                cell.data_type = "s"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(len(rows) + 1, 2)}"
    for i, title in enumerate(header, start=1):
        longest = max([len(title), *(len(str(r[i - 1])) for r in rows[:200] if r[i - 1] is not None)])
        ws.column_dimensions[get_column_letter(i)].width = min(max(longest + 2, 8), 60)


def _save(book: Workbook, path: str | Path) -> None:
    write_file(path, book.save)


def write_file(path: str | Path, content: str | Callable[[Path], object]) -> None:
    """`planner.formats.write.write_atomically`, where a folder that cannot be written is a `PlannerError`."""
    try:
        write_atomically(path, content)
    except OSError as err:
        raise PlannerError(f"cannot write {Path(path)}: {err.strerror or err}") from None
