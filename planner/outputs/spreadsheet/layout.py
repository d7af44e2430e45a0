"""The layout of a restart workbook: its sheets and columns, and what each means.

One sheet per entity of a `restart-instance/1` file (one row an item), or per
list or map of an entity (one row an item and key: a team's demand, a plant's
pool), a `settings` sheet for the top-level fields and, when a plan is written
with it, the plan's sheets. The README sheet is written from these tables, so
it describes every sheet and column there is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from planner.errors import PlannerError

Kind = Literal["id", "text", "int", "bool", "date", "ids", "ints", "weekdays"]
Role = Literal["settings", "entity", "list", "map", "demand", "plan"]

INSTALL_HINT = "pip install 'restart-planner[xlsx]'"
NOTE_PREFIX = "_"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_NAMES = {name: i for i, name in enumerate(_FULL_NAMES)} | {n[:3]: i for i, n in enumerate(_FULL_NAMES)}


# --- the layout ---------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of a sheet (or a row of `settings`): its meaning for the README, its kind of value."""

    name: str
    kind: Kind
    meaning: str
    unit: str = ""
    default: str | None = None  # None: required
    path: tuple[str, ...] = ()  # the field in the file's item; () is `name`

    @property
    def field_path(self) -> tuple[str, ...]:
        return self.path or (self.name,)


@dataclass(frozen=True)
class Sheet:
    """A sheet: entity (one item a row), list or map (rows of a parent item's list or map), ..."""

    name: str
    role: Role
    meaning: str
    columns: tuple[Column, ...]
    parent: str = ""  # list/map/demand: the entity list the first column refers to
    path: tuple[str, ...] = ()  # list/map: where in the parent item the rows go
    index: str = ""  # list: a column numbering the parent's items from 0

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _id(name: str, what: str) -> Column:
    return Column(name, "id", f"Id of the {what} (letters, digits and _ . : -).")


def _ref(name: str, what: str) -> Column:
    return Column(name, "id", f"The {what} this row belongs to: its id on the {what}s sheet.")


def _day(name: str, meaning: str, default: str | None = None, path: tuple[str, ...] = ()) -> Column:
    return Column(name, "int", meaning, "day number (day 0 = start_date)", default, path)


SETTINGS = Sheet(
    "settings",
    "settings",
    "The instance's top-level fields: one row a setting, its name in column A, its value in column B.",
    (
        Column("name", "text", "Name of the instance (plans name it)."),
        Column("start_date", "date", "Date of day 0.", "date YYYY-MM-DD", "blank: day 0 is a Monday"),
        Column("horizon_days", "int", "Days planned: 1..3650.", "days"),
        Column(
            "objective",
            "text",
            "What to minimise: lost_value, lost_units or makespan.",
            default="lost_value",
        ),
        Column(
            "value_currency",
            "text",
            "The currency of the materials' values: a three-letter ISO 4217 code such as GBP.",
            default="blank: values are in value units",
            path=("value_unit", "currency"),
        ),
        Column(
            "value_scale",
            "int",
            "How much of that currency one unit of value is: 100 when values are in £100.",
            "currency units",
            default="1",
            path=("value_unit", "scale"),
        ),
    ),
)

