"""Reading a filled workbook into an `Instance`, every problem at its cell.

The cells are read by column kind (whole numbers, text, comma-separated lists,
weekdays, TRUE/FALSE, dates) into the instance file's JSON, noting for every
place of the file (`lines[3].plant`) the cell it came from. The contract then
validates the JSON (`planner.formats.read.parse_instance`), and each of its located
problems is said at its cell: `lines!C5: unknown plant 'hallewood'`.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.errors import InstanceError
from planner.formats.read import parse_instance
from planner.formats.schema import INSTANCE_FORMAT, Instance
from planner.outputs.spreadsheet.layout import (
    DAY_NAMES,
    IGNORED_SHEETS,
    INSTANCE_LAYOUT,
    INSTANCE_SHEETS,
    NOTE_PREFIX,
    SETTINGS,
    Kind,
    Sheet,
    openpyxl_module,
)

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

_SUBJECT = "the workbook"


def read_workbook(path: str | Path) -> Instance:
    """Read a filled workbook into an `Instance`; `InstanceError` names each problem's cell."""
    source = str(path)
    problems = _Problems()
    book, formulas = _open(path, source)
    tables = _read_sheets(book, problems, formulas)
    builder = _Builder(problems)
    data = builder.build(tables)
    try:
        instance = parse_instance(json.dumps(data), source=source)
    except InstanceError as err:
        for problem in err.problems:
            problems.add_contract(problem, builder.places)
        raise InstanceError(problems.lines(), source=source, subject=_SUBJECT) from None
    if problems:
        raise InstanceError(problems.lines(), source=source, subject=_SUBJECT)
    return instance


MAX_UNPACKED_BYTES = 64 * 2**20
"""The most a workbook may unpack to: xl-s1's unpacks to 0.7 MB, and openpyxl holds
many times a sheet's size in memory, so a larger one is refused before it is opened."""

MAX_SHEET_CELLS = 1_000_000
"""The largest used range of a sheet: xl-s1's largest sheet has under 2,000 cells. A
stray value far down or to the right makes the used range huge, and every row of it
would be read."""


def _open(path: str | Path, source: str) -> tuple[Workbook, dict[str, set[tuple[int, int]]]]:
    """The workbook with the values saved in its cells, and where it holds formulas.

    `InstanceError` for a file that is not a workbook, one that is damaged,
    or one that unpacks beyond `MAX_UNPACKED_BYTES` (a zip bomb).
    """
    openpyxl = openpyxl_module()

    def refuse(problem: str) -> InstanceError:
        return InstanceError([problem], source=source, subject=_SUBJECT)

    try:
        with zipfile.ZipFile(path) as archive:
            # A member's declared size bounds what zipfile unpacks of it.
            unpacked = sum(member.file_size for member in archive.infolist())
    except (OSError, zipfile.BadZipFile, ValueError) as err:
        raise refuse(f"cannot read the workbook: {err}") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise refuse(
            f"the workbook unpacks to {unpacked:,} bytes; the planner reads workbooks of at most "
            f"{MAX_UNPACKED_BYTES:,}"
        )
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as err:  # openpyxl raises whatever its zip, XML and style readers raise on damage
        raise refuse(f"cannot read the workbook, it is damaged: {type(err).__name__}: {err}") from None
    for ws in book.worksheets:
        cells = (ws.max_row or 0) * (ws.max_column or 0)
        if cells > MAX_SHEET_CELLS:
            raise refuse(
                f"{ws.title}: its used range {ws.dimensions} holds {cells:,} cells, more than the "
                f"{MAX_SHEET_CELLS:,} read; clear the cells outside the table"
            )
    try:
        formulas = _formula_cells(openpyxl.load_workbook(path, read_only=True))
    except Exception as err:  # as above
        raise refuse(f"cannot read the workbook, it is damaged: {type(err).__name__}: {err}") from None
    return book, formulas


def _formula_cells(book: Workbook) -> dict[str, set[tuple[int, int]]]:
    """Sheet name -> (row, column index from 0) of each cell that holds a formula."""
    found: dict[str, set[tuple[int, int]]] = {}
    try:
        for ws in book.worksheets:
            found[ws.title] = {
                (cell.row, cell.column - 1)
                for row in ws.iter_rows()
                for cell in row
                if getattr(cell, "data_type", None) == "f"
                and cell.row is not None
                and cell.column is not None
            }
    finally:
        book.close()
    return found


