"""Instances and plans as Excel workbooks (the optional `xlsx` extra: openpyxl).

A workbook holds one sheet per entity of a `restart-instance/1` file (one row
an item, or an item and key: a team's demand, a plant's pool), a `settings`
sheet for the top-level fields and a `README` sheet describing every sheet and
column (planner/outputs/spreadsheet/layout.py). Short id lists (`after`, `systems`,
`after_lines`, `workdays`, `closed_days`, `ramp_up_percent`) are
comma-separated cells: ids never hold a comma, and a cycle or a dangling
reference is then reported at one cell.

`read_workbook` validates a filled workbook with the contract and reports every
problem at its cell, `lines!C7: unknown plant 'hallewood'`; `write_workbook`
writes an instance in the same sheets and, with a plan, the plan's tables
(planner/outputs/spreadsheet/plan_sheets.py) as further sheets. Instance -> workbook -> instance
gives an equal `Instance`; the one liberty taken is that a system with
`duration_days` and no `demand` comes back with `demand: {}` (the same single
mode). Sheets, and columns, whose name starts with `_` are the planner's notes
and are not read.
"""

from planner.outputs.spreadsheet.layout import INSTANCE_SHEETS, PLAN_SHEETS, SETTINGS, Column, Sheet
from planner.outputs.spreadsheet.read import read_workbook
from planner.outputs.spreadsheet.write import instance_rows, write_template, write_workbook

__all__ = [
    "INSTANCE_SHEETS",
    "PLAN_SHEETS",
    "SETTINGS",
    "Column",
    "Sheet",
    "instance_rows",
    "read_workbook",
    "write_template",
    "write_workbook",
]