INSTANCE_SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "resources",
        "entity",
        "Renewable crews used by clearance and commissioning (security teams, OT specialists...).",
        (
            _id("id", "resource"),
            Column("capacity", "int", "Crews available each day (before any capacity change).", "crews"),
        ),
    ),
    Sheet(
        "capacity_changes",
        "list",
        "Step changes of a resource's capacity: from that day on the capacity is that value.",
        (
            _ref("resource", "resource"),
            _day("day", "First day of the new capacity (at most one change a day)."),
            Column("capacity", "int", "Capacity from that day on.", "crews"),
        ),
        parent="resources",
        path=("capacity_changes",),
    ),
    Sheet(
        "systems",
        "entity",
        "Systems to be forensically cleared. Give duration_days (one way of clearing it, its demand "
        "on the demand sheet with mode blank) or rows on the modes sheet, or cleared TRUE.",
        (
            _id("id", "system"),
            Column("name", "text", "Name shown in reports."),
            Column("after", "ids", "Systems whose clearance ends before this one starts.", "ids", "none"),
            _day("release_day", "Earliest start.", "0"),
            Column(
                "duration_days", "int", "Days of a single way of clearing it.", "days", "blank: see modes"
            ),
            Column("cleared", "bool", "TRUE: already cleared before day 0.", "TRUE/FALSE", "FALSE"),
            _day("fixed_start", "Clearance starts on this day (work in progress).", "blank: chosen"),
        ),
    ),
    Sheet(
        "modes",
        "list",
        "Alternative ways of clearing a system (one is chosen), numbered 0, 1, 2... per system.",
        (
            _ref("system", "system"),
            Column("mode", "int", "Number of the mode: 0, 1, 2... in row order per system.", "index"),
            Column("duration_days", "int", "Days this way of clearing takes.", "days"),
        ),
        parent="systems",
        path=("modes",),
        index="mode",
    ),
    Sheet(
        "demand",
        "demand",
        "Crews a clearance uses each day it is in progress: one row a system, mode and resource.",
        (
            _ref("system", "system"),
            Column(
                "mode",
                "int",
                "Mode number on the modes sheet; blank for a system with duration_days.",
                "index",
                "blank",
            ),
            Column("resource", "id", "Resource id."),
            Column("amount", "int", "Crews of that resource used each day.", "crews"),
        ),
        parent="systems",
    ),
    Sheet(
        "plants",
        "entity",
        "Plants: their calendar. Staff are on the staff sheet.",
        (
            _id("id", "plant"),
            Column("name", "text", "Name shown in reports."),
            Column(
                "workdays",
                "weekdays",
                "Working weekdays, comma-separated: Mon, Tue... (or 0 = Monday .. 6); none for no day.",
                "weekdays",
                "Mon, Tue, Wed, Thu, Fri",
            ),
            Column("closed_days", "ints", "Day numbers not worked (bank holidays).", "day numbers", "none"),
        ),
    ),
    Sheet(
        "staff",
        "map",
        "Headcount of each staff pool of a plant (before any staff change).",
        (
            _ref("plant", "plant"),
            Column("pool", "id", "Staff pool id (lines' crews refer to it)."),
            Column("headcount", "int", "People in the pool.", "people"),
        ),
        parent="plants",
        path=("staff",),
    ),
    Sheet(
        "staff_changes",
        "list",
        "Step changes of a pool's headcount (staff recalled from furlough).",
        (
            _ref("plant", "plant"),
            _day("day", "First day of the new headcount (at most one change a day and pool)."),
            Column("pool", "id", "Staff pool id (a pool on the staff sheet for this plant)."),
            Column("headcount", "int", "Headcount from that day on.", "people"),
        ),
        parent="plants",
        path=("staff_changes",),
    ),
    Sheet(
        "materials",
        "entity",
        "Bought parts, intermediate products and finished goods. The supply columns are for bought "
        "parts; leave them all blank for a material nobody delivers.",
        (
            _id("id", "material"),
            Column("name", "text", "Name shown in reports."),
            Column("on_hand", "int", "Units in stock at the start of day 0.", "units", "0"),
            Column("value", "int", "Contribution per unit lost; > 0 for a finished good.", "money/unit", "0"),
            Column(
                "supply_per_day",
                "int",
                "Units a supplier delivers per day (required when any supply column is given).",
                "units/day",
                "blank: no supply",
                ("supply", "per_day"),
            ),
            _day("from_day", "First day the supplier delivers.", "0", ("supply", "from_day")),
            Column(
                "ordering_system",
                "id",
                "System that must be cleared before parts are ordered.",
                default="none",
                path=("supply", "ordering_system"),
            ),
            Column(
                "lead_days", "int", "Days from ordering to delivery.", "days", "0", ("supply", "lead_days")
            ),
        ),
    ),
    Sheet(
        "supply_changes",
        "list",
        "Step changes of a material's supply per day (needs supply_per_day on the materials sheet).",
        (
            _ref("material", "material"),
            _day("day", "First day of the new supply rate (at most one change a day)."),
            Column("per_day", "int", "Units per day from that day on.", "units/day"),
        ),
        parent="materials",
        path=("supply", "changes"),
    ),
    Sheet(
        "lines",
        "entity",
        "Production lines. Crews, inputs and commissioning demand are on their own sheets.",
        (
            _id("id", "line"),
            Column("name", "text", "Name shown in reports."),
            Column("plant", "id", "Plant id."),
            Column("output", "id", "Material id of what the line makes."),
            Column("rate_per_shift", "int", "Units per shift at full speed (> 0).", "units/shift"),
            Column("max_shifts", "int", "Most shifts a day (1..24).", "shifts/day", "1"),
            Column(
                "baseline_shifts",
                "int",
                "Shifts a day before the attack (1..max_shifts).",
                "shifts/day",
                "max_shifts",
            ),
            Column("systems", "ids", "Systems cleared before the line restarts.", "ids", "none"),
            Column("after_lines", "ids", "Lines restarted no later than this one.", "ids", "none"),
            _day("release_day", "Earliest restart.", "0"),
            Column(
                "fixed_restart",
                "int",
                "Restart pinned to this day; negative: running since that many days before day 0.",
                "day number",
                "blank: chosen",
            ),
            Column(
                "ramp_up_percent",
                "ints",
                "Output cap on the days after restart, % of full rate, comma-separated: 25, 50, 75.",
                "% (1..100)",
                "none (full rate at once)",
            ),
            Column(
                "commissioning_days",
                "int",
                "Days of commissioning just before the restart (its crews on commissioning_demand).",
                "days",
                "blank: no commissioning",
                ("commissioning", "days"),
            ),
        ),
    ),
    Sheet(
        "crew",
        "map",
        "People of a plant's staff pool that each shift of a line needs.",
        (
            _ref("line", "line"),
            Column("pool", "id", "Staff pool id of the line's plant (on the staff sheet)."),
            Column("people", "int", "People per shift.", "people/shift"),
        ),
        parent="lines",
        path=("crew_per_shift",),
    ),
    Sheet(
        "inputs",
        "map",
        "Materials a line consumes per unit of output.",
        (
            _ref("line", "line"),
            Column("material", "id", "Material id."),
            Column("per_unit", "int", "Units consumed per unit of output (> 0).", "units/unit"),
        ),
        parent="lines",
        path=("inputs",),
    ),
    Sheet(
        "commissioning_demand",
        "map",
        "Crews a line's commissioning uses each day (needs commissioning_days on the lines sheet).",
        (
            _ref("line", "line"),
            Column("resource", "id", "Resource id."),
            Column("amount", "int", "Crews of that resource used each day.", "crews"),
        ),
        parent="lines",
        path=("commissioning", "demand"),
    ),
)