# --- reading: cells -------------------------------------------------------------------


@dataclass
class _Row:
    """A row of a sheet: its values by column name, converted to their kind, and their cells."""

    number: int
    values: dict[str, Any]
    cells: dict[str, str]  # column name -> "lines!C7"

    def ref(self, column: str) -> str:
        return self.cells[column]


class _Problems:
    """Problems by cell; a contract problem at a cell already reported is left out."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.cells: set[str] = set()

    def __bool__(self) -> bool:
        return bool(self.found)

    def add(self, ref: str, message: str) -> None:
        self.found.append(f"{ref}: {message}")
        self.cells.add(ref)

    def add_contract(self, problem: str, places: dict[str, tuple[str, str]]) -> None:
        ref, message = _locate(problem, places)
        if ref is None:
            self.found.append(problem)
        elif ref not in self.cells:
            self.add(ref, message)

    def lines(self) -> list[str]:
        return self.found


def _read_sheets(
    book: Workbook, problems: _Problems, formulas: dict[str, set[tuple[int, int]]]
) -> dict[str, list[_Row]]:
    """Every instance sheet's non-blank rows (absent sheets have none); unknown sheets reported."""
    tables: dict[str, list[_Row]] = {name: [] for name in INSTANCE_LAYOUT}
    for ws in book.worksheets:
        if ws.title.startswith(NOTE_PREFIX) or ws.title in IGNORED_SHEETS:
            continue
        layout = INSTANCE_LAYOUT.get(ws.title)
        if layout is None:
            known = ", ".join(INSTANCE_LAYOUT)
            problems.add(
                ws.title,
                f"unknown sheet (the sheets are {known}; start a sheet's name with _ to keep notes)",
            )
            continue
        if layout.role == "settings":
            tables[ws.title] = _read_settings(ws, problems)
        else:
            tables[ws.title] = _read_table(ws, layout, problems)
        _formulas_without_values(ws, formulas.get(ws.title, set()), problems)
    if SETTINGS.name not in book.sheetnames:
        problems.add(SETTINGS.name, "missing sheet (it holds name and horizon_days)")
    return tables


def _formulas_without_values(ws: Worksheet, formulas: set[tuple[int, int]], problems: _Problems) -> None:
    """A formula's value is read as the workbook saved it; one never calculated would read as blank.

    openpyxl calculates nothing: a workbook written by a program, not saved by
    a spreadsheet program, has formulas without values.
    """
    for row, column in sorted(formulas):
        if ws.cell(row, column + 1).value is None:
            problems.add(
                _cell(ws.title, column, row),
                "a formula without a saved value: save the workbook in a spreadsheet program, "
                "or type the value",
            )


def _read_table(ws: Worksheet, layout: Sheet, problems: _Problems) -> list[_Row]:
    """The sheet's non-blank rows below its header."""
    rows = ws.iter_rows(min_row=1, values_only=True)
    header = next(rows, ())
    columns = _read_header(ws.title, header, layout, problems)
    headless: set[int] = set()  # columns without a header, each reported once
    table = []
    for number, values in enumerate(rows, start=2):
        if all(_blank(v) for v in values):
            continue
        table.append(_read_row(ws.title, number, values, columns, layout, problems))
        for i, value in enumerate(values):
            if not _blank(value) and (i >= len(header) or _blank(header[i])) and i not in headless:
                headless.add(i)
                problems.add(_cell(ws.title, i, number), "a value in a column without a header")
    return table


def _read_row(
    name: str,
    number: int,
    values: tuple[Any, ...],
    columns: dict[str, int],
    layout: Sheet,
    problems: _Problems,
) -> _Row:
    """A row's values converted to their columns' kinds; a column the sheet lacks is blank."""
    row = _Row(number, {}, {})
    for col in layout.columns:
        index = columns.get(col.name)
        row.cells[col.name] = name if index is None else _cell(name, index, number)
        raw = values[index] if index is not None and index < len(values) else None
        row.values[col.name] = _convert(col.kind, raw, row.cells[col.name], problems)
    return row