def _out(name: str, meaning: str, unit: str = "") -> Column:
    return Column(name, "text", meaning, unit, "")


PLAN_SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "plan",
        "plan",
        "The plan's headline: one row a figure, its name in column A, its value in column B.",
        (
            _out(
                "figure",
                "instance, status, objective, objective_value, bound, lost_value (in the value unit), "
                "value_unit, lost_value_amount (in its currency), lost_units, makespan, explanation "
                "(one row a reason)",
            ),
            _out("value", "The figure's value (blank: null)."),
        ),
    ),
    Sheet(
        "restarts",
        "plan",
        "One row a line: when it restarts and what it makes against its baseline.",
        (
            _out("line", "Line id."),
            _out("name", "Line name."),
            _out("plant", "Plant id."),
            _out("output", "Material id of what it makes."),
            _out("restart_day", "First day it may produce (blank: not restarted).", "day number"),
            _out("commissioning_start", "First day of commissioning (blank: none).", "day number"),
            _out("full_rate_day", "First day without a ramp-up cap.", "day number"),
            _out(
                "baseline_units", "What it made before the attack over the horizon's working days.", "units"
            ),
            _out("units", "What it makes in the plan.", "units"),
            _out("shortfall_units", "baseline_units - units.", "units"),
            _out("lost_value", "shortfall_units x value of the output (0 for intermediates).", "money"),
        ),
    ),
    Sheet(
        "clearance",
        "plan",
        "One row a system: its clearance and the crews it uses each day in progress.",
        (
            _out("system", "System id."),
            _out("name", "System name."),
            _out("status", "cleared, cleared before day 0, or not cleared."),
            _out("mode", "Mode number chosen (blank: no work in the horizon)."),
            _out("start_day", "First day of the clearance.", "day number"),
            _out("end_day", "Day from which it is cleared (start + duration).", "day number"),
            _out("duration_days", "Days of the chosen mode.", "days"),
            _out("demand:<resource>", "Crews of that resource used each day in progress.", "crews"),
        ),
    ),
    Sheet(
        "production",
        "plan",
        "One row a line and day with shifts.",
        (
            _out("line", "Line id."),
            _out("plant", "Plant id."),
            _out("output", "Material id."),
            _out("day", "Day number.", "day number"),
            _out("shifts", "Shifts run.", "shifts"),
            _out("units", "Units made (usable from the next day).", "units"),
        ),
    ),
    Sheet(
        "staff_use",
        "plan",
        "One row a plant, staff pool and day.",
        (
            _out("plant", "Plant id."),
            _out("pool", "Staff pool id."),
            _out("day", "Day number.", "day number"),
            _out("used", "People on the plant's lines' shifts.", "people"),
            _out("headcount", "Headcount in force.", "people"),
        ),
    ),
    Sheet(
        "stock",
        "plan",
        "One row a material and day: the stock balance.",
        (
            _out("material", "Material id."),
            _out("day", "Day number.", "day number"),
            _out("stock", "Stock at the end of the day.", "units"),
            _out("delivered", "Units delivered by the supplier.", "units"),
            _out("consumed", "Units consumed by lines.", "units"),
            _out("produced", "Units made by lines (usable from the next day).", "units"),
        ),
    ),
)