def _read_header(name: str, header: tuple[Any, ...], layout: Sheet, problems: _Problems) -> dict[str, int]:
    """Column name -> index; unknown, repeated and missing required columns reported."""
    columns: dict[str, int] = {}
    known = {c.name for c in layout.columns}
    for i, title in enumerate(header):
        text = "" if _blank(title) else str(title).strip()
        if not text or text.startswith(NOTE_PREFIX):
            continue
        if text not in known:
            expected = ", ".join(c.name for c in layout.columns)
            problems.add(_cell(name, i, 1), f"unknown column '{text}' (the columns are {expected})")
        elif text in columns:
            also = _cell(name, columns[text], 1)
            problems.add(_cell(name, i, 1), f"a second column '{text}' (also {also})")
        else:
            columns[text] = i
    for col in layout.columns:
        if col.default is None and col.name not in columns:
            problems.add(name, f"missing column '{col.name}' (required)")
    return columns


def _cell(sheet: str, index: int, row: int) -> str:
    """('lines', 2, 7) -> 'lines!C7'."""
    from openpyxl.utils import get_column_letter

    return f"{sheet}!{get_column_letter(index + 1)}{row}"


def _read_settings(ws: Worksheet, problems: _Problems) -> list[_Row]:
    """One `_Row` holding every setting: values by setting name, cells in column B."""
    found = _Row(0, {}, {})
    for number, values in enumerate(ws.iter_rows(min_row=2, max_col=2, values_only=True), start=2):
        key, raw = values
        if _blank(key):
            if not _blank(raw):
                problems.add(f"settings!A{number}", "a value without a setting name in column A")
            continue
        name = str(key).strip()
        if name not in {s.name for s in SETTINGS.columns}:
            expected = ", ".join(s.name for s in SETTINGS.columns)
            problems.add(f"settings!A{number}", f"unknown setting '{name}' (the settings are {expected})")
        elif name in found.cells:
            problems.add(f"settings!A{number}", f"a second row for '{name}' (also {found.cells[name]})")
        else:
            ref = f"settings!B{number}"
            found.cells[name] = ref
            found.values[name] = _convert(SETTINGS.column(name).kind, raw, ref, problems)
            if _blank(raw) and SETTINGS.column(name).default is None:
                problems.add(ref, f"missing value of '{name}' (required)")
    for setting in SETTINGS.columns:
        if setting.name not in found.cells and setting.default is None:
            problems.add("settings", f"no row for '{setting.name}' (required)")
        found.cells.setdefault(setting.name, "settings")
    return [found]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- reading: values -----------------------------------------------------------------------


_INT = re.compile(r"[+-]?\d+")


class _Bad(ValueError):
    """A cell's value is not of its column's kind."""


def _convert(kind: Kind, raw: Any, ref: str, problems: _Problems) -> Any:
    """The cell's value as the file would hold it; None for a blank or a bad cell (reported)."""
    if _blank(raw):
        return None
    try:
        return _CONVERTERS[kind](raw)
    except _Bad as err:
        problems.add(ref, f"{err}, got {_show(raw)}")
        return None


def _to_int(raw: Any) -> int:
    if isinstance(raw, bool | datetime | date):
        raise _Bad("expected a whole number")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and _INT.fullmatch(raw.strip()):
        return int(raw.strip())
    raise _Bad("expected a whole number")


def _to_text(raw: Any) -> str:
    """Text as typed (a name keeps its spaces); a number typed into a text cell is its digits."""
    if isinstance(raw, bool | datetime | date):
        raise _Bad("expected text")
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _to_id(raw: Any) -> str:
    return _to_text(raw).strip()


def _to_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "false"):
        return text == "true"
    raise _Bad("expected TRUE or FALSE")


def _to_date(raw: Any) -> str:
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, str):
        return raw.strip()
    raise _Bad("expected a date YYYY-MM-DD")


def _items(raw: Any) -> list[str]:
    """A comma-separated cell's items (a lone number is one item)."""
    return [part.strip() for part in _to_text(raw).split(",") if part.strip()]


def _to_ids(raw: Any) -> list[str]:
    return _items(raw)


def _to_ints(raw: Any) -> list[int]:
    try:
        return [_to_int(part) for part in _items(raw)]
    except _Bad:
        raise _Bad("expected whole numbers separated by commas") from None


def _to_weekdays(raw: Any) -> list[int]:
    if _to_id(raw).lower() == "none":
        return []
    days = []
    for part in _items(raw):
        if part.lower() in DAY_NAMES:
            days.append(DAY_NAMES[part.lower()])
        elif _INT.fullmatch(part):
            days.append(int(part))
        else:
            raise _Bad("expected weekdays separated by commas (Mon, Tue... or 0 = Monday .. 6), or none")
    return days


_CONVERTERS: dict[Kind, Callable[[Any], Any]] = {
    "id": _to_id,
    "text": _to_text,
    "int": _to_int,
    "bool": _to_bool,
    "date": _to_date,
    "ids": _to_ids,
    "ints": _to_ints,
    "weekdays": _to_weekdays,
}


def _show(value: Any) -> str:
    if isinstance(value, datetime | date):
        return f"the date {value:%Y-%m-%d}"
    text = json.dumps(value) if isinstance(value, str | bool | int | float) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- reading: the instance file's JSON -------------------------------------------------------


@dataclass
class _Item:
    """An entity read from a row: its dict in the file, its place there, its row."""

    data: dict[str, Any]
    place: str
    row: _Row


@dataclass
class _Builder:
    """Builds the instance file's JSON from the rows, noting where every place of it came from."""

    problems: _Problems
    places: dict[str, tuple[str, str]] = field(default_factory=dict)  # place -> (key cell, value cell)
    items: dict[str, dict[str, _Item]] = field(default_factory=dict)  # entity list -> id -> item

    def build(self, tables: dict[str, list[_Row]]) -> dict[str, Any]:
        data: dict[str, Any] = {"format": INSTANCE_FORMAT}
        self._settings(data, tables["settings"][0] if tables["settings"] else None)
        for sheet in INSTANCE_SHEETS:
            if sheet.role == "entity":
                data[sheet.name] = self._entities(sheet, tables[sheet.name])
                self.places[sheet.name] = (sheet.name, sheet.name)
        for sheet in INSTANCE_SHEETS:
            for row in tables[sheet.name] if sheet.role != "entity" else ():
                self._child(sheet, row)
        return data

    def _note(self, place: str, key: str, value: str | None = None) -> None:
        self.places.setdefault(place, (key, value or key))

    def _settings(self, data: dict[str, Any], row: _Row | None) -> None:
        for setting in SETTINGS.columns:
            ref = row.ref(setting.name) if row else "settings"
            for depth in range(1, len(setting.field_path) + 1):
                self._note(".".join(setting.field_path[:depth]), ref)
            if row is not None and row.values.get(setting.name) is not None:
                _put(data, setting.field_path, row.values[setting.name])

    def _entities(self, sheet: Sheet, rows: list[_Row]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        known = self.items.setdefault(sheet.name, {})
        for i, row in enumerate(rows):
            place = f"{sheet.name}[{i}]"
            item: dict[str, Any] = {}
            self._note(place, row.ref("id"))
            for col in sheet.columns:
                value = row.values[col.name]
                for depth in range(1, len(col.field_path) + 1):
                    self._note(_place(place, col.field_path[:depth]), row.ref(col.name))
                if value is not None:
                    _put(item, col.field_path, value)
            if sheet.name == "systems" and "duration_days" in item:
                item["demand"] = {}
            known.setdefault(row.values["id"], _Item(item, place, row))
            found.append(item)
        return found

    def _parent(self, sheet: Sheet, row: _Row) -> _Item | None:
        column = sheet.columns[0].name
        ref = row.ref(column)
        parent_id = row.values[column]
        if parent_id is None:
            self.problems.add(ref, "missing value (required)")
            return None
        parent = self.items[sheet.parent].get(parent_id)
        if parent is None:
            self.problems.add(ref, f"unknown {column} '{parent_id}' (not on the {sheet.parent} sheet)")
        return parent

    def _child(self, sheet: Sheet, row: _Row) -> None:
        parent = self._parent(sheet, row)
        if parent is None:
            return
        if sheet.role == "list":
            self._list_item(sheet, row, parent)
        elif sheet.role == "map":
            key, amount = (c.name for c in sheet.columns[1:])
            self._map_entry(row, parent, sheet.path, key, amount)
        else:
            self._demand(row, parent)

    def _list_item(self, sheet: Sheet, row: _Row, parent: _Item) -> None:
        items: list[dict[str, Any]] = _put(parent.data, sheet.path, [], keep=True)
        k = len(items)
        place = _place(parent.place, (*sheet.path, k))
        if sheet.index:
            number = row.values[sheet.index]
            if number != k:
                owner = parent.row.values["id"]
                self.problems.add(
                    row.ref(sheet.index),
                    f"expected {sheet.index} {k} ({sheet.index}s of '{owner}' are numbered 0, 1, 2... "
                    "in row order)",
                )
        fields = [c for c in sheet.columns[1:] if c.name != sheet.index]
        self._note(_place(parent.place, sheet.path), row.ref(fields[0].name))
        self._note(place, row.ref(fields[0].name))
        items.append({c.name: row.values[c.name] for c in fields if row.values[c.name] is not None})
        for col in fields:
            self._note(f"{place}.{col.name}", row.ref(col.name))

    def _map_entry(
        self, row: _Row, parent: _Item, path: tuple[str | int, ...], key: str, amount: str
    ) -> None:
        for column in (key, amount):
            if row.values[column] is None and row.ref(column) not in self.problems.cells:
                self.problems.add(row.ref(column), "missing value (required)")
        name, value = row.values[key], row.values[amount]
        if name is None or value is None:
            return
        entries: dict[str, Any] = _put(parent.data, path, {}, keep=True)
        place = _place(parent.place, (*path, name))
        if name in entries:
            first = self.places[place][0]
            self.problems.add(row.ref(key), f"a second row for {key} '{name}' (also {first})")
            return
        entries[name] = value
        self._note(_place(parent.place, path), row.ref(key))
        self._note(place, row.ref(key), row.ref(amount))

    def _demand(self, row: _Row, system: _Item) -> None:
        mode = row.values["mode"]
        if mode is None:
            self._map_entry(row, system, ("demand",), "resource", "amount")
            return
        modes = system.data.get("modes", [])
        if not 0 <= mode < len(modes):
            self.problems.add(
                row.ref("mode"),
                f"system '{system.row.values['id']}' has no mode {mode} on the modes sheet "
                "(leave mode blank for a system with duration_days)",
            )
            return
        self._map_entry(row, system, ("modes", mode, "demand"), "resource", "amount")


def _place(base: str, path: tuple[str | int, ...]) -> str:
    """('systems[3]', ('modes', 0, 'demand')) -> 'systems[3].modes[0].demand', as the contract says it."""
    return base + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)