README_COLUMNS = ("sheet", "column", "required", "default", "unit", "meaning")
INSTANCE_LAYOUT = {sheet.name: sheet for sheet in (SETTINGS, *INSTANCE_SHEETS)}
IGNORED_SHEETS = {"README"} | {sheet.name for sheet in PLAN_SHEETS}


def readme_rows(sheets: list[Sheet]) -> Iterator[list[object]]:
    """The README: a row describing each sheet, then a row for each of its columns."""
    for sheet in sheets:
        yield [sheet.name, None, None, None, None, sheet.meaning]
        if sheet.role == "settings":
            yield [sheet.name, "setting", "yes", None, None, "Name of the setting (one of those below)."]
            yield [sheet.name, "value", None, None, None, "Its value."]
        for col in sheet.columns:
            if sheet.role == "plan":
                yield [sheet.name, col.name, None, None, col.unit, col.meaning]
                continue
            required = "yes" if col.default is None else "no"
            yield [sheet.name, col.name, required, col.default, col.unit, col.meaning]


# --- openpyxl, loaded lazily ------------------------------------------------------


def openpyxl_module() -> Any:
    """openpyxl, imported on first use: it is the optional `xlsx` extra."""
    try:
        import openpyxl
    except ImportError:
        raise PlannerError(f"spreadsheets need openpyxl: {INSTALL_HINT}") from None
    return openpyxl