def _put(item: dict[str, Any], path: tuple[str | int, ...], value: Any, *, keep: bool = False) -> Any:
    """Set `item[path]` (creating the dicts on the way; an int indexes a list) and return it.

    With `keep`, an existing value stays and is returned.
    """
    target: Any = item
    for part in path[:-1]:
        target = target[part] if isinstance(part, int) else target.setdefault(part, {})
    last = path[-1]
    if keep and last in target:
        return target[last]
    target[last] = value
    return value


# --- reading: the contract's problems, at their cells -------------------------------------------------


_ABOUT_THE_VALUE = ("must be", "expected", "missing")


def _locate(problem: str, places: dict[str, tuple[str, str]]) -> tuple[str | None, str]:
    """`lines[3].plant: unknown plant 'x'` -> ('lines!C5', "unknown plant 'x'").

    Places hold no space, so the first ': ' ends the place. The longest part of
    it known to come from a cell wins (ids hold '.' and ':', so places are
    matched, not split); what remains, an item of a comma-separated cell, is
    dropped: the message names the value. A problem of a map entry's value (a
    bound, a missing value) is at the value's cell, any other at the key's.
    """
    place, _, message = problem.partition(": ")
    cut = [i for i, char in enumerate(place) if char in ".[:"] + [len(place)]
    known = [i for i in cut if place[:i] in places]
    if not known:
        return None, problem
    key_ref, value_ref = places[place[: known[-1]]]
    if message.startswith("missing field"):
        message = "missing value" + (message.removeprefix("missing field") or " (required)")
    return (value_ref if message.startswith(_ABOUT_THE_VALUE) else key_ref), message
